/**
 * The study page's figures: each one is a figure function of the library (src/visualization/),
 * called on a snapshot rebuilt from the API's trials. Nothing is drawn by a second
 * implementation here; this file only chooses options (the plotted objective, the parameters).
 */
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { contourFigure } from "../visualization/contour.js";
import { edfFigure } from "../visualization/edf.js";
import { hypervolumeHistoryFigure } from "../visualization/hypervolume-history.js";
import { intermediateValuesFigure } from "../visualization/intermediate-values.js";
import { optimizationHistoryFigure } from "../visualization/optimization-history.js";
import { parallelCoordinateFigure } from "../visualization/parallel-coordinate.js";
import { paramImportancesFigure } from "../visualization/param-importances.js";
import { paretoFrontFigure } from "../visualization/pareto-front.js";
import { rankFigure } from "../visualization/rank.js";
import { sliceFigure } from "../visualization/slice.js";
import { timelineFigure } from "../visualization/timeline.js";
import type { PlotlyFigure } from "../visualization/types.js";
import { type DecimatedFigure, decimateHistory } from "./decimate.js";
import { parcoordsAsSvg } from "./parcoords-svg.js";

/**
 * Markers drawn by the optimization history at most (about): SVG draws a few thousand in tens
 * of milliseconds, where 10,000 WebGL markers cost seconds of software rendering.
 */
export const HISTORY_POINTS = 2000;

/** Lines of the parallel coordinates by default (a control draws up to the library's 10,000). */
export const PARALLEL_LINES = 1000;

/** What the page's controls choose for every figure. */
export interface FigureContext {
  /** The objective plotted by single-value figures (an index into the directions). */
  objective: number;
  /** Parameters drawn by the per-parameter figures (slice, rank, parallel coordinates). */
  params: readonly string[];
  /** The pair of the contour plot, when the study has two parameters or more. */
  contour: readonly [string, string] | null;
  /** Lines drawn by the parallel coordinates at most (the best tenth and a spread of the rest). */
  parallelLines: number;
}

/** One figure of the study page. */
export interface FigureSpec {
  id: string;
  title: string;
  /** Only for studies with one objective, or with several. */
  objectives?: "single" | "multi";
  /** Drawn before the page is scrolled to it (the figures at the top). */
  eager?: boolean;
  /** Spans the page's width (grids of subplots). */
  wide?: boolean;
  build(snapshot: StudySnapshot, context: FigureContext): PlotlyFigure | DecimatedFigure;
}

function target(snapshot: StudySnapshot, context: FigureContext) {
  if (snapshot.directions.length === 1) return {};
  const index = context.objective;
  return {
    target: (t: FrozenTrial) => t.values?.[index] ?? Number.NaN,
    targetName: `Objective ${index}`,
  };
}

function params(snapshot: StudySnapshot, context: FigureContext) {
  // The figures throw for a parameter no COMPLETE trial has; keep only present ones.
  const present = new Set<string>();
  for (const trial of snapshot.getTrials(["COMPLETE"])) {
    for (const name in trial.params) present.add(name);
  }
  return context.params.filter((name) => present.has(name));
}

/**
 * A hypervolume reference point from the trials themselves (the user gives none in a
 * dashboard): each objective's worst completed value, moved 10% of its range further away so
 * that the worst trials still add volume. Optuna's dashboard makes the same kind of choice.
 */
export function referencePoint(snapshot: StudySnapshot): number[] {
  const m = snapshot.directions.length;
  const low = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
  const high = new Array<number>(m).fill(Number.NEGATIVE_INFINITY);
  for (const trial of snapshot.getTrials(["COMPLETE"])) {
    if (trial.values?.length !== m) continue;
    trial.values.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      low[k] = Math.min(low[k]!, v);
      high[k] = Math.max(high[k]!, v);
    });
  }
  return snapshot.directions.map((direction, k) => {
    if (!Number.isFinite(low[k]!)) return 0;
    const margin =
      high[k]! > low[k]! ? 0.1 * (high[k]! - low[k]!) : Math.max(1, Math.abs(high[k]!) * 0.1);
    return direction === "minimize" ? high[k]! + margin : low[k]! - margin;
  });
}

/** Lines of a parallel-coordinates figure (the length of its first axis). */
function lineCount(figure: PlotlyFigure): number {
  const dimensions = figure.data[0]?.["dimensions"];
  if (!Array.isArray(dimensions)) return 0;
  const first = dimensions[0] as { values?: unknown } | undefined;
  return Array.isArray(first?.values) ? first.values.length : 0;
}

/** The figures, in page order. */
export const FIGURES: readonly FigureSpec[] = [
  {
    id: "history",
    title: "Optimization history",
    eager: true,
    build: (s, c) => decimateHistory(optimizationHistoryFigure(s, target(s, c)), HISTORY_POINTS),
  },
  {
    id: "parallel",
    title: "Parallel coordinates",
    eager: true,
    build: (s, c) => {
      const figure = parallelCoordinateFigure(s, {
        ...target(s, c),
        params: params(s, c),
        maxLines: c.parallelLines,
      });
      const shown = lineCount(figure);
      const complete = s.getTrials(["COMPLETE"]).length;
      const caption =
        complete > c.parallelLines
          ? `${shown.toLocaleString("en-US")} of ${complete.toLocaleString("en-US")} completed ` +
            "trials drawn: the best tenth and an even spread of the rest."
          : null;
      return { figure: parcoordsAsSvg(figure), caption };
    },
  },
  {
    id: "pareto",
    title: "Pareto front",
    objectives: "multi",
    build: (s) => paretoFrontFigure(s),
  },
  {
    id: "hypervolume",
    title: "Hypervolume history",
    objectives: "multi",
    build: (s) => hypervolumeHistoryFigure(s, referencePoint(s)),
  },
  {
    id: "importances",
    title: "Parameter importances",
    build: (s, c) => paramImportancesFigure(s, target(s, c)),
  },
  {
    id: "intermediate",
    title: "Intermediate values",
    build: (s) => intermediateValuesFigure(s),
  },
  {
    id: "edf",
    title: "Empirical distribution (EDF)",
    build: (s, c) => edfFigure(s, target(s, c)),
  },
  {
    id: "timeline",
    title: "Timeline",
    build: (s) => timelineFigure(s),
  },
  {
    id: "slice",
    title: "Slice",
    wide: true,
    build: (s, c) => sliceFigure(s, { ...target(s, c), params: params(s, c) }),
  },
  {
    id: "contour",
    title: "Contour",
    build: (s, c) =>
      contourFigure(s, { ...target(s, c), params: c.contour === null ? [] : [...c.contour] }),
  },
  {
    id: "rank",
    title: "Rank",
    wide: true,
    build: (s, c) => rankFigure(s, { ...target(s, c), params: params(s, c) }),
  },
];
