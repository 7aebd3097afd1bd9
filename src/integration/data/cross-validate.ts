/**
 * K-fold cross-validation inside a trial, with a report per fold so that poor
 * configurations are pruned after the first folds instead of after all of them.
 */
import { InvalidArgumentError, TrialPruned } from "../../errors/index.js";
import type { Trial } from "../../trial/trial.js";
import type { Fold } from "./split.js";

/** Options of `crossValidate`. */
export interface CrossValidateOptions {
  /** Report each fold's score (step = fold index) to the trial. Default true. */
  report?: boolean;
  /** Ask the pruner after each fold and throw `TrialPruned` when it says so. Default true. */
  prune?: boolean;
  /** User attribute that receives the list of fold scores. Default "cv_scores". */
  userAttr?: string;
}

/**
 * Runs `trainAndScore` on each fold in turn and returns the mean score.
 *
 * After fold `i` its score is reported (`await trial.report(score, i)`), the scores so far are
 * stored in the trial's user attribute `cv_scores`, and when the pruner says so the trial
 * stops with `TrialPruned` (so the remaining folds are never trained). Fold `i` of every
 * trial is the same rows, so the pruner compares like with like: create the folds once,
 * outside the objective (`kFold` / `stratifiedKFold` with a fixed seed).
 *
 * `trainAndScore` should not report per-epoch values itself: its steps would collide with
 * the fold steps.
 *
 * ```ts
 * const folds = stratifiedKFold(data, 5, { seed: 1 });
 * await study.optimize((trial) =>
 *   crossValidate(trial, folds, async (fold) => trainAndScore(trial, fold)),
 * );
 * ```
 */
export async function crossValidate(
  trial: Trial,
  folds: readonly Fold[],
  trainAndScore: (fold: Fold, foldIndex: number) => number | Promise<number>,
  options: CrossValidateOptions = {},
): Promise<number> {
  if (folds.length === 0) throw new InvalidArgumentError("crossValidate: no folds given.");
  const report = options.report ?? true;
  const prune = options.prune ?? true;
  const userAttr = options.userAttr ?? "cv_scores";
  const scores: number[] = [];
  for (let i = 0; i < folds.length; i++) {
    trial.signal.throwIfAborted();
    const score = await trainAndScore(folds[i]!, i);
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new InvalidArgumentError(
        `crossValidate: fold ${i} scored ${String(score)}; trainAndScore must return a finite number.`,
      );
    }
    scores.push(score);
    trial.setUserAttr(userAttr, [...scores]);
    if (report) await trial.report(score, i);
    if (prune && i < folds.length - 1 && (await trial.shouldPrune())) {
      throw new TrialPruned(`Trial was pruned after fold ${i} of ${folds.length}.`);
    }
  }
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}
