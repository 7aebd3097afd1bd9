/**
 * Generations of a genetic sampler, derived from the stored trials alone (so several workers
 * sharing a storage, or a restarted process, agree on them): every trial carries the generation
 * it was sampled for in the system attribute "nsga2:generation". Generation g is complete once
 * `populationSize` of its trials are COMPLETE; the population of generation g is then the elite
 * (environmental selection) of its COMPLETE trials together with the population of g − 1.
 * The first generation that is not complete is the one new trials belong to; its parents are
 * the population of the generation before it.
 */
import type { JsonValue } from "../../json/python.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { type StudyDirection, TrialState } from "../../trial/state.js";
import { CONSTRAINTS_KEY } from "../constraints.js";
import { crowdingDistance, nonDominatedSort, totalViolation } from "./sort.js";

/** System attribute: the generation a trial was sampled for (Optuna's key). */
export const GENERATION_KEY = "nsga2:generation";

/** The objective values of trials as rows to minimize (maximized columns negated). */
export function objectiveRows(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): Float64Array {
  const m = directions.length;
  const rows = new Float64Array(trials.length * m);
  for (let i = 0; i < trials.length; i++) {
    const values = trials[i]!.values!;
    for (let k = 0; k < m; k++) {
      const v = values[k]!;
      rows[i * m + k] = directions[k] === "maximize" ? -v : v;
    }
  }
  return rows;
}

/** Each trial's total constraint violation (0: feasible; +Infinity: no constraint values). */
export function violations(trials: readonly FrozenTrial[]): Float64Array {
  const out = new Float64Array(trials.length);
  for (let i = 0; i < trials.length; i++) {
    out[i] = totalViolation(trials[i]!.systemAttrs[CONSTRAINTS_KEY]);
  }
  return out;
}

/** The generation stored on a trial (under `key`), or null. */
export function generationOf(trial: FrozenTrial, key: string = GENERATION_KEY): number | null {
  const g: JsonValue | undefined = trial.systemAttrs[key];
  return typeof g === "number" && Number.isInteger(g) && g >= 0 ? g : null;
}

/**
 * Environmental selection: `size` of the candidates (COMPLETE trials, in trial order), as
 * indices into `candidates`. `generation` seeds any random choice (NSGA-III's niching).
 */
export type EliteSelection = (
  candidates: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  size: number,
  generation: number,
) => number[];

/** The parents of the next generation, with what binary tournaments compare. */
export interface ParentPopulation {
  /** The generation these trials are the population of (the new trials' generation − 1). */
  generation: number;
  trials: readonly FrozenTrial[];
  /** Non-domination rank of each parent within the population (0 = best). */
  rank: Int32Array;
  /** Crowding distance of each parent within its front. */
  crowding: Float64Array;
}

interface CachedGeneration {
  /** Ids of the generation's COMPLETE trials, ascending. */
  members: number[];
  /** Ids of the selected population. */
  population: number[];
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Derives the parent population from a snapshot. The populations of past generations are
 * cached in memory by their members (per study); the cache is only a speed-up, never a
 * source of truth.
 */
export class PopulationTracker {
  private readonly caches = new Map<string, CachedGeneration[]>();
  private cachedParents: { study: string; key: number[]; parents: ParentPopulation } | null = null;

  /**
   * @param populationSize trials per generation
   * @param select environmental selection
   * @param constrained whether selection uses constrained domination
   * @param generationKey the system attribute holding each trial's generation
   */
  constructor(
    private readonly populationSize: number,
    private readonly select: EliteSelection,
    private readonly constrained: boolean,
    private readonly generationKey: string = GENERATION_KEY,
  ) {}

  /** The population of the last complete generation, or null while generation 0 fills. */
  parents(study: StudySnapshot): ParentPopulation | null {
    const byGeneration = new Map<number, FrozenTrial[]>();
    const byId = new Map<number, FrozenTrial>();
    const m = study.directions.length;
    for (const t of study.trials) {
      if (t.state !== TrialState.COMPLETE || t.values === null || t.values.length !== m) continue;
      const g = generationOf(t, this.generationKey);
      if (g === null) continue;
      const list = byGeneration.get(g);
      if (list === undefined) byGeneration.set(g, [t]);
      else list.push(t);
      byId.set(t.trialId, t);
    }
    let cache = this.caches.get(study.studyName);
    if (cache === undefined) {
      cache = [];
      this.caches.set(study.studyName, cache);
    }
    let population: FrozenTrial[] = [];
    let generation = -1;
    for (let g = 0; ; g++) {
      const members = byGeneration.get(g) ?? [];
      if (members.length < this.populationSize) break;
      const ids = members.map((t) => t.trialId).sort((a, b) => a - b);
      const cached = cache[g];
      if (cached !== undefined && sameNumbers(cached.members, ids)) {
        population = cached.population.map((id) => byId.get(id)!);
      } else {
        // Candidates in trial order: this generation's trials and the previous population.
        const pool = [...members, ...population].sort((a, b) => a.number - b.number);
        const chosen = this.select(pool, study.directions, this.populationSize, g);
        population = chosen.map((i) => pool[i]!).sort((a, b) => a.number - b.number);
        cache.length = g;
        cache[g] = { members: ids, population: population.map((t) => t.trialId) };
      }
      generation = g;
    }
    if (generation < 0) return null;
    const key = population.map((t) => t.trialId);
    if (
      this.cachedParents !== null &&
      this.cachedParents.study === study.studyName &&
      sameNumbers(this.cachedParents.key, key)
    ) {
      const cached = this.cachedParents.parents;
      // Same trials (finished trials never change), same ranking.
      return cached.generation === generation ? cached : { ...cached, generation };
    }
    const parents = this.rankParents(population, study.directions, generation);
    this.cachedParents = { study: study.studyName, key, parents };
    return parents;
  }

  private rankParents(
    trials: FrozenTrial[],
    directions: readonly StudyDirection[],
    generation: number,
  ): ParentPopulation {
    const m = directions.length;
    const rows = objectiveRows(trials, directions);
    const violation = this.constrained ? violations(trials) : null;
    const { fronts, rank } = nonDominatedSort(rows, trials.length, m, violation);
    const crowding = new Float64Array(trials.length);
    for (const front of fronts) {
      const distance = crowdingDistance(rows, m, front);
      for (let p = 0; p < front.length; p++) crowding[front[p]!] = distance[p]!;
    }
    return { generation, trials, rank, crowding };
  }
}
