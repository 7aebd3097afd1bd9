import {
  type Distribution,
  type Params,
  type ParamValue,
  type SearchSpace,
  singleValue,
} from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import { Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { TrialState } from "../../trial/state.js";
import { CONSTRAINTS_KEY, type ConstraintsFunc, evaluateConstraints } from "../constraints.js";
import type { Sampler } from "../sampler.js";
import { GroupDecomposedSearchSpace } from "../search-space/group.js";
import { IntersectionSearchSpace } from "../search-space/intersection.js";
import { fromUnit } from "../unit.js";
import { toDimension } from "./kernels.js";
import { collectObservations, type Observations } from "./observations.js";
import { ParzenEstimator, type ParzenEstimatorParameters } from "./parzen-estimator.js";
import {
  constraintViolation,
  multiObjectiveBelowWeights,
  splitTrials,
  type TrialSplit,
} from "./split.js";
import { defaultGamma, defaultWeights, improvementWeights, optunaGamma } from "./weights.js";

/**
 * Options of `TPESampler`. Every default is Optuna's except the four marked **skipjack**:
 * `multivariate` and `constantLiar` (on, as Optuna 5 plans), and `gamma`, `bandwidthFactor` and
 * `goodWeighting`, tuned on the synthetic benchmarks (bench/samplers.ts), where together they
 * beat Optuna's best TPE configuration on every problem. `TPESampler.optunaDefaults()` gives
 * Optuna 4's behaviour back.
 */
export interface TPESamplerOptions {
  /** Weight of the prior kernel (relative to one observation's). Default 1. */
  priorWeight?: number;
  /** Floor the kernel bandwidths at range / min(100, n + 2). Default true. */
  considerMagicClip?: boolean;
  /** Let the bounds narrow the outermost kernels (univariate bandwidths). Default false. */
  considerEndpoints?: boolean;
  /** Trials sampled at random before TPE starts (COMPLETE + PRUNED ones count). Default 10. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per sample; the one with the best l(x)/g(x) wins. Default 24. */
  nEiCandidates?: number;
  /**
   * Number of "good" trials out of n finished ones. Default **skipjack** `defaultGamma`,
   * min(⌈0.2 n⌉, 25) (Optuna: `optunaGamma`, min(⌈0.1 n⌉, 25)).
   */
  gamma?: (n: number) => number;
  /**
   * Weights of n observations, oldest first: of the bad trials, and of the good ones when
   * `goodWeighting` is "uniform". Default `defaultWeights`: 1 each, and from 25 on the older
   * ones ramp down to 1/n (Optuna's).
   */
  weights?: (n: number) => ArrayLike<number>;
  /**
   * How good trials weigh in l(x) for one objective: "improvement" (default, **skipjack**):
   * by how much each beats the best bad trial, the prior weighing as much as an average good
   * trial (Watanabe, 2023); "uniform": by `weights`, as Optuna. Several objectives always use
   * hypervolume contributions (MOTPE).
   */
  goodWeighting?: "improvement" | "uniform";
  /**
   * Width of the multivariate kernels: factor · n^(−1/(d + 4)) · range for n observations in
   * d dimensions. Default **skipjack** 0.075 (Optuna: 0.2, fixed).
   */
  bandwidthFactor?: number;
  /** Seed for reproducible runs; a random seed when omitted. */
  seed?: number;
  /**
   * Model the relative search space (parameters every finished trial has) jointly (Falkner et
   * al., 2018). Default **true** (as Optuna 5 plans; Optuna 3–4 default to false).
   */
  multivariate?: boolean;
  /**
   * Split a conditional search space into groups of parameters that always appear together and
   * model each group jointly. Needs `multivariate`. Default false.
   */
  group?: boolean;
  /** Log a warning when a parameter is sampled on its own under `multivariate`. Default true. */
  warnIndependentSampling?: boolean;
  /**
   * Count RUNNING trials as bad ones, so parallel workers do not sample the same region.
   * Default: **true for one objective**, false for several (as Optuna 5 plans; Optuna 3–4
   * default to false).
   */
  constantLiar?: boolean;
  /**
   * Constraints of a finished trial: it is feasible when every value is ≤ 0. The values are
   * stored in the trial's system attribute "constraints" when it ends (COMPLETE or PRUNED);
   * feasible trials rank before infeasible ones. The trial passed has its final state and values.
   */
  constraintsFunc?: ConstraintsFunc;
}

/** Per-snapshot work shared by the calls of one trial (relative and independent sampling). */
interface Prepared {
  readonly trialNumber: number;
  /** COMPLETE and PRUNED trials. */
  readonly nFinished: number;
  split: TrialSplit | null;
  belowWeights: Float64Array | null;
  groups: SearchSpace[] | null;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(
      `TPESampler: ${name} must be an integer >= ${min}, got ${value}.`,
    );
  }
}

/**
 * Tree-structured Parzen Estimator (Bergstra et al., 2011; Watanabe, 2023). After
 * `nStartupTrials` random trials, the finished trials are split into the γ(n) best ("below")
 * and the rest ("above"); a Parzen estimator is fitted to each, l(x) and g(x); `nEiCandidates`
 * points are drawn from l and the one maximizing l(x)/g(x) is suggested.
 *
 * - `multivariate` (default true): the relative search space is sampled jointly with product
 *   kernels (Falkner et al., 2018); other parameters, on their own.
 * - `group`: conditional spaces are split into groups sampled jointly.
 * - several objectives: MOTPE (Ozaki et al., 2020, 2022): good trials by non-domination rank
 *   with a hypervolume tie-break, weighted by hypervolume contribution.
 * - `constantLiar` (default true for one objective): RUNNING trials count as bad ones.
 * - `constraintsFunc`: feasible trials rank first; constraint values are stored in afterTrial.
 *
 * Three defaults differ from Optuna's, measured on bench/samplers.ts (10 seeds, and 150 more
 * for tuning): γ(n) = min(⌈0.2 n⌉, 25), a multivariate bandwidth factor of 0.075 instead of
 * 0.2, and good trials weighted by improvement. `TPESampler.optunaDefaults()` undoes them.
 *
 * Pruned trials count after complete ones, those that reached a later step first, then by
 * their last reported value; failed trials are ignored.
 *
 * Reproducible with a seed: random draws come from streams keyed by (seed, trial number,
 * parameter or group), so the startup trials are exactly RandomSampler's with the same seed.
 */
export class TPESampler implements Sampler {
  readonly seed: number;
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly multivariate: boolean;
  readonly group: boolean;
  readonly constantLiar: boolean | undefined;
  private readonly parameters: ParzenEstimatorParameters;
  private readonly gamma: (n: number) => number;
  private readonly weights: (n: number) => ArrayLike<number>;
  private readonly goodWeighting: "improvement" | "uniform";
  private readonly warnedIndependent = new Set<string>();
  private readonly warnIndependentSampling: boolean;
  private readonly constraintsFunc: ConstraintsFunc | undefined;
  private readonly prepared = new WeakMap<StudySnapshot, Prepared>();
  private readonly intersection = new IntersectionSearchSpace();
  private readonly decomposition = new GroupDecomposedSearchSpace();

  constructor(options: TPESamplerOptions = {}) {
    this.seed = options.seed ?? Rng.randomSeed();
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    checkInteger("nStartupTrials", this.nStartupTrials, 0);
    checkInteger("nEiCandidates", this.nEiCandidates, 1);
    const priorWeight = options.priorWeight ?? 1;
    if (!(priorWeight >= 0) || !Number.isFinite(priorWeight)) {
      throw new InvalidArgumentError(
        `TPESampler: priorWeight must be a finite number >= 0, got ${priorWeight}.`,
      );
    }
    this.multivariate = options.multivariate ?? true;
    this.group = options.group ?? false;
    if (this.group && !this.multivariate) {
      throw new InvalidArgumentError(
        "TPESampler: group=true needs multivariate=true; set multivariate to true or remove group.",
      );
    }
    const bandwidthFactor = options.bandwidthFactor ?? 0.075;
    if (!(bandwidthFactor > 0) || !Number.isFinite(bandwidthFactor)) {
      throw new InvalidArgumentError(
        `TPESampler: bandwidthFactor must be a finite number > 0, got ${bandwidthFactor}.`,
      );
    }
    this.goodWeighting = options.goodWeighting ?? "improvement";
    if (this.goodWeighting !== "improvement" && this.goodWeighting !== "uniform") {
      throw new InvalidArgumentError(
        `TPESampler: goodWeighting must be "improvement" or "uniform", got ${String(this.goodWeighting)}.`,
      );
    }
    this.parameters = {
      priorWeight,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      multivariate: this.multivariate,
      bandwidthFactor,
      categoricalPriorWeight: priorWeight,
    };
    this.gamma = options.gamma ?? defaultGamma;
    this.weights = options.weights ?? defaultWeights;
    this.warnIndependentSampling = options.warnIndependentSampling ?? true;
    this.constantLiar = options.constantLiar;
    this.constraintsFunc = options.constraintsFunc;
  }

  /**
   * Options that make the sampler behave as Optuna 4's `TPESampler()` (independent sampling,
   * no constant liar, Optuna's γ, bandwidth and uniform good-trial weights); add a seed or
   * other options on top: `new TPESampler({ ...TPESampler.optunaDefaults(), seed: 1 })`.
   */
  static optunaDefaults(): TPESamplerOptions {
    return {
      multivariate: false,
      constantLiar: false,
      gamma: optunaGamma,
      bandwidthFactor: 0.2,
      goodWeighting: "uniform",
    };
  }

  inferRelativeSearchSpace(study: StudySnapshot, trial: FrozenTrial): SearchSpace {
    if (!this.multivariate) return {};
    const prepared = this.prepare(study, trial);
    if (prepared.nFinished < this.nStartupTrials) return {};
    if (!this.group) return this.intersection.calculate(study);
    const space: SearchSpace = {};
    for (const group of this.groupsOf(study, prepared)) Object.assign(space, group);
    return space;
  }

  sampleRelative(study: StudySnapshot, trial: FrozenTrial, searchSpace: SearchSpace): Params {
    const names = Object.keys(searchSpace).sort();
    if (names.length === 0) return {};
    const prepared = this.prepare(study, trial);
    if (prepared.nFinished < this.nStartupTrials) return {};
    if (!this.group) return this.sampleJoint(study, trial, prepared, names, searchSpace);
    const params: Params = {};
    for (const group of this.groupsOf(study, prepared)) {
      const inGroup = Object.keys(group).filter((name) => name in searchSpace);
      if (inGroup.length === 0) continue;
      Object.assign(params, this.sampleJoint(study, trial, prepared, inGroup, searchSpace));
    }
    return params;
  }

  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    if (distribution.single()) return singleValue(distribution);
    const prepared = this.prepare(study, trial);
    if (prepared.nFinished < this.nStartupTrials) {
      return fromUnit(distribution, new Rng(this.seed, trial.number, name).random());
    }
    // Warned once per parameter: a conditional space would otherwise log it every trial.
    if (this.multivariate && this.warnIndependentSampling && !this.warnedIndependent.has(name)) {
      const seen = study.trials.some(
        (t) =>
          (t.state === TrialState.COMPLETE || t.state === TrialState.PRUNED) && name in t.params,
      );
      if (seen) {
        this.warnedIndependent.add(name);
        logger.warn(
          `The parameter "${name}" in trial ${trial.number} is sampled independently instead of ` +
            "by the multivariate TPE sampler (the optimization may be less efficient). Pass " +
            "group: true for conditional search spaces, or warnIndependentSampling: false to " +
            "silence this warning if it is intended.",
        );
      }
    }
    return this.sampleJoint(study, trial, prepared, [name], { [name]: distribution })[name]!;
  }

  /** Stores the constraint values of a COMPLETE or PRUNED trial (Optuna's system attribute). */
  async afterTrial(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): Promise<void> {
    if (this.constraintsFunc === undefined) return;
    const constraints = evaluateConstraints(this.constraintsFunc, trial, state, values);
    if (constraints === undefined) return;
    await study.storage.updateTrial(trial.trialId, {
      systemAttrs: { [CONSTRAINTS_KEY]: constraints },
    });
  }

  private prepare(study: StudySnapshot, trial: FrozenTrial): Prepared {
    const cached = this.prepared.get(study);
    if (cached !== undefined && cached.trialNumber === trial.number) return cached;
    let nFinished = 0;
    for (const t of study.trials) {
      if (t.state === TrialState.COMPLETE || t.state === TrialState.PRUNED) nFinished++;
    }
    const prepared: Prepared = {
      trialNumber: trial.number,
      nFinished,
      split: null,
      belowWeights: null,
      groups: null,
    };
    this.prepared.set(study, prepared);
    return prepared;
  }

  private groupsOf(study: StudySnapshot, prepared: Prepared): SearchSpace[] {
    prepared.groups ??= this.decomposition.calculate(study);
    return prepared.groups;
  }

  /** The below/above split of this snapshot, computed once. */
  private splitOf(study: StudySnapshot, prepared: Prepared): TrialSplit {
    if (prepared.split !== null) return prepared.split;
    const directions = study.directions;
    const liar = this.constantLiar ?? directions.length === 1;
    const trials: FrozenTrial[] = [];
    for (const t of study.trials) {
      if (t.number === prepared.trialNumber) continue;
      if (
        t.state === TrialState.COMPLETE ||
        t.state === TrialState.PRUNED ||
        (liar && t.state === TrialState.RUNNING)
      ) {
        trials.push(t);
      }
    }
    const constraintsEnabled = this.constraintsFunc !== undefined;
    const nBelow = this.gamma(prepared.nFinished);
    const split = splitTrials(trials, directions, nBelow, constraintsEnabled);
    prepared.split = split;
    if (directions.length > 1) {
      prepared.belowWeights = multiObjectiveBelowWeights(
        split.below,
        directions,
        constraintsEnabled,
      );
    }
    return split;
  }

  private observationWeights(n: number): ArrayLike<number> {
    const w = this.weights(n);
    if (w.length < n) {
      throw new InvalidArgumentError(
        `TPESampler: the weights function returned ${w.length} weights for ${n} observations.`,
      );
    }
    return w;
  }

  /** Samples the named parameters jointly with TPE; values in the external representation. */
  private sampleJoint(
    study: StudySnapshot,
    trial: FrozenTrial,
    prepared: Prepared,
    names: readonly string[],
    space: SearchSpace,
  ): Params {
    const split = this.splitOf(study, prepared);
    const distributions = names.map((name) => space[name]!);
    const dimensions = distributions.map(toDimension);
    const below = collectObservations(split.below, names, distributions);
    const above = collectObservations(split.above, names, distributions);
    let belowWeights: ArrayLike<number> | null = null;
    let lParameters = this.parameters;
    if (prepared.belowWeights !== null) belowWeights = pick(prepared.belowWeights, below);
    else if (this.goodWeighting === "improvement" && study.directions.length === 1) {
      const good = Array.from(below.rows, (row) => split.below[row]!);
      // With constraints, only feasible trials count: an infeasible good trial (too few
      // feasible ones) means uniform weights, and the threshold is the best feasible bad trial.
      const feasible = (t: FrozenTrial): boolean =>
        this.constraintsFunc === undefined || constraintViolation(t) === 0;
      const weights = good.every(feasible)
        ? improvementWeights(good, split.above.filter(feasible), study.directions[0]!)
        : null;
      if (weights !== null) {
        // The prior weighs as much as an average good trial.
        let mean = 0;
        for (const w of weights) mean += w / weights.length;
        belowWeights = weights;
        const priorWeight = this.parameters.priorWeight;
        lParameters = { ...this.parameters, priorWeight: mean * priorWeight };
      }
    }
    belowWeights ??= this.observationWeights(below.n);
    const l = new ParzenEstimator(dimensions, below.values, below.n, belowWeights, lParameters);
    const g = new ParzenEstimator(
      dimensions,
      above.values,
      above.n,
      this.observationWeights(above.n),
      this.parameters,
    );
    const key = names.length === 1 ? names[0]! : names.join("\u0000");
    const rng = new Rng(this.seed, trial.number, "tpe", key);
    const count = this.nEiCandidates;
    const nDims = names.length;
    const candidates = new Float64Array(count * nDims);
    l.sample(rng, count, candidates);
    const logL = new Float64Array(count);
    const logG = new Float64Array(count);
    l.logPdf(candidates, count, logL);
    g.logPdf(candidates, count, logG);
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < count; s++) {
      const score = logL[s]! - logG[s]!;
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    const params: Params = {};
    for (let d = 0; d < nDims; d++) {
      const value = candidates[best * nDims + d]!;
      const distribution = distributions[d]!;
      params[names[d]!] =
        distribution.kind === "categorical" ? distribution.choices[value]! : value;
    }
    return params;
  }
}

/** The weights of the observed rows among all trials of a side. */
function pick(weights: Float64Array, observations: Observations): Float64Array {
  const out = new Float64Array(observations.n);
  for (let i = 0; i < observations.n; i++) out[i] = weights[observations.rows[i]!]!;
  return out;
}
