/**
 * `skipjack run`: tunes any command. Opens the storage (heartbeats on by default, failed
 * trials of dead workers retried with `--retries`), creates or loads the study, enqueues the
 * hand-picked trials, and runs `study.optimize` with an objective that runs the command, so the
 * progress bar and trial lines show as for an objective in TypeScript. Ctrl-C stops every
 * child's process group and returns 130.
 */
import type { SearchSpace } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import { type JsonValue, pythonJsonLoads } from "../json/python.js";
import { logger } from "../logging/index.js";
import { openStorage } from "../storages/resolve.js";
import { RetryFailedTrialCallback } from "../storages/retry-failed-trial-callback.js";
import { createStudy } from "../study/create.js";
import type { Study } from "../study/study.js";
import { type StudyDirection, TrialState } from "../trial/state.js";
import { ChildRegistry } from "./child.js";
import { prunerByName, samplerByName } from "./choices.js";
import { CommandFailed, ConsecutiveFailures } from "./failures.js";
import { defaultLogDir, safeName } from "./logs.js";
import { SlotPool } from "./slots.js";
import { checkTemplate } from "./template.js";
import { commandObjective, type TrialApi } from "./trial-runner.js";
import { GroupWatchdog } from "./watchdog.js";

/** Everything `skipjack run` is told. */
export interface RunOptions {
  readonly storage: string;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly metrics: readonly string[];
  readonly space: SearchSpace | null;
  readonly command: readonly string[];
  readonly nTrials?: number | undefined;
  readonly timeout?: number | undefined;
  readonly concurrency: number;
  readonly gpus: readonly string[] | null;
  readonly sampler?: string | undefined;
  readonly samplerKwargs?: string | undefined;
  readonly pruner?: string | undefined;
  readonly prunerKwargs?: string | undefined;
  readonly enqueue?: string | undefined;
  readonly objectiveValue: "last" | "best";
  readonly logDir?: string | undefined;
  readonly trialsDir?: string | undefined;
  readonly killGrace: number;
  readonly trialTimeout: number | null;
  readonly maxConsecutiveFailures: number;
  /** Seconds between heartbeats; 0 turns them off. */
  readonly heartbeatInterval: number;
  readonly gracePeriod?: number | undefined;
  readonly retries: number;
  readonly verbose: boolean;
  readonly showProgressBar?: boolean | undefined;
  /** A trial API to serve to children (define-by-run); made once the study is open. */
  readonly api?: ((study: Study) => Promise<TrialApiHandle>) | undefined;
}

/** A served trial API and how to stop serving it. */
export interface TrialApiHandle extends TrialApi {
  close(): Promise<void>;
}

/** How the run ended. */
export interface RunResult {
  readonly status: number;
  readonly study: Study;
}

/** Reads `--enqueue`: one object of parameters, or a list of them. */
export function parseEnqueue(text: string): Record<string, JsonValue>[] {
  let parsed: JsonValue;
  try {
    parsed = pythonJsonLoads(text);
  } catch {
    throw new InvalidArgumentError(`--enqueue is not JSON: ${text}`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const item of list) {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new InvalidArgumentError(
        `--enqueue takes an object of parameters or a list of them, e.g. '{"lr": 0.01, "layers": 2}'; got ${JSON.stringify(item)}.`,
      );
    }
  }
  return list as Record<string, JsonValue>[];
}

function checkOptions(options: RunOptions): void {
  if (options.metrics.length > 0 && options.metrics.length !== options.directions.length) {
    throw new InvalidArgumentError(
      `${options.metrics.length} --metric key(s) and ${options.directions.length} --direction(s): give one direction per metric.`,
    );
  }
  checkTemplate(options.command, options.space === null ? null : Object.keys(options.space));
}

/** Runs the study; returns the exit status (0, or 130 after Ctrl-C). */
export async function runStudy(options: RunOptions): Promise<RunResult> {
  checkOptions(options);
  const enqueued = options.enqueue === undefined ? [] : parseEnqueue(options.enqueue);
  const sampler = await samplerByName(options.sampler, options.samplerKwargs, options.space);
  const pruner = await prunerByName(options.pruner, options.prunerKwargs);
  const storage = await openStorage(options.storage, {
    createTables: true,
    ...(options.heartbeatInterval > 0
      ? {
          heartbeatInterval: options.heartbeatInterval,
          ...(options.gracePeriod !== undefined ? { gracePeriod: options.gracePeriod } : {}),
          ...(options.retries > 0
            ? { failedTrialCallback: new RetryFailedTrialCallback({ maxRetry: options.retries }) }
            : {}),
        }
      : {}),
  });
  // Whatever ends this process, no child's group outlives it: the exit handler when it exits,
  // the watchdog when it is killed (SIGKILL) and cannot run any handler.
  const watchdog = GroupWatchdog.start(Math.min(options.killGrace, 2));
  const children = new ChildRegistry(watchdog);
  const onExit = (): void => {
    children.killAll();
    watchdog.close();
  };
  process.on("exit", onExit);
  let interrupted = false;
  let interruptedAt = 0;
  const onSigint = (): void => {
    if (!interrupted) {
      interrupted = true;
      interruptedAt = Date.now();
      void children.stopAll(Math.min(options.killGrace, 2));
      return;
    }
    // A terminal sends one Ctrl-C to the whole group; a second one a moment later is the user.
    if (Date.now() - interruptedAt < 1000) return;
    children.killAll();
    process.stderr.write("skipjack: interrupted again; exiting at once.\n");
    process.exit(130);
  };
  const onSigterm = (): void => {
    children.killAll();
    process.exit(143);
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);

  let api: TrialApiHandle | undefined;
  try {
    const study = await createStudy({
      storage,
      studyName: options.studyName,
      directions: options.directions,
      loadIfExists: true,
      ...(sampler !== undefined ? { sampler } : {}),
      ...(pruner !== undefined ? { pruner } : {}),
    });
    // Running the same command again (or on another machine) does not queue them twice.
    for (const params of enqueued) {
      await study.enqueueTrial(params as never, { skipIfExists: true });
    }
    api = options.api === undefined ? undefined : await options.api(study);
    const failures = new ConsecutiveFailures(options.maxConsecutiveFailures);
    let tooManyFailures = false;
    const counts = { COMPLETE: 0, PRUNED: 0, FAIL: 0 };
    const studyDir = safeName(options.studyName);
    const logDir = options.logDir ?? defaultLogDir(options.studyName);
    const objective = commandObjective({
      study,
      command: options.command,
      space: options.space,
      metrics: options.metrics,
      objectiveValue: options.objectiveValue,
      logDir,
      trialsDir: options.trialsDir ?? `skipjack-trials/${studyDir}`,
      killGrace: options.killGrace,
      trialTimeout: options.trialTimeout,
      verbose: options.verbose,
      slots: new SlotPool(options.concurrency, options.gpus),
      children,
      api,
    });
    if (!interrupted) {
      await study.optimize(objective, {
        ...(options.nTrials !== undefined ? { nTrials: options.nTrials } : {}),
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        concurrency: options.concurrency,
        catch: (error) => error instanceof CommandFailed,
        ...(options.showProgressBar !== undefined
          ? { showProgressBar: options.showProgressBar }
          : {}),
        callbacks: [
          (s, trial) => {
            if (interrupted) return;
            if (trial.state in counts) counts[trial.state as keyof typeof counts]++;
            const reason = trial.systemAttrs["fail_reason"];
            const failed = trial.state === TrialState.FAIL;
            if (failures.record(failed, typeof reason === "string" ? reason : undefined)) {
              tooManyFailures = true;
              s.stop();
            }
          },
        ],
      });
    }
    // optimize returns once the interrupted trials are marked FAIL; their children may still
    // be ending. Nothing of them is left when this returns.
    await children.stopAll(Math.min(options.killGrace, 2));
    if (interrupted) {
      logger.warn(
        "Interrupted (Ctrl-C): the running trials are marked FAIL and their processes are stopped.",
      );
      return { status: 130, study };
    }
    if (tooManyFailures) throw failures.error(options.command);
    logger.info(
      `Study "${study.studyName}": ${counts.COMPLETE + counts.PRUNED + counts.FAIL} trials in this run ` +
        `(${counts.COMPLETE} complete, ${counts.PRUNED} pruned, ${counts.FAIL} failed); trial logs in ${logDir}.`,
    );
    return { status: 0, study };
  } finally {
    children.killAll();
    watchdog.close();
    await api?.close();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    process.off("exit", onExit);
    await storage.close();
  }
}
