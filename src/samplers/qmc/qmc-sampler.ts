import type { Distribution, Params, ParamValue, SearchSpace } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import { HaltonEngine, type QmcEngine, SobolEngine } from "../../math/qmc/index.js";
import { Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { RandomSampler } from "../random/random-sampler.js";
import type { Sampler } from "../sampler.js";
import { fromUnit } from "../unit.js";

/** Options of `QMCSampler`. */
export interface QMCSamplerOptions {
  /** "sobol" (default) or "halton". */
  qmcType?: "sobol" | "halton";
  /** Randomize the sequence (default true; every seed gives its own sequence). */
  scramble?: boolean;
  /** Seed of the scrambling and of the independent sampler. */
  seed?: number;
  /** Sampler for parameters outside the search space of the first trial (default random). */
  independentSampler?: Sampler;
  /** Log a warning when a parameter is sampled independently (default true). */
  warnIndependentSampling?: boolean;
}

/**
 * Quasi-random search: low-discrepancy points cover the space more evenly than random ones.
 * As in Optuna, the search space is fixed by the first completed trial (sampled by the
 * independent sampler). Trial number n uses point n of the sequence, so workers sharing a
 * study never take the same point.
 */
export class QMCSampler implements Sampler {
  readonly qmcType: "sobol" | "halton";
  readonly scramble: boolean;
  readonly seed: number;
  private readonly independent: Sampler;
  private readonly warnIndependent: boolean;
  private initialSpace: SearchSpace | null = null;
  private names: string[] = [];
  private engine: QmcEngine | null = null;
  private engineIndex = 0;

  constructor(options: QMCSamplerOptions = {}) {
    const type = options.qmcType ?? "sobol";
    if (type !== "sobol" && type !== "halton") {
      throw new InvalidArgumentError(
        `QMCSampler: qmcType must be "sobol" or "halton", not "${String(type)}".`,
      );
    }
    this.qmcType = type;
    this.scramble = options.scramble ?? true;
    this.seed = options.seed ?? Rng.randomSeed();
    this.independent = options.independentSampler ?? new RandomSampler({ seed: this.seed });
    this.warnIndependent = options.warnIndependentSampling ?? true;
  }

  inferRelativeSearchSpace(study: StudySnapshot): SearchSpace {
    if (this.initialSpace !== null) return this.initialSpace;
    const first = study.trials.find((t) => t.state === "COMPLETE");
    if (first === undefined) return {};
    const space: SearchSpace = {};
    for (const [name, distribution] of Object.entries(first.distributions)) {
      if (!distribution.single()) space[name] = distribution;
    }
    this.initialSpace = space;
    this.names = Object.keys(space).sort();
    return space;
  }

  /** Point `index` of the sequence; the engine moves forward, and restarts to go back. */
  private pointAt(index: number): Float64Array {
    if (this.engine === null || index < this.engineIndex) {
      const options = { scramble: this.scramble, seed: this.seed };
      this.engine =
        this.qmcType === "sobol"
          ? new SobolEngine(this.names.length, options)
          : new HaltonEngine(this.names.length, options);
      this.engineIndex = 0;
    }
    this.engine.fastForward(index - this.engineIndex);
    this.engineIndex = index + 1;
    return this.engine.next();
  }

  sampleRelative(_study: StudySnapshot, trial: FrozenTrial, searchSpace: SearchSpace): Params {
    if (this.names.length === 0 || Object.keys(searchSpace).length === 0) return {};
    const point = this.pointAt(trial.number);
    const params: Params = {};
    this.names.forEach((name, i) => {
      // A wrapper (e.g. PartialFixedSampler) may have removed a name: keep dimensions aligned.
      const distribution = searchSpace[name];
      if (distribution !== undefined) params[name] = fromUnit(distribution, point[i]!);
    });
    return params;
  }

  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    if (this.initialSpace !== null && this.warnIndependent) {
      logger.warn(
        `QMCSampler: parameter "${name}" of trial ${trial.number} is outside the search space of the first trial; it is sampled by the independent sampler.`,
      );
    }
    return this.independent.sampleIndependent(study, trial, name, distribution);
  }
}
