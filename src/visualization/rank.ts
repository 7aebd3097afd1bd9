/**
 * Trials over pairs of parameters colored by the rank of their objective value (Optuna's
 * plot_rank): where the good trials lie, whatever the scale of the objective.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import {
  axisOf,
  checkTarget,
  DEFAULT_TARGET_NAME,
  escapeText,
  evenSample,
  finiteCompleteTrials,
  INFEASIBLE_COLOR,
  isFeasible,
  type ParamScale,
  paramScale,
  plotValue,
  RD_YL_BU_R,
  type StudyInput,
  scatterType,
  selectParams,
  subplotGrid,
  type TargetOptions,
  targetValue,
  title,
  toSnapshot,
} from "./common.js";
import type { PlotlyFigure, PlotlyJson, PlotlyTrace } from "./types.js";

/** Options of `plotRank`. */
export interface RankOptions extends TargetOptions {
  /** The parameters to pair (each must exist). Default: all, sorted by name. */
  params?: readonly string[];
  /**
   * Markers per subplot at most, evenly spread over the trials. Default 5,000 for one or two
   * parameters; in a matrix of p parameters 20,000 / p² (at least 500), so that the whole
   * figure stays near 20,000 markers.
   */
  maxPoints?: number;
}

/** Optuna pads numeric axes by 5% of their span. */
const PADDING_RATIO = 0.05;

/**
 * Each value's rank in [0, 1] (0 = smallest), tied values sharing their mean rank; one trial
 * sits in the middle.
 */
function colorIndices(values: readonly number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n < 2) return out.fill(0.5);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 / (n - 1);
    for (let k = i; k <= j; k++) out[order[k]!] = rank;
    i = j + 1;
  }
  return out;
}

/** The value at quantile q of sorted values (linear interpolation, numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function paddedAxis(trials: readonly FrozenTrial[], scale: ParamScale): Record<string, PlotlyJson> {
  const base = axisOf(scale);
  if (scale.type === "category") return base;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of trials) {
    const v = t.params[scale.name];
    if (v === undefined) continue;
    const x = scale.type === "log" ? Math.log10(Number(v)) : Number(v);
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  if (!Number.isFinite(lo)) return base;
  const pad = (hi - lo) * PADDING_RATIO;
  return { ...base, range: [lo - pad, hi + pad] };
}

/** Builds the rank figure of a snapshot (synchronous; see `plotRank`). */
export function rankFigure(snapshot: StudySnapshot, options: RankOptions = {}): PlotlyFigure {
  checkTarget(snapshot, options.target, "plotRank");
  const targetName = escapeText(options.targetName ?? DEFAULT_TARGET_NAME);
  const trials = finiteCompleteTrials(snapshot, options.target);
  const params = selectParams(trials, options.params, "plotRank");
  const layout: Record<string, PlotlyJson> = { title: title(`Rank (${targetName})`) };
  if (trials.length === 0 || params.length === 0) return { data: [], layout };
  const values = trials.map((t) => targetValue(t, options.target));
  const colors = colorIndices(values);
  const p = params.length;
  const maxPoints =
    options.maxPoints ?? (p <= 2 ? 5000 : Math.max(500, Math.floor(20_000 / (p * p))));
  const scales = new Map(params.map((name) => [name, paramScale(trials, name)]));
  // Each trial's plotted value per parameter, computed once for all subplots.
  const plotted = new Map(
    params.map((name) => {
      const scale = scales.get(name)!;
      return [
        name,
        trials.map((t) => {
          const v = t.params[name];
          return v === undefined ? undefined : plotValue(scale, v);
        }),
      ] as const;
    }),
  );
  const feasibility = trials.map(isFeasible);
  // Each parameter's axis once: a matrix shows it in a whole row and column.
  const axes = new Map<string, Record<string, PlotlyJson>>();
  const axisFor = (name: string): Record<string, PlotlyJson> => {
    let axis = axes.get(name);
    if (axis === undefined) {
      axis = paddedAxis(trials, scales.get(name)!);
      axes.set(name, axis);
    }
    return axis;
  };
  const data: PlotlyTrace[] = [];

  /** Markers of one subplot: x from a parameter, y from a parameter or (null) the target. */
  const subplot = (xName: string, yName: string | null, xRef: string, yRef: string): void => {
    const px = plotted.get(xName)!;
    const py = yName === null ? null : plotted.get(yName)!;
    const having: number[] = [];
    for (let i = 0; i < trials.length; i++) {
      if (px[i] !== undefined && (py === null || py[i] !== undefined)) having.push(i);
    }
    const shown = evenSample(having, maxPoints);
    const yLabel = yName === null ? targetName : escapeText(yName);
    for (const feasible of [true, false]) {
      const group = shown.filter((i) => feasibility[i] === feasible);
      if (group.length === 0 && !feasible) continue;
      data.push({
        type: scatterType(group.length),
        x: group.map((i) => px[i]!),
        y: group.map((i) => (py === null ? values[i]! : py[i]!)),
        xaxis: xRef,
        yaxis: yRef,
        mode: "markers",
        showlegend: false,
        name: feasible ? "Trial" : "Infeasible Trial",
        marker: feasible
          ? {
              color: group.map((i) => colors[i]!),
              colorscale: RD_YL_BU_R,
              cmin: 0,
              cmax: 1,
              line: { width: 0.5, color: "Grey" },
            }
          : { color: INFEASIBLE_COLOR, line: { width: 0.5, color: "Grey" } },
        customdata: group.map((i) => [trials[i]!.number, values[i]!]),
        hovertemplate:
          `Trial #%{customdata[0]}<br>${escapeText(xName)}: %{x}<br>${yLabel}: %{y}` +
          `<br><b>${targetName}: %{customdata[1]}</b><extra></extra>`,
      });
    }
  };

  if (params.length === 1) {
    const name = params[0]!;
    subplot(name, null, "x", "y");
    layout["xaxis"] = { ...axisFor(name), title: title(escapeText(name)) };
    layout["yaxis"] = { title: title(targetName) };
  } else if (params.length === 2) {
    const [xName, yName] = params as [string, string];
    subplot(xName, yName, "x", "y");
    layout["xaxis"] = {
      ...axisFor(xName),
      title: title(escapeText(xName)),
    };
    layout["yaxis"] = {
      ...axisFor(yName),
      title: title(escapeText(yName)),
    };
  } else {
    const grid = subplotGrid(p, p, { horizontal: 0.08 / p, vertical: 0.08 / p });
    params.forEach((yName, r) => {
      params.forEach((xName, c) => {
        const cell = grid[r]![c]!;
        subplot(xName, yName, cell.x, cell.y);
        layout[cell.xKey] = {
          ...axisFor(xName),
          domain: cell.xDomain,
          anchor: cell.y,
          ...(r === p - 1 ? { title: title(escapeText(xName)) } : {}),
        };
        layout[cell.yKey] = {
          ...axisFor(yName),
          domain: cell.yDomain,
          anchor: cell.x,
          ...(c === 0 ? { title: title(escapeText(yName)) } : {}),
        };
      });
    });
    layout["width"] = Math.max(600, 200 * p);
    layout["height"] = Math.max(600, 200 * p);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const names = ["min.", "25%", "50%", "75%", "max."];
  data.push({
    type: "scatter",
    x: [null],
    y: [null],
    mode: "markers",
    showlegend: false,
    hoverinfo: "none",
    marker: {
      colorscale: RD_YL_BU_R,
      showscale: true,
      cmin: 0,
      cmax: 1,
      color: [0],
      colorbar: {
        thickness: 10,
        tickvals: ticks,
        ticktext: ticks.map((q, i) => `${names[i]} (${quantile(sorted, q).toPrecision(3)})`),
      },
    },
  });
  return { data, layout };
}

/**
 * Plots the trials over pairs of parameters colored by the rank of their value (Optuna's
 * plot_rank; one parameter: against the value itself). Log and category axes as the
 * parameters', infeasible trials grey, markers capped per subplot (see `RankOptions`).
 */
export async function plotRank(
  study: StudyInput,
  options: RankOptions = {},
): Promise<PlotlyFigure> {
  return rankFigure(await toSnapshot(study), options);
}
