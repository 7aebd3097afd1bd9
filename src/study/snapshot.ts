import type { FrozenTrial } from "../trial/frozen.js";
import type { StudyDirection, TrialState } from "../trial/state.js";

/** A study as samplers and pruners see it: its trials at one moment, read-only. */
export interface StudySnapshot {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  /** Every trial, ordered by number. */
  readonly trials: readonly FrozenTrial[];
  /** The trials in some states (all when omitted). */
  getTrials(states?: readonly TrialState[]): readonly FrozenTrial[];
}

/** Builds a snapshot over a list of trials. */
export function makeSnapshot(
  studyName: string,
  directions: readonly StudyDirection[],
  trials: readonly FrozenTrial[],
): StudySnapshot {
  return {
    studyName,
    directions,
    trials,
    getTrials(states) {
      return states === undefined ? trials : trials.filter((t) => states.includes(t.state));
    },
  };
}
