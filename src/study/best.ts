import { InvalidArgumentError } from "../errors/index.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { StudyDirection } from "../trial/state.js";

/** Whether `a` is at least as good as `b` on every objective and better on one. */
export function dominates(
  a: readonly number[],
  b: readonly number[],
  directions: readonly StudyDirection[],
): boolean {
  let better = false;
  for (let i = 0; i < directions.length; i++) {
    const sign = directions[i] === "maximize" ? -1 : 1;
    const x = sign * a[i]!;
    const y = sign * b[i]!;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** The non-dominated trials among COMPLETE ones (the Pareto front), in trial order. */
export function paretoFront(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): FrozenTrial[] {
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values !== null);
  return complete.filter(
    (candidate) =>
      !complete.some(
        (other) => other !== candidate && dominates(other.values!, candidate.values!, directions),
      ),
  );
}

/** Whether `a` completed before `b` (by completion time, then number). */
function completedBefore(a: FrozenTrial, b: FrozenTrial): boolean {
  const ta = a.datetimeComplete?.getTime() ?? Number.POSITIVE_INFINITY;
  const tb = b.datetimeComplete?.getTime() ?? Number.POSITIVE_INFINITY;
  return ta < tb || (ta === tb && a.number < b.number);
}

/**
 * The best COMPLETE trial of a single-objective study, or null when none completed. On a tie,
 * the first trial to complete (Optuna 3.1's answer with its in-memory and SQLite storages;
 * storages stamp completions in order). A NaN value, which only Optuna's `add_trial` writes,
 * is never best (Optuna keeps a NaN trial as best if it came first).
 */
export function bestOf(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
): FrozenTrial | null {
  let best: FrozenTrial | null = null;
  for (const t of trials) {
    if (t.state !== "COMPLETE" || t.values === null) continue;
    const v = t.values[0]!;
    if (Number.isNaN(v)) continue;
    if (best === null) {
      best = t;
      continue;
    }
    const b = best.values![0]!;
    const better = direction === "minimize" ? v < b : v > b;
    if (better || (v === b && completedBefore(t, best))) best = t;
  }
  return best;
}

/** Throws unless the study has exactly one objective. */
export function singleDirection(
  directions: readonly StudyDirection[],
  what: string,
): StudyDirection {
  if (directions.length !== 1) {
    throw new InvalidArgumentError(
      `${what} is for single-objective studies; this study has ${directions.length} objectives (use bestTrials).`,
    );
  }
  return directions[0]!;
}
