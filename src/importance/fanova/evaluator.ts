/**
 * fANOVA importances (Hutter, Hoos and Leyton-Brown, ICML 2014), as Optuna's
 * FanovaImportanceEvaluator: a random forest is fitted to the trials, and a parameter's
 * importance is the share of each tree's prediction variance that its main effect explains,
 * averaged over the trees whose prediction varies. A categorical parameter's one-hot columns
 * are marginalized together, as one parameter.
 */
import type { SearchSpace } from "../../distributions/index.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import { type ForestEvaluatorOptions, ForestImportanceEvaluator } from "../forest/evaluator.js";
import { sortByImportance } from "../result.js";
import { assessedSpace, requireTarget, usableTrials } from "../trials.js";
import type { ImportanceTarget } from "../types.js";
import { leafBoxes, marginalVariance, totalVariance } from "./decomposition.js";

/** Options of `FanovaImportanceEvaluator` (Optuna's defaults). */
export type FanovaImportanceEvaluatorOptions = ForestEvaluatorOptions;

/** fANOVA over a seeded random forest; see the module comment. */
export class FanovaImportanceEvaluator extends ForestImportanceEvaluator {
  constructor(options: FanovaImportanceEvaluatorOptions = {}) {
    super("FanovaImportanceEvaluator", options);
  }

  evaluate(
    study: StudySnapshot,
    params: readonly string[] | undefined,
    target: ImportanceTarget | undefined,
  ): Record<string, number> {
    requireTarget(study, target);
    const space = assessedSpace(study, params);
    const names = Object.keys(space);
    // A parameter with a single value explains nothing: 0, and no column in the forest.
    const varying: SearchSpace = {};
    for (const name of names) if (!space[name]!.single()) varying[name] = space[name]!;
    const varyingNames = Object.keys(varying);
    const zeros = names.filter((name) => space[name]!.single()).map((name) => [name, 0] as const);
    const trials = usableTrials(study, names, target);
    if (varyingNames.length === 0 || trials.length <= 1) {
      return sortByImportance(names.map((name) => [name, 0] as const));
    }
    const { encoded, trees } = this.fitTrials(varying, trials, target);
    const sums = new Float64Array(varyingNames.length);
    let nVarying = 0;
    for (const tree of trees) {
      const boxes = leafBoxes(tree, encoded.lows, encoded.highs);
      const { mean, variance } = totalVariance(boxes);
      // A tree that predicts one value everywhere explains nothing and is left out.
      if (!(variance > 0)) continue;
      nVarying++;
      for (let p = 0; p < varyingNames.length; p++) {
        const group = encoded.columnsOf[p]!;
        const marginal = marginalVariance(tree, boxes, encoded.lows, encoded.highs, group, mean);
        sums[p]! += Math.max(0, marginal) / variance;
      }
    }
    // Optuna raises when no tree varies (e.g. a constant objective); every parameter then
    // explains nothing, and `getParamImportances` gives them equal shares, as PED-ANOVA does.
    const importances = varyingNames.map(
      (name, p) => [name, nVarying > 0 ? sums[p]! / nVarying : 0] as const,
    );
    return sortByImportance([...importances, ...zeros]);
  }
}
