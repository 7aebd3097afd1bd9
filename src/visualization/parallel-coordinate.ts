/**
 * One line per completed trial across the objective and every parameter (Optuna's
 * plot_parallel_coordinate), as Plotly's `parcoords` trace, which draws its lines with WebGL.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import {
  BLUES,
  checkTarget,
  choiceLabel,
  DEFAULT_TARGET_NAME,
  directionSign,
  escapeText,
  evenSample,
  finiteCompleteTrials,
  INFEASIBLE_COLOR,
  isFeasible,
  isReverseScale,
  paramScale,
  type StudyInput,
  selectParams,
  type TargetOptions,
  targetValue,
  title,
  toSnapshot,
  truncateLabel,
} from "./common.js";
import type { PlotlyFigure, PlotlyJson } from "./types.js";

/** Options of `plotParallelCoordinate`. */
export interface ParallelCoordinateOptions extends TargetOptions {
  /** The parameters to draw (each must exist). Default: all, sorted by name. */
  params?: readonly string[];
  /**
   * At most this many lines: beyond it, the best tenth of them and an even spread of the rest
   * (a parcoords of 100,000 lines is one dark band). Default 10,000.
   */
  maxLines?: number;
}

type Dimension = Record<string, PlotlyJson>;

function numericDimension(label: string, values: number[]): Dimension {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { label, values, range: [lo, hi] };
}

/** A log-scaled parameter: its log10 values, ticks at the powers of ten in range. */
function logDimension(label: string, values: number[]): Dimension {
  const logs = values.map((v) => Math.log10(v));
  const dimension = numericDimension(label, logs);
  const [lo, hi] = dimension["range"] as [number, number];
  const tickvals: number[] = [lo];
  for (let p = Math.ceil(lo); p < hi; p++) if (p > lo) tickvals.push(p);
  if (hi > lo) tickvals.push(hi);
  return {
    ...dimension,
    tickvals,
    ticktext: tickvals.map((t) => (10 ** t).toPrecision(3).replace(/\.?0+(e|$)/, "$1")),
  };
}

/** Builds the parallel-coordinate figure of a snapshot (synchronous; see `plotParallelCoordinate`). */
export function parallelCoordinateFigure(
  snapshot: StudySnapshot,
  options: ParallelCoordinateOptions = {},
): PlotlyFigure {
  checkTarget(snapshot, options.target, "plotParallelCoordinate");
  const targetName = escapeText(options.targetName ?? DEFAULT_TARGET_NAME);
  const layout = { title: title("Parallel Coordinate Plot") };
  const complete = finiteCompleteTrials(snapshot, options.target);
  const params = selectParams(complete, options.params, "plotParallelCoordinate");
  // As Optuna: a trial without one of the plotted parameters (a conditional one) is skipped.
  let trials = complete.filter((t) => params.every((p) => p in t.params));
  if (trials.length === 0 || params.length === 0) return { data: [], layout };
  const cap = options.maxLines ?? 10_000;
  if (trials.length > cap) {
    const sign = options.target === undefined ? directionSign(snapshot) : 1;
    const sorted = trials.map((t) => sign * targetValue(t, options.target)).sort((a, b) => a - b);
    const threshold = sorted[Math.floor(cap / 10)]!;
    const keep = (t: FrozenTrial): boolean => sign * targetValue(t, options.target) < threshold;
    trials = evenSample(trials, cap - Math.floor(cap / 10), keep);
  }
  const values = trials.map((t) => targetValue(t, options.target));
  const dimensions: Dimension[] = [numericDimension(targetName, values)];
  for (const name of params) {
    const scale = paramScale(trials, name);
    const label = escapeText(truncateLabel(name));
    if (scale.type === "category") {
      const index = new Map(scale.categories.map((c, i) => [c, i]));
      const codes = trials.map(
        (t) => index.get(escapeText(choiceLabel(t.params[name] ?? null))) ?? 0,
      );
      const tickvals = scale.categories.map((_, i) => i);
      dimensions.push({
        label,
        values: codes,
        range: [0, Math.max(0, scale.categories.length - 1)],
        tickvals,
        ticktext: scale.categories,
      });
    } else if (scale.type === "log") {
      dimensions.push(
        logDimension(
          label,
          trials.map((t) => Number(t.params[name])),
        ),
      );
    } else {
      dimensions.push(
        numericDimension(
          label,
          trials.map((t) => Number(t.params[name])),
        ),
      );
    }
  }
  const reverse = isReverseScale(snapshot, options.target);
  const infeasible = trials.map((t) => !isFeasible(t));
  let line: Record<string, PlotlyJson>;
  if (infeasible.some(Boolean)) {
    // Infeasible trials are drawn grey: their color value lies past the feasible range, on a
    // grey stop at the top of the scale; the colorbar's ticks still read objective values.
    const range = dimensions[0]!["range"] as [number, number];
    const [lo, hi] = range[1] > range[0] ? range : [range[0] - 1, range[0] + 1];
    const top = hi + (hi - lo) * 0.05;
    const edge = (hi - lo) / (top - lo);
    const blues = reverse
      ? BLUES.map(([p], i) => [p, BLUES[BLUES.length - 1 - i]![1]] as const)
      : BLUES;
    const colorscale = [
      ...blues.map(([p, c]) => [p * edge, c] as const),
      [Math.min(1, edge + 1e-9), INFEASIBLE_COLOR] as const,
      [1, INFEASIBLE_COLOR] as const,
    ];
    const tickvals = [0, 0.25, 0.5, 0.75, 1].map((q) => lo + q * (hi - lo));
    line = {
      color: values.map((v, i) => (infeasible[i] ? top : v)),
      cmin: lo,
      cmax: top,
      colorscale,
      showscale: true,
      colorbar: {
        title: title(targetName),
        tickvals: [...tickvals, top],
        ticktext: [...tickvals.map((v) => v.toPrecision(3)), "infeasible"],
      },
    };
  } else {
    line = {
      color: values,
      colorscale: BLUES,
      reversescale: reverse,
      showscale: true,
      colorbar: { title: title(targetName) },
    };
  }
  return {
    data: [{ type: "parcoords", dimensions, labelangle: 30, labelside: "bottom", line }],
    layout,
  };
}

/**
 * Plots the completed trials as lines across the objective and the parameters (Optuna's
 * plot_parallel_coordinate): log parameters on a log10 axis with power-of-ten ticks,
 * categoricals as indexed ticks, trials lacking a plotted (conditional) parameter skipped,
 * infeasible trials grey. At most `maxLines` lines; see `ParallelCoordinateOptions`.
 */
export async function plotParallelCoordinate(
  study: StudyInput,
  options: ParallelCoordinateOptions = {},
): Promise<PlotlyFigure> {
  return parallelCoordinateFigure(await toSnapshot(study), options);
}
