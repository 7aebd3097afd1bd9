import { InvalidArgumentError } from "../errors/index.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { TrialState } from "../trial/state.js";
import type { Pruner } from "./pruner.js";
import { checkInteger, checkpointStep } from "./validate.js";

/** Options shared by `PercentilePruner` and `MedianPruner` (Optuna's defaults). */
export interface PercentilePrunerOptions {
  /** No pruning until this many trials completed. Default 5. */
  nStartupTrials?: number;
  /** No pruning before this step of a trial. Default 0. */
  nWarmupSteps?: number;
  /** Prune only every this many steps after the warm-up. Default 1. */
  intervalSteps?: number;
  /** Compare only when at least this many completed trials reported the step. Default 1. */
  nMinTrials?: number;
}

/**
 * numpy's `nanpercentile` with linear interpolation, including its rounding (interpolating
 * from the nearer end) and its NaN for a span that reaches an infinity; NaN when empty.
 */
export function nanPercentile(values: readonly number[], percentile: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (n - 1) * (percentile / 100);
  const last = position >= n - 1;
  const lower = last ? n - 1 : Math.floor(position);
  const upper = last ? n - 1 : lower + 1;
  const fraction = last ? 1 : position - lower;
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  const span = b - a;
  return fraction >= 0.5 ? b - span * (1 - fraction) : a + span * fraction;
}

/**
 * Prunes a trial whose best intermediate value so far is worse than the given percentile of
 * the completed trials' values at the same step (Optuna's PercentilePruner).
 */
export class PercentilePruner implements Pruner {
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;

  constructor(percentile: number, options: PercentilePrunerOptions = {}) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new InvalidArgumentError(`percentile must be in [0, 100], got ${percentile}.`);
    }
    this.percentile = percentile;
    this.nStartupTrials = options.nStartupTrials ?? 5;
    this.nWarmupSteps = options.nWarmupSteps ?? 0;
    this.intervalSteps = options.intervalSteps ?? 1;
    this.nMinTrials = options.nMinTrials ?? 1;
    const owner = this.constructor.name;
    checkInteger(owner, "nStartupTrials", this.nStartupTrials, 0);
    checkInteger(owner, "nWarmupSteps", this.nWarmupSteps, 0);
    checkInteger(owner, "intervalSteps", this.intervalSteps, 1);
    checkInteger(owner, "nMinTrials", this.nMinTrials, 1);
  }

  prune(study: StudySnapshot, trial: FrozenTrial): boolean {
    const completed = study.getTrials([TrialState.COMPLETE]);
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;
    const step = checkpointStep(trial, this.nWarmupSteps, this.intervalSteps);
    if (step === null) return false;
    const maximize = study.directions[0] === "maximize";
    let best = Number.NaN;
    for (const v of trial.intermediateValues.values()) {
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(best) || (maximize ? v > best : v < best)) best = v;
    }
    if (Number.isNaN(best)) return true;
    const atStep: number[] = [];
    for (const t of completed) {
      const v = t.intermediateValues.get(step);
      if (v !== undefined) atStep.push(v);
    }
    if (atStep.length < this.nMinTrials) return false;
    const threshold = nanPercentile(atStep, maximize ? 100 - this.percentile : this.percentile);
    if (Number.isNaN(threshold)) return false;
    return maximize ? best < threshold : best > threshold;
  }
}

/** Prunes a trial worse than the median of completed trials at the same step (Optuna's default pruner). */
export class MedianPruner extends PercentilePruner {
  constructor(options: PercentilePrunerOptions = {}) {
    super(50, options);
  }
}
