/**
 * The empirical distribution function of the objective values of one or several studies
 * (Optuna's plot_edf): the share of trials at or below each value.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import {
  checkTarget,
  DEFAULT_TARGET_NAME,
  escapeText,
  finiteCompleteTrials,
  isFeasible,
  type StudyInput,
  type TargetOptions,
  targetValue,
  title,
  toSnapshot,
} from "./common.js";
import type { PlotlyFigure, PlotlyTrace } from "./types.js";

/** Options of `plotEdf` (Optuna's). */
export type EdfOptions = TargetOptions;

/** Optuna evaluates the function at 100 evenly spaced values. */
const N_POINTS = 100;

/** Builds the EDF figure of one or several snapshots (synchronous; see `plotEdf`). */
export function edfFigure(
  studies: StudySnapshot | readonly StudySnapshot[],
  options: EdfOptions = {},
): PlotlyFigure {
  const snapshots: readonly StudySnapshot[] = Array.isArray(studies)
    ? studies
    : [studies as StudySnapshot];
  for (const s of snapshots) checkTarget(s, options.target, "plotEdf");
  const layout = {
    title: title("Empirical Distribution Function Plot"),
    xaxis: { title: title(escapeText(options.targetName ?? DEFAULT_TARGET_NAME)) },
    yaxis: { title: title("Cumulative Probability") },
  };
  // Feasible completed trials with a finite value (Optuna leaves infeasible ones out).
  const samples = snapshots.map((s) => {
    const values = finiteCompleteTrials(s, options.target)
      .filter(isFeasible)
      .map((t) => targetValue(t, options.target));
    return Float64Array.from(values).sort();
  });
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of samples) {
    if (v.length === 0) continue;
    lo = Math.min(lo, v[0]!);
    hi = Math.max(hi, v[v.length - 1]!);
  }
  if (!Number.isFinite(lo)) return { data: [], layout };
  const xs = Array.from({ length: N_POINTS }, (_, i) =>
    i === N_POINTS - 1 ? hi : lo + ((hi - lo) * i) / (N_POINTS - 1),
  );
  const data: PlotlyTrace[] = [];
  snapshots.forEach((snapshot, k) => {
    const sorted = samples[k]!;
    if (sorted.length === 0) return;
    // One pass over the sorted values: the count at or below each x.
    let j = 0;
    const ys = xs.map((x) => {
      while (j < sorted.length && sorted[j]! <= x) j++;
      return j / sorted.length;
    });
    data.push({
      type: "scatter",
      x: xs,
      y: ys,
      name: escapeText(snapshot.studyName),
      mode: "lines",
    });
  });
  return { data, layout };
}

/** Plots the empirical distribution of the objective values of one or several studies (Optuna's plot_edf). */
export async function plotEdf(
  study: StudyInput | readonly StudyInput[],
  options: EdfOptions = {},
): Promise<PlotlyFigure> {
  const list: readonly StudyInput[] = Array.isArray(study) ? study : [study as StudyInput];
  return edfFigure(await Promise.all(list.map(toSnapshot)), options);
}
