/**
 * The hypervolume of the feasible Pareto front after each completed trial (Optuna's
 * plot_hypervolume_history).
 */
import { InvalidArgumentError } from "../errors/index.js";
import { hypervolume } from "../math/hypervolume.js";
import type { StudySnapshot } from "../study/snapshot.js";
import { isFeasible, type StudyInput, scatterType, title, toSnapshot } from "./common.js";
import type { PlotlyFigure } from "./types.js";

/** Whether a is no worse than b in every objective (minimization). */
function weaklyDominates(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k]! > b[k]!) return false;
  return true;
}

/**
 * The two-objective front inside the reference box, sorted by the first objective (so the
 * second decreases), and its hypervolume kept up to date point by point: adding a point costs
 * the points it removes plus a binary search, where recomputing would cost the whole front
 * (a front of 30,000 trials made the history quadratic).
 */
class Front2 {
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  volume = 0;

  constructor(
    private readonly rx: number,
    private readonly ry: number,
  ) {}

  add(px: number, py: number): void {
    const { xs, ys, rx, ry } = this;
    // Outside the box a point covers nothing, and it cannot dominate a point inside.
    if (!(px < rx && py < ry)) return;
    // j: the last point with x <= px, the one with the lowest y among them.
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid]! <= px) lo = mid + 1;
      else hi = mid;
    }
    const j = lo - 1;
    if (j >= 0 && ys[j]! <= py) return; // weakly dominated: nothing changes
    // The area newly covered: column by column from px, between py and the old staircase.
    let x = px;
    let h = j >= 0 ? ys[j]! : ry;
    let t = j + 1;
    while (t < xs.length && ys[t]! >= py) {
      this.volume += (xs[t]! - x) * (h - py);
      x = xs[t]!;
      h = ys[t]!;
      t++;
    }
    this.volume += ((t < xs.length ? xs[t]! : rx) - x) * (h - py);
    // Points j+1..t-1 are dominated by the new one, and so is j when it has the same x.
    const from = j >= 0 && xs[j] === px ? j : j + 1;
    xs.splice(from, t - from, px);
    ys.splice(from, t - from, py);
  }
}

/** Builds the hypervolume-history figure of a snapshot (synchronous; see `plotHypervolumeHistory`). */
export function hypervolumeHistoryFigure(
  snapshot: StudySnapshot,
  referencePoint: readonly number[],
): PlotlyFigure {
  const m = snapshot.directions.length;
  if (m < 2) {
    throw new InvalidArgumentError(
      `plotHypervolumeHistory is for multi-objective studies; study "${snapshot.studyName}" has one objective.`,
    );
  }
  if (referencePoint.length !== m || referencePoint.some((v) => !Number.isFinite(v))) {
    throw new InvalidArgumentError(
      `plotHypervolumeHistory: referencePoint needs ${m} finite numbers (one per objective), got [${referencePoint.join(", ")}].`,
    );
  }
  const signs = snapshot.directions.map((d) => (d === "maximize" ? -1 : 1));
  const reference = referencePoint.map((v, k) => signs[k]! * v);
  const layout = {
    title: title("Hypervolume History Plot"),
    xaxis: { title: title("Trial") },
    yaxis: { title: title("Hypervolume") },
  };
  const complete = snapshot.getTrials(["COMPLETE"]).filter((t) => t.values?.length === m);
  const numbers: number[] = [];
  const volumes: number[] = [];
  const front2 = m === 2 ? new Front2(reference[0]!, reference[1]!) : null;
  let front: number[][] = [];
  let volume = 0;
  for (const trial of complete) {
    numbers.push(trial.number);
    // An infeasible trial leaves the hypervolume as it was.
    if (!isFeasible(trial)) {
      volumes.push(front2?.volume ?? volume);
      continue;
    }
    const point = trial.values!.map((v, k) => signs[k]! * v);
    if (front2 !== null) {
      front2.add(point[0]!, point[1]!);
      volumes.push(front2.volume);
      continue;
    }
    // More objectives: the front is updated and its hypervolume recomputed when it changes.
    if (!front.some((f) => weaklyDominates(f, point))) {
      front = front.filter((f) => !weaklyDominates(point, f));
      front.push(point);
      const rows = new Float64Array(front.length * m);
      for (let i = 0; i < front.length; i++) rows.set(front[i]!, i * m);
      volume = hypervolume(rows, front.length, m, reference);
    }
    volumes.push(volume);
  }
  return {
    data: [{ type: scatterType(numbers.length), x: numbers, y: volumes, mode: "lines+markers" }],
    layout,
  };
}

/**
 * Plots the hypervolume dominated by the feasible Pareto front after each completed trial,
 * bounded by `referencePoint` (Optuna's plot_hypervolume_history; one value per objective,
 * in the objectives' own directions).
 */
export async function plotHypervolumeHistory(
  study: StudyInput,
  referencePoint: readonly number[],
): Promise<PlotlyFigure> {
  return hypervolumeHistoryFigure(await toSnapshot(study), referencePoint);
}
