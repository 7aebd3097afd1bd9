import type { Distribution, Params, ParamValue, SearchSpace } from "../distributions/index.js";
import type { JsonValue } from "../json/python.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { Study } from "../study/study.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { TrialState } from "../trial/state.js";

/** Work a sampler claimed before a trial exists (e.g. a grid point), stored on the new trial. */
export interface TrialReservation {
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
}

/**
 * A search algorithm. Sampling is synchronous and works on a snapshot of the study taken when
 * the trial starts; the optional hooks around a trial may talk to the storage.
 *
 * Relative sampling draws several parameters jointly (TPE multivariate, GP, CMA-ES); each
 * parameter outside the relative search space is drawn on its own by `sampleIndependent`.
 */
export interface Sampler {
  /** The parameters to sample jointly for this trial (often the intersection of past spaces). */
  inferRelativeSearchSpace(study: StudySnapshot, trial: FrozenTrial): SearchSpace;
  /** Joint values for the relative search space; may omit names. */
  sampleRelative(study: StudySnapshot, trial: FrozenTrial, searchSpace: SearchSpace): Params;
  /** A value for one parameter that relative sampling did not provide. */
  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue;
  /**
   * Called before a new trial is created; may claim work atomically through the storage.
   * Returns what the new trial must carry, or null when nothing is left: the study then stops.
   */
  reserveTrial?(study: Study): Promise<TrialReservation | null>;
  /** Called when a trial starts, before the objective runs. */
  beforeTrial?(study: Study, trial: FrozenTrial): Promise<void> | void;
  /** Called when a trial ends, before its state is stored. */
  afterTrial?(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): Promise<void> | void;
}

/** A sampler with no relative sampling: each parameter is drawn on its own. */
export abstract class IndependentSampler implements Sampler {
  inferRelativeSearchSpace(): SearchSpace {
    return {};
  }

  sampleRelative(): Params {
    return {};
  }

  abstract sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue;
}
