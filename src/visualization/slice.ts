/**
 * Each parameter's values against the objective, one subplot per parameter (Optuna's
 * plot_slice); markers colored by trial number.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import {
  axisOf,
  BLUES,
  checkTarget,
  DEFAULT_TARGET_NAME,
  escapeText,
  finiteCompleteTrials,
  INFEASIBLE_COLOR,
  isFeasible,
  paramScale,
  plotValue,
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

/** Options of `plotSlice`. */
export interface SliceOptions extends TargetOptions {
  /** The parameters to draw (each must exist). Default: all, sorted by name. */
  params?: readonly string[];
}

/** Builds the slice figure of a snapshot (synchronous; see `plotSlice`). */
export function sliceFigure(snapshot: StudySnapshot, options: SliceOptions = {}): PlotlyFigure {
  checkTarget(snapshot, options.target, "plotSlice");
  const targetName = escapeText(options.targetName ?? DEFAULT_TARGET_NAME);
  const trials = finiteCompleteTrials(snapshot, options.target);
  const params = selectParams(trials, options.params, "plotSlice");
  const layout: Record<string, PlotlyJson> = { title: title("Slice Plot") };
  if (trials.length === 0 || params.length === 0) return { data: [], layout };
  const grid = subplotGrid(1, params.length, {
    horizontal: params.length > 1 ? 0.1 / params.length : 0,
    vertical: 0,
  })[0]!;
  // Trials are ordered by number.
  const cmin = trials[0]!.number;
  const cmax = trials[trials.length - 1]!.number;
  const data: PlotlyTrace[] = [];
  params.forEach((name, i) => {
    const cell = grid[i]!;
    const scale = paramScale(trials, name);
    const feasible = { x: [] as (number | string)[], y: [] as number[], n: [] as number[] };
    const infeasible = { x: [] as (number | string)[], y: [] as number[] };
    // Conditional parameters: only the trials that have the parameter appear in its subplot.
    for (const trial of trials) {
      const value = trial.params[name];
      if (value === undefined) continue;
      const target = isFeasible(trial) ? feasible : infeasible;
      target.x.push(plotValue(scale, value));
      target.y.push(targetValue(trial, options.target));
      if (target === feasible) feasible.n.push(trial.number);
    }
    const last = i === params.length - 1;
    data.push({
      type: scatterType(feasible.x.length),
      x: feasible.x,
      y: feasible.y,
      xaxis: cell.x,
      yaxis: cell.y,
      mode: "markers",
      name: escapeText(name),
      showlegend: false,
      marker: {
        line: { width: 0.5, color: "Grey" },
        color: feasible.n,
        cmin,
        cmax,
        colorscale: BLUES,
        showscale: last,
        ...(last ? { colorbar: { title: title("Trial"), x: 1.0, xpad: 40 } } : {}),
      },
      hovertemplate: "%{x}<br>%{y}<br>Trial %{marker.color}<extra></extra>",
    });
    if (infeasible.x.length > 0) {
      data.push({
        type: scatterType(infeasible.x.length),
        x: infeasible.x,
        y: infeasible.y,
        xaxis: cell.x,
        yaxis: cell.y,
        mode: "markers",
        name: "Infeasible Trial",
        showlegend: false,
        marker: { color: INFEASIBLE_COLOR },
      });
    }
    layout[cell.xKey] = {
      ...axisOf(scale),
      domain: cell.xDomain,
      anchor: cell.y,
      title: title(escapeText(name)),
    };
    layout[cell.yKey] = {
      domain: cell.yDomain,
      anchor: cell.x,
      ...(i === 0 ? { title: title(targetName) } : { matches: "y", showticklabels: false }),
    };
  });
  if (params.length > 1) layout["width"] = Math.max(600, 300 * params.length);
  return { data, layout };
}

/**
 * Plots each parameter against the objective (Optuna's plot_slice): log axes for log
 * parameters, category axes for categoricals, a conditional parameter's subplot holding only
 * the trials that have it, infeasible trials grey.
 */
export async function plotSlice(
  study: StudyInput,
  options: SliceOptions = {},
): Promise<PlotlyFigure> {
  return sliceFigure(await toSnapshot(study), options);
}
