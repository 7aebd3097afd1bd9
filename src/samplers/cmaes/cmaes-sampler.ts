import {
  type Distribution,
  distributionToJson,
  type Params,
  type ParamValue,
  type SearchSpace,
} from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { JsonValue } from "../../json/python.js";
import { logger } from "../../logging/index.js";
import { Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { TrialState } from "../../trial/state.js";
import { RandomSampler } from "../random/random-sampler.js";
import type { Sampler } from "../sampler.js";
import { intersectionSearchSpace } from "../search-space/intersection.js";
import { CmaEs, type CmaEsJson, defaultPopsize, type Solution } from "./cma.js";
import { isDiscrete, UnitTransform } from "./transform.js";
import { warmStartDistribution } from "./warm-start.js";

/** Restart strategies: IPOP (Auger & Hansen 2005) or BIPOP (Hansen 2009). */
export type RestartStrategy = "ipop" | "bipop";

/** Options of `CmaEsSampler` (Optuna's names in camelCase, and its defaults). */
export interface CmaEsSamplerOptions {
  /** Initial mean, as parameter values; default the centre of the search space (per name). */
  x0?: Readonly<Record<string, number>>;
  /**
   * Initial step size in the normalized space, where every parameter spans [0, 1] (log ranges
   * in log space). Default 1/6 (Optuna: the smallest range / 6).
   */
  sigma0?: number;
  /** Completed trials sampled by the independent sampler before CMA-ES starts (default 1). */
  nStartupTrials?: number;
  /** Sampler of the parameters outside the relative search space (default `RandomSampler`). */
  independentSampler?: Sampler;
  /** Log once per parameter that is sampled independently (default true). */
  warnIndependentSampling?: boolean;
  /** Seed for reproducible runs (default random). */
  seed?: number;
  /** Use PRUNED trials with their last reported value like completed ones (default false). */
  considerPrunedTrials?: boolean;
  /** Restart when a run converges: "ipop", "bipop", or null for no restart (default). */
  restartStrategy?: RestartStrategy | null;
  /** Initial population size λ (default 4 + ⌊3 ln n⌋). */
  popsize?: number;
  /** Factor of the population size at each (large) restart (default 2). */
  incPopsize?: number;
  /** sep-CMA-ES: a diagonal covariance, for many parameters (default false). */
  separable?: boolean;
  /** Alias of `separable` (Optuna's `use_separable_cma`). */
  useSeparableCma?: boolean;
  /**
   * CMA-ES with margin on integer and stepped parameters (default: on when the search space
   * has such a parameter; Optuna's default is off).
   */
  withMargin?: boolean;
  /**
   * Finished trials of a similar earlier study to warm-start from (Optuna's `source_trials`):
   * the initial mean, step size and covariance come from the best 10% of them.
   */
  sourceTrials?: readonly FrozenTrial[];
  /** Alias of `sourceTrials`. */
  warmStartTrials?: readonly FrozenTrial[];
}

/** System attribute keys (Optuna's "cma:" prefix). */
const KEY_GENERATION = "cma:generation";
const KEY_RESTARTS = "cma:n_restarts";
const KEY_STATE = "cma:state";
const KEY_X = "cma:x_for_tell";
/** Longest JSON-encoded string of one attribute chunk (Optuna's limit, fits VARCHAR(2048)). */
const CHUNK_LENGTH = 2045;

/** Everything the sampler needs to continue, stored with the trial that produced it. */
interface StoredState {
  version: 1;
  /** name → distribution JSON: the relative search space of this optimizer. */
  space: Record<string, string>;
  separable: boolean;
  margin: boolean;
  /** Id of this optimizer: 0 for the first run, +1 at each restart. */
  restarts: number;
  basePopsize: number;
  largeRestarts: number;
  evalsLarge: number;
  evalsSmall: number;
  regime: "large" | "small";
  sigma0: number;
  es: CmaEsJson;
}

interface Current {
  state: StoredState;
  es: CmaEs;
}

/** Splits text into chunks whose JSON string form stays within `CHUNK_LENGTH`. */
function chunkText(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  let size = 2; // the quotes
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const width = c === 34 || c === 92 ? 2 : c < 32 || c > 126 ? 6 : 1;
    if (size + width > CHUNK_LENGTH) {
      chunks.push(text.slice(start, i));
      start = i;
      size = 2;
    }
    size += width;
  }
  chunks.push(text.slice(start));
  return chunks;
}

function writeChunked(attrs: Record<string, JsonValue>, key: string, value: unknown): void {
  chunkText(JSON.stringify(value)).forEach((chunk, i) => {
    attrs[`${key}:${i}`] = chunk;
  });
}

function readChunkedText(attrs: Readonly<Record<string, JsonValue>>, key: string): string | null {
  let text = "";
  for (let i = 0; ; i++) {
    const chunk = attrs[`${key}:${i}`];
    if (typeof chunk !== "string") return i === 0 ? null : text;
    text += chunk;
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readChunked(attrs: Readonly<Record<string, JsonValue>>, key: string): unknown {
  return parseJson(readChunkedText(attrs, key));
}

function spaceSignature(transform: UnitTransform): Record<string, string> {
  const signature: Record<string, string> = {};
  transform.names.forEach((name, i) => {
    signature[name] = distributionToJson(transform.distributions[i]!);
  });
  return signature;
}

function sameSignature(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * CMA-ES (covariance matrix adaptation evolution strategy) on the numeric parameters, with
 * Optuna's behaviour: the relative search space is the intersection of the completed trials'
 * spaces (floats and integers; log ranges in log space); categorical and dynamic parameters
 * go to the independent sampler. Each trial samples one individual of the current generation;
 * a generation is told once `popsize` of its trials have COMPLETED. The optimizer is stored as
 * JSON in trial system attributes ("cma:state:0", ..., "cma:generation", "cma:n_restarts"),
 * so a new sampler instance (another process) continues where the last one stopped.
 *
 * Variants: IPOP / BIPOP restarts (`restartStrategy`), sep-CMA-ES (`separable`), CMA-ES with
 * margin for integer and stepped parameters (`withMargin`), warm starting from the trials of
 * a similar study (`sourceTrials`). See `cma.ts` for the algorithm and its references.
 *
 * Unlike Optuna 3.1, a one-dimensional search space is sampled by CMA-ES too.
 */
export class CmaEsSampler implements Sampler {
  readonly seed: number;
  readonly x0: Readonly<Record<string, number>> | null;
  readonly sigma0: number | null;
  readonly nStartupTrials: number;
  readonly warnIndependentSampling: boolean;
  readonly considerPrunedTrials: boolean;
  readonly restartStrategy: RestartStrategy | null;
  readonly popsize: number | null;
  readonly incPopsize: number;
  readonly separable: boolean;
  readonly withMargin: boolean | null;
  readonly sourceTrials: readonly FrozenTrial[] | null;
  private readonly independent: Sampler;
  private readonly warned = new Set<string>();
  /** The last restored optimizer, by the JSON text it was restored from. */
  private cache: { text: string; es: CmaEs } | null = null;
  /** System attributes to write on each trial (by id) when it ends. */
  private readonly pending = new Map<number, Record<string, JsonValue>>();

  constructor(options: CmaEsSamplerOptions = {}) {
    this.seed = options.seed ?? Rng.randomSeed();
    this.x0 = options.x0 ?? null;
    this.sigma0 = options.sigma0 ?? null;
    this.nStartupTrials = options.nStartupTrials ?? 1;
    this.warnIndependentSampling = options.warnIndependentSampling ?? true;
    this.considerPrunedTrials = options.considerPrunedTrials ?? false;
    this.restartStrategy = options.restartStrategy ?? null;
    this.popsize = options.popsize ?? null;
    this.incPopsize = options.incPopsize ?? 2;
    this.separable = options.separable ?? options.useSeparableCma ?? false;
    this.withMargin = options.withMargin ?? null;
    this.sourceTrials = options.sourceTrials ?? options.warmStartTrials ?? null;
    this.independent = options.independentSampler ?? new RandomSampler({ seed: this.seed });

    if (this.restartStrategy !== null && !["ipop", "bipop"].includes(this.restartStrategy)) {
      throw new InvalidArgumentError(
        `CmaEsSampler: restartStrategy must be "ipop", "bipop" or null, not "${String(this.restartStrategy)}".`,
      );
    }
    if (this.sigma0 !== null && !(this.sigma0 > 0 && Number.isFinite(this.sigma0))) {
      throw new InvalidArgumentError(`CmaEsSampler: sigma0 must be positive, got ${this.sigma0}.`);
    }
    if (this.popsize !== null && !(Number.isInteger(this.popsize) && this.popsize >= 2)) {
      throw new InvalidArgumentError(
        `CmaEsSampler: popsize must be an integer >= 2, got ${this.popsize}.`,
      );
    }
    if (!(Number.isFinite(this.incPopsize) && this.incPopsize >= 1)) {
      throw new InvalidArgumentError(
        `CmaEsSampler: incPopsize must be >= 1, got ${this.incPopsize}.`,
      );
    }
    if (!(Number.isInteger(this.nStartupTrials) && this.nStartupTrials >= 0)) {
      throw new InvalidArgumentError(
        `CmaEsSampler: nStartupTrials must be a non-negative integer, got ${this.nStartupTrials}.`,
      );
    }
    if (this.sourceTrials !== null) {
      if (this.x0 !== null || this.sigma0 !== null) {
        throw new InvalidArgumentError(
          "CmaEsSampler: sourceTrials sets the initial mean and step size; do not pass x0 or sigma0 with it.",
        );
      }
      if (this.separable) {
        throw new InvalidArgumentError(
          "CmaEsSampler: sourceTrials cannot be used with separable CMA-ES (it estimates a full covariance).",
        );
      }
      if (this.sourceTrials.length === 0) {
        throw new InvalidArgumentError("CmaEsSampler: sourceTrials is empty.");
      }
    }
  }

  /** Completed trials, and with `considerPrunedTrials` pruned ones valued at their last report. */
  private usableTrials(study: StudySnapshot): FrozenTrial[] {
    const out: FrozenTrial[] = [];
    for (const t of study.trials) {
      if (t.state === TrialState.COMPLETE) out.push(t);
      else if (this.considerPrunedTrials && t.state === TrialState.PRUNED) {
        const step = t.lastStep;
        if (step === null) continue;
        const value = t.intermediateValues.get(step)!;
        if (!Number.isFinite(value)) continue;
        out.push(t.with({ values: [value] }));
      }
    }
    return out;
  }

  private checkSingleObjective(study: StudySnapshot): void {
    if (study.directions.length > 1) {
      throw new InvalidArgumentError(
        "CmaEsSampler does not support multi-objective optimization; use NSGA-II or TPE.",
      );
    }
  }

  inferRelativeSearchSpace(study: StudySnapshot, _trial: FrozenTrial): SearchSpace {
    const space: SearchSpace = {};
    const common = intersectionSearchSpace(this.usableTrials(study), {
      includePruned: this.considerPrunedTrials,
    });
    for (const [name, d] of Object.entries(common)) {
      if (d.kind !== "categorical") space[name] = d;
    }
    return space;
  }

  sampleRelative(study: StudySnapshot, trial: FrozenTrial, searchSpace: SearchSpace): Params {
    this.checkSingleObjective(study);
    if (Object.keys(searchSpace).length === 0) return {};
    const trials = this.usableTrials(study);
    if (trials.length < this.nStartupTrials) return {};

    const hasDiscrete = Object.values(searchSpace).some(isDiscrete);
    const margin = (this.withMargin ?? true) && hasDiscrete;
    const transform = new UnitTransform(searchSpace, margin);
    const sign = study.directions[0] === "maximize" ? -1 : 1;
    const attrs: Record<string, JsonValue> = {};

    let current = this.restore(trials, transform, sign);
    const { state, es } = current;
    const solutions = trials.filter(
      (t) =>
        t.systemAttrs[KEY_GENERATION] === es.generation &&
        t.systemAttrs[KEY_RESTARTS] === state.restarts,
    );
    if (solutions.length >= es.popsize) {
      this.cache = null; // `tell` changes the optimizer in place
      es.tell(
        solutions.slice(0, es.popsize).map((t) => this.solutionOf(t, transform, margin, sign)),
      );
      state.es = es.toJSON();
      if (this.restartStrategy !== null && es.shouldStop()) {
        current = this.restart(state, transform);
      }
      writeChunked(attrs, KEY_STATE, current.state);
    }

    const sample = current.es.ask(new Rng(this.seed, "cma", trial.number));
    attrs[KEY_GENERATION] = current.es.generation;
    attrs[KEY_RESTARTS] = current.state.restarts;
    if (margin) writeChunked(attrs, KEY_X, Array.from(sample.x));
    this.pending.set(trial.trialId, attrs);
    return transform.decode(sample.point);
  }

  /** The tell-pair of a finished trial: its point in the unit cube and its value to minimize. */
  private solutionOf(
    t: FrozenTrial,
    transform: UnitTransform,
    margin: boolean,
    sign: number,
  ): Solution {
    let x: ArrayLike<number> | null = null;
    if (margin) {
      const raw = readChunked(t.systemAttrs, KEY_X);
      if (
        Array.isArray(raw) &&
        raw.length === transform.dimension &&
        raw.every((v) => typeof v === "number")
      ) {
        x = raw as number[];
      }
    }
    return { x: x ?? transform.encode(t.params), value: sign * t.values![0]! };
  }

  /** The optimizer of the latest trial that stored one, if it fits; else a fresh one. */
  private restore(trials: readonly FrozenTrial[], transform: UnitTransform, sign: number): Current {
    const signature = spaceSignature(transform);
    for (let i = trials.length - 1; i >= 0; i--) {
      const text = readChunkedText(trials[i]!.systemAttrs, KEY_STATE);
      const raw = parseJson(text) as StoredState | undefined;
      if (raw === undefined || raw === null || typeof raw !== "object") continue;
      if (
        raw.version === 1 &&
        sameSignature(raw.space, signature) &&
        raw.separable === this.separable &&
        raw.margin === transform.withMargin
      ) {
        // The optimizer is a pure function of its JSON; reuse the last one (and its
        // eigen-decomposition) while the state has not changed.
        if (this.cache?.text !== text) {
          this.cache = { text: text!, es: CmaEs.fromJSON(raw.es, transform.axes) };
        }
        return { state: raw, es: this.cache.es };
      }
      // The search space or the variant changed: a new run.
      return this.fresh(transform, sign, (raw.restarts ?? 0) + 1);
    }
    return this.fresh(transform, sign, 0);
  }

  /** The first optimizer of a search space: x0 / centre / warm start. */
  private fresh(transform: UnitTransform, sign: number, restarts: number): Current {
    const n = transform.dimension;
    const basePopsize = this.popsize ?? defaultPopsize(n);
    const sigma0 = this.sigma0 ?? 1 / 6;
    let mean: Float64Array = new Float64Array(n).fill(0.5);
    let sigma = sigma0;
    let cov: Float64Array | null = null;
    if (this.x0 !== null) {
      const center = transform.decode(mean);
      mean = transform.encode({ ...center, ...this.x0 });
    }
    if (this.sourceTrials !== null) {
      const names = transform.names;
      const source = this.sourceTrials.filter(
        (t) =>
          (t.state === TrialState.COMPLETE ||
            (this.considerPrunedTrials && t.state === TrialState.PRUNED && t.values !== null)) &&
          t.values !== null &&
          names.every((name) => {
            const d = t.distributions[name];
            return (
              d !== undefined && d.kind !== "categorical" && typeof t.params[name] === "number"
            );
          }),
      );
      if (source.length === 0) {
        throw new InvalidArgumentError(
          `CmaEsSampler: no source trial has all the parameters ${names.join(", ")}; cannot warm-start.`,
        );
      }
      const start = warmStartDistribution(
        source.map((t) => ({ x: transform.encode(t.params), value: sign * t.values![0]! })),
      );
      mean = start.mean;
      sigma = start.sigma;
      cov = start.cov;
    }
    const es = this.newOptimizer(transform, mean, Math.max(sigma, 1e-10), basePopsize, cov);
    const state: StoredState = {
      version: 1,
      space: spaceSignature(transform),
      separable: this.separable,
      margin: transform.withMargin,
      restarts,
      basePopsize,
      largeRestarts: 0,
      evalsLarge: 0,
      evalsSmall: 0,
      regime: "large",
      sigma0,
      es: es.toJSON(),
    };
    return { state, es };
  }

  private newOptimizer(
    transform: UnitTransform,
    mean: Float64Array,
    sigma: number,
    popsize: number,
    cov: Float64Array | null,
  ): CmaEs {
    const n = transform.dimension;
    return new CmaEs({
      mean,
      sigma,
      cov,
      lower: new Float64Array(n).fill(0),
      upper: new Float64Array(n).fill(1),
      popsize,
      separable: this.separable,
      maxResampling: 10 * n,
      discrete: transform.axes,
    });
  }

  /** IPOP: a larger population; BIPOP: alternates large and small populations by budget. */
  private restart(previous: StoredState, transform: UnitTransform): Current {
    const n = transform.dimension;
    const es = previous.es;
    const spent = es.popsize * es.generation;
    const state: StoredState = { ...previous, restarts: previous.restarts + 1 };
    if (previous.regime === "large") state.evalsLarge += spent;
    else state.evalsSmall += spent;
    const rng = new Rng(this.seed, "cma:restart", state.restarts);
    const mean = new Float64Array(n);
    for (let i = 0; i < n; i++) mean[i] = rng.random();
    let popsize: number;
    let sigma = state.sigma0;
    if (this.restartStrategy === "bipop" && state.evalsSmall < state.evalsLarge) {
      // Small regime (Hansen 2009): λ_s = ⌊λ_def (λ_large / (2 λ_def))^(U²)⌋, σ_s = σ0 10^(−2U).
      const nextLarge = this.incPopsize ** (state.largeRestarts + 1);
      const u1 = rng.random();
      const u2 = rng.random();
      popsize = Math.max(
        2,
        Math.floor(state.basePopsize * Math.max(1, nextLarge / 2) ** (u1 * u1)),
      );
      sigma = state.sigma0 * 10 ** (-2 * u2);
      state.regime = "small";
    } else {
      state.largeRestarts += 1;
      popsize = Math.max(2, Math.round(state.basePopsize * this.incPopsize ** state.largeRestarts));
      state.regime = "large";
    }
    const optimizer = this.newOptimizer(transform, mean, sigma, popsize, null);
    state.es = optimizer.toJSON();
    return { state, es: optimizer };
  }

  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    this.checkSingleObjective(study);
    if (this.warnIndependentSampling && !this.warned.has(name)) {
      if (this.usableTrials(study).length >= this.nStartupTrials) {
        this.warned.add(name);
        logger.warn(
          `The parameter "${name}" in trial ${trial.number} is sampled independently by ` +
            `${this.independent.constructor.name} instead of CmaEsSampler (optimization performance ` +
            "may be degraded). CmaEsSampler does not support dynamic search spaces or " +
            "categorical parameters. Set warnIndependentSampling: false to hide this warning.",
        );
      }
    }
    return this.independent.sampleIndependent(study, trial, name, distribution);
  }

  async beforeTrial(study: Study, trial: FrozenTrial): Promise<void> {
    await this.independent.beforeTrial?.(study, trial);
  }

  /** Stores the generation (and, after a tell, the optimizer) on the trial before it ends. */
  async afterTrial(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): Promise<void> {
    const attrs = this.pending.get(trial.trialId);
    if (attrs !== undefined) {
      this.pending.delete(trial.trialId);
      await study.storage.updateTrial(trial.trialId, { systemAttrs: attrs });
    }
    await this.independent.afterTrial?.(study, trial, state, values);
  }
}
