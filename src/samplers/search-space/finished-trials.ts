import type { StudySnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { isFinished, TrialState } from "../../trial/state.js";

/**
 * Walks a study's finished trials incrementally, for search spaces folded trial by trial.
 * Finished trials never change, so those before the first unfinished one are handed out once;
 * later finished ones come again on the next call (folding a trial twice must change nothing).
 * Starts over for another study name, or when the snapshot is no longer the one seen.
 */
export class FinishedTrialCursor {
  private studyName: string | null = null;
  /** Trials before this index are finished and handed out for good. */
  private cursor = 0;
  private lastSeen: FrozenTrial | null = null;

  /** The finished trials to fold in now; `reset` when the folded state must start over. */
  advance(study: StudySnapshot): { reset: boolean; finished: FrozenTrial[] } {
    const trials = study.trials;
    const reset =
      study.studyName !== this.studyName ||
      trials.length < this.cursor ||
      (this.cursor > 0 && trials[this.cursor - 1] !== this.lastSeen);
    if (reset) {
      this.studyName = study.studyName;
      this.cursor = 0;
      this.lastSeen = null;
    }
    const finished: FrozenTrial[] = [];
    let advancing = true;
    for (let i = this.cursor; i < trials.length; i++) {
      const trial = trials[i]!;
      if (!isFinished(trial.state)) {
        advancing = false;
        continue;
      }
      if (advancing) {
        this.cursor = i + 1;
        this.lastSeen = trial;
      }
      finished.push(trial);
    }
    return { reset, finished };
  }
}

/** Whether a trial shapes a search space: COMPLETE ones, and PRUNED ones when asked. */
export function shapesSearchSpace(trial: FrozenTrial, includePruned: boolean): boolean {
  return (
    trial.state === TrialState.COMPLETE || (includePruned && trial.state === TrialState.PRUNED)
  );
}
