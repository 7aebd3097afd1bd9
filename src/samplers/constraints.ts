import { InvalidArgumentError } from "../errors/index.js";
import { logger } from "../logging/index.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { TrialState } from "../trial/state.js";

/** The trial system attribute holding constraint values (Optuna's key). */
export const CONSTRAINTS_KEY = "constraints";

/** Constraint values of a finished trial; the trial is feasible when every value is <= 0. */
export type ConstraintsFunc = (trial: FrozenTrial) => ArrayLike<number>;

/**
 * Evaluates `constraintsFunc` on a trial that ends COMPLETE or PRUNED (other states: undefined,
 * nothing to store). A function that throws or returns anything but finite-or-infinite numbers
 * yields null, which every sampler treats as infeasible, with a warning.
 */
export function evaluateConstraints(
  constraintsFunc: ConstraintsFunc,
  trial: FrozenTrial,
  state: TrialState,
  values: readonly number[] | null,
): number[] | null | undefined {
  if (state !== TrialState.COMPLETE && state !== TrialState.PRUNED) return undefined;
  try {
    const returned: unknown = constraintsFunc(trial.with({ state, values }));
    const list =
      Array.isArray(returned) || ArrayBuffer.isView(returned)
        ? Array.from(returned as ArrayLike<unknown>)
        : null;
    if (list === null || list.some((c) => typeof c !== "number" || Number.isNaN(c))) {
      throw new InvalidArgumentError(
        `constraintsFunc must return an array of numbers (no NaN), got ${JSON.stringify(returned)}.`,
      );
    }
    return list as number[];
  } catch (error) {
    logger.warn(
      `constraintsFunc failed for trial ${trial.number}; the trial counts as infeasible. ` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}
