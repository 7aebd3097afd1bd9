import { InvalidArgumentError } from "../errors/index.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { Pruner } from "./pruner.js";
import { checkInteger, checkpointStep } from "./validate.js";

/** Options of `ThresholdPruner` (Optuna's defaults); give `lower`, `upper` or both. */
export interface ThresholdPrunerOptions {
  /** Prune when the latest value is below this. Default: no lower bound. */
  lower?: number;
  /** Prune when the latest value is above this. Default: no upper bound. */
  upper?: number;
  /** No pruning before this step. Default 0. */
  nWarmupSteps?: number;
  /** Check only every this many steps after the warm-up. Default 1. */
  intervalSteps?: number;
}

/**
 * Prunes a trial whose latest intermediate value leaves [lower, upper] or is NaN (Optuna's
 * ThresholdPruner): for metrics that must stay in a range (a loss that diverges, an accuracy
 * stuck at chance).
 */
export class ThresholdPruner implements Pruner {
  readonly lower: number;
  readonly upper: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;

  constructor(options: ThresholdPrunerOptions) {
    const owner = "ThresholdPruner";
    const { lower, upper } = options ?? {};
    if (lower === undefined && upper === undefined) {
      throw new InvalidArgumentError(`${owner}: give lower, upper or both.`);
    }
    for (const [name, value] of [
      ["lower", lower],
      ["upper", upper],
    ] as const) {
      if (value !== undefined && (typeof value !== "number" || Number.isNaN(value))) {
        throw new InvalidArgumentError(`${owner}: ${name} must be a number, got ${String(value)}.`);
      }
    }
    this.lower = lower ?? Number.NEGATIVE_INFINITY;
    this.upper = upper ?? Number.POSITIVE_INFINITY;
    if (this.lower > this.upper) {
      throw new InvalidArgumentError(
        `${owner}: lower (${this.lower}) must not exceed upper (${this.upper}); swap them.`,
      );
    }
    this.nWarmupSteps = checkInteger(owner, "nWarmupSteps", options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInteger(owner, "intervalSteps", options.intervalSteps ?? 1, 1);
  }

  prune(_study: StudySnapshot, trial: FrozenTrial): boolean {
    const step = checkpointStep(trial, this.nWarmupSteps, this.intervalSteps);
    if (step === null) return false;
    const latest = trial.intermediateValues.get(step)!;
    return Number.isNaN(latest) || latest < this.lower || latest > this.upper;
  }
}
