import { InvalidArgumentError } from "../errors/index.js";
import { logger } from "../logging/index.js";
import { wilcoxonSignedRank } from "../math/stats/wilcoxon.js";
import { bestOf, singleDirection } from "../study/best.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { Pruner } from "./pruner.js";
import { checkInteger } from "./validate.js";

/** Options of `WilcoxonPruner` (Optuna's defaults). */
export interface WilcoxonPrunerOptions {
  /**
   * Prune when the one-sided p-value that the trial is worse than the best trial is below
   * this (in [0, 1]; larger prunes more). Default 0.1.
   */
  pThreshold?: number;
  /** No pruning before this many steps are shared with the best trial (at least 2). Default 2. */
  nStartupSteps?: number;
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * Prunes a trial when a paired Wilcoxon signed-rank test says it is worse than the best trial
 * (Optuna's WilcoxonPruner, Optuna ≥ 3.6). For objectives that average a score over many
 * instances (problems, folds, shuffled inputs): report each instance's score with its id as
 * the step (`trial.report(score, instanceId)`), in a random order, and call `shouldPrune()`
 * after each. Values need not converge like a learning curve; what matters is that the same
 * step means the same instance in every trial.
 *
 * The test pairs the trial's values with the best trial's at the steps both reported; the
 * zeros of the differences are split between the two signs (SciPy's "zsplit"). As a safeguard,
 * a trial whose mean so far is at least as good as the best trial's mean is not pruned.
 * Trials with an infinite or NaN value (or a best trial with one) are never pruned.
 */
export class WilcoxonPruner implements Pruner {
  readonly pThreshold: number;
  readonly nStartupSteps: number;
  private readonly warned = new Set<string>();

  constructor(options: WilcoxonPrunerOptions = {}) {
    const owner = "WilcoxonPruner";
    const pThreshold = options.pThreshold ?? 0.1;
    if (typeof pThreshold !== "number" || !(pThreshold >= 0 && pThreshold <= 1)) {
      throw new InvalidArgumentError(
        `${owner}: pThreshold must be in [0, 1], got ${String(pThreshold)}.`,
      );
    }
    this.pThreshold = pThreshold;
    this.nStartupSteps = checkInteger(owner, "nStartupSteps", options.nStartupSteps ?? 2, 0);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    logger.warn(message);
  }

  prune(study: StudySnapshot, trial: FrozenTrial): boolean {
    if (trial.intermediateValues.size === 0) return false;
    if ([...trial.intermediateValues.values()].some((v) => !Number.isFinite(v))) {
      this.warnOnce(
        `The intermediate values of trial ${trial.number} contain infinity or NaN: ` +
          `WilcoxonPruner will not prune it.`,
      );
      return false;
    }
    const direction = singleDirection(study.directions, "WilcoxonPruner");
    const best = bestOf(study.trials, direction);
    if (best === null) return false;
    if (best.intermediateValues.size === 0) {
      this.warnOnce(
        `The best trial (trial ${best.number}) has no intermediate values, so WilcoxonPruner ` +
          `cannot prune; give addTrial'ed trials their intermediate values.`,
      );
      return false;
    }
    const bestValues = [...best.intermediateValues.values()];
    if (bestValues.some((v) => !Number.isFinite(v))) {
      this.warnOnce(
        `The intermediate values of the best trial (trial ${best.number}) contain infinity or ` +
          `NaN: WilcoxonPruner will not prune the current trial.`,
      );
      return false;
    }
    const steps = [...trial.intermediateValues.keys()].sort((a, b) => a - b);
    const diffs: number[] = [];
    for (const step of steps) {
      const other = best.intermediateValues.get(step);
      if (other !== undefined) diffs.push(trial.intermediateValues.get(step)! - other);
    }
    if (diffs.length < steps.length) {
      this.warnOnce(
        `WilcoxonPruner: trial ${trial.number} reported steps that the best trial ` +
          `(trial ${best.number}) did not; those values are ignored.`,
      );
    }
    if (diffs.length < Math.max(2, this.nStartupSteps)) return false;
    const trialMean = mean([...trial.intermediateValues.values()]);
    const bestMean = mean(bestValues);
    const maximize = direction === "maximize";
    const averageIsBest = maximize ? bestMean <= trialMean : bestMean >= trialMean;
    const { pvalue } = wilcoxonSignedRank(diffs, {
      alternative: maximize ? "less" : "greater",
      zeroMethod: "zsplit",
    });
    // The test says worse, but the trial's mean is not: do not prune for now (as Optuna).
    if (pvalue < this.pThreshold && averageIsBest) return false;
    return pvalue < this.pThreshold;
  }
}
