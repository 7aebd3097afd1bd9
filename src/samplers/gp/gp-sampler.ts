import type { Distribution, Params, ParamValue, SearchSpace } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { JsonValue } from "../../json/python.js";
import { logger } from "../../logging/index.js";
import { Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { TrialState } from "../../trial/state.js";
import { CONSTRAINTS_KEY, type ConstraintsFunc, evaluateConstraints } from "../constraints.js";
import { RandomSampler } from "../random/random-sampler.js";
import type { Sampler } from "../sampler.js";
import { intersectionSearchSpace } from "../search-space/intersection.js";
import { type AcquisitionFunction, LogEi, LogPi, SumAcquisition } from "./acquisition.js";
import { fitRows, localSearches, refitDue, screeningSamples } from "./effort.js";
import { type FitResult, fitGp, type GpData, GpPosterior } from "./gp.js";
import { optimizeAcquisition } from "./optimize-acquisition.js";
import { DEFAULT_MINIMUM_NOISE_VAR } from "./prior.js";
import { GpSearchSpace } from "./search-space.js";

/** The trial system attribute holding constraint values (Optuna's key). */

/** Options of `GPSampler`. */
export interface GPSamplerOptions {
  /** Seed for reproducible runs; a random seed when omitted. */
  seed?: number;
  /** Sampler for parameters outside the relative search space (default RandomSampler with the seed). */
  independentSampler?: Sampler;
  /** Trials sampled by the independent sampler before the GP takes over (default 10). */
  nStartupTrials?: number;
  /**
   * The objective returns the same value for the same parameters: the noise variance is then
   * fixed at its minimum (1e-6) instead of being fitted (default false).
   */
  deterministicObjective?: boolean;
  /**
   * Learn from PRUNED trials at their last reported value (what Optuna stores as a pruned
   * trial's value). Default true: a GP that ignores them keeps suggesting the pruned region
   * again, and a pruner then stops almost every trial (measured on LCBench, bench/RESULTS.md).
   */
  considerPrunedTrials?: boolean;
  /**
   * Constraint values of a finished trial; it is feasible when every value is ≤ 0. The values
   * are stored in the trial's system attribute "constraints" and each constraint gets its own
   * GP; the acquisition becomes log EI + Σ log P(c_i ≤ 0).
   */
  constraintsFunc?: ConstraintsFunc;
  /** Log a warning when a parameter is sampled by the independent sampler (default true). */
  warnIndependentSampling?: boolean;
  /**
   * Quasi-random points scored before the local searches (default 2048, as Optuna) while the GP
   * has at most 50 trials; beyond, fewer in proportion to (50/n)², at least 64 (effort.ts).
   */
  nPreliminarySamples?: number;
  /**
   * Local searches of the acquisition per trial (default 10, as Optuna) while the GP has at
   * most 50 trials; beyond, fewer in proportion to 50/n, at least 2 (effort.ts).
   */
  nLocalSearch?: number;
}

/** What the sampler keeps between trials for one GP (the objective's or a constraint's). */
interface GpState {
  fit: FitResult;
  /** Training points at the last fit. */
  fittedAt: number;
  /** The posterior of the last trial (without pending points), to extend. */
  posterior: GpPosterior;
}

/** The given rows of the data (all of them when `rows` is null). */
function subset(data: GpData, rows: Int32Array | null): GpData {
  if (rows === null) return data;
  const { d } = data;
  const x = new Float64Array(rows.length * d);
  const y = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    x.set(data.x.subarray(row * d, (row + 1) * d), i * d);
    y[i] = data.y[row];
  });
  return { x, y, n: rows.length, d, isCategorical: data.isCategorical };
}

/** Whether the first rows of `x` are `prefix`. */
function startsWith(x: Float64Array, prefix: Float64Array): boolean {
  if (prefix.length > x.length) return false;
  for (let i = 0; i < prefix.length; i++) if (x[i] !== prefix[i]) return false;
  return true;
}

/** Standardized copy of values: (v − mean)/std, std floored at 1e-10. */
function standardize(values: Float64Array): { z: Float64Array; mean: number; std: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i] - mean) ** 2;
  const std = Math.max(1e-10, Math.sqrt(variance / n));
  return { z: values.map((v) => (v - mean) / std), mean, std };
}

/** Clamps ±Infinity to the worst/best finite value (0 when none), as Optuna does. */
function clampInfinite(values: Float64Array): boolean {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let any = false;
  for (const v of values) {
    if (Number.isFinite(v)) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    } else any = true;
  }
  if (!any) return false;
  if (low > high) {
    low = 0;
    high = 0;
  }
  for (let i = 0; i < values.length; i++) values[i] = Math.min(high, Math.max(low, values[i]));
  return true;
}

function hasAll(trial: FrozenTrial, names: readonly string[]): boolean {
  for (const name of names) if (!(name in trial.params)) return false;
  return true;
}

/** The constraint values stored on a trial, or null when absent or malformed. */
function storedConstraints(trial: FrozenTrial, count: number | null): number[] | null {
  const stored: JsonValue | undefined = trial.systemAttrs[CONSTRAINTS_KEY];
  if (!Array.isArray(stored)) return null;
  if (count !== null && stored.length !== count) return null;
  const out: number[] = [];
  for (const c of stored) {
    if (typeof c !== "number" || Number.isNaN(c)) return null;
    out.push(c);
  }
  return out;
}

/**
 * Bayesian optimization with a Gaussian process (Optuna's GPSampler): a Matérn-5/2 ARD GP
 * fitted by MAP to the standardized objective values, and the next point chosen by maximizing
 * log expected improvement (Ament et al. 2023) with quasi-random screening and local search.
 * Float and int parameters live in [0, 1] (log ranges in log space; int and stepped ranges
 * relaxed to continuous and rounded), categorical ones use a Hamming distance.
 *
 * Parallel workers: RUNNING trials whose parameters are known condition the GP at their
 * predicted mean ("kriging believer", Ginsbourger et al. 2010). The mean is unchanged and the
 * variance collapses around pending points, so their expected improvement vanishes and
 * concurrent trials spread out.
 *
 * Hyperparameters are warm-started from this sampler's previous fit (as Optuna does): a
 * seeded sampler on the same sequence of results gives the same suggestions. Beyond 50
 * trials they are refitted only as the data grow by 10%, the factorization of K is extended
 * instead of recomputed, and the acquisition search shrinks (effort.ts says how): late trials
 * cost O(n²) instead of O(n³).
 */
export class GPSampler implements Sampler {
  readonly seed: number;
  readonly nStartupTrials: number;
  readonly deterministicObjective: boolean;
  readonly considerPrunedTrials: boolean;
  readonly constraintsFunc: ConstraintsFunc | null;
  private readonly independent: Sampler;
  private readonly warnIndependent: boolean;
  private readonly nPreliminarySamples: number;
  private readonly nLocalSearch: number;
  private readonly cache = new Map<string, GpState>();
  private warnedMultiObjective = false;

  constructor(options: GPSamplerOptions = {}) {
    this.seed = options.seed ?? Rng.randomSeed();
    this.nStartupTrials = options.nStartupTrials ?? 10;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0) {
      throw new InvalidArgumentError(
        `GPSampler: nStartupTrials must be a non-negative integer, got ${options.nStartupTrials}.`,
      );
    }
    this.deterministicObjective = options.deterministicObjective ?? false;
    this.considerPrunedTrials = options.considerPrunedTrials ?? true;
    this.constraintsFunc = options.constraintsFunc ?? null;
    this.independent = options.independentSampler ?? new RandomSampler({ seed: this.seed });
    this.warnIndependent = options.warnIndependentSampling ?? true;
    this.nPreliminarySamples = options.nPreliminarySamples ?? 2048;
    this.nLocalSearch = options.nLocalSearch ?? 10;
    if (!(this.nPreliminarySamples >= 1) || !(this.nLocalSearch >= 1)) {
      throw new InvalidArgumentError(
        "GPSampler: nPreliminarySamples and nLocalSearch must be at least 1.",
      );
    }
  }

  inferRelativeSearchSpace(study: StudySnapshot): SearchSpace {
    return intersectionSearchSpace(study.trials, { includePruned: this.considerPrunedTrials });
  }

  sampleRelative(study: StudySnapshot, trial: FrozenTrial, searchSpace: SearchSpace): Params {
    const names = Object.keys(searchSpace);
    if (names.length === 0) return {};
    if (study.directions.length > 1) {
      if (!this.warnedMultiObjective) {
        this.warnedMultiObjective = true;
        logger.warn(
          "GPSampler supports a single objective only; this multi-objective study is sampled " +
            "by the independent sampler. Use TPESampler or NSGAIISampler for several objectives.",
        );
      }
      return {};
    }
    const states = this.considerPrunedTrials
      ? [TrialState.COMPLETE, TrialState.PRUNED]
      : [TrialState.COMPLETE];
    const complete = study.getTrials(states).filter((t) => t.values !== null && hasAll(t, names));
    if (complete.length < this.nStartupTrials || complete.length === 0) return {};

    const space = new GpSearchSpace(searchSpace);
    const { d } = space;
    const n = complete.length;
    const x = new Float64Array(n * d);
    const row = new Float64Array(d);
    complete.forEach((t, i) => {
      x.set(space.encode(t.params, row), i * d);
    });
    const sign = study.directions[0] === "maximize" ? -1 : 1;
    const raw = Float64Array.from(complete, (t) => sign * t.values![0]!);
    if (clampInfinite(raw)) {
      logger.warn(
        "GPSampler cannot handle infinite values; they are clamped to the worst/best finite value.",
      );
    }
    const { z: y } = standardize(raw);

    // Pending points: running trials (other than this one) with every parameter known.
    const running = study
      .getTrials([TrialState.RUNNING])
      .filter((t) => t.number !== trial.number && hasAll(t, names));
    const pending = new Float64Array(running.length * d);
    running.forEach((t, i) => {
      pending.set(space.encode(t.params, row), i * d);
    });

    const spaceKey = space.dimensions.map((dim) => dim.name).join(",");
    const isCategorical = space.isCategorical;
    const fitPosterior = (key: string, targets: Float64Array): GpPosterior => {
      const data: GpData = { x, y: targets, n, d, isCategorical };
      const cacheKey = `${key}|${spaceKey}`;
      const previous = this.cache.get(cacheKey);
      let state: GpState;
      if (previous === undefined || refitDue(n, previous.fittedAt)) {
        const fit = fitGp(subset(data, fitRows(n)), {
          minimumNoise: DEFAULT_MINIMUM_NOISE_VAR,
          deterministic: this.deterministicObjective,
          initial: previous?.fit.params ?? null,
          corrections: previous?.fit.corrections ?? null,
        });
        state = { fit, fittedAt: n, posterior: new GpPosterior(data, fit.params) };
      } else {
        // Same hyperparameters: extend the last factorization when the old points come first.
        const last = previous.posterior;
        const extended = startsWith(x, last.data.x) ? last.extend(data) : null;
        state = {
          ...previous,
          posterior: extended ?? new GpPosterior(data, previous.fit.params),
        };
      }
      this.cache.set(cacheKey, state);
      if (running.length === 0) return state.posterior;
      return believerPosterior(state.posterior, pending, running.length);
    };

    const objective = fitPosterior("objective", y);
    const terms: AcquisitionFunction[] = [];
    let bestIndex = -1;
    if (this.constraintsFunc !== null) {
      const feasible = this.addConstraintTerms(complete, fitPosterior, terms);
      for (let i = 0; i < n; i++) {
        if (feasible[i] && (bestIndex < 0 || y[i] < y[bestIndex])) bestIndex = i;
      }
    } else {
      for (let i = 0; i < n; i++) if (bestIndex < 0 || y[i] < y[bestIndex]) bestIndex = i;
    }
    if (bestIndex < 0 && terms.length === 0) {
      // Constraints requested but none stored yet: plain log EI.
      for (let i = 0; i < n; i++) if (bestIndex < 0 || y[i] < y[bestIndex]) bestIndex = i;
    }
    // Without a feasible trial, only the probability of feasibility guides the search.
    if (bestIndex >= 0) terms.unshift(new LogEi(objective, y[bestIndex]));
    const acquisition = terms.length === 1 ? terms[0] : new SumAcquisition(terms, d);
    const warmStarts = bestIndex >= 0 ? [x.slice(bestIndex * d, (bestIndex + 1) * d)] : [];
    const nLocalSearch = localSearches(n, this.nLocalSearch);
    const found = optimizeAcquisition(
      acquisition,
      space,
      objective.params.inverseSquaredLengthscales,
      {
        rng: new Rng(this.seed, trial.number, "gp"),
        nPreliminarySamples: screeningSamples(n, this.nPreliminarySamples),
        nLocalSearch,
        warmStarts: nLocalSearch > 1 ? warmStarts : [],
      },
    );
    return space.decode(found.x);
  }

  /** Adds log P(c_k ≤ 0) per constraint; returns which complete trials are feasible. */
  private addConstraintTerms(
    complete: readonly FrozenTrial[],
    fitPosterior: (key: string, targets: Float64Array) => GpPosterior,
    terms: AcquisitionFunction[],
  ): boolean[] {
    const stored = complete.map((t) => storedConstraints(t, null));
    const count = stored.find((c) => c !== null)?.length ?? 0;
    const feasible = stored.map((c) => c !== null && c.length === count && c.every((v) => v <= 0));
    for (let k = 0; k < count; k++) {
      const values = new Float64Array(complete.length);
      let worst = 0;
      for (const c of stored) if (c !== null && c.length === count) worst = Math.max(worst, c[k]);
      // A trial without stored constraints counts as the worst one seen.
      stored.forEach((c, i) => {
        values[i] = c !== null && c.length === count ? c[k] : worst;
      });
      clampInfinite(values);
      const { z, mean, std } = standardize(values);
      terms.push(new LogPi(fitPosterior(`constraint${k}`, z), (0 - mean) / std));
    }
    return feasible;
  }

  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    if (this.warnIndependent) {
      const nComplete = study.getTrials([TrialState.COMPLETE]).length;
      if (nComplete >= this.nStartupTrials && nComplete > 0) {
        logger.warn(
          `The parameter "${name}" in trial #${trial.number} is sampled independently by the ` +
            "independent sampler instead of GPSampler (optimization performance may degrade). " +
            "Set warnIndependentSampling: false to silence this warning.",
        );
      }
    }
    return this.independent.sampleIndependent(study, trial, name, distribution);
  }

  async beforeTrial(study: Study, trial: FrozenTrial): Promise<void> {
    await this.independent.beforeTrial?.(study, trial);
  }

  async afterTrial(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): Promise<void> {
    const constraints =
      this.constraintsFunc === null
        ? undefined
        : evaluateConstraints(this.constraintsFunc, trial, state, values);
    if (constraints !== undefined) {
      await study.storage.updateTrial(trial.trialId, {
        systemAttrs: { [CONSTRAINTS_KEY]: constraints },
      });
    }
    await this.independent.afterTrial?.(study, trial, state, values);
  }
}

/**
 * The posterior conditioned on pending points observed at their predicted mean ("kriging
 * believer"): the mean is unchanged everywhere, the variance shrinks near pending points.
 */
function believerPosterior(posterior: GpPosterior, pending: Float64Array, m: number): GpPosterior {
  const { data, params } = posterior;
  const mean = new Float64Array(m);
  const variance = new Float64Array(m);
  posterior.predict(pending, m, mean, variance);
  const x = new Float64Array((data.n + m) * data.d);
  x.set(data.x);
  x.set(pending, data.n * data.d);
  const y = new Float64Array(data.n + m);
  y.set(data.y);
  y.set(mean, data.n);
  const extended = { x, y, n: data.n + m, d: data.d, isCategorical: data.isCategorical };
  return posterior.extend(extended) ?? new GpPosterior(extended, params);
}
