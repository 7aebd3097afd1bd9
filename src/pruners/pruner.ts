import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";

/**
 * Decides from the study's trials whether a running trial should stop early.
 * Called by `trial.shouldPrune()` with a fresh snapshot; must not change anything.
 */
export interface Pruner {
  prune(study: StudySnapshot, trial: FrozenTrial): boolean;
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
