import type { Distribution, ParamValue } from "../../distributions/index.js";
import { Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { IndependentSampler } from "../sampler.js";
import { fromUnit } from "../unit.js";

/** Options of `RandomSampler`. */
export interface RandomSamplerOptions {
  /** Seed for reproducible runs; a random seed when omitted. */
  seed?: number;
}

/**
 * Uniform random search (log-uniform for `log` ranges). Each value comes from a stream keyed
 * by (seed, trial number, parameter name), so a seeded study gives the same trials whatever
 * the order of suggestions or the concurrency.
 */
export class RandomSampler extends IndependentSampler {
  readonly seed: number;

  constructor(options: RandomSamplerOptions = {}) {
    super();
    this.seed = options.seed ?? Rng.randomSeed();
  }

  sampleIndependent(
    _study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    return fromUnit(distribution, new Rng(this.seed, trial.number, name).random());
  }
}
