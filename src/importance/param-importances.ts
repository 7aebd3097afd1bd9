/**
 * Which parameters mattered: Optuna's `get_param_importances`, in a synchronous core over a
 * snapshot (for dashboards and figures that already hold the trials) and an asynchronous entry
 * point that takes a study.
 */

import type { StudySnapshot } from "../study/snapshot.js";
import type { Study } from "../study/study.js";
import { PedAnovaImportanceEvaluator } from "./ped-anova/evaluator.js";
import { normalizeImportances } from "./result.js";
import type { ParamImportanceOptions } from "./types.js";

/**
 * Parameter importances of a snapshot's COMPLETE trials, ordered from most to least
 * important, normalized to sum to 1 unless `normalize` is false. Synchronous and browser-safe.
 *
 * Without `params`, the parameters every COMPLETE trial has (with the same distribution) are
 * assessed. A multi-objective study needs `target`.
 */
export function computeParamImportances(
  snapshot: StudySnapshot,
  options: ParamImportanceOptions = {},
): Record<string, number> {
  const evaluator = options.evaluator ?? new PedAnovaImportanceEvaluator();
  const raw = evaluator.evaluate(snapshot, options.params, options.target);
  return (options.normalize ?? true) ? normalizeImportances(raw) : raw;
}

function isStudy(study: Study | StudySnapshot): study is Study {
  return typeof (study as Partial<Study>).snapshot === "function";
}

/**
 * Parameter importances of a study (Optuna's `get_param_importances`): see
 * `computeParamImportances`, which this calls on a snapshot of the study's trials.
 *
 * @example
 * ```ts
 * const importances = await getParamImportances(study);
 * // { lr: 0.71, dropout: 0.21, layers: 0.08 }
 * const fanova = await getParamImportances(study, {
 *   evaluator: new FanovaImportanceEvaluator({ seed: 0 }),
 * });
 * ```
 */
export async function getParamImportances(
  study: Study | StudySnapshot,
  options: ParamImportanceOptions = {},
): Promise<Record<string, number>> {
  const snapshot = isStudy(study) ? await study.snapshot() : study;
  return computeParamImportances(snapshot, options);
}
