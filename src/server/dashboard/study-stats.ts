/**
 * A study's best trial(s) and its first and last activity, kept up to date one trial at a
 * time as the dashboard's cache sees trials (so a poll never rescans the study).
 */
import { dominates } from "../../study/best.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import type { StudyDirection } from "../../trial/state.js";

/** A best trial as kept here. */
export interface Best {
  number: number;
  values: readonly number[];
  /** Completion time (ms), for ties. */
  complete: number;
}

/**
 * The same answers as `bestOf` and `paretoFront` (study.bestTrial / bestTrials) over COMPLETE
 * trials, computed incrementally: COMPLETE trials are final, so each is added once.
 */
export class StudyStats {
  private front: Best[] = [];
  datetimeStart: number | null = null;
  lastActivity: number | null = null;

  constructor(private readonly directions: readonly StudyDirection[]) {}

  /** Takes a trial into account (unfinished ones only for their times). */
  add(trial: FrozenTrial): void {
    const start = trial.datetimeStart?.getTime() ?? null;
    const complete = trial.datetimeComplete?.getTime() ?? null;
    if (start !== null) {
      if (this.datetimeStart === null || start < this.datetimeStart) this.datetimeStart = start;
    }
    for (const t of [start, complete]) {
      if (t !== null && (this.lastActivity === null || t > this.lastActivity)) {
        this.lastActivity = t;
      }
    }
    if (trial.state !== "COMPLETE" || trial.values === null) return;
    if (trial.values.length !== this.directions.length) return;
    const candidate: Best = {
      number: trial.number,
      values: trial.values,
      complete: complete ?? Number.POSITIVE_INFINITY,
    };
    if (this.directions.length === 1) this.addSingle(candidate);
    else this.addToFront(candidate);
  }

  private addSingle(c: Best): void {
    const v = c.values[0]!;
    // A NaN value is never best (as bestOf).
    if (Number.isNaN(v)) return;
    const best = this.front[0];
    if (best === undefined) {
      this.front = [c];
      return;
    }
    const b = best.values[0]!;
    const better = this.directions[0] === "minimize" ? v < b : v > b;
    // On a tie, the first to complete (then the lower number), as bestOf.
    const earlier =
      c.complete < best.complete || (c.complete === best.complete && c.number < best.number);
    if (better || (v === b && earlier)) this.front = [c];
  }

  /**
   * The front of S ∪ {c} is c (unless a member of S's front dominates it: a dominator in S
   * implies one in its front) plus the members c does not dominate.
   */
  private addToFront(c: Best): void {
    for (const f of this.front) if (dominates(f.values, c.values, this.directions)) return;
    this.front = this.front.filter((f) => !dominates(c.values, f.values, this.directions));
    this.front.push(c);
  }

  /** The best trial (0 or 1) or the Pareto front, in trial order. */
  best(): readonly Best[] {
    return [...this.front].sort((a, b) => a.number - b.number);
  }
}
