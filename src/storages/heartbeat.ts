/**
 * Heartbeats (Optuna's `heartbeat_interval`, `grace_period`, `failed_trial_callback`): while a
 * trial runs in `optimize`, its worker records a heartbeat every `heartbeatInterval` seconds;
 * before a worker starts a trial, RUNNING trials whose last heartbeat is older than the grace
 * period are marked FAIL (their worker died), and the storage's failed-trial callback runs for
 * each, e.g. `RetryFailedTrialCallback` to enqueue them again.
 */
import { InvalidArgumentError } from "../errors/index.js";
import { logger } from "../logging/index.js";
import type { Study } from "../study/study.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { Storage } from "./storage.js";

/** Called with each trial that `failStaleTrials` marked FAIL. */
export type FailedTrialCallback =
  | ((study: Study, trial: FrozenTrial) => void | Promise<void>)
  | { call(study: Study, trial: FrozenTrial): void | Promise<void> };

/** The heartbeat options of a storage (as Optuna's `RDBStorage` takes them). */
export interface HeartbeatOptions {
  /** Seconds between heartbeats of a running trial; heartbeats are off when omitted. */
  heartbeatInterval?: number | null;
  /** Seconds without a heartbeat after which a RUNNING trial is stale. Default 2 × interval. */
  gracePeriod?: number | null;
  /** Runs for each trial failed for being stale (e.g. `new RetryFailedTrialCallback()`). */
  failedTrialCallback?: FailedTrialCallback | null;
}

/** Heartbeat settings after validation. */
export interface HeartbeatSettings {
  readonly interval: number | null;
  readonly gracePeriod: number | null;
  readonly failedTrialCallback: FailedTrialCallback | null;
}

/** Validates heartbeat options (positive numbers of seconds). */
export function heartbeatSettings(options: HeartbeatOptions = {}): HeartbeatSettings {
  const { heartbeatInterval, gracePeriod } = options;
  for (const [name, value] of [
    ["heartbeatInterval", heartbeatInterval],
    ["gracePeriod", gracePeriod],
  ] as const) {
    if (value !== undefined && value !== null && !(Number.isFinite(value) && value > 0)) {
      throw new InvalidArgumentError(
        `${name} must be a positive number of seconds, got ${String(value)}.`,
      );
    }
  }
  const interval = heartbeatInterval ?? null;
  return {
    interval,
    gracePeriod: gracePeriod ?? (interval !== null ? 2 * interval : null),
    failedTrialCallback: options.failedTrialCallback ?? null,
  };
}

/** Whether the storage records heartbeats (it has a heartbeat interval). */
export function heartbeatEnabled(storage: Storage): boolean {
  return (storage.getHeartbeatInterval?.() ?? null) !== null;
}

function runCallback(
  callback: FailedTrialCallback,
  study: Study,
  trial: FrozenTrial,
): void | Promise<void> {
  return typeof callback === "function" ? callback(study, trial) : callback.call(study, trial);
}

/**
 * Marks the study's stale RUNNING trials FAIL and runs the storage's failed-trial callback on
 * each (Optuna's `fail_stale_trials`). Does nothing when heartbeats are off. Each stale trial is
 * failed by exactly one worker, so its callback runs once.
 */
export async function failStaleTrials(study: Study): Promise<FrozenTrial[]> {
  const storage = study.storage;
  if (!heartbeatEnabled(storage) || storage.failStaleTrials === undefined) return [];
  const failed = await storage.failStaleTrials(study.studyId);
  const callback = storage.getFailedTrialCallback?.() ?? null;
  for (const trial of failed) {
    logger.warn(
      `Trial ${trial.number} is marked FAIL: its worker sent no heartbeat within the grace period.`,
    );
    if (callback !== null) await runCallback(callback, study, trial);
  }
  return failed;
}

/** A running heartbeat; `stop` ends it. */
export interface Heartbeat {
  stop(): Promise<void>;
  /**
   * Calls `listener` once if the trial is given up: no heartbeat could be recorded for longer
   * than the grace period (the database or the connection is gone), so other workers fail the
   * trial as stale and run its failed-trial callback; the heartbeat has stopped. Optional.
   */
  onLost?(listener: (reason: string) => void): void;
}

const NO_HEARTBEAT: Heartbeat = { stop: async () => undefined };

/**
 * Records a heartbeat for the trial now and every `heartbeatInterval` seconds until `stop`.
 * Does nothing when heartbeats are off. A failed recording is logged and retried at the next
 * beat (a worker that cannot reach its database will be found stale, as it should).
 */
export function startHeartbeat(storage: Storage, trialId: number): Heartbeat {
  const interval = storage.getHeartbeatInterval?.() ?? null;
  if (interval === null) return NO_HEARTBEAT;
  if (storage.startHeartbeat !== undefined) return storage.startHeartbeat(trialId);
  return timerHeartbeat(storage, trialId, interval);
}

/** Heartbeats from this thread's event loop: `recordHeartbeat` now and on a timer. */
export function timerHeartbeat(storage: Storage, trialId: number, interval: number): Heartbeat {
  if (storage.recordHeartbeat === undefined) return NO_HEARTBEAT;
  const record = storage.recordHeartbeat.bind(storage);
  let last: Promise<void> = Promise.resolve();
  let stopped = false;
  const beat = (): void => {
    last = last.then(() =>
      stopped
        ? undefined
        : record(trialId).catch((error: unknown) => {
            logger.warn(
              `Could not record the heartbeat of trial id ${trialId}: ${error instanceof Error ? error.message : String(error)}`,
            );
          }),
    );
  };
  beat();
  const timer = setInterval(beat, interval * 1000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await last;
    },
  };
}
