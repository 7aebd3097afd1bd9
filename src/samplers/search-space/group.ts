/**
 * The group-decomposed search space (Optuna's _GroupDecomposedSearchSpace): the parameters of
 * the finished trials, partitioned into groups such that every trial has either all or none
 * of each group. In a conditional space (`if (kind === "a") suggest x, y else suggest z`) the
 * groups are the parameters that always appear together ({kind}, {x, y}, {z}), and each group
 * can be modelled jointly from the trials that have it.
 */
import type { Distribution, SearchSpace } from "../../distributions/index.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { FinishedTrialCursor, shapesSearchSpace } from "./finished-trials.js";
import { sortedSpace } from "./intersection.js";

/** Options of `groupDecomposedSearchSpace`. */
export interface GroupOptions {
  /** Count PRUNED trials as well as COMPLETE ones. Default true. */
  includePruned?: boolean;
  /** Keep single-valued distributions. Default false. */
  includeSingle?: boolean;
}

/**
 * The coarsest partition of the parameters of the finished trials in which no trial splits a
 * group. Groups come in order of first appearance, their names sorted; a parameter keeps the
 * distribution of its first trial. Groups left empty (only single-valued parameters) are
 * dropped.
 */
export function groupDecomposedSearchSpace(
  trials: readonly FrozenTrial[],
  options: GroupOptions = {},
): SearchSpace[] {
  const includePruned = options.includePruned ?? true;
  let groups: Map<string, Distribution>[] = [];
  for (const trial of trials) {
    if (shapesSearchSpace(trial, includePruned)) groups = refine(groups, trial);
  }
  return toSpaces(groups, options);
}

/** Splits every group by the trial's parameters; its new parameters form a new group. */
function refine(
  groups: Map<string, Distribution>[],
  trial: FrozenTrial,
): Map<string, Distribution>[] {
  const names = new Set(Object.keys(trial.distributions));
  const next: Map<string, Distribution>[] = [];
  for (const group of groups) {
    const inside = new Map<string, Distribution>();
    const outside = new Map<string, Distribution>();
    for (const [name, distribution] of group) {
      if (names.has(name)) {
        inside.set(name, distribution);
        names.delete(name);
      } else {
        outside.set(name, distribution);
      }
    }
    if (inside.size > 0) next.push(inside);
    if (outside.size > 0) next.push(outside);
  }
  if (names.size > 0) {
    next.push(new Map([...names].map((name) => [name, trial.distributions[name]!])));
  }
  return next;
}

function toSpaces(groups: Map<string, Distribution>[], options: GroupOptions): SearchSpace[] {
  const spaces: SearchSpace[] = [];
  for (const group of groups) {
    const space = sortedSpace(group, options.includeSingle ?? false);
    if (Object.keys(space).length > 0) spaces.push(space);
  }
  return spaces;
}

/**
 * `groupDecomposedSearchSpace` computed incrementally: each finished trial refines the groups
 * once (refining again by the same trial changes nothing, so trials after an unfinished one
 * are simply looked at again). One instance follows one study at a time.
 */
export class GroupDecomposedSearchSpace {
  private readonly options: GroupOptions;
  private readonly trials = new FinishedTrialCursor();
  private groups: Map<string, Distribution>[] = [];

  constructor(options: GroupOptions = {}) {
    this.options = options;
  }

  calculate(study: StudySnapshot): SearchSpace[] {
    const { reset, finished } = this.trials.advance(study);
    if (reset) this.groups = [];
    const includePruned = this.options.includePruned ?? true;
    for (const trial of finished) {
      if (shapesSearchSpace(trial, includePruned)) this.groups = refine(this.groups, trial);
    }
    return toSpaces(this.groups, this.options);
  }
}
