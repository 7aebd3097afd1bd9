/**
 * Parameter importances (Optuna's `optuna.importance`): PED-ANOVA (the default), fANOVA over
 * a random forest, and mean decrease in impurity. Browser-safe: no Node.js module is imported.
 */
export {
  FanovaImportanceEvaluator,
  type FanovaImportanceEvaluatorOptions,
} from "./fanova/evaluator.js";
export {
  MeanDecreaseImpurityImportanceEvaluator,
  type MeanDecreaseImpurityImportanceEvaluatorOptions,
} from "./mean-decrease-impurity.js";
export { computeParamImportances, getParamImportances } from "./param-importances.js";
export {
  PedAnovaImportanceEvaluator,
  type PedAnovaImportanceEvaluatorOptions,
} from "./ped-anova/evaluator.js";
export type { ImportanceEvaluator, ImportanceTarget, ParamImportanceOptions } from "./types.js";
