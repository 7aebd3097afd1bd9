/**
 * The trials of a multi-objective study in objective space, the Pareto front highlighted
 * (Optuna's plot_pareto_front): a 2-D scatter for two objectives, 3-D for three.
 */
import { InvalidArgumentError } from "../errors/index.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import {
  escapeText,
  hoverAttributes,
  INFEASIBLE_COLOR,
  isFeasible,
  type StudyInput,
  scatterType,
  title,
  toSnapshot,
} from "./common.js";
import { nonDominated } from "./pareto.js";
import type { PlotlyFigure, PlotlyJson, PlotlyTrace } from "./types.js";

/** Options of `plotParetoFront` (Optuna's). */
export interface ParetoFrontOptions {
  /** Draw the dominated trials as well. Default true. */
  includeDominatedTrials?: boolean;
  /** The two or three values to plot per trial. Default: the objective values. */
  targets?: (trial: FrozenTrial) => readonly number[];
  /** Axis names. Default "Objective 0", "Objective 1", … */
  targetNames?: readonly string[];
  /** Which target goes on which axis, e.g. [1, 0]. Default in order. */
  axisOrder?: readonly number[];
  /**
   * Constraint values of a trial (feasible when all are <= 0). Default: the values stored with
   * the trial (system attribute "constraints").
   */
  constraintsFunc?: (trial: FrozenTrial) => readonly number[];
}

/** Builds the Pareto-front figure of a snapshot (synchronous; see `plotParetoFront`). */
export function paretoFrontFigure(
  snapshot: StudySnapshot,
  options: ParetoFrontOptions = {},
): PlotlyFigure {
  const complete = snapshot.getTrials(["COMPLETE"]).filter((t) => t.values !== null);
  let hasConstraints = options.constraintsFunc !== undefined;
  const feasible: FrozenTrial[] = [];
  const infeasible: FrozenTrial[] = [];
  for (const trial of complete) {
    let ok: boolean;
    if (options.constraintsFunc !== undefined) {
      ok = options.constraintsFunc(trial).every((c) => c <= 0);
    } else {
      if (Array.isArray(trial.systemAttrs["constraints"])) hasConstraints = true;
      ok = isFeasible(trial);
    }
    (ok ? feasible : infeasible).push(trial);
  }
  if (options.targets === undefined && ![2, 3].includes(snapshot.directions.length)) {
    throw new InvalidArgumentError(
      `plotParetoFront: study "${snapshot.studyName}" has ${snapshot.directions.length} ` +
        "objectives; without targets it plots 2 or 3. Pass targets returning 2 or 3 values.",
    );
  }
  // The front is that of the objectives (directions applied), among feasible trials only.
  const signs = snapshot.directions.map((d) => (d === "maximize" ? -1 : 1));
  const front = new Set(
    nonDominated(feasible.map((t) => t.values!.map((v, k) => (signs[k] ?? 1) * v))).map(
      (i) => feasible[i]!,
    ),
  );
  const best = feasible.filter((t) => front.has(t));
  const includeDominated = options.includeDominatedTrials ?? true;
  const dominated = includeDominated ? feasible.filter((t) => !front.has(t)) : [];
  const targets = options.targets ?? ((t: FrozenTrial) => t.values ?? []);
  const sample = best[0] ?? infeasible[0];
  const n =
    sample !== undefined
      ? targets(sample).length
      : (options.targetNames?.length ?? snapshot.directions.length);
  if (n !== 2 && n !== 3) {
    throw new InvalidArgumentError(
      `plotParetoFront plots 2 or 3 targets; targets returned ${n} values.`,
    );
  }
  const names = options.targetNames ?? Array.from({ length: n }, (_, i) => `Objective ${i}`);
  if (names.length !== n) {
    throw new InvalidArgumentError(
      `plotParetoFront: targetNames has ${names.length} names for ${n} targets.`,
    );
  }
  const order = options.axisOrder ?? Array.from({ length: n }, (_, i) => i);
  if (order.length !== n || [...order].sort().some((v, i) => v !== i)) {
    throw new InvalidArgumentError(
      `plotParetoFront: axisOrder must be a permutation of 0..${n - 1}, got [${order.join(", ")}].`,
    );
  }
  const axisKeys = n === 2 ? ["x", "y"] : ["x", "y", "z"];

  const trace = (
    trials: readonly FrozenTrial[],
    label: string,
    marker: Record<string, PlotlyJson>,
  ): PlotlyTrace => {
    const coords: Record<string, number[]> = {};
    axisKeys.forEach((key) => {
      coords[key] = [];
    });
    for (const t of trials) {
      const v = targets(t);
      axisKeys.forEach((key, a) => {
        coords[key]!.push(v[order[a]!]!);
      });
    }
    return {
      type: n === 2 ? scatterType(trials.length) : "scatter3d",
      ...coords,
      ...hoverAttributes(trials, label),
      mode: "markers",
      marker,
      showlegend: false,
    };
  };
  const numbers = (trials: readonly FrozenTrial[]): number[] => trials.map((t) => t.number);
  const data: PlotlyTrace[] = [];
  if (hasConstraints) {
    data.push(trace(infeasible, "Infeasible Trial", { color: INFEASIBLE_COLOR }));
  }
  data.push(
    trace(dominated, hasConstraints ? "Feasible Trial" : "Trial", {
      line: { width: 0.5, color: "Grey" },
      color: numbers(dominated),
      colorscale: "Blues",
      colorbar: { title: title("Trial") },
    }),
    trace(best, "Best Trial", {
      line: { width: 0.5, color: "Grey" },
      color: numbers(best),
      colorscale: "Reds",
      colorbar: { title: title("Best Trial"), x: includeDominated ? 1.1 : 1, xpad: 40 },
    }),
  );
  const axisTitle = (a: number) => ({ title: title(escapeText(names[order[a]!]!)) });
  const layout =
    n === 2
      ? { title: title("Pareto-front Plot"), xaxis: axisTitle(0), yaxis: axisTitle(1) }
      : {
          title: title("Pareto-front Plot"),
          scene: { xaxis: axisTitle(0), yaxis: axisTitle(1), zaxis: axisTitle(2) },
        };
  return { data, layout };
}

/**
 * Plots a multi-objective study's trials in objective space (Optuna's plot_pareto_front): the
 * Pareto front of the feasible trials in reds, the dominated ones in blues (unless
 * `includeDominatedTrials: false`), infeasible trials grey; 3-D for three targets.
 */
export async function plotParetoFront(
  study: StudyInput,
  options: ParetoFrontOptions = {},
): Promise<PlotlyFigure> {
  return paretoFrontFigure(await toSnapshot(study), options);
}
