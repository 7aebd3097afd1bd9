/**
 * Hyperband (Li et al. 2018, "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
 * Optimization", http://www.jmlr.org/papers/volume18/16-558/16-558.pdf) over asynchronous
 * successive halving, as Optuna's HyperbandPruner.
 *
 * There are floor(log_η(maxResource / minResource)) + 1 brackets; bracket b runs ASHA with
 * minEarlyStoppingRate b (its first rung at minResource · η^b), so low brackets prune early and
 * hard, high ones late and gently. Bracket b gets a share of the trials proportional to its
 * budget ceil(nBrackets · η^s / (s + 1)), s = nBrackets − 1 − b (Algorithm 1's n_i).
 *
 * A trial's bracket is a pure function of the study name and the trial number: the CRC-32 of
 * `${studyName}_${number}` modulo the total budget, walked through the brackets' budgets (the
 * same choice as Optuna, so a study shared with Optuna agrees on brackets). Workers need no
 * coordination. Within a bracket, a trial is compared only with the trials of that bracket.
 *
 * With `maxResource: "auto"` the brackets come from the completed trials the first time the
 * pruner sees one with a reported step (their largest last step + 1), and are kept for the
 * study, as Optuna's pruner object keeps them; until then nothing is pruned or recorded, and
 * samplers see every trial.
 */

import { InvalidArgumentError } from "../errors/index.js";
import { singleDirection } from "../study/best.js";
import { makeSnapshot, type StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { TrialState } from "../trial/state.js";
import { crc32String } from "./crc32.js";
import { logCorrectlyRounded } from "./log.js";
import type { Pruner, RecordAttr } from "./pruner.js";
import { ashaPrune } from "./successive-halving.js";
import { checkInteger } from "./validate.js";

/** Options of `HyperbandPruner` (Optuna's defaults). */
export interface HyperbandPrunerOptions {
  /** Steps before the first rung of the most aggressive bracket. Default 1. */
  minResource?: number;
  /**
   * The largest number of steps a trial runs (R in the paper). "auto" (default): when the
   * pruner first sees a completed trial with a reported step, the largest last step of the
   * completed trials + 1, kept for the study; no pruning before.
   */
  maxResource?: "auto" | number;
  /** η: each rung keeps the best 1/η of its trials; also sets the number of brackets. Default 3. */
  reductionFactor?: number;
  /** Prune a trial at a rung until more than this many trials of its bracket reached it. Default 0. */
  bootstrapCount?: number;
}

/** The brackets for given resources: their trial budgets (index = bracket id). */
export interface HyperbandBrackets {
  readonly nBrackets: number;
  readonly budgets: readonly number[];
  readonly totalBudget: number;
}

/**
 * The brackets and budgets for minResource, maxResource and η, computed in floating point
 * exactly as Optuna does (so that edge cases such as log_10(1000) = 2.9999999999999996 agree).
 */
export function hyperbandBrackets(
  minResource: number,
  maxResource: number,
  reductionFactor: number,
): HyperbandBrackets {
  const nBrackets =
    Math.floor(
      logCorrectlyRounded(maxResource / minResource) / logCorrectlyRounded(reductionFactor),
    ) + 1;
  const budgets: number[] = [];
  let totalBudget = 0;
  for (let b = 0; b < nBrackets; b++) {
    const s = nBrackets - 1 - b;
    const budget = Math.ceil((nBrackets * reductionFactor ** s) / (s + 1));
    budgets.push(budget);
    totalBudget += budget;
  }
  return { nBrackets: Math.max(nBrackets, 0), budgets, totalBudget };
}

/** The bracket of trial `number` of study `studyName` (Optuna's crc32-based choice). */
export function hyperbandBracketOf(
  studyName: string,
  number: number,
  brackets: HyperbandBrackets,
): number {
  let n = crc32String(`${studyName}_${number}`) % brackets.totalBudget;
  for (let b = 0; b < brackets.nBrackets; b++) {
    n -= brackets.budgets[b]!;
    if (n < 0) return b;
  }
  throw new Error("unreachable: the budgets add up to the total");
}

/**
 * Prunes trials by Hyperband: several ASHA brackets of different aggressiveness, trials
 * spread over them by budget (Optuna's HyperbandPruner, same defaults).
 */
export class HyperbandPruner implements Pruner {
  readonly minResource: number;
  readonly maxResource: "auto" | number;
  readonly reductionFactor: number;
  readonly bootstrapCount: number;

  constructor(options: HyperbandPrunerOptions = {}) {
    const owner = "HyperbandPruner";
    this.minResource = checkInteger(owner, "minResource", options.minResource ?? 1, 1);
    const maxResource = options.maxResource ?? "auto";
    if (maxResource !== "auto") {
      checkInteger(owner, 'maxResource (or "auto")', maxResource, 1);
      if (maxResource < this.minResource) {
        throw new InvalidArgumentError(
          `${owner}: maxResource (${maxResource}) must be >= minResource (${this.minResource}); ` +
            `raise maxResource to the number of steps a full trial runs, or lower minResource.`,
        );
      }
    }
    this.maxResource = maxResource;
    this.reductionFactor = checkInteger(owner, "reductionFactor", options.reductionFactor ?? 3, 2);
    this.bootstrapCount = checkInteger(owner, "bootstrapCount", options.bootstrapCount ?? 0, 0);
    if (this.bootstrapCount > 0 && this.maxResource === "auto") {
      throw new InvalidArgumentError(
        `${owner}: bootstrapCount > 0 needs a fixed maxResource; set maxResource to a number ` +
          `or bootstrapCount to 0.`,
      );
    }
  }

  /** "auto": the brackets computed for each study (by name), as Optuna's pruner keeps them. */
  private readonly autoBrackets = new Map<string, HyperbandBrackets>();

  /**
   * The brackets of the study; with "auto", those computed at the first `prune` call that saw
   * a completed trial, or null before.
   */
  brackets(study: StudySnapshot): HyperbandBrackets | null {
    if (this.maxResource !== "auto") {
      return hyperbandBrackets(this.minResource, this.maxResource, this.reductionFactor);
    }
    return this.autoBrackets.get(study.studyName) ?? null;
  }

  /** Optuna's `_try_initialization`: "auto" brackets from the completed trials' last steps. */
  private initialize(study: StudySnapshot): HyperbandBrackets | null {
    const known = this.brackets(study);
    if (known !== null) return known;
    let last: number | null = null;
    for (const t of study.trials) {
      if (t.state !== TrialState.COMPLETE) continue;
      const step = t.lastStep;
      if (step !== null && (last === null || step > last)) last = step;
    }
    if (last === null) return null;
    const brackets = hyperbandBrackets(this.minResource, last + 1, this.reductionFactor);
    this.autoBrackets.set(study.studyName, brackets);
    return brackets;
  }

  /** The bracket of a trial, or null before the brackets are known. */
  bracketOf(study: StudySnapshot, trial: FrozenTrial): number | null {
    const brackets = this.brackets(study);
    if (brackets === null || brackets.nBrackets <= 0) return null;
    return hyperbandBracketOf(study.studyName, trial.number, brackets);
  }

  /**
   * The study as seen from `trial`'s bracket: only the trials of the same bracket (Optuna
   * gives samplers this view too, so that brackets do not mix; the study's snapshot is
   * returned unchanged before the brackets are known).
   */
  samplerSnapshot(study: StudySnapshot, trial: FrozenTrial): StudySnapshot {
    const brackets = this.brackets(study);
    if (brackets === null || brackets.nBrackets <= 0) return study;
    const bracket = hyperbandBracketOf(study.studyName, trial.number, brackets);
    const trials = study.trials.filter(
      (t) => hyperbandBracketOf(study.studyName, t.number, brackets) === bracket,
    );
    return makeSnapshot(study.studyName, study.directions, trials);
  }

  prune(study: StudySnapshot, trial: FrozenTrial, record: RecordAttr = () => undefined): boolean {
    const direction = singleDirection(study.directions, "HyperbandPruner");
    const brackets = this.initialize(study);
    if (brackets === null || brackets.nBrackets <= 0) return false;
    const bracket = hyperbandBracketOf(study.studyName, trial.number, brackets);
    const members = study.trials.filter(
      (t) => hyperbandBracketOf(study.studyName, t.number, brackets) === bracket,
    );
    return ashaPrune(
      members,
      trial,
      {
        minResource: this.minResource,
        reductionFactor: this.reductionFactor,
        minEarlyStoppingRate: bracket,
        bootstrapCount: this.bootstrapCount,
        direction,
      },
      record,
    );
  }
}
