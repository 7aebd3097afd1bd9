/**
 * The library's parallel-coordinates figure (a Plotly `parcoords` trace) redrawn with SVG
 * `scatter` lines for the dashboard. Plotly draws parcoords with WebGL only, and a browser
 * without a GPU (headless Chromium, a remote desktop) renders it in software: about 4 s of CPU
 * for 1,000 lines, where the same lines as a few SVG paths take tens of milliseconds. The data
 * (axes, ranges, ticks, colors) are the library figure's; only the drawing changes. Lines are
 * grouped by the colorscale stop nearest to their color, one trace per stop, so that a thousand
 * lines are a handful of SVG paths.
 */
import type { PlotlyFigure, PlotlyJson, PlotlyTrace } from "../visualization/types.js";

interface Dimension {
  label: string;
  values: readonly number[];
  range: readonly [number, number];
  tickvals?: readonly number[];
  ticktext?: readonly string[];
}

type Stop = readonly [number, string];

function asDimension(value: PlotlyJson | undefined): Dimension | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const d = value as Record<string, PlotlyJson | undefined>;
  if (!Array.isArray(d["values"]) || !Array.isArray(d["range"])) return null;
  const dimension: Dimension = {
    label: String(d["label"] ?? ""),
    values: d["values"] as number[],
    range: d["range"] as unknown as [number, number],
  };
  if (Array.isArray(d["tickvals"])) dimension.tickvals = d["tickvals"] as number[];
  if (Array.isArray(d["ticktext"])) dimension.ticktext = d["ticktext"] as string[];
  return dimension;
}

/** Five ticks across a numeric axis, as Plotly's parcoords shows about. */
function defaultTicks(lo: number, hi: number): { vals: number[]; text: string[] } {
  if (!(hi > lo)) return { vals: [lo], text: [formatTick(lo)] };
  const vals = [0, 0.25, 0.5, 0.75, 1].map((q) => lo + q * (hi - lo));
  // A tick within 0.01% of the range from zero reads 0, not -5.08e-7 (ticks show 3 digits).
  return { vals, text: vals.map((v) => formatTick(Math.abs(v) < (hi - lo) * 1e-4 ? 0 : v)) };
}

function formatTick(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** Position of `v` on an axis of range [lo, hi], from 0 (bottom) to 1 (top). */
function scale(v: number, lo: number, hi: number): number {
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

/** Index of the colorscale stop nearest to position `t` (first one on a tie). */
function nearestStop(stops: readonly Stop[], t: number): number {
  let best = 0;
  for (let i = 1; i < stops.length; i++) {
    if (Math.abs(stops[i]![0] - t) < Math.abs(stops[best]![0] - t)) best = i;
  }
  return best;
}

/**
 * The figure with its parcoords trace replaced by SVG lines, axes and a colorbar; any other
 * figure is returned as it is.
 */
export function parcoordsAsSvg(figure: PlotlyFigure): PlotlyFigure {
  const trace = figure.data[0];
  if (figure.data.length !== 1 || trace?.type !== "parcoords") return figure;
  const dimensions = Array.isArray(trace["dimensions"])
    ? (trace["dimensions"] as PlotlyJson[]).map(asDimension)
    : [];
  if (dimensions.length === 0 || dimensions.some((d) => d === null)) return figure;
  const dims = dimensions as Dimension[];
  const line = (trace["line"] ?? {}) as Record<string, PlotlyJson | undefined>;
  const colors = Array.isArray(line["color"]) ? (line["color"] as number[]) : [];
  const stops = (Array.isArray(line["colorscale"]) ? line["colorscale"] : []) as unknown as Stop[];
  let cmin = typeof line["cmin"] === "number" ? line["cmin"] : Number.POSITIVE_INFINITY;
  let cmax = typeof line["cmax"] === "number" ? line["cmax"] : Number.NEGATIVE_INFINITY;
  if (typeof line["cmin"] !== "number" || typeof line["cmax"] !== "number") {
    for (const c of colors) {
      if (c < cmin) cmin = c;
      if (c > cmax) cmax = c;
    }
  }
  const reverse = line["reversescale"] === true;
  const n = dims[0]!.values.length;

  // One path per colorscale stop: each line's points, then a gap (null).
  const groups = new Map<number, { x: (number | null)[]; y: (number | null)[] }>();
  for (let i = 0; i < n; i++) {
    const t = scale(colors[i] ?? cmin, cmin, cmax);
    const stop = stops.length === 0 ? 0 : nearestStop(stops, reverse ? 1 - t : t);
    let group = groups.get(stop);
    if (group === undefined) {
      group = { x: [], y: [] };
      groups.set(stop, group);
    }
    dims.forEach((d, j) => {
      group.x.push(j);
      group.y.push(scale(d.values[i]!, d.range[0], d.range[1]));
    });
    group.x.push(null);
    group.y.push(null);
  }
  const data: PlotlyTrace[] = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([stop, { x, y }]) => ({
      type: "scatter",
      mode: "lines",
      x,
      y,
      line: { color: stops[stop]?.[1] ?? "#1f77b4", width: 1 },
      opacity: 0.6,
      hoverinfo: "skip",
      showlegend: false,
    }));
  // The colorbar: an invisible marker trace carrying the line's scale.
  if (line["showscale"] === true) {
    data.push({
      type: "scatter",
      mode: "markers",
      x: [0, 0],
      y: [0, 0],
      marker: {
        size: 0,
        opacity: 0,
        color: [cmin, cmax],
        cmin,
        cmax,
        colorscale: line["colorscale"] ?? null,
        reversescale: reverse,
        showscale: true,
        colorbar: line["colorbar"] ?? {},
      },
      hoverinfo: "skip",
      showlegend: false,
    });
  }
  const shapes: PlotlyJson[] = dims.map((_, j) => ({
    type: "line",
    x0: j,
    x1: j,
    y0: 0,
    y1: 1,
    line: { color: "#444", width: 1 },
  }));
  const annotations: PlotlyJson[] = [];
  dims.forEach((d, j) => {
    annotations.push({
      x: j,
      y: -0.04,
      text: d.label,
      showarrow: false,
      yanchor: "top",
      textangle: -30,
    });
    const ticks =
      d.tickvals !== undefined
        ? {
            vals: d.tickvals,
            text: d.ticktext ?? d.tickvals.map(formatTick),
          }
        : defaultTicks(d.range[0], d.range[1]);
    ticks.vals.forEach((v, k) => {
      annotations.push({
        x: j,
        y: scale(v, d.range[0], d.range[1]),
        text: ticks.text[k] ?? "",
        showarrow: false,
        xanchor: "right",
        xshift: -3,
        font: { size: 10 },
        // Readable over the lines that cross the axis.
        bgcolor: "rgba(255,255,255,0.75)",
      });
    });
  });
  return {
    data,
    layout: {
      ...figure.layout,
      showlegend: false,
      hovermode: false,
      xaxis: { visible: false, range: [-0.5, dims.length - 0.7], fixedrange: true },
      yaxis: { visible: false, range: [-0.3, 1.05], fixedrange: true },
      shapes,
      annotations,
    },
  };
}
