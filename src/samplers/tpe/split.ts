/**
 * TPE's split of past trials into "below" (good, modelled by l(x)) and "above" (the rest,
 * g(x)), as Optuna does it:
 *
 * 1. feasible COMPLETE trials, by value (one objective) or by non-domination rank with a
 *    hypervolume tie-break (several objectives);
 * 2. then feasible PRUNED trials, those that went further first, then by their last
 *    intermediate value;
 * 3. then infeasible trials, by total constraint violation;
 *
 * and RUNNING trials (constant liar) always above. The first `nBelow` in this order are below.
 */
import type { JsonValue } from "../../json/python.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { type StudyDirection, TrialState } from "../../trial/state.js";
import { CONSTRAINTS_KEY } from "../constraints.js";
import { hypervolumeWeights, splitByDominance } from "./multi-objective.js";

/** The two sides of the split, each ordered by trial number. */
export interface TrialSplit {
  readonly below: FrozenTrial[];
  readonly above: FrozenTrial[];
}

/** Sum of the positive constraint values; Infinity when none were stored. */
export function constraintViolation(trial: FrozenTrial): number {
  const stored: JsonValue | undefined = trial.systemAttrs[CONSTRAINTS_KEY];
  if (!Array.isArray(stored)) return Number.POSITIVE_INFINITY;
  let violation = 0;
  for (const c of stored) {
    if (typeof c !== "number" || Number.isNaN(c)) return Number.POSITIVE_INFINITY;
    if (c > 0) violation += c;
  }
  return violation;
}

/** Objective values turned into losses (maximized ones negated), rows of a Float64Array. */
export function lossRows(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): Float64Array {
  const m = directions.length;
  const out = new Float64Array(trials.length * m);
  trials.forEach((trial, i) => {
    for (let j = 0; j < m; j++) {
      const v = trial.values![j]!;
      out[i * m + j] = directions[j] === "maximize" ? -v : v;
    }
  });
  return out;
}

function compareNumbers(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function byNumber(a: FrozenTrial, b: FrozenTrial): number {
  return a.number - b.number;
}

/** The lists merged in trial-number order (each list is kept in input order). */
function inNumberOrder(lists: FrozenTrial[][]): FrozenTrial[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length === 1) {
    const only = nonEmpty[0]!;
    let sorted = true;
    for (let i = 1; i < only.length && sorted; i++) sorted = only[i - 1]!.number < only[i]!.number;
    if (sorted) return only;
  }
  return nonEmpty.flat().sort(byNumber);
}

/**
 * Indices of the k smallest keys (ties: lower index first), by insertion into a sorted list of
 * at most k: O(n k), fast for TPE's k ≤ 25.
 */
function smallestK(keys: Float64Array, k: number): Int32Array {
  const best = new Int32Array(k);
  let size = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (size === k && !(key < keys[best[k - 1]!]!)) continue;
    let j = size < k ? size++ : k - 1;
    while (j > 0 && key < keys[best[j - 1]!]!) {
      best[j] = best[j - 1]!;
      j--;
    }
    best[j] = i;
  }
  return best;
}

/** Splits COMPLETE trials: the n best by value, or by dominance for several objectives. */
function splitComplete(
  trials: FrozenTrial[],
  directions: readonly StudyDirection[],
  nBelow: number,
): TrialSplit {
  const n = Math.min(nBelow, trials.length);
  let mask: Uint8Array;
  if (directions.length === 1) {
    const sign = directions[0] === "maximize" ? -1 : 1;
    const keys = new Float64Array(trials.length);
    for (let i = 0; i < trials.length; i++) {
      const v = sign * trials[i]!.values![0]!;
      keys[i] = Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
    }
    mask = new Uint8Array(trials.length);
    for (const i of smallestK(keys, n)) mask[i] = 1;
  } else {
    mask = splitByDominance(lossRows(trials, directions), trials.length, directions.length, n);
  }
  return {
    below: trials.filter((_, i) => mask[i] === 1),
    above: trials.filter((_, i) => mask[i] === 0),
  };
}

/** Sort key of a pruned trial: further steps first, then better last intermediate values. */
function prunedKey(trial: FrozenTrial, sign: number): [number, number] {
  const step = trial.lastStep;
  if (step === null) return [1, 0];
  const value = trial.intermediateValues.get(step)!;
  return [-step, Number.isNaN(value) ? Number.POSITIVE_INFINITY : sign * value];
}

function takeSorted(
  trials: FrozenTrial[],
  n: number,
  compare: (a: FrozenTrial, b: FrozenTrial) => number,
): TrialSplit {
  const sorted = [...trials].sort((a, b) => compare(a, b) || byNumber(a, b));
  const k = Math.min(n, sorted.length);
  return { below: sorted.slice(0, k), above: sorted.slice(k) };
}

/**
 * Splits trials (COMPLETE, PRUNED and, with constant liar, RUNNING ones) into the `nBelow`
 * best and the rest; see the module comment.
 */
export function splitTrials(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  nBelow: number,
  constraintsEnabled: boolean,
): TrialSplit {
  const complete: FrozenTrial[] = [];
  const pruned: FrozenTrial[] = [];
  const running: FrozenTrial[] = [];
  const infeasible: FrozenTrial[] = [];
  const violation = new Map<FrozenTrial, number>();
  for (const trial of trials) {
    if (trial.state === TrialState.RUNNING) {
      running.push(trial);
      continue;
    }
    if (constraintsEnabled) {
      const v = constraintViolation(trial);
      if (v > 0) {
        violation.set(trial, v);
        infeasible.push(trial);
        continue;
      }
    }
    if (trial.state === TrialState.COMPLETE) complete.push(trial);
    else if (trial.state === TrialState.PRUNED) pruned.push(trial);
  }
  let remaining = nBelow;
  const first = splitComplete(complete, directions, remaining);
  remaining = Math.max(0, remaining - first.below.length);
  const sign = directions[0] === "maximize" ? -1 : 1;
  const second = takeSorted(pruned, remaining, (a, b) => {
    const ka = prunedKey(a, sign);
    const kb = prunedKey(b, sign);
    return ka[0] - kb[0] || compareNumbers(ka[1], kb[1]);
  });
  remaining = Math.max(0, remaining - second.below.length);
  const third = takeSorted(infeasible, remaining, (a, b) =>
    compareNumbers(violation.get(a)!, violation.get(b)!),
  );
  return {
    below: inNumberOrder([first.below, second.below, third.below]),
    above: inNumberOrder([first.above, second.above, third.above, running]),
  };
}

/**
 * MOTPE weights of the below trials (same order): hypervolume contributions among the
 * feasible COMPLETE ones; the others get 1e-12.
 */
export function multiObjectiveBelowWeights(
  below: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  constraintsEnabled: boolean,
): Float64Array {
  const usable = below.filter(
    (t) =>
      t.state === TrialState.COMPLETE &&
      t.values !== null &&
      (!constraintsEnabled || constraintViolation(t) === 0),
  );
  const weights = new Float64Array(below.length).fill(1e-12);
  const hv = hypervolumeWeights(lossRows(usable, directions), usable.length, directions.length);
  const index = new Map(usable.map((t, i) => [t, i]));
  below.forEach((t, i) => {
    const j = index.get(t);
    if (j !== undefined) weights[i] = hv[j]!;
  });
  return weights;
}
