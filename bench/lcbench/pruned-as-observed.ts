/**
 * A benchmark-side experiment, not part of the library: a sampler wrapper that shows the inner
 * sampler every PRUNED trial as a COMPLETE one valued at its last reported value (what
 * CmaEsSampler's `considerPrunedTrials` does). GPSampler fits only COMPLETE trials, so under a
 * pruner it never learns from a pruned trial and suggests nearly the same point again (see
 * multifidelity.ts); with this wrapper the pruned point counts as observed (and bad).
 */

import type { Sampler } from "../../src/samplers/sampler.js";
import type { StudySnapshot } from "../../src/study/snapshot.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import type { FrozenTrial } from "../../src/trial/frozen.js";
import { TrialState } from "../../src/trial/state.js";

function observed(study: StudySnapshot): StudySnapshot {
  if (!study.trials.some((t) => t.state === TrialState.PRUNED)) return study;
  const trials = study.trials.map((t: FrozenTrial) => {
    if (t.state !== TrialState.PRUNED) return t;
    const step = t.lastStep;
    const value = step === null ? null : t.intermediateValues.get(step);
    if (value === undefined || value === null || Number.isNaN(value)) return t;
    return t.with({ state: TrialState.COMPLETE, values: [value] });
  });
  return makeSnapshot(study.studyName, study.directions, trials);
}

/** `inner`, seeing PRUNED trials as COMPLETE ones valued at their last report. */
export function prunedAsObserved(inner: Sampler): Sampler {
  const wrapper: Sampler = {
    inferRelativeSearchSpace: (study, trial) =>
      inner.inferRelativeSearchSpace(observed(study), trial),
    sampleRelative: (study, trial, space) => inner.sampleRelative(observed(study), trial, space),
    sampleIndependent: (study, trial, name, distribution) =>
      inner.sampleIndependent(observed(study), trial, name, distribution),
  };
  if (inner.reserveTrial) wrapper.reserveTrial = (study) => inner.reserveTrial!(study);
  if (inner.beforeTrial) wrapper.beforeTrial = (study, trial) => inner.beforeTrial!(study, trial);
  if (inner.afterTrial) {
    wrapper.afterTrial = (study, trial, state, values) =>
      inner.afterTrial!(study, trial, state, values);
  }
  return wrapper;
}
