/**
 * The objective value of every completed trial against its number, with the best value so far
 * (Optuna's plot_optimization_history). Several studies are drawn together, or, with
 * `errorBar`, as their mean and standard deviation per trial number.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import {
  checkTarget,
  DEFAULT_TARGET_NAME,
  escapeText,
  INFEASIBLE_COLOR,
  isFeasible,
  type StudyInput,
  scatterType,
  type TargetOptions,
  targetValue,
  title,
  toSnapshot,
} from "./common.js";
import type { PlotlyFigure, PlotlyTrace } from "./types.js";

/** Options of `plotOptimizationHistory` (Optuna's). */
export interface OptimizationHistoryOptions extends TargetOptions {
  /** Draw the mean and standard deviation over the studies. Default false. */
  errorBar?: boolean;
}

/** One study's series: its trials' numbers, plotted values and states. */
interface Series {
  label: string;
  bestLabel: string;
  numbers: number[];
  values: number[];
  /** "feasible", "infeasible" or "incomplete" per trial. */
  states: ("feasible" | "infeasible" | "incomplete")[];
  /** Best feasible value so far per trial (±Infinity before the first). */
  best: number[] | null;
}

function seriesOf(
  snapshot: StudySnapshot,
  options: OptimizationHistoryOptions,
  several: boolean,
): Series {
  const targetName = options.targetName ?? DEFAULT_TARGET_NAME;
  const name = escapeText(snapshot.studyName);
  const numbers: number[] = [];
  const values: number[] = [];
  const states: Series["states"] = [];
  for (const trial of snapshot.trials) {
    numbers.push(trial.number);
    if (trial.state !== "COMPLETE") {
      values.push(Number.NaN);
      states.push("incomplete");
      continue;
    }
    values.push(targetValue(trial, options.target));
    states.push(isFeasible(trial) ? "feasible" : "infeasible");
  }
  let best: number[] | null = null;
  // With a custom target the better direction is unknown, so there is no best line (Optuna).
  if (options.target === undefined) {
    const maximize = snapshot.directions[0] === "maximize";
    let current = maximize ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    best = values.map((v, i) => {
      if (states[i] === "feasible" && !Number.isNaN(v)) {
        current = maximize ? Math.max(current, v) : Math.min(current, v);
      }
      return current;
    });
  }
  return {
    label: several ? `${escapeText(targetName)} of ${name}` : escapeText(targetName),
    bestLabel: several ? `Best Value of ${name}` : "Best Value",
    numbers,
    values,
    states,
    best,
  };
}

/** Infinite and NaN values as gaps. */
function gaps(values: readonly number[]): (number | null)[] {
  return values.map((v) => (Number.isFinite(v) ? v : null));
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function std(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / xs.length);
}

/** Mean and population standard deviation per trial number over the studies (Optuna's). */
function aggregate(
  all: readonly Series[],
  pick: (s: Series) => readonly number[],
  feasibleOnly: boolean,
): { numbers: number[]; means: number[]; stds: number[] } {
  // A loop, not Math.max(...): 100,000 arguments overflow the stack.
  let length = 0;
  for (const s of all) for (const n of s.numbers) length = Math.max(length, n + 1);
  const buckets: number[][] = Array.from({ length }, () => []);
  const anyFeasible = new Array<boolean>(length).fill(false);
  for (const s of all) {
    const values = pick(s);
    for (let i = 0; i < s.numbers.length; i++) {
      const n = s.numbers[i]!;
      const v = values[i]!;
      if (s.states[i] === "feasible") anyFeasible[n] = true;
      if (!Number.isFinite(v)) continue;
      if (!feasibleOnly || s.states[i] === "feasible") buckets[n]!.push(v);
    }
  }
  const numbers: number[] = [];
  const means: number[] = [];
  const stds: number[] = [];
  for (let n = 0; n < length; n++) {
    if (!anyFeasible[n] || buckets[n]!.length === 0) continue;
    numbers.push(n);
    means.push(mean(buckets[n]!));
    stds.push(std(buckets[n]!));
  }
  return { numbers, means, stds };
}

function layoutOf(targetName: string): PlotlyFigure["layout"] {
  return {
    title: title("Optimization History Plot"),
    xaxis: { title: title("Trial") },
    yaxis: { title: title(escapeText(targetName)) },
  };
}

/**
 * The optimization history of one or several study snapshots (synchronous; see
 * `plotOptimizationHistory`).
 */
export function optimizationHistoryFigure(
  studies: StudySnapshot | readonly StudySnapshot[],
  options: OptimizationHistoryOptions = {},
): PlotlyFigure {
  const snapshots: readonly StudySnapshot[] = Array.isArray(studies)
    ? studies
    : [studies as StudySnapshot];
  for (const s of snapshots) checkTarget(s, options.target, "plotOptimizationHistory");
  const targetName = options.targetName ?? DEFAULT_TARGET_NAME;
  const layout = layoutOf(targetName);
  const all = snapshots.map((s) => seriesOf(s, options, snapshots.length > 1));
  const anyComplete = all.some((s) => s.states.some((st) => st !== "incomplete"));
  if (!anyComplete) return { data: [], layout };
  const data: PlotlyTrace[] = [];

  if (options.errorBar === true) {
    if (!all.some((s) => s.states.includes("feasible"))) return { data: [], layout };
    const values = aggregate(all, (s) => s.values, true);
    const kind = scatterType(values.numbers.length);
    data.push({
      type: kind,
      x: values.numbers,
      y: values.means,
      error_y: { type: "data", array: values.stds, visible: true },
      mode: "markers",
      name: escapeText(targetName),
    });
    if (options.target === undefined) {
      const best = aggregate(all, (s) => s.best ?? [], false);
      const upper = best.means.map((m, i) => m + best.stds[i]!);
      const lower = best.means.map((m, i) => m - best.stds[i]!);
      data.push(
        { type: kind, x: best.numbers, y: best.means, mode: "lines", name: "Best Value" },
        {
          type: "scatter",
          x: best.numbers,
          y: upper,
          mode: "lines",
          line: { width: 0.01 },
          showlegend: false,
          hoverinfo: "skip",
        },
        {
          type: "scatter",
          x: best.numbers,
          y: lower,
          mode: "none",
          fill: "tonexty",
          fillcolor: "rgba(255,0,0,0.2)",
          showlegend: false,
          hoverinfo: "skip",
        },
      );
    }
    return { data, layout };
  }

  for (const s of all) {
    const feasibleX: number[] = [];
    const feasibleY: number[] = [];
    const infeasibleX: number[] = [];
    const infeasibleY: number[] = [];
    for (let i = 0; i < s.numbers.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (s.states[i] === "feasible") {
        feasibleX.push(s.numbers[i]!);
        feasibleY.push(v);
      } else if (s.states[i] === "infeasible") {
        infeasibleX.push(s.numbers[i]!);
        infeasibleY.push(v);
      }
    }
    data.push({
      type: scatterType(feasibleX.length),
      x: feasibleX,
      y: feasibleY,
      mode: "markers",
      name: s.label,
    });
    if (s.best !== null) {
      data.push({
        type: scatterType(s.numbers.length),
        x: s.numbers,
        y: gaps(s.best),
        mode: "lines",
        name: s.bestLabel,
      });
    }
    data.push({
      type: scatterType(infeasibleX.length),
      x: infeasibleX,
      y: infeasibleY,
      mode: "markers",
      name: "Infeasible Trial",
      marker: { color: INFEASIBLE_COLOR },
      showlegend: false,
    });
  }
  return { data, layout };
}

/**
 * Plots the optimization history of one or several studies (Optuna's
 * plot_optimization_history): each completed trial's value, the best value so far as a line
 * (not with a custom `target`, whose better direction is unknown), infeasible trials in grey.
 * With `errorBar`, the studies' mean and standard deviation per trial number.
 */
export async function plotOptimizationHistory(
  study: StudyInput | readonly StudyInput[],
  options: OptimizationHistoryOptions = {},
): Promise<PlotlyFigure> {
  const list: readonly StudyInput[] = Array.isArray(study) ? study : [study as StudyInput];
  const snapshots = await Promise.all(list.map(toSnapshot));
  return optimizationHistoryFigure(Array.isArray(study) ? snapshots : snapshots[0]!, options);
}
