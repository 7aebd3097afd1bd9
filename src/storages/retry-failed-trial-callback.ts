import { InvalidArgumentError } from "../errors/index.js";
import type { JsonValue } from "../json/python.js";
import type { Study } from "../study/study.js";
import { createTrial, type FrozenTrial } from "../trial/frozen.js";
import { TrialState } from "../trial/state.js";

/** Options of `RetryFailedTrialCallback`. */
export interface RetryFailedTrialCallbackOptions {
  /** Most retries of one original trial; unlimited when omitted or null. */
  maxRetry?: number | null;
  /** Copy the failed trial's reported intermediate values to the retry. Default false. */
  inheritIntermediateValues?: boolean;
}

/**
 * A storage's `failedTrialCallback` that enqueues a trial failed by the heartbeat check again
 * (Optuna's `RetryFailedTrialCallback`): the retry is a WAITING trial with the same parameters
 * and user attributes, and system attributes `failed_trial` (the number of the first trial of
 * the series) and `retry_history` (the numbers of every failed attempt, oldest first).
 *
 * @example
 * const storage = await openStorage("sqlite:///study.db", {
 *   heartbeatInterval: 60,
 *   gracePeriod: 120,
 *   failedTrialCallback: new RetryFailedTrialCallback({ maxRetry: 3 }),
 * });
 */
export class RetryFailedTrialCallback {
  readonly maxRetry: number | null;
  readonly inheritIntermediateValues: boolean;

  constructor(options: RetryFailedTrialCallbackOptions = {}) {
    const maxRetry = options.maxRetry ?? null;
    if (maxRetry !== null && !(Number.isInteger(maxRetry) && maxRetry >= 0)) {
      throw new InvalidArgumentError(
        `RetryFailedTrialCallback: maxRetry must be an integer >= 0 or null, got ${maxRetry}.`,
      );
    }
    this.maxRetry = maxRetry;
    this.inheritIntermediateValues = options.inheritIntermediateValues ?? false;
  }

  /** Enqueues a retry of `trial` unless it was retried `maxRetry` times already. */
  async call(study: Study, trial: FrozenTrial): Promise<void> {
    const history = RetryFailedTrialCallback.retryHistory(trial);
    const systemAttrs: Record<string, JsonValue> = {
      failed_trial: trial.number,
      ...trial.systemAttrs,
      retry_history: [...history, trial.number],
    };
    if (this.maxRetry !== null && this.maxRetry < history.length + 1) return;
    await study.addTrial(
      createTrial({
        state: TrialState.WAITING,
        params: { ...trial.params },
        distributions: { ...trial.distributions },
        userAttrs: { ...trial.userAttrs },
        systemAttrs,
        ...(this.inheritIntermediateValues
          ? { intermediateValues: new Map(trial.intermediateValues) }
          : {}),
      }),
    );
  }

  /** The number of the original trial `trial` retries, or null when it is no retry. */
  static retriedTrialNumber(trial: FrozenTrial): number | null {
    const number = trial.systemAttrs["failed_trial"];
    return typeof number === "number" ? number : null;
  }

  /** The numbers of the failed trials before `trial` in its retry series, oldest first. */
  static retryHistory(trial: FrozenTrial): number[] {
    const history = trial.systemAttrs["retry_history"];
    return Array.isArray(history) ? history.filter((n): n is number => typeof n === "number") : [];
  }
}
