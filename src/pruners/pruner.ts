import type { JsonValue } from "../json/python.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";

/**
 * Records a system attribute of the trial being decided; `trial.shouldPrune()` writes it to
 * the storage before it returns (Optuna's successive halving records its rungs so).
 */
export type RecordAttr = (key: string, value: JsonValue) => void;

/**
 * Decides from the study's trials whether a running trial should stop early.
 * Called by `trial.shouldPrune()` with a fresh snapshot; changes nothing but what it records
 * through `record` (omitted: recorded attributes are dropped).
 */
export interface Pruner {
  prune(study: StudySnapshot, trial: FrozenTrial, record?: RecordAttr): boolean;
  /**
   * The trials the sampler should learn from for this trial, when the pruner makes trials
   * incomparable (Hyperband: only the trial's own bracket, as Optuna does). Default: all.
   */
  samplerSnapshot?(study: StudySnapshot, trial: FrozenTrial): StudySnapshot;
}

/** Never prunes. */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}
