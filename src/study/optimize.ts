import { InvalidArgumentError, TrialPruned, UpdateFinishedTrialError } from "../errors/index.js";
import { getVerbosity, logger, Verbosity } from "../logging/index.js";
import {
  failStaleTrials,
  type Heartbeat,
  heartbeatEnabled,
  startHeartbeat,
} from "../storages/heartbeat.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { LiveTrial } from "../trial/live-trial.js";
import { isFinished, TrialState } from "../trial/state.js";
import type { Trial } from "../trial/trial.js";
import { bestOf } from "./best.js";
import { ProgressBar, type ProgressStream } from "./progress.js";
import type { Study } from "./study.js";
import { checkValues } from "./tell.js";

/** The function to optimize: train with the trial's parameters, return the metric(s). */
export type Objective = (
  trial: Trial,
) => number | readonly number[] | Promise<number | readonly number[]>;

/** Called after every finished trial (e.g. to stop the study early). */
export type StudyCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/** Error classes (as Optuna's `catch` tuple), or a predicate on the thrown value. */
export type ErrorMatcher =
  | readonly (abstract new (
      ...args: never[]
    ) => unknown)[]
  | ((error: unknown) => boolean);

/** Options of `study.optimize`. */
export interface OptimizeOptions {
  /** Number of trials to run in this call; unlimited when omitted (then stop by time or stop()). */
  nTrials?: number;
  /** Seconds after which no new trial starts; running ones finish. */
  timeout?: number;
  /** Trials run at once in this process (for objectives that wait on I/O, children, GPUs). Default 1. */
  concurrency?: number;
  /** Called with each finished trial. */
  callbacks?: readonly StudyCallback[];
  /** Errors that fail the trial but let the study go on; any other error is rethrown. */
  catch?: ErrorMatcher;
  /** Progress bar on standard error. Default: when standard error is a terminal. */
  showProgressBar?: boolean;
  /** Where the progress bar is drawn (default standard error). */
  progressStream?: ProgressStream;
  /** Ctrl-C marks running trials FAIL and returns. Default true. */
  handleSigint?: boolean;
}

function matches(matcher: ErrorMatcher | undefined, error: unknown): boolean {
  if (matcher === undefined) return false;
  if (typeof matcher === "function") return matcher(error);
  return matcher.some((cls) => error instanceof cls);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function formatParams(params: Readonly<Record<string, unknown>>): string {
  return `{${Object.entries(params)
    .map(
      ([k, v]) => `${JSON.stringify(k)}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}`,
    )
    .join(", ")}}`;
}

function checkOptions(options: OptimizeOptions): void {
  const { nTrials, timeout, concurrency } = options;
  if (nTrials !== undefined && !(Number.isInteger(nTrials) && nTrials >= 0)) {
    throw new InvalidArgumentError(
      `optimize: nTrials must be a non-negative integer, got ${nTrials}.`,
    );
  }
  if (timeout !== undefined && !(timeout >= 0)) {
    throw new InvalidArgumentError(
      `optimize: timeout must be a number of seconds >= 0, got ${timeout}.`,
    );
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new InvalidArgumentError(
      `optimize: concurrency must be an integer >= 1, got ${concurrency}.`,
    );
  }
}

/** The optimize loop behind `study.optimize`. */
export async function optimize(
  study: Study,
  objective: Objective,
  options: OptimizeOptions,
): Promise<void> {
  checkOptions(options);
  const concurrency = options.concurrency ?? 1;
  const deadline =
    options.timeout !== undefined ? Date.now() + options.timeout * 1000 : Number.POSITIVE_INFINITY;
  const showBar = options.showProgressBar ?? process.stderr.isTTY === true;
  const bar = showBar
    ? new ProgressBar({
        ...(options.nTrials !== undefined ? { nTrials: options.nTrials } : {}),
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(options.progressStream !== undefined ? { stream: options.progressStream } : {}),
      })
    : null;
  study.resetStop();

  const mine = new Set<LiveTrial>();
  let fatal: { error: unknown } | null = null;
  let interrupted = false;
  // The loop sleeps until a trial ends or an interruption has failed the running trials. One
  // waiter at a time instead of a Promise.race per trial, which would also leave a reaction
  // on a never-settled interruption promise for every trial.
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const waiting = wake;
    wake = null;
    waiting?.();
  };
  const changed = (): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  let wakeInterrupted: () => void = () => undefined;
  const interruption = new Promise<void>((resolve) => {
    wakeInterrupted = () => {
      resolve();
      notify();
    };
  });

  const onSigint = (): void => {
    if (interrupted) return;
    interrupted = true;
    logger.warn("Interrupted by SIGINT: running trials are marked FAIL and the study stops.");
    const pending = [...mine].map((trial) =>
      study.interruptTrial(trial, "Interrupted by SIGINT.").catch(() => undefined),
    );
    void Promise.all(pending).then(wakeInterrupted);
  };
  const handleSigint = options.handleSigint ?? true;
  if (handleSigint) process.on("SIGINT", onSigint);

  const runOne = async (): Promise<void> => {
    // Heartbeats (storages with heartbeatInterval): fail trials of dead workers first.
    if (heartbeatEnabled(study.storage)) await failStaleTrials(study);
    // The first heartbeat is stored with the trial and the thread beats from its creation on,
    // before sampling, so a worker killed at any point leaves a trial others find stale.
    let heartbeat: Heartbeat | null = null;
    let started: LiveTrial | null;
    try {
      started = await study.startTrial(undefined, {
        heartbeat: true,
        onCreated: (trialId) => {
          heartbeat = startHeartbeat(study.storage, trialId);
        },
      });
    } catch (error) {
      await (heartbeat as Heartbeat | null)?.stop();
      throw error;
    }
    if (started === null) {
      study.stop();
      return;
    }
    const trial = started;
    mine.add(trial);
    const beating = (heartbeat as Heartbeat | null) ?? startHeartbeat(study.storage, trial.trialId);
    // Heartbeats that cannot be recorded past the grace period: others fail the trial as stale
    // and retry it, so this worker stops it (trial.signal) and writes nothing more to it.
    beating.onLost?.((reason) => {
      logger.warn(
        `Trial ${trial.number} is given up: ${reason}. Its objective is aborted (trial.signal) ` +
          "and its result will not be stored; other workers mark it FAIL.",
      );
      trial.abandon(reason);
    });
    try {
      let frozen: FrozenTrial | null;
      try {
        frozen = await runTrial(study, trial, objective, options, (error) => {
          fatal ??= { error };
          study.stop();
        }).finally(() => beating.stop());
      } catch (error) {
        if (await finishedElsewhere(study, trial, error)) return;
        throw error;
      }
      if (frozen === null) return;
      const best =
        study.directions.length === 1 && (bar !== null || getVerbosity() <= Verbosity.INFO)
          ? bestOf(await study.trials(), study.direction)
          : null;
      logFinished(study, frozen, best);
      bar?.trialFinished(best?.values?.[0]);
      for (const callback of options.callbacks ?? []) await callback(study, frozen);
    } finally {
      mine.delete(trial);
      study.forgetTrial(trial);
    }
  };

  const running = new Set<Promise<void>>();
  let begun = 0;
  try {
    let turnAt = Date.now();
    for (;;) {
      // Synchronous objectives (training in TF.js) keep the event loop busy: give it a turn
      // every 20 ms so that Ctrl-C, timers and the progress bar run between trials.
      if (Date.now() - turnAt >= 20) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turnAt = Date.now();
      }
      if (study.stopped || interrupted || fatal !== null) break;
      if (options.nTrials !== undefined && begun >= options.nTrials) break;
      if (Date.now() >= deadline) break;
      if (running.size >= concurrency) {
        await changed();
        continue;
      }
      begun++;
      const task: Promise<void> = runOne()
        .catch((error: unknown) => {
          fatal ??= { error };
          study.stop();
        })
        .finally(() => {
          running.delete(task);
          notify();
        });
      running.add(task);
      // Let a trial that finishes synchronously free its slot before the next one starts.
      if (running.size >= concurrency) await changed();
    }
    await Promise.race([Promise.all(running), interruption]);
  } finally {
    if (handleSigint) process.off("SIGINT", onSigint);
    bar?.stop();
  }
  if (fatal !== null) throw (fatal as { error: unknown }).error;
}

/**
 * Whether `error` says that the trial was finished by someone else (another worker failed it
 * as stale after missed heartbeats): then it is logged as lost and the study goes on.
 */
async function finishedElsewhere(study: Study, trial: LiveTrial, error: unknown): Promise<boolean> {
  if (!(error instanceof UpdateFinishedTrialError)) return false;
  const stored = await study.storage.getTrial(trial.trialId).catch(() => null);
  if (stored === null || !isFinished(stored.state)) return false;
  logger.warn(
    `Trial ${trial.number} was marked ${stored.state} by another worker (its heartbeats were ` +
      "missed); its result is dropped and the study goes on.",
  );
  return true;
}

/**
 * Runs the objective on one trial and stores its outcome. Returns the finished trial, or null
 * when the trial was ended from outside meanwhile (e.g. Ctrl-C).
 */
async function runTrial(
  study: Study,
  trial: LiveTrial,
  objective: Objective,
  options: OptimizeOptions,
  onUncaught: (error: unknown) => void,
): Promise<FrozenTrial | null> {
  let state: TrialState;
  let values: number[] | null = null;
  let reason: string | undefined;
  // Boxed: `throw undefined` and `throw null` are rethrown like any other error.
  let uncaught: { error: unknown } | null = null;
  try {
    const returned = await objective(trial);
    await trial.flush();
    const outcome = checkValues(returned, study.directions.length);
    if (outcome.ok) {
      state = TrialState.COMPLETE;
      values = outcome.values;
    } else {
      state = TrialState.FAIL;
      reason = outcome.reason;
    }
  } catch (error) {
    if (error instanceof TrialPruned) state = TrialState.PRUNED;
    else {
      state = TrialState.FAIL;
      reason = describeError(error);
      if (!matches(options.catch, error)) uncaught = { error };
    }
  }
  if (trial.finishedState !== null) return null;
  const stored = trial.frozen();
  const frozen = await study.finishTrial(trial.number, stored, state, values, reason);
  if (uncaught !== null) onUncaught(uncaught.error);
  return frozen;
}

function logFinished(study: Study, trial: FrozenTrial, best: FrozenTrial | null): void {
  if (getVerbosity() > Verbosity.INFO) return;
  if (trial.state === TrialState.PRUNED) {
    logger.info(`Trial ${trial.number} pruned.`);
    return;
  }
  if (trial.state !== TrialState.COMPLETE) return;
  const params = formatParams(trial.params);
  if (study.directions.length === 1) {
    const bestText =
      best !== null ? ` Best is trial ${best.number} with value: ${best.values![0]}.` : "";
    logger.info(
      `Trial ${trial.number} finished with value: ${trial.values![0]} and parameters: ${params}.${bestText}`,
    );
  } else {
    logger.info(
      `Trial ${trial.number} finished with values: [${trial.values!.join(", ")}] and parameters: ${params}.`,
    );
  }
}
