import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";

/**
 * The value whose importance is assessed, read from a trial (Optuna's `target`). Required for
 * a multi-objective study, e.g. `(t) => t.values![0]` for its first objective.
 */
export type ImportanceTarget = (trial: FrozenTrial) => number;

/**
 * Parameter importances from a study's trials (Optuna's BaseImportanceEvaluator).
 * `evaluate` returns raw, non-negative importances ordered from most to least important;
 * `getParamImportances` normalizes them.
 */
export interface ImportanceEvaluator {
  /**
   * @param study the study's trials.
   * @param params the parameters to assess; undefined for every parameter of every COMPLETE trial.
   * @param target the value to assess; undefined for the single objective value.
   */
  evaluate(
    study: StudySnapshot,
    params: readonly string[] | undefined,
    target: ImportanceTarget | undefined,
  ): Record<string, number>;
}

/** Options of `getParamImportances` and `computeParamImportances`. */
export interface ParamImportanceOptions {
  /** The algorithm. Default: a `PedAnovaImportanceEvaluator` with its defaults (as Optuna 5). */
  evaluator?: ImportanceEvaluator;
  /**
   * The parameters to assess. Default: those present, with the same distribution, in every
   * COMPLETE trial (so conditional parameters are left out unless named here).
   */
  params?: readonly string[];
  /** The value to assess; required for a multi-objective study. */
  target?: ImportanceTarget;
  /** Scale the importances to sum to 1 (equal shares when they are all 0). Default true. */
  normalize?: boolean;
}
