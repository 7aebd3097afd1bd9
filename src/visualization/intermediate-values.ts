/**
 * The values each trial reported step by step (Optuna's plot_intermediate_values): the learning
 * curves of completed, pruned and running trials.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import {
  evenSample,
  INFEASIBLE_COLOR,
  isFeasible,
  type StudyInput,
  scatterType,
  title,
  toSnapshot,
} from "./common.js";
import type { PlotlyFigure, PlotlyTrace } from "./types.js";

/** Options of `plotIntermediateValues`. */
export interface IntermediateValuesOptions {
  /**
   * Up to this many trials, one trace per trial as Optuna draws them (a legend entry and hover
   * per trial). Default 100.
   */
  perTrialTraces?: number;
  /**
   * Beyond `perTrialTraces`, the curves are drawn as one trace per state (lines separated by
   * gaps, WebGL when large), and at most this many curves, evenly spread over the trials'
   * numbers (running trials always drawn): 100,000 overlapping curves show no more than 2,000
   * do. Default 2,000.
   */
  maxLines?: number;
}

const STATE_COLORS: Readonly<Record<string, string>> = {
  COMPLETE: "#1f77b4",
  PRUNED: "#ff7f0e",
  RUNNING: "#2ca02c",
};

/** Builds the intermediate-values figure of a snapshot (synchronous; see `plotIntermediateValues`). */
export function intermediateValuesFigure(
  snapshot: StudySnapshot,
  options: IntermediateValuesOptions = {},
): PlotlyFigure {
  const layout = {
    title: title("Intermediate Values Plot"),
    xaxis: { title: title("Step") },
    yaxis: { title: title("Intermediate Value") },
    showlegend: false,
  };
  const trials = snapshot
    .getTrials(["COMPLETE", "PRUNED", "RUNNING"])
    .filter((t) => t.intermediateValues.size > 0);
  if (trials.length === 0) return { data: [], layout };
  const perTrial = options.perTrialTraces ?? 100;
  if (trials.length <= perTrial) {
    const data: PlotlyTrace[] = trials.map((trial) => {
      const feasible = isFeasible(trial);
      return {
        type: "scatter",
        x: [...trial.intermediateValues.keys()],
        y: [...trial.intermediateValues.values()].map((v) => (Number.isFinite(v) ? v : null)),
        mode: "lines+markers",
        marker: { maxdisplayed: 10, ...(feasible ? {} : { color: INFEASIBLE_COLOR }) },
        name: `Trial${trial.number}`,
      };
    });
    return { data, layout };
  }
  // Running trials are the ones being watched: always drawn.
  const shown = evenSample(trials, options.maxLines ?? 2000, (t) => t.state === "RUNNING");
  const groups = new Map<string, FrozenTrial[]>();
  for (const trial of shown) {
    const key = isFeasible(trial) ? trial.state : "Infeasible";
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [trial]);
    else group.push(trial);
  }
  const data: PlotlyTrace[] = [];
  for (const key of ["COMPLETE", "PRUNED", "RUNNING", "Infeasible"]) {
    const group = groups.get(key);
    if (group === undefined) continue;
    const x: (number | null)[] = [];
    const y: (number | null)[] = [];
    for (const trial of group) {
      for (const [step, value] of trial.intermediateValues) {
        x.push(step);
        y.push(Number.isFinite(value) ? value : null);
      }
      x.push(null);
      y.push(null);
    }
    data.push({
      type: scatterType(x.length),
      x,
      y,
      mode: "lines",
      line: { width: 1, color: STATE_COLORS[key] ?? INFEASIBLE_COLOR },
      opacity: 0.5,
      name: `${key} (${group.length} trials)`,
      hoverinfo: "x+y+name",
    });
  }
  return { data, layout: { ...layout, showlegend: true } };
}

/**
 * Plots the intermediate values of the study's completed, pruned and running trials (Optuna's
 * plot_intermediate_values; failed trials are left out, infeasible ones grey). Large studies
 * are drawn grouped by state and capped; see `IntermediateValuesOptions`.
 */
export async function plotIntermediateValues(
  study: StudyInput,
  options: IntermediateValuesOptions = {},
): Promise<PlotlyFigure> {
  return intermediateValuesFigure(await toSnapshot(study), options);
}
