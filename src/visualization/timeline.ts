/**
 * When each trial ran, as a horizontal bar per trial colored by state (Optuna's plot_timeline).
 */
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { hoverAttributes, isFeasible, type StudyInput, title, toSnapshot } from "./common.js";
import type { PlotlyFigure, PlotlyTrace } from "./types.js";

/** Options of `plotTimeline`. */
export interface TimelineOptions {
  /** The end of running trials' bars. Default: now. */
  now?: Date;
  /**
   * From this many trials on, the bars are drawn as WebGL line segments (one trace per state):
   * tens of thousands of SVG bars make a browser crawl. Default 2,000.
   */
  segmentsFrom?: number;
}

/** Optuna's colors per state; an infeasible COMPLETE trial is grey. */
const COLORS: Readonly<Record<string, string>> = {
  COMPLETE: "blue",
  FAIL: "red",
  PRUNED: "orange",
  RUNNING: "green",
  WAITING: "gray",
  Infeasible: "#cccccc",
};

/** A date as Plotly reads it on a date axis (UTC, no zone suffix). */
function plotlyDate(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Builds the timeline figure of a snapshot (synchronous; see `plotTimeline`). */
export function timelineFigure(
  snapshot: StudySnapshot,
  options: TimelineOptions = {},
): PlotlyFigure {
  const now = options.now ?? new Date();
  const layout = {
    title: title("Timeline Plot"),
    xaxis: { title: title("Datetime (UTC)"), type: "date" },
    yaxis: { title: title("Trial") },
    legend: { title: title("State") },
    showlegend: true,
  };
  // A trial that has not started (WAITING) has no bar.
  const started = snapshot.trials.filter((t) => t.datetimeStart !== null);
  const groups = new Map<string, FrozenTrial[]>();
  for (const trial of started) {
    const key = trial.state === "COMPLETE" && !isFeasible(trial) ? "Infeasible" : trial.state;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [trial]);
    else group.push(trial);
  }
  const end = (t: FrozenTrial): Date => t.datetimeComplete ?? now;
  const segments = started.length >= (options.segmentsFrom ?? 2000);
  const data: PlotlyTrace[] = [];
  for (const key of ["COMPLETE", "FAIL", "PRUNED", "RUNNING", "WAITING", "Infeasible"]) {
    const group = groups.get(key);
    if (group === undefined) continue;
    if (segments) {
      const x: (string | null)[] = [];
      const y: (number | null)[] = [];
      for (const t of group) {
        x.push(plotlyDate(t.datetimeStart!), plotlyDate(end(t)), null);
        y.push(t.number, t.number, null);
      }
      data.push({
        type: "scattergl",
        x,
        y,
        mode: "lines",
        name: key,
        line: { color: COLORS[key] ?? "gray", width: 2 },
        hovertemplate: `Trial %{y}<extra>${key}</extra>`,
      });
      continue;
    }
    data.push({
      type: "bar",
      name: key,
      x: group.map((t) => Math.max(0, end(t).getTime() - t.datetimeStart!.getTime())),
      y: group.map((t) => t.number),
      base: group.map((t) => plotlyDate(t.datetimeStart!)),
      ...hoverAttributes(group, key),
      orientation: "h",
      marker: { color: COLORS[key] ?? "gray" },
      textposition: "none",
    });
  }
  return { data, layout };
}

/**
 * Plots when each trial ran (Optuna's plot_timeline): a bar from start to completion per
 * trial colored by state (running trials up to now, infeasible ones grey, waiting ones not
 * drawn); line segments on WebGL for large studies.
 */
export async function plotTimeline(
  study: StudyInput,
  options: TimelineOptions = {},
): Promise<PlotlyFigure> {
  return timelineFigure(await toSnapshot(study), options);
}
