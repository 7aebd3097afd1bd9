import type { Distribution, Params, ParamValue, SearchSpace } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { JsonValue } from "../../json/python.js";
import { Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import type { StudyDirection, TrialState } from "../../trial/state.js";
import { CONSTRAINTS_KEY, type ConstraintsFunc, evaluateConstraints } from "../constraints.js";
import { RandomSampler } from "../random/random-sampler.js";
import type { Sampler } from "../sampler.js";
import { intersectionSearchSpace } from "../search-space/intersection.js";
import {
  type Crossover,
  type CrossoverSpec,
  fromUnitClipped,
  makeCrossover,
  toUnit,
  UniformCrossover,
} from "./crossover.js";
import {
  type EliteSelection,
  objectiveRows,
  type ParentPopulation,
  PopulationTracker,
  violations,
} from "./population.js";
import { selectElite } from "./sort.js";

/** Options shared by the genetic samplers (NSGA-II, NSGA-III); Optuna's names and defaults. */
export interface GeneticSamplerOptions {
  /** Trials per generation (default 50); at least the crossover's number of parents. */
  populationSize?: number;
  /**
   * Probability that a parameter of a child is mutated, i.e. drawn afresh at random
   * (default null: 1 / the number of parameters).
   */
  mutationProb?: number | null;
  /**
   * How children's numeric parameters are made from their parents (default "uniform").
   * Categorical parameters always use uniform crossover.
   */
  crossover?: CrossoverSpec;
  /** Probability that a child is a crossover of parents rather than a copy of one (default 0.9). */
  crossoverProb?: number;
  /** Probability of taking each parameter from the first parent in uniform crossover (default 0.5). */
  swappingProb?: number;
  /** Seed for reproducible runs (default random). */
  seed?: number;
  /**
   * Constraints of a finished trial: values > 0 are violations; feasible when all are <= 0.
   * Evaluated after each COMPLETE or PRUNED trial and stored in the trial's system attribute
   * "constraints". Selection then uses constrained domination (Deb 2000): feasible trials first,
   * infeasible ones by increasing total violation.
   */
  constraintsFunc?: ConstraintsFunc;
}

/** Options of `NSGAIISampler`. */
export type NSGAIISamplerOptions = GeneticSamplerOptions;

/** Most attempts at a child inside the search space before clipping it into the cube. */
const MAX_ATTEMPTS = 100;

/**
 * The machinery of generational, elitist genetic samplers (Optuna's NSGA-II scheme); the
 * environmental selection is the subclass's.
 */
export abstract class GeneticSampler implements Sampler {
  readonly seed: number;
  readonly populationSize: number;
  readonly mutationProb: number | null;
  readonly crossoverProb: number;
  readonly swappingProb: number;
  readonly constraintsFunc: ConstraintsFunc | null;
  readonly crossover: Crossover;
  /** The generation of each trial this sampler sampled, stored on the trial when it ends. */
  private readonly pending = new Map<number, number>();
  private readonly random: RandomSampler;
  private tracker: PopulationTracker | null = null;
  private readonly key: string;
  private readonly generationKey: string;

  /**
   * @param what the sampler's name, for error messages
   * @param key the prefix of its system attributes and random streams ("nsga2", "nsga3")
   */
  protected constructor(what: string, key: string, options: GeneticSamplerOptions) {
    this.key = key;
    this.generationKey = `${key}:generation`;
    this.seed = options.seed ?? Rng.randomSeed();
    this.populationSize = options.populationSize ?? 50;
    this.mutationProb = options.mutationProb ?? null;
    this.crossoverProb = options.crossoverProb ?? 0.9;
    this.swappingProb = options.swappingProb ?? 0.5;
    this.constraintsFunc = options.constraintsFunc ?? null;
    this.random = new RandomSampler({ seed: this.seed });
    if (!(Number.isInteger(this.populationSize) && this.populationSize >= 2)) {
      throw new InvalidArgumentError(
        `${what}: populationSize must be an integer >= 2, got ${this.populationSize}.`,
      );
    }
    const probabilities: [string, number | null][] = [
      ["mutationProb", this.mutationProb],
      ["crossoverProb", this.crossoverProb],
      ["swappingProb", this.swappingProb],
    ];
    for (const [name, p] of probabilities) {
      if (p !== null && !(p >= 0 && p <= 1)) {
        throw new InvalidArgumentError(`${what}: ${name} must be in [0, 1], got ${p}.`);
      }
    }
    this.crossover = makeCrossover(options.crossover ?? "uniform", this.swappingProb);
    if (this.populationSize < this.crossover.nParents) {
      throw new InvalidArgumentError(
        `${what}: the ${this.crossover.name} crossover needs ${this.crossover.nParents} parents; ` +
          `populationSize must be at least that, got ${this.populationSize}.`,
      );
    }
  }

  /** Environmental selection of this algorithm. */
  protected abstract selectElite: EliteSelection;

  private populations(): PopulationTracker {
    this.tracker ??= new PopulationTracker(
      this.populationSize,
      this.selectElite,
      this.constraintsFunc !== null,
      this.generationKey,
    );
    return this.tracker;
  }

  /** The intersection of the COMPLETE trials' search spaces, without single-valued parameters. */
  inferRelativeSearchSpace(study: StudySnapshot, _trial: FrozenTrial): SearchSpace {
    return intersectionSearchSpace(study.trials, { includePruned: false });
  }

  /**
   * Assigns the trial to the first incomplete generation and, from generation 1 on, makes its
   * parameters from parents of the previous population: crossover with probability
   * `crossoverProb` (else a copy of one parent), then mutation (a mutated parameter is left out
   * and drawn at random by `sampleIndependent`).
   */
  sampleRelative(study: StudySnapshot, trial: FrozenTrial, searchSpace: SearchSpace): Params {
    const parents = this.populations().parents(study);
    this.pending.set(trial.trialId, parents === null ? 0 : parents.generation + 1);
    const names = Object.keys(searchSpace).sort();
    if (parents === null || names.length === 0) return {};

    const rng = new Rng(this.seed, this.key, trial.number);
    const child =
      rng.random() < this.crossoverProb
        ? this.crossed(study, parents, searchSpace, names, rng)
        : this.copied(parents, names, rng);

    const mutationProb = this.mutationProb ?? 1 / names.length;
    const params: Params = {};
    for (const name of names) {
      const value = child[name];
      if (rng.random() >= mutationProb && value !== undefined) params[name] = value;
    }
    return params;
  }

  private copied(parents: ParentPopulation, names: string[], rng: Rng): Params {
    const parent = parents.trials[rng.integer(0, parents.trials.length - 1)]!;
    const child: Params = {};
    for (const name of names) if (name in parent.params) child[name] = parent.params[name]!;
    return child;
  }

  /**
   * Binary tournament without replacement of the winners: the lower non-domination rank wins,
   * then the larger crowding distance (Deb et al. 2002's crowded comparison).
   */
  private selectParents(parents: ParentPopulation, rng: Rng): FrozenTrial[] {
    const available = Array.from({ length: parents.trials.length }, (_, i) => i);
    const chosen: FrozenTrial[] = [];
    for (let k = 0; k < this.crossover.nParents; k++) {
      const a = rng.integer(0, available.length - 1);
      const b = rng.integer(0, available.length - 1);
      const ia = available[a]!;
      const ib = available[b]!;
      const ra = parents.rank[ia]!;
      const rb = parents.rank[ib]!;
      const aWins = ra < rb || (ra === rb && parents.crowding[ia]! >= parents.crowding[ib]!);
      const winner = aWins ? a : b;
      chosen.push(parents.trials[available[winner]!]!);
      available.splice(winner, 1);
    }
    return chosen;
  }

  private crossed(
    study: StudySnapshot,
    parents: ParentPopulation,
    searchSpace: SearchSpace,
    names: string[],
    rng: Rng,
  ): Params {
    const numeric: string[] = [];
    const categorical: string[] = [];
    for (const name of names) {
      (searchSpace[name]!.kind === "categorical" ? categorical : numeric).push(name);
    }
    const crossover = this.crossover;
    const ctx = { multiObjective: study.directions.length > 1 };
    const d = numeric.length;
    const child = new Float64Array(d);
    for (let attempt = 1; ; attempt++) {
      const chosen = this.selectParents(parents, rng);
      const params: Params = {};
      // Categorical parameters: uniform crossover between the first and the last parent.
      const first = chosen[0]!;
      const last = chosen[chosen.length - 1]!;
      for (const name of categorical) {
        params[name] = (rng.random() < this.swappingProb ? first : last).params[name]!;
      }
      if (d === 0) return params;
      if (crossover instanceof UniformCrossover) {
        // Genes copied as they are (no round trip through the unit cube).
        const swap = crossover.swappingProb;
        for (const name of numeric) {
          params[name] = (rng.random() < swap ? first : last).params[name]!;
        }
        return params;
      }
      const points = chosen.map((t) => {
        const x = new Float64Array(d);
        for (let i = 0; i < d; i++) {
          x[i] = toUnit(searchSpace[numeric[i]!]!, t.params[numeric[i]!]!);
        }
        return x;
      });
      crossover.cross(points, rng, child, ctx);
      let inside = true;
      for (let i = 0; i < d; i++) {
        if (!(child[i]! >= 0 && child[i]! <= 1)) inside = false;
      }
      if (inside || crossover.bounded || attempt >= MAX_ATTEMPTS) {
        for (let i = 0; i < d; i++) {
          const u = Number.isFinite(child[i]!) ? child[i]! : 0.5;
          params[numeric[i]!] = fromUnitClipped(searchSpace[numeric[i]!]!, u);
        }
        return params;
      }
    }
  }

  /** Parameters of the first generation, mutated ones, and those outside the relative space. */
  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    return this.random.sampleIndependent(study, trial, name, distribution);
  }

  /** Stores the trial's generation and, with `constraintsFunc`, its constraint values. */
  async afterTrial(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): Promise<void> {
    const attrs: Record<string, JsonValue> = {};
    const generation = this.pending.get(trial.trialId);
    if (generation !== undefined) {
      this.pending.delete(trial.trialId);
      attrs[this.generationKey] = generation;
    }
    if (this.constraintsFunc !== null) {
      const constraints = evaluateConstraints(this.constraintsFunc, trial, state, values);
      if (constraints !== undefined) attrs[CONSTRAINTS_KEY] = constraints;
    }
    if (Object.keys(attrs).length > 0) {
      await study.storage.updateTrial(trial.trialId, { systemAttrs: attrs });
    }
  }
}

/** NSGA-II's environmental selection: fronts, then crowding distance. */
export function nsga2Elite(constrained: boolean): EliteSelection {
  return (candidates, directions: readonly StudyDirection[], size) =>
    selectElite(
      objectiveRows(candidates, directions),
      candidates.length,
      directions.length,
      size,
      constrained ? violations(candidates) : null,
    );
}

/**
 * NSGA-II, the non-dominated sorting genetic algorithm II (Deb, Pratap, Agarwal & Meyarivan 2002,
 * "A fast and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEVC 6(2)), with Optuna's
 * generational scheme and defaults:
 *
 * - Trials are grouped into generations of `populationSize` COMPLETE trials (system attribute
 *   "nsga2:generation"); generation 0 is random.
 * - The population of a generation is the best `populationSize` of its trials and the previous
 *   population, by non-dominated sorting and crowding distance (constrained domination when
 *   `constraintsFunc` is set).
 * - Each new trial takes its parents from the last complete population by binary tournament
 *   (crowded comparison), crosses them with probability `crossoverProb` (uniform crossover by
 *   default; BLX-α, SBX, vSBX, SPX, UNDX on request), and mutates each parameter with
 *   probability `mutationProb` by drawing it at random.
 * - Parameters are those of the intersection search space; categorical parameters are crossed
 *   uniformly; others (dynamic spaces) are drawn at random.
 *
 * Generations are derived from the stored trials only, so workers sharing a storage and a
 * restarted process continue the same run. Works with one objective too (a plain elitist GA).
 *
 * Differences from Optuna: tournaments compare rank then crowding distance (Optuna compares
 * domination only), and past populations are recomputed (cached in memory) rather than cached
 * in study system attributes.
 */
export class NSGAIISampler extends GeneticSampler {
  protected selectElite: EliteSelection;

  constructor(options: NSGAIISamplerOptions = {}) {
    super("NSGAIISampler", "nsga2", options);
    this.selectElite = nsga2Elite(this.constraintsFunc !== null);
  }
}
