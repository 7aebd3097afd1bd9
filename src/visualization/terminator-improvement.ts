/**
 * How much better the study could still get, trial after trial: the regret bound of the
 * project's `RegretBoundStopper` (Makarova et al. 2022) on the first n completed trials
 * (Optuna's plot_terminator_improvement), and optionally the statistical error it is compared
 * with; the study stops once the bound falls below the error.
 */
import { Rng } from "../math/rng.js";
import { RegretBoundStopper, regretBound } from "../stoppers/regret-bound.js";
import { makeSnapshot, type StudySnapshot } from "../study/snapshot.js";
import { type StudyInput, title, toSnapshot } from "./common.js";
import type { PlotlyFigure, PlotlyTrace } from "./types.js";

/** Options of `plotTerminatorImprovement`. */
export interface TerminatorImprovementOptions {
  /** Also draw the statistical error (the stopper's `error`, cross-validation by default). Default false. */
  plotError?: boolean;
  /** Whose bound and error: a stopper's settings. Default: `new RegretBoundStopper({ seed: 0 })`. */
  stopper?: RegretBoundStopper;
  /** Trials before this count are drawn faded, as the stopper decides nothing yet. Default: the stopper's minNTrials (20). */
  minNTrials?: number;
  /**
   * Trial counts at which the bound is computed, evenly spread up to the last: each is a
   * Gaussian-process fit, so Optuna's one per trial is out of reach for large studies.
   * Default 12.
   */
  maxPoints?: number;
  /**
   * The Gaussian process is fitted to at most this many of the best trials (the stopper takes
   * half of them, whose cubic cost is out of reach at 10,000 trials). Default 40.
   */
  maxTopTrials?: number;
}

/** Builds the terminator-improvement figure (synchronous; see `plotTerminatorImprovement`). */
export function terminatorImprovementFigure(
  snapshot: StudySnapshot,
  options: TerminatorImprovementOptions = {},
): PlotlyFigure {
  const stopper = options.stopper ?? new RegretBoundStopper({ seed: 0 });
  const minN = options.minNTrials ?? stopper.minNTrials;
  const layout = {
    title: title("Terminator Improvement Plot"),
    xaxis: { title: title("Trial") },
    yaxis: { title: title("Terminator Improvement") },
  };
  if (snapshot.directions.length !== 1) {
    // The stopper's own check: a typed error naming the number of objectives.
    stopper.regretBound(snapshot);
  }
  const complete = snapshot.getTrials(["COMPLETE"]).filter((t) => t.values !== null);
  const n = complete.length;
  if (n === 0) return { data: [], layout };
  const maxPoints = Math.max(1, options.maxPoints ?? 12);
  const counts = new Set<number>();
  for (let i = 1; i <= maxPoints; i++) counts.add(Math.max(1, Math.round((n * i) / maxPoints)));
  if (minN <= n) counts.add(minN);
  const ordered = [...counts].sort((a, b) => a - b);
  const maxTop = options.maxTopTrials ?? 40;
  const direction = snapshot.directions[0]!;
  const xs: number[] = [];
  const bounds: (number | null)[] = [];
  const errors: (number | null)[] = [];
  for (const count of ordered) {
    const prefix = complete.slice(0, count);
    const bound = regretBound(prefix, direction, {
      topTrialsRatio: Math.min(stopper.topTrialsRatio, maxTop / count),
      minTopTrials: Math.min(stopper.minTopTrials, maxTop),
      nSamples: Math.min(stopper.nSamples, 512),
      delta: stopper.delta,
      rng: new Rng(stopper.seed, "regret-bound", count),
    });
    xs.push(prefix[prefix.length - 1]!.number);
    bounds.push(bound !== null && Number.isFinite(bound) ? bound : null);
    if (options.plotError === true) {
      const error = stopper.statisticalError(
        makeSnapshot(snapshot.studyName, snapshot.directions, prefix),
      );
      errors.push(error);
    }
  }
  const early = ordered.map((c) => c < minN);
  // The faded part runs up to the first decided point, so that the two parts join.
  const pick = <T>(values: readonly T[], faded: boolean): T[] =>
    values.filter((_, i) => (faded ? early[i] || (i > 0 && early[i - 1] && !early[i]) : !early[i]));
  const data: PlotlyTrace[] = [];
  if (early.some(Boolean)) {
    // Before minNTrials the stopper does not decide: drawn faded, as Optuna does.
    data.push({
      type: "scatter",
      x: pick(xs, true),
      y: pick(bounds, true),
      mode: "lines+markers",
      name: "Terminator Improvement",
      opacity: 0.4,
      marker: { color: "#1f77b4" },
      showlegend: false,
    });
  }
  data.push({
    type: "scatter",
    x: pick(xs, false),
    y: pick(bounds, false),
    mode: "lines+markers",
    name: "Terminator Improvement",
    marker: { color: "#1f77b4" },
  });
  if (options.plotError === true) {
    data.push({
      type: "scatter",
      x: xs,
      y: errors,
      mode: "lines+markers",
      name: "Error",
      marker: { color: "#ff7f0e" },
    });
  }
  return { data, layout };
}

/**
 * Plots the regret bound of `RegretBoundStopper` as trials complete (Optuna's
 * plot_terminator_improvement), with the statistical error when `plotError`; single-objective
 * studies only. The bound is computed at a few trial counts; see
 * `TerminatorImprovementOptions`.
 */
export async function plotTerminatorImprovement(
  study: StudyInput,
  options: TerminatorImprovementOptions = {},
): Promise<PlotlyFigure> {
  return terminatorImprovementFigure(await toSnapshot(study), options);
}
