/**
 * The objective over pairs of parameters as filled contours (Optuna's plot_contour): the
 * values of the trials on a grid, the gaps filled by Plotly's interpolation (`connectgaps`),
 * the trials as markers on top. More than two parameters make a matrix of pairs.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import {
  axisOf,
  BLUES,
  checkTarget,
  DEFAULT_TARGET_NAME,
  directionSign,
  escapeText,
  evenSample,
  finiteCompleteTrials,
  INFEASIBLE_COLOR,
  isFeasible,
  isReverseScale,
  type ParamScale,
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

/** Options of `plotContour`. */
export interface ContourOptions extends TargetOptions {
  /** The parameters to pair (each must exist). Default: all, sorted by name. */
  params?: readonly string[];
  /**
   * Grid cells per axis at most: Optuna puts one grid line at each distinct value, which for
   * 10,000 continuous trials is a 10,000 × 10,000 grid; beyond this many distinct values the
   * axis is divided evenly (in log space for log parameters) and each cell keeps its best
   * trial. Default 100 for one pair; in a matrix of p parameters 150 / p (at least 15), as
   * Plotly fills each grid's gaps iteratively.
   */
  gridSize?: number;
  /** Trial markers per subplot at most, evenly spread over the trials. Default 2,000. */
  maxPoints?: number;
}

/** Optuna pads numeric axes by 5% of their span. */
const PADDING_RATIO = 0.05;

/** One axis of a subplot: where grid lines fall and how a trial's value maps to one. */
interface GridAxis {
  readonly scale: ParamScale;
  /** Grid coordinates (numbers, or category labels). */
  readonly coords: (number | string)[];
  /** The grid index of a value. */
  index(value: number | string): number;
  /** Axis range (log10 units for a log axis); null for categories. */
  readonly range: [number, number] | null;
}

function gridAxis(trials: readonly FrozenTrial[], name: string, cells: number): GridAxis {
  const scale = paramScale(trials, name);
  if (scale.type === "category") {
    const present = new Set<string>();
    for (const t of trials) {
      const v = t.params[name];
      if (v !== undefined) present.add(plotValue(scale, v) as string);
    }
    const coords = scale.categories.filter((c) => present.has(c));
    const position = new Map(coords.map((c, i) => [c, i]));
    return { scale, coords, index: (v) => position.get(v as string) ?? 0, range: null };
  }
  const log = scale.type === "log";
  const map = (v: number): number => (log ? Math.log10(v) : v);
  const unmap = (v: number): number => (log ? 10 ** v : v);
  const distinct = new Set<number>();
  for (const t of trials) {
    const v = t.params[name];
    if (v !== undefined) distinct.add(Number(v));
  }
  const sorted = [...distinct].sort((a, b) => a - b);
  const lo = map(sorted[0]!);
  const hi = map(sorted[sorted.length - 1]!);
  const pad = (hi - lo) * PADDING_RATIO;
  const range: [number, number] = [lo - pad, hi + pad];
  if (sorted.length <= cells) {
    const position = new Map(sorted.map((v, i) => [v, i + 1]));
    const coords = [unmap(lo - pad), ...sorted, unmap(hi + pad)];
    return { scale, coords, index: (v) => position.get(v as number) ?? 0, range };
  }
  const width = (hi - lo) / cells;
  const coords: number[] = [unmap(lo - pad)];
  for (let i = 0; i < cells; i++) coords.push(unmap(lo + (i + 0.5) * width));
  coords.push(unmap(hi + pad));
  const index = (v: number | string): number =>
    1 + Math.min(cells - 1, Math.max(0, Math.floor((map(v as number) - lo) / width)));
  return { scale, coords, index, range };
}

function axisLayout(axis: GridAxis): Record<string, PlotlyJson> {
  return { ...axisOf(axis.scale), ...(axis.range === null ? {} : { range: axis.range }) };
}

/** Builds the contour figure of a snapshot (synchronous; see `plotContour`). */
export function contourFigure(snapshot: StudySnapshot, options: ContourOptions = {}): PlotlyFigure {
  checkTarget(snapshot, options.target, "plotContour");
  const targetName = escapeText(options.targetName ?? DEFAULT_TARGET_NAME);
  const trials = finiteCompleteTrials(snapshot, options.target);
  const params = selectParams(trials, options.params, "plotContour");
  const layout: Record<string, PlotlyJson> = { title: title("Contour Plot") };
  if (trials.length === 0 || params.length < 2) return { data: [], layout };
  const single = params.length === 2;
  const cells = options.gridSize ?? (single ? 100 : Math.max(15, Math.floor(150 / params.length)));
  const axes = new Map(params.map((p) => [p, gridAxis(trials, p, cells)]));
  // Each trial's plotted value and grid index per parameter, computed once for all pairs.
  const plotted = new Map<string, { values: (number | string | undefined)[]; cells: Int32Array }>();
  for (const p of params) {
    const axis = axes.get(p)!;
    const values = trials.map((t) => {
      const v = t.params[p];
      return v === undefined ? undefined : plotValue(axis.scale, v);
    });
    const cellsOf = Int32Array.from(values, (v) => (v === undefined ? -1 : axis.index(v)));
    plotted.set(p, { values, cells: cellsOf });
  }
  const feasibility = trials.map(isFeasible);
  const values = trials.map((t) => targetValue(t, options.target));
  // Best per cell as Optuna; with a custom target (direction unknown) the last trial's value.
  const sign = options.target === undefined ? directionSign(snapshot) : 0;
  let zmin = Number.POSITIVE_INFINITY;
  let zmax = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    zmin = Math.min(zmin, v);
    zmax = Math.max(zmax, v);
  }
  const reverse = isReverseScale(snapshot, options.target);
  const maxPoints = options.maxPoints ?? 2000;
  const pairs: [string, string][] = single
    ? [[params[0]!, params[1]!]]
    : params.flatMap((y) => params.map((x) => [x, y] as [string, string]));
  const rows = single ? 1 : params.length;
  const spacing = single ? 0 : 0.08 / params.length;
  const grid = subplotGrid(rows, rows, { horizontal: spacing, vertical: spacing });
  const data: PlotlyTrace[] = [];
  let colorbarShown = false;
  pairs.forEach(([xName, yName], k) => {
    const r = single ? 0 : Math.floor(k / params.length);
    const c = single ? 0 : k % params.length;
    const cell = grid[r]![c]!;
    const xAxis = axes.get(xName)!;
    const yAxis = axes.get(yName)!;
    layout[cell.xKey] = {
      ...axisLayout(xAxis),
      domain: cell.xDomain,
      anchor: cell.y,
      ...(r === rows - 1 ? { title: title(escapeText(xName)) } : {}),
    };
    layout[cell.yKey] = {
      ...axisLayout(yAxis),
      domain: cell.yDomain,
      anchor: cell.x,
      ...(c === 0 ? { title: title(escapeText(yName)) } : {}),
    };
    if (xName === yName || xAxis.coords.length < 2 || yAxis.coords.length < 2) return;
    const nx = xAxis.coords.length;
    const z: (number | null)[][] = Array.from({ length: yAxis.coords.length }, () =>
      new Array<number | null>(nx).fill(null),
    );
    const feasible: number[] = [];
    const infeasible: number[] = [];
    const px = plotted.get(xName)!;
    const py = plotted.get(yName)!;
    for (let i = 0; i < trials.length; i++) {
      const col = px.cells[i]!;
      const rowIndex = py.cells[i]!;
      // Conditional parameters: a trial counts only in the pairs it has both of.
      if (col < 0 || rowIndex < 0) continue;
      (feasibility[i] ? feasible : infeasible).push(i);
      const row = z[rowIndex]!;
      const v = values[i]!;
      const old = row[col];
      if (old === null || old === undefined || sign === 0 || sign * v < sign * old) row[col] = v;
    }
    if (feasible.length + infeasible.length === 0) return;
    data.push({
      type: "contour",
      x: xAxis.coords,
      y: yAxis.coords,
      z,
      xaxis: cell.x,
      yaxis: cell.y,
      zmin,
      zmax,
      colorscale: BLUES,
      reversescale: reverse,
      connectgaps: true,
      contours: { coloring: "heatmap" },
      line: { smoothing: 1.3 },
      hoverinfo: "none",
      showscale: !colorbarShown,
      colorbar: { title: title(targetName) },
    });
    colorbarShown = true;
    for (const [group, isOk] of [
      [feasible, true],
      [infeasible, false],
    ] as const) {
      const shown = evenSample(group, maxPoints);
      data.push({
        type: scatterType(shown.length),
        x: shown.map((i) => px.values[i]!),
        y: shown.map((i) => py.values[i]!),
        xaxis: cell.x,
        yaxis: cell.y,
        mode: "markers",
        name: isOk ? "Feasible Trial" : "Infeasible Trial",
        showlegend: false,
        marker: { line: { width: 2, color: "Gray" }, color: isOk ? "black" : INFEASIBLE_COLOR },
      });
    }
  });
  if (!single) {
    const side = Math.max(600, 200 * params.length);
    layout["width"] = side;
    layout["height"] = side;
  }
  return { data, layout };
}

/**
 * Plots the objective over pairs of parameters as contours (Optuna's plot_contour): log axes
 * for log parameters, category axes for categoricals, each pair holding the trials that have
 * both parameters, infeasible trials as grey markers. Grids and markers are capped for large
 * studies; see `ContourOptions`.
 */
export async function plotContour(
  study: StudyInput,
  options: ContourOptions = {},
): Promise<PlotlyFigure> {
  return contourFigure(await toSnapshot(study), options);
}
