import type { Distribution, Params, ParamValue, SearchSpace } from "../../distributions/index.js";
import { logger } from "../../logging/index.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import type { TrialState } from "../../trial/state.js";
import type { Sampler, TrialReservation } from "../sampler.js";

/** Fixes some parameters to given values and lets another sampler choose the rest. */
export class PartialFixedSampler implements Sampler {
  readonly fixedParams: Readonly<Params>;
  readonly baseSampler: Sampler;

  constructor(fixedParams: Params, baseSampler: Sampler) {
    this.fixedParams = Object.freeze({ ...fixedParams });
    this.baseSampler = baseSampler;
  }

  inferRelativeSearchSpace(study: StudySnapshot, trial: FrozenTrial): SearchSpace {
    const space = this.baseSampler.inferRelativeSearchSpace(study, trial);
    return Object.fromEntries(
      Object.entries(space).filter(([name]) => !(name in this.fixedParams)),
    );
  }

  sampleRelative(study: StudySnapshot, trial: FrozenTrial, searchSpace: SearchSpace): Params {
    return this.baseSampler.sampleRelative(study, trial, searchSpace);
  }

  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    if (!(name in this.fixedParams)) {
      return this.baseSampler.sampleIndependent(study, trial, name, distribution);
    }
    const value = this.fixedParams[name]!;
    if (!distribution.contains(distribution.toInternalRepr(value))) {
      logger.warn(
        `PartialFixedSampler: fixed value ${String(value)} of "${name}" is outside its distribution; it is used anyway.`,
      );
    }
    return value;
  }

  reserveTrial(study: Study): Promise<TrialReservation | null> {
    return this.baseSampler.reserveTrial?.(study) ?? Promise.resolve({ systemAttrs: {} });
  }

  beforeTrial(study: Study, trial: FrozenTrial): Promise<void> | void {
    return this.baseSampler.beforeTrial?.(study, trial);
  }

  afterTrial(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): Promise<void> | void {
    return this.baseSampler.afterTrial?.(study, trial, state, values);
  }
}
