import { singleDirection } from "../study/best.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { Pruner, RecordAttr } from "./pruner.js";
import { checkInteger, checkNumber, sortedSteps } from "./validate.js";

/** Options of `PatientPruner` (Optuna's defaults). */
export interface PatientPrunerOptions {
  /** Steps without improvement before pruning is allowed. Required. */
  patience: number;
  /** An improvement smaller than or equal to this does not count. Default 0. */
  minDelta?: number;
}

/** The smallest (largest) non-NaN value, NaN when there is none (numpy's nanmin / nanmax). */
function nanExtreme(values: readonly number[], maximize: boolean): number {
  let best = Number.NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (maximize ? v > best : v < best)) best = v;
  }
  return best;
}

/**
 * Lets a trial run while it still improves (Optuna's PatientPruner): pruning is considered only
 * when the best of its last `patience` + 1 intermediate values is not better, by more than
 * `minDelta`, than the best value before them. Then the wrapped pruner decides; without one
 * (null), the trial is pruned (early stopping on the trial's own curve). For noisy curves,
 * where a single bad step should not end a trial.
 */
export class PatientPruner implements Pruner {
  readonly wrappedPruner: Pruner | null;
  readonly patience: number;
  readonly minDelta: number;

  constructor(wrappedPruner: Pruner | null, options: PatientPrunerOptions) {
    const owner = "PatientPruner";
    this.wrappedPruner = wrappedPruner;
    this.patience = checkInteger(owner, "patience", options?.patience, 0);
    this.minDelta = checkNumber(owner, "minDelta", options.minDelta ?? 0, 0);
  }

  prune(study: StudySnapshot, trial: FrozenTrial, record?: RecordAttr): boolean {
    if (trial.lastStep === null) return false;
    const values = sortedSteps(trial.intermediateValues).map(([, v]) => v);
    if (values.length <= this.patience + 1) return false;
    const split = values.length - this.patience - 1;
    const maximize = singleDirection(study.directions, "PatientPruner") === "maximize";
    const before = nanExtreme(values.slice(0, split), maximize);
    const after = nanExtreme(values.slice(split), maximize);
    // NaN on either side compares false: no pruning, as numpy.
    const stalled = maximize ? before - this.minDelta > after : before + this.minDelta < after;
    if (!stalled) return false;
    return this.wrappedPruner === null ? true : this.wrappedPruner.prune(study, trial, record);
  }
}
