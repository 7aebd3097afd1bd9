/**
 * Fewer points for the dashboard's optimization history, so that it draws as SVG in a browser
 * without a GPU: Plotly's WebGL traces (scattergl), rendered in software by a headless or
 * GPU-less Chromium, cost seconds at 10,000 trials. Every best-so-far point is kept, and a
 * bounded, seeded sample of the others; the library's figure itself is unchanged.
 */
import type { PlotlyFigure, PlotlyTrace } from "../visualization/types.js";

/** A figure with a line saying what was left out (null: nothing). */
export interface DecimatedFigure {
  figure: PlotlyFigure;
  caption: string | null;
}

/**
 * A number in [0, 1) from a trial number: the same trial is kept or left out at every redraw,
 * so a live page does not reshuffle its points (a 32-bit integer hash, the "lowbias32" mixer).
 */
export function unitHash(n: number): number {
  let x = (n | 0) ^ 0x9e3779b9;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

function numbers(value: unknown): (number | null)[] | null {
  return Array.isArray(value) ? (value as (number | null)[]) : null;
}

/** Indices of the points that set a new lowest or highest value (either direction's best). */
function records(y: readonly (number | null)[]): Set<number> {
  const kept = new Set<number>();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  y.forEach((v, i) => {
    if (v === null) return;
    if (v < lo) {
      lo = v;
      kept.add(i);
    }
    if (v > hi) {
      hi = v;
      kept.add(i);
    }
  });
  return kept;
}

/** A markers trace cut to its records and a sample of about `share` of the rest. */
function sampleMarkers(trace: PlotlyTrace, share: number): PlotlyTrace {
  const x = numbers(trace["x"]);
  const y = numbers(trace["y"]);
  if (x === null || y === null || share >= 1) return trace;
  const kept = records(y);
  const outX: (number | null)[] = [];
  const outY: (number | null)[] = [];
  for (let i = 0; i < x.length; i++) {
    if (kept.has(i) || unitHash(x[i] ?? i) < share) {
      outX.push(x[i]!);
      outY.push(y[i]!);
    }
  }
  return { ...trace, x: outX, y: outY };
}

/**
 * A lines trace without the inner points of its flat runs: the best value so far changes
 * seldom, and the line through the ends of each run is the same line.
 */
function flattenLine(trace: PlotlyTrace): PlotlyTrace {
  const x = numbers(trace["x"]);
  const y = numbers(trace["y"]);
  if (x === null || y === null) return trace;
  const outX: (number | null)[] = [];
  const outY: (number | null)[] = [];
  for (let i = 0; i < x.length; i++) {
    const inner = i > 0 && i < x.length - 1 && y[i] === y[i - 1] && y[i] === y[i + 1];
    if (!inner) {
      outX.push(x[i]!);
      outY.push(y[i]!);
    }
  }
  return { ...trace, x: outX, y: outY };
}

/**
 * The optimization history with at most about `maxPoints` markers, drawn as SVG: all traces
 * become `scatter`, marker traces keep their records and a seeded sample, lines lose only
 * their flat runs' inner points.
 */
export function decimateHistory(figure: PlotlyFigure, maxPoints: number): DecimatedFigure {
  let total = 0;
  for (const trace of figure.data) {
    if (trace["mode"] === "markers") total += numbers(trace["x"])?.length ?? 0;
  }
  const share = total > maxPoints ? maxPoints / total : 1;
  let shown = 0;
  const data = figure.data.map((trace) => {
    let out: PlotlyTrace;
    if (trace["mode"] === "markers") {
      out = sampleMarkers(trace, share);
      shown += numbers(out["x"])?.length ?? 0;
    } else if (trace["mode"] === "lines") {
      out = flattenLine(trace);
    } else {
      out = trace;
    }
    return out["type"] === "scattergl" ? { ...out, type: "scatter" } : out;
  });
  const caption =
    shown < total
      ? `${shown.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} trials drawn: ` +
        "every new best value and a fixed sample of the others."
      : null;
  return { figure: { ...figure, data }, caption };
}
