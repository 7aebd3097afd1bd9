import { InvalidArgumentError } from "../errors/index.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { Trial } from "../trial/trial.js";

/** The user attribute that holds a trial's cross-validation scores. */
export const CV_SCORES_KEY = "cv_scores";
/** Where Optuna's `report_cross_validation_scores` keeps them (a system attribute); also read. */
export const OPTUNA_CV_SCORES_KEY = "terminator:cv_scores";

/**
 * Records the scores of the k folds that the trial's objective value averages, for
 * `RegretBoundStopper` (Optuna's `report_cross_validation_scores`). Same as
 * `trial.setUserAttr("cv_scores", scores)` after checking them.
 */
export function reportCrossValidationScores(trial: Trial, scores: readonly number[]): void {
  if (!Array.isArray(scores) || scores.length < 2) {
    throw new InvalidArgumentError(
      "reportCrossValidationScores: give the score of every fold (at least 2 scores).",
    );
  }
  if (scores.some((s) => typeof s !== "number" || !Number.isFinite(s))) {
    throw new InvalidArgumentError("reportCrossValidationScores: scores must be finite numbers.");
  }
  trial.setUserAttr(CV_SCORES_KEY, [...scores]);
}

/** A trial's cross-validation scores, or null when it reported none. */
export function crossValidationScores(trial: FrozenTrial): number[] | null {
  for (const value of [trial.userAttrs[CV_SCORES_KEY], trial.systemAttrs[OPTUNA_CV_SCORES_KEY]]) {
    if (
      Array.isArray(value) &&
      value.length >= 2 &&
      value.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      return value as number[];
    }
  }
  return null;
}

/**
 * The statistical error of an objective that averages k fold scores: the standard deviation
 * of the scores scaled by 1/k + 1/(k − 1) (Nadeau & Bengio's corrected variance, as Optuna's
 * CrossValidationErrorEvaluator): sqrt((1/k + 1/(k − 1)) · var), var with divisor k.
 */
export function crossValidationError(scores: readonly number[]): number {
  const k = scores.length;
  let mean = 0;
  for (const s of scores) mean += s;
  mean /= k;
  let variance = 0;
  for (const s of scores) variance += (s - mean) ** 2;
  variance /= k;
  return Math.sqrt((1 / k + 1 / (k - 1)) * variance);
}
