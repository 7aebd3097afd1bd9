/**
 * Asynchronous successive halving (ASHA; Li et al. 2020, "A System for Massively Parallel
 * Hyperparameter Tuning", https://arxiv.org/abs/1810.05934), as Optuna's
 * SuccessiveHalvingPruner, decision for decision.
 *
 * Rung r of a trial is reached at step minResource · reductionFactor^(minEarlyStoppingRate + r).
 * When a trial's last step (its largest reported step, whatever the order of the reports)
 * reaches a rung, its value at that step is recorded as the trial's system attribute
 * `completed_rung_{r}` and compared with what every other trial recorded for that rung: the
 * trial goes on only if it is among the best 1/reductionFactor of them (or, while fewer than
 * reductionFactor trials reached the rung, if it is the best so far).
 *
 * The rung values are written where Optuna writes them, under Optuna's keys, at the moment
 * Optuna writes them (in `shouldPrune`), so the decisions equal Optuna's for any order of
 * reports and any mix of finished and running trials, and a study shared with Optuna workers
 * agrees on every rung. With `minResource: "auto"`, the pruner computes the rungs the first
 * time it sees a completed trial with a reported step (the largest such last step / 100), and
 * keeps them for the study, as Optuna's pruner object does.
 */

import { InvalidArgumentError } from "../errors/index.js";
import { singleDirection } from "../study/best.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { type StudyDirection, TrialState } from "../trial/state.js";
import type { Pruner, RecordAttr } from "./pruner.js";
import { checkInteger } from "./validate.js";

/** Options of `SuccessiveHalvingPruner` (Optuna's defaults). */
export interface SuccessiveHalvingPrunerOptions {
  /**
   * Steps before the first rung (r in the paper). "auto" (default): when the pruner first
   * sees a completed trial with a reported step, the largest last step of the completed trials
   * divided by 100 (rounded down, at least 1), kept for the study; no pruning before.
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
}

/** Optuna's key of the value a trial recorded at rung `rung`. */
export function completedRungKey(rung: number): string {
  return `completed_rung_${rung}`;
}

/** The first rung the trial has not recorded yet. */
function currentRung(trial: FrozenTrial): number {
  let rung = 0;
  while (completedRungKey(rung) in trial.systemAttrs) rung++;
  return rung;
}

/**
 * Whether `value` survives a rung where the values `competing` (itself included) were
 * recorded: it must be among the best 1/η of them.
 */
function isPromotable(value: number, competing: number[], config: AshaConfig): boolean {
  let index = Math.floor(competing.length / config.reductionFactor) - 1;
  // Trials cannot be paused and resumed later, so until η trials reached the rung the trial
  // goes on only if it is the best one so far (as Optuna).
  if (index === -1) index = 0;
  competing.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (config.direction === "maximize") return value >= competing[competing.length - 1 - index]!;
  return value <= competing[index]!;
}

/**
 * The ASHA decision for `trial` among `trials` (every trial of the study, or of its Hyperband
 * bracket; `trial` itself may be among them), recording each rung the trial reaches through
 * `record` as Optuna's `prune` does.
 */
export function ashaPrune(
  trials: readonly FrozenTrial[],
  trial: FrozenTrial,
  config: AshaConfig,
  record: RecordAttr,
): boolean {
  const step = trial.lastStep;
  if (step === null) return false;
  const value = trial.intermediateValues.get(step)!;
  let rung = currentRung(trial);
  for (;;) {
    const promotionStep =
      config.minResource * config.reductionFactor ** (config.minEarlyStoppingRate + rung);
    if (step < promotionStep) return false;
    if (Number.isNaN(value)) return true;
    const key = completedRungKey(rung);
    record(key, value);
    const competing: number[] = [];
    for (const t of trials) {
      const recorded = t.systemAttrs[key];
      if (typeof recorded === "number") competing.push(recorded);
    }
    competing.push(value);
    // `competing` includes the trial itself, hence <=.
    if (competing.length <= config.bootstrapCount) return true;
    if (!isPromotable(value, competing, config)) return true;
    rung++;
  }
}

/**
 * Optuna's `_estimate_min_resource`: the largest last step of the completed trials / 100
 * (at least 1), or null when no completed trial reported a step.
 */
export function estimateMinResource(trials: readonly FrozenTrial[]): number | null {
  let last: number | null = null;
  for (const t of trials) {
    if (t.state !== TrialState.COMPLETE) continue;
    const step = t.lastStep;
    if (step !== null && (last === null || step > last)) last = step;
  }
  return last === null ? null : Math.max(Math.floor(last / 100), 1);
}

/** Does nothing with a recorded attribute (a caller that only wants the decision). */
const discard: RecordAttr = () => undefined;

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

  /** "auto": the minResource computed for each study (by name), as Optuna's pruner keeps it. */
  private readonly autoMinResource = new Map<string, number>();

  prune(study: StudySnapshot, trial: FrozenTrial, record: RecordAttr = discard): boolean {
    const direction = singleDirection(study.directions, "SuccessiveHalvingPruner");
    if (trial.lastStep === null) return false;
    let minResource: number;
    if (this.minResource === "auto") {
      let known = this.autoMinResource.get(study.studyName);
      if (known === undefined) {
        const estimated = estimateMinResource(study.trials);
        if (estimated === null) return false;
        known = estimated;
        this.autoMinResource.set(study.studyName, known);
      }
      minResource = known;
    } else {
      minResource = this.minResource;
    }
    return ashaPrune(
      study.trials,
      trial,
      {
        minResource,
        reductionFactor: this.reductionFactor,
        minEarlyStoppingRate: this.minEarlyStoppingRate,
        bootstrapCount: this.bootstrapCount,
        direction,
      },
      record,
    );
  }
}
