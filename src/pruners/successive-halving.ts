/**
 * Asynchronous successive halving (ASHA; Li et al. 2020, "A System for Massively Parallel
 * Hyperparameter Tuning", https://arxiv.org/abs/1810.05934), as Optuna's
 * SuccessiveHalvingPruner.
 *
 * Rung r of a trial is reached at step minResource · reductionFactor^(minEarlyStoppingRate + r).
 * When a trial reaches a rung, its value there is compared with the values every other trial
 * had at that rung: it goes on only if it is among the best 1/reductionFactor of them (or,
 * while fewer than reductionFactor trials reached the rung, if it is the best so far).
 *
 * ## Rung values without writes
 *
 * Optuna records a trial's value at rung r in the system attribute `completed_rung_{r}` when
 * `prune` sees the trial reach the rung, and compares against the attributes of the other
 * trials. Our pruners are read-only (they get a snapshot), so the rung values are derived from
 * the intermediate values instead, by replaying the calls Optuna would have seen, on the
 * assumption that the objective asks `shouldPrune()` after every `report()` (the documented
 * pattern):
 *
 * - at each reported step (ascending), every rung whose promotion step is at or before it,
 *   from the first rung not yet recorded upwards, gets the value reported at that step (so a
 *   trial reporting every step records rung r at exactly its promotion step); a NaN value
 *   records nothing (Optuna prunes such a trial before recording);
 * - a PRUNED trial's last call recorded the rungs up to the one that pruned it; when that step
 *   crossed several rungs, which one it was is decided again against the trials that had
 *   finished before it (by completion time; exact when trials ran one after another);
 * - with `minResource: "auto"`, Optuna records nothing until a trial has completed (the
 *   pruner cannot compute the rungs before): trials that finished no later than the first
 *   trial to complete with a reported step have no rung values.
 *
 * For a study run sequentially with `shouldPrune()` after every report, the decisions equal
 * Optuna's exactly (tested against Optuna, sparse reports included). With several workers they
 * may differ only where Optuna's own outcome depends on timing: a pruned trial re-decided
 * against other trials than it saw, and with "auto" a trial running while the first trial
 * completed (Optuna records its rungs from its next call on, at that call's step; here at the
 * rungs' own steps), or a worker whose Optuna process first saw several completed trials
 * (Optuna takes the largest last step; here always the first trial to complete). In exchange,
 * decisions depend only on the snapshot and the trial, so workers need no coordination, no
 * pruner state survives in a process, and nothing is written to the storage.
 */

import { InvalidArgumentError } from "../errors/index.js";
import { singleDirection } from "../study/best.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { type StudyDirection, TrialState } from "../trial/state.js";
import type { Pruner } from "./pruner.js";
import { checkInteger, sortedSteps } from "./validate.js";

/** Options of `SuccessiveHalvingPruner` (Optuna's defaults). */
export interface SuccessiveHalvingPrunerOptions {
  /**
   * Steps before the first rung (r in the paper). "auto" (default): the last step of the
   * first completed trial divided by 100 (rounded down, at least 1); no pruning until a trial
   * completed.
   */
  minResource?: "auto" | number;
  /** Keep the best 1/reductionFactor of the trials at each rung (η in the paper). Default 4. */
  reductionFactor?: number;
  /** The first rung is at minResource · reductionFactor^this (s in the paper). Default 0. */
  minEarlyStoppingRate?: number;
  /** Prune a trial at a rung until more than this many trials reached it. Default 0. */
  bootstrapCount?: number;
}

/** The parameters of one ASHA decision. */
export interface AshaConfig {
  minResource: number;
  reductionFactor: number;
  minEarlyStoppingRate: number;
  bootstrapCount: number;
  direction: StudyDirection;
  /**
   * Trials finished no later than this one (by completion time, then number) have no rung
   * values (see the module comment on "auto"); null when every trial records.
   */
  recordsAfter: FrozenTrial | null;
}

function completionKey(t: FrozenTrial): number {
  return t.datetimeComplete?.getTime() ?? Number.POSITIVE_INFINITY;
}

/** Whether a finished trial `t` ended no later than `reference`. */
function finishedNoLaterThan(t: FrozenTrial, reference: FrozenTrial): boolean {
  if (t.datetimeComplete === null) return false;
  const a = completionKey(t);
  const b = completionKey(reference);
  return a < b || (a === b && t.number <= reference.number);
}

/**
 * The first trial to complete with at least one reported step (by completion time, then
 * number), or null. Optuna's "auto" resources are computed from the completed trials the first
 * time the pruner sees one; in a sequential study that is this trial alone.
 */
export function firstCompletedWithSteps(trials: readonly FrozenTrial[]): FrozenTrial | null {
  let first: FrozenTrial | null = null;
  for (const t of trials) {
    if (t.state !== TrialState.COMPLETE || t.lastStep === null) continue;
    if (
      first === null ||
      completionKey(t) < completionKey(first) ||
      (completionKey(t) === completionKey(first) && t.number < first.number)
    ) {
      first = t;
    }
  }
  return first;
}

function rungStep(config: AshaConfig, rung: number): number {
  return config.minResource * config.reductionFactor ** (config.minEarlyStoppingRate + rung);
}

/**
 * Replays `report` + `shouldPrune` over `steps` on the assumption that the trial was promoted
 * at every rung it reached, and returns the rung values recorded.
 */
function replayRungs(steps: readonly [number, number][], config: AshaConfig): number[] {
  const rungs: number[] = [];
  for (const [step, value] of steps) {
    while (rungStep(config, rungs.length) <= step) {
      if (Number.isNaN(value)) break;
      rungs.push(value);
    }
  }
  return rungs;
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Inserts `value` into the ascending array `sorted`. */
function insertSorted(sorted: number[], value: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNumbers(sorted[mid]!, value) <= 0) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, value);
}

/**
 * Whether `value` survives a rung where the other trials recorded `others` (ascending): it
 * must be among the best 1/η of all of them, itself included.
 */
function isPromotable(value: number, others: readonly number[], config: AshaConfig): boolean {
  const competing = [...others];
  insertSorted(competing, value);
  let index = Math.floor(competing.length / config.reductionFactor) - 1;
  // Trials cannot be paused and resumed later, so until η trials reached the rung the trial
  // goes on only if it is the best one so far (as Optuna).
  if (index === -1) index = 0;
  if (config.direction === "maximize") return value >= competing[competing.length - 1 - index]!;
  return value <= competing[index]!;
}

/**
 * One `prune` call of Optuna's loop at the last reported step, starting at rung `rung`, given
 * the other trials' values per rung. Returns whether the trial is pruned and the rungs it
 * recorded (Optuna records a rung before comparing, so the rung that prunes it is recorded).
 */
function decide(
  step: number,
  value: number,
  rung: number,
  table: readonly (readonly number[])[],
  config: AshaConfig,
): { pruned: boolean; recorded: number } {
  let recorded = 0;
  for (;;) {
    if (step < rungStep(config, rung)) return { pruned: false, recorded };
    if (Number.isNaN(value)) return { pruned: true, recorded };
    recorded++;
    const others = table[rung] ?? [];
    if (others.length + 1 <= config.bootstrapCount) return { pruned: true, recorded };
    if (!isPromotable(value, others, config)) return { pruned: true, recorded };
    rung++;
  }
}

function addRungs(table: number[][], rungs: readonly number[]): void {
  for (let r = 0; r < rungs.length; r++) {
    while (table.length <= r) table.push([]);
    insertSorted(table[r]!, rungs[r]!);
  }
}

/**
 * The other trials' values per rung (ascending), as Optuna's `completed_rung_{r}` attributes
 * would hold them. Finished trials are taken in the order they finished: a PRUNED trial's last
 * call is decided again against the trials that had finished before it, so that when one step
 * crossed several rungs, the rungs it recorded are known (exact for a sequential study).
 */
function rungTable(
  trials: readonly FrozenTrial[],
  trial: FrozenTrial,
  config: AshaConfig,
): number[][] {
  const finished: FrozenTrial[] = [];
  const unfinished: FrozenTrial[] = [];
  for (const t of trials) {
    if (t.number === trial.number || t.intermediateValues.size === 0) continue;
    if (config.recordsAfter !== null && finishedNoLaterThan(t, config.recordsAfter)) continue;
    (t.datetimeComplete === null ? unfinished : finished).push(t);
  }
  finished.sort((a, b) => completionKey(a) - completionKey(b) || a.number - b.number);
  const table: number[][] = [];
  for (const t of finished) {
    const steps = sortedSteps(t.intermediateValues);
    if (t.state !== TrialState.PRUNED) {
      addRungs(table, replayRungs(steps, config));
      continue;
    }
    const rungs = replayRungs(steps.slice(0, -1), config);
    const [step, value] = steps[steps.length - 1]!;
    const { recorded } = decide(step, value, rungs.length, table, config);
    for (let i = 0; i < recorded; i++) rungs.push(value);
    addRungs(table, rungs);
  }
  for (const t of unfinished)
    addRungs(table, replayRungs(sortedSteps(t.intermediateValues), config));
  return table;
}

/**
 * The ASHA decision for `trial` among `trials` (every trial of the study, or of its Hyperband
 * bracket; `trial` itself may be among them).
 */
export function ashaPrune(
  trials: readonly FrozenTrial[],
  trial: FrozenTrial,
  config: AshaConfig,
): boolean {
  const steps = sortedSteps(trial.intermediateValues);
  if (steps.length === 0) return false;
  const [step, value] = steps[steps.length - 1]!;
  // Rungs recorded by the earlier calls of this trial.
  const rung = replayRungs(steps.slice(0, -1), config).length;
  if (step < rungStep(config, rung)) return false;
  if (Number.isNaN(value)) return true;
  return decide(step, value, rung, rungTable(trials, trial, config), config).pruned;
}

/**
 * Prunes trials by asynchronous successive halving (Optuna's SuccessiveHalvingPruner, same
 * defaults). The maximum resource is whatever the objective trains for; set it there.
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly minResource: "auto" | number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    const owner = "SuccessiveHalvingPruner";
    const minResource = options.minResource ?? "auto";
    if (minResource !== "auto") checkInteger(owner, 'minResource (or "auto")', minResource, 1);
    this.minResource = minResource;
    this.reductionFactor = checkInteger(owner, "reductionFactor", options.reductionFactor ?? 4, 2);
    this.minEarlyStoppingRate = checkInteger(
      owner,
      "minEarlyStoppingRate",
      options.minEarlyStoppingRate ?? 0,
      0,
    );
    this.bootstrapCount = checkInteger(owner, "bootstrapCount", options.bootstrapCount ?? 0, 0);
    if (this.bootstrapCount > 0 && this.minResource === "auto") {
      throw new InvalidArgumentError(
        `${owner}: bootstrapCount > 0 needs a fixed minResource; set minResource to a number ` +
          `or bootstrapCount to 0.`,
      );
    }
  }

  prune(study: StudySnapshot, trial: FrozenTrial): boolean {
    const direction = singleDirection(study.directions, "SuccessiveHalvingPruner");
    let minResource: number;
    let recordsAfter: FrozenTrial | null = null;
    if (this.minResource === "auto") {
      const first = firstCompletedWithSteps(study.trials);
      if (first === null) return false;
      minResource = Math.max(Math.floor(first.lastStep! / 100), 1);
      recordsAfter = first;
    } else {
      minResource = this.minResource;
    }
    return ashaPrune(study.trials, trial, {
      minResource,
      reductionFactor: this.reductionFactor,
      minEarlyStoppingRate: this.minEarlyStoppingRate,
      bootstrapCount: this.bootstrapCount,
      direction,
      recordsAfter,
    });
  }
}
