/**
 * The objective behind `skipjack run`: one trial is one run of the command. It takes a slot,
 * samples the static space, starts the command in its own process group with the parameters in
 * its argv and environment, turns metric lines into reports (and prunes after each), and ends
 * the trial from the way the command ended.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Params, SearchSpace } from "../distributions/index.js";
import { TrialPruned } from "../errors/index.js";
import { logger } from "../logging/index.js";
import { NopPruner } from "../pruners/pruner.js";
import type { Study } from "../study/study.js";
import type { Trial } from "../trial/trial.js";
import type { ChildExit, ChildRegistry } from "./child.js";
import { CommandFailed, describeExit, failureMessage, Tail } from "./failures.js";
import { TrialLog } from "./logs.js";
import { MetricReader } from "./metrics.js";
import { SlotPool } from "./slots.js";
import { expandTemplate } from "./template.js";

/** What a trial's command gets from a trial API served to it (define-by-run). */
export interface TrialApiSession {
  /** Variables added to the child's environment (SKIPJACK_API_URL, ...). */
  readonly env: Readonly<Record<string, string>>;
  /** What the command told through the API, if it did. */
  told(): { state: "COMPLETE" | "PRUNED" | "FAIL"; values: number[] | null } | undefined;
  /** Whether the API answered "prune" to the command at least once. */
  pruneAdvised(): boolean;
  /** Ends the trial's access to the API. */
  close(): Promise<void> | void;
}

/** Serves the trial API to children; optional. */
export interface TrialApi {
  open(trial: Trial): Promise<TrialApiSession> | TrialApiSession;
}

/** Settings of a run that every trial shares. */
export interface TrialRunnerOptions {
  readonly study: Study;
  readonly command: readonly string[];
  readonly space: SearchSpace | null;
  readonly metrics: readonly string[];
  readonly objectiveValue: "last" | "best";
  readonly logDir: string;
  readonly trialsDir: string;
  readonly killGrace: number;
  readonly trialTimeout: number | null;
  readonly verbose: boolean;
  readonly slots: SlotPool;
  readonly children: ChildRegistry;
  readonly api?: TrialApi | undefined;
  /** Where `--verbose` lines go (default standard error). */
  readonly echo?: (text: string) => void;
}

/** Samples the static space in its order. */
function sample(trial: Trial, space: SearchSpace): Params {
  const params: Params = {};
  for (const [name, d] of Object.entries(space)) {
    if (d.kind === "categorical") params[name] = trial.suggestCategorical(name, d.choices);
    else if (d.kind === "int")
      params[name] = trial.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
    else
      params[name] = trial.suggestFloat(name, d.low, d.high, {
        log: d.log,
        ...(d.step !== null ? { step: d.step } : {}),
      });
  }
  return params;
}

/** The objective function of `study.optimize` for a run. */
export function commandObjective(options: TrialRunnerOptions): (trial: Trial) => Promise<number[]> {
  const { study } = options;
  const prunes = study.directions.length === 1 && !(study.pruner instanceof NopPruner);
  const echo = options.verbose
    ? (options.echo ??
      ((text: string) => {
        process.stderr.write(text);
      }))
    : null;

  return async (trial) => {
    const slot = options.slots.acquire();
    const log = new TrialLog(options.logDir, trial.number, echo);
    let session: TrialApiSession | null = null;
    try {
      trial.setUserAttr("log_path", log.path);
      const params = options.space === null ? {} : sample(trial, options.space);
      const trialDir = resolve(join(options.trialsDir, String(trial.number)));
      // Fresh for every trial: nothing of an earlier trial with this number is left in it.
      rmSync(trialDir, { recursive: true, force: true });
      mkdirSync(trialDir, { recursive: true });
      session = options.api === undefined ? null : await options.api.open(trial);
      const ctx = { trialNumber: trial.number, trialDir, studyName: study.studyName };
      const argv = expandTemplate(options.command, params, ctx);
      const env: NodeJS.ProcessEnv = {
        // Python buffers a piped stdout: metric lines would come at the end, too late to prune.
        PYTHONUNBUFFERED: "1",
        ...process.env,
        ...SlotPool.env(slot),
        SKIPJACK_PARAMS: JSON.stringify(params),
        SKIPJACK_TRIAL_NUMBER: String(trial.number),
        SKIPJACK_STUDY_NAME: study.studyName,
        SKIPJACK_TRIAL_DIR: trialDir,
        ...(session?.env ?? {}),
      };
      return await runCommand(trial, argv, env, log, options, prunes, session);
    } finally {
      await session?.close();
      await log.close();
      options.slots.release(slot);
    }
  };
}

async function runCommand(
  trial: Trial,
  argv: string[],
  env: NodeJS.ProcessEnv,
  log: TrialLog,
  options: TrialRunnerOptions,
  prunes: boolean,
  session: TrialApiSession | null,
): Promise<number[]> {
  const reader = new MetricReader(options.metrics, options.study.directions);
  const stderr = new Tail();
  let stopping: "pruned" | "timeout" | "interrupted" | null = null;
  // Reports are stored one after another, in the order of the lines.
  let reports: Promise<void> = Promise.resolve();
  let reportError: unknown = null;

  const child = options.children.start({
    argv,
    env,
    onStdout: (line) => {
      log.line(line);
      const report = reader.read(line);
      if (report === null || !prunes || stopping !== null) return;
      const value = report.values.get(options.metrics[0] as string) as number;
      reports = reports.then(async () => {
        if (stopping !== null || reportError !== null) return;
        try {
          await trial.report(value, report.step);
          if (stopping === null && (await trial.shouldPrune())) {
            stopping = "pruned";
            log.line(`[skipjack] pruned at step ${report.step}; stopping the process group`);
            void child.stop(options.killGrace);
          }
        } catch (error) {
          // The trial was ended from outside (Ctrl-C) or its storage failed: stop the command.
          reportError = error;
          void child.stop(options.killGrace);
        }
      });
    },
    onStderr: (line) => {
      log.line(line);
      stderr.push(line);
    },
  });

  const onAbort = (): void => {
    stopping ??= "interrupted";
    void child.stop(options.killGrace);
  };
  trial.signal.addEventListener("abort", onAbort, { once: true });
  const timer =
    options.trialTimeout === null
      ? null
      : setTimeout(() => {
          stopping ??= "timeout";
          log.line(`[skipjack] --trial-timeout ${options.trialTimeout} s reached; stopping`);
          void child.stop(options.killGrace);
        }, options.trialTimeout * 1000);

  let exit: ChildExit;
  try {
    exit = await child.exited;
  } catch (error) {
    throw new CommandFailed(
      `cannot start ${JSON.stringify(argv[0])}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    if (timer !== null) clearTimeout(timer);
    trial.signal.removeEventListener("abort", onAbort);
  }
  await reports;
  log.line(`[skipjack] ${describeExit(exit)}`);

  if (stopping === "pruned") throw new TrialPruned(`Trial ${trial.number} was pruned.`);
  if (stopping === "interrupted" || trial.signal.aborted) {
    throw new CommandFailed(`interrupted (${describeExit(exit)})`);
  }
  if (stopping === "timeout") {
    throw new CommandFailed(
      failureMessage(`timed out after ${options.trialTimeout} s (--trial-timeout)`, stderr),
    );
  }
  if (reportError !== null) throw reportError;
  const told = session?.told();
  if (told?.state === "PRUNED" || (exit.code !== 0 && session?.pruneAdvised())) {
    throw new TrialPruned(`Trial ${trial.number} was pruned.`);
  }
  if (exit.code !== 0) throw new CommandFailed(failureMessage(describeExit(exit), stderr));
  if (told?.state === "FAIL") throw new CommandFailed("the command told the trial FAIL");
  if (told?.state === "COMPLETE" && told.values !== null) return told.values;
  if (options.metrics.length === 0) {
    throw new CommandFailed(
      "the command neither told a value through the client nor printed metric lines (give --metric KEY)",
    );
  }
  const values = reader.values(options.objectiveValue);
  if (typeof values === "string") {
    logger.debug(`Trial ${trial.number}: ${values}; its log is ${log.path}`);
    throw new CommandFailed(values);
  }
  return values;
}
