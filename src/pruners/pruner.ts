import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";

/**
 * Decides from the study's trials whether a running trial should stop early.
 * Called by `trial.shouldPrune()` with a fresh snapshot; must not change anything.
 */
export interface Pruner {
  prune(study: StudySnapshot, trial: FrozenTrial): boolean;
}

/** Never prunes. */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}
