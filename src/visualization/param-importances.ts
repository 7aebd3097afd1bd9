/**
 * Parameter importances as horizontal bars, the most important on top (Optuna's
 * plot_param_importances), from `computeParamImportances`.
 */
import type { Distribution } from "../distributions/index.js";
import { computeParamImportances } from "../importance/index.js";
import type { ImportanceEvaluator } from "../importance/types.js";
import type { StudySnapshot } from "../study/snapshot.js";
import {
  DEFAULT_TARGET_NAME,
  escapeText,
  type StudyInput,
  type Target,
  type TargetOptions,
  title,
  toSnapshot,
} from "./common.js";
import type { PlotlyFigure, PlotlyTrace } from "./types.js";

/** Options of `plotParamImportances` (Optuna's). */
export interface ParamImportancesOptions extends TargetOptions {
  /** The importance algorithm. Default: PED-ANOVA with its defaults (as `getParamImportances`). */
  evaluator?: ImportanceEvaluator;
  /** The parameters to assess. Default: those in every completed trial. */
  params?: readonly string[];
  /**
   * Importances computed already (parameter → importance), e.g. shared with a table; then
   * nothing is computed and evaluator/params/target are not used.
   */
  importances?: Readonly<Record<string, number>>;
}

/** Optuna's bar color: the fourth-darkest of ColorBrewer's Blues. */
const BAR_COLOR = "rgb(66,146,198)";

const KIND_NAMES: Readonly<Record<Distribution["kind"], string>> = {
  float: "FloatDistribution",
  int: "IntDistribution",
  categorical: "CategoricalDistribution",
};

function barTrace(
  snapshot: StudySnapshot,
  importances: Readonly<Record<string, number>>,
  name: string,
  showLegend: boolean,
): PlotlyTrace {
  // Ascending, so that the most important parameter is the top bar.
  const entries = Object.entries(importances).sort((a, b) => a[1] - b[1]);
  const kindOf = (param: string): string => {
    for (const t of snapshot.trials) {
      const d = t.distributions[param];
      if (d !== undefined) return KIND_NAMES[d.kind];
    }
    return "";
  };
  return {
    type: "bar",
    x: entries.map(([, v]) => v),
    y: entries.map(([p]) => escapeText(p)),
    text: entries.map(([, v]) => (v >= 0.01 ? v.toFixed(2) : "&lt;0.01")),
    textposition: "outside",
    cliponaxis: false,
    hovertemplate: entries.map(([p, v]) => `${escapeText(p)} (${kindOf(p)}): ${v}<extra></extra>`),
    name,
    showlegend: showLegend,
    marker: { color: BAR_COLOR },
    orientation: "h",
  };
}

/** Builds the importances figure of a snapshot (synchronous; see `plotParamImportances`). */
export function paramImportancesFigure(
  snapshot: StudySnapshot,
  options: ParamImportancesOptions = {},
): PlotlyFigure {
  const targetName = options.targetName ?? DEFAULT_TARGET_NAME;
  const compute = (target: Target | undefined): Record<string, number> =>
    computeParamImportances(snapshot, {
      ...(options.evaluator === undefined ? {} : { evaluator: options.evaluator }),
      ...(options.params === undefined ? {} : { params: options.params }),
      ...(target === undefined ? {} : { target }),
    });
  const data: PlotlyTrace[] = [];
  const completed = snapshot.getTrials(["COMPLETE"]).length > 0;
  if (options.importances !== undefined) {
    data.push(barTrace(snapshot, options.importances, escapeText(targetName), false));
  } else if (!completed) {
    // Nothing to assess yet: an empty figure, as Optuna draws for a study without results.
  } else if (options.target === undefined && snapshot.directions.length > 1) {
    // A multi-objective study without target: one set of bars per objective (Optuna's).
    snapshot.directions.forEach((_, k) => {
      const importances = compute((t) => t.values?.[k] ?? Number.NaN);
      data.push(barTrace(snapshot, importances, escapeText(`${targetName} ${k}`), true));
    });
  } else {
    data.push(barTrace(snapshot, compute(options.target), escapeText(targetName), false));
  }
  const multi = data.length > 1;
  return {
    data,
    layout: {
      title: title("Hyperparameter Importances"),
      xaxis: {
        title: title(
          multi ? "Hyperparameter Importance" : `Importance for ${escapeText(targetName)}`,
        ),
      },
      yaxis: { title: title("Hyperparameter"), automargin: true },
      ...(multi ? { barmode: "group", showlegend: true } : { showlegend: false }),
    },
  };
}

/**
 * Plots parameter importances as horizontal bars (Optuna's plot_param_importances): the
 * values of `computeParamImportances`, the most important parameter on top; one set of bars
 * per objective for a multi-objective study without `target`.
 */
export async function plotParamImportances(
  study: StudyInput,
  options: ParamImportancesOptions = {},
): Promise<PlotlyFigure> {
  return paramImportancesFigure(await toSnapshot(study), options);
}
