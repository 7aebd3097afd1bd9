/**
 * The intersection search space: the parameters that every finished trial has, with the same
 * distribution each time (Optuna's IntersectionSearchSpace). Samplers that model parameters
 * jointly (multivariate TPE, GP, CMA-ES) work on it.
 */
import {
  type Distribution,
  distributionsEqual,
  type SearchSpace,
} from "../../distributions/index.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { FinishedTrialCursor, shapesSearchSpace } from "./finished-trials.js";

/** Options of `intersectionSearchSpace`. */
export interface IntersectionOptions {
  /** Count PRUNED trials as well as COMPLETE ones. Default true. */
  includePruned?: boolean;
  /** Keep single-valued distributions (nothing to sample there). Default false. */
  includeSingle?: boolean;
}

/**
 * Parameters present with identical distributions in every COMPLETE (and, by default,
 * PRUNED) trial, ordered by name; empty when no trial finished.
 */
export function intersectionSearchSpace(
  trials: readonly FrozenTrial[],
  options: IntersectionOptions = {},
): SearchSpace {
  const includePruned = options.includePruned ?? true;
  let common: Map<string, Distribution> | null = null;
  for (const trial of trials) {
    if (!shapesSearchSpace(trial, includePruned)) continue;
    if (common === null) {
      common = new Map(Object.entries(trial.distributions));
      continue;
    }
    for (const [name, distribution] of common) {
      const other = trial.distributions[name];
      if (other === undefined || !distributionsEqual(distribution, other)) common.delete(name);
    }
    if (common.size === 0) break;
  }
  return common === null ? {} : sortedSpace(common, options.includeSingle ?? false);
}

/** A search space from name → distribution, ordered by name, single values left out unless asked. */
export function sortedSpace(
  distributions: ReadonlyMap<string, Distribution>,
  includeSingle: boolean,
): SearchSpace {
  const space: SearchSpace = {};
  for (const name of [...distributions.keys()].sort()) {
    const distribution = distributions.get(name)!;
    if (includeSingle || !distribution.single()) space[name] = distribution;
  }
  return space;
}

/**
 * `intersectionSearchSpace` computed incrementally: finished trials never change, so each is
 * intersected once; only trials from the first unfinished one on are looked at again. One
 * instance follows one study at a time (it starts over for another study name, or when the
 * trials it has seen are no longer the snapshot's).
 */
export class IntersectionSearchSpace {
  private readonly options: IntersectionOptions;
  private readonly trials = new FinishedTrialCursor();
  private common: Map<string, Distribution> | null = null;

  constructor(options: IntersectionOptions = {}) {
    this.options = options;
  }

  calculate(study: StudySnapshot): SearchSpace {
    const { reset, finished } = this.trials.advance(study);
    if (reset) this.common = null;
    const includePruned = this.options.includePruned ?? true;
    for (const trial of finished) {
      if (!shapesSearchSpace(trial, includePruned)) continue;
      if (this.common === null) {
        this.common = new Map(Object.entries(trial.distributions));
        continue;
      }
      for (const [name, distribution] of this.common) {
        const other = trial.distributions[name];
        if (other === undefined || !distributionsEqual(distribution, other)) {
          this.common.delete(name);
        }
      }
    }
    return this.common === null
      ? {}
      : sortedSpace(this.common, this.options.includeSingle ?? false);
  }
}
