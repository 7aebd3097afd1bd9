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
  let front: number[][] = [];
  let volume = 0;
  for (const trial of complete) {
    numbers.push(trial.number);
    const point = trial.values!.map((v, k) => signs[k]! * v);
    // An infeasible trial or one no better than the front leaves the hypervolume as it was.
    if (isFeasible(trial) && !front.some((f) => weaklyDominates(f, point))) {
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
