/**
 * Mean decrease in impurity (Breiman, 2001), as Optuna's MeanDecreaseImpurityImportanceEvaluator
 * computes it with scikit-learn: in each tree, a feature's importance is the weighted decrease
 * in squared error of the splits on it, normalized to sum to 1 per tree; these are averaged
 * over the trees that split at all and normalized again. A categorical parameter's importance
 * is the sum of its one-hot columns'.
 */
import type { StudySnapshot } from "../study/snapshot.js";
import { type ForestEvaluatorOptions, ForestImportanceEvaluator } from "./forest/evaluator.js";
import type { RegressionTree } from "./forest/tree.js";
import { sortByImportance } from "./result.js";
import { assessedSpace, requireTarget, usableTrials } from "./trials.js";
import type { ImportanceTarget } from "./types.js";

/** Options of `MeanDecreaseImpurityImportanceEvaluator` (Optuna's defaults). */
export type MeanDecreaseImpurityImportanceEvaluatorOptions = ForestEvaluatorOptions;

/** Each column's share of a tree's impurity decrease (all zero for a single leaf). */
function treeImportances(tree: RegressionTree, nColumns: number): Float64Array {
  const out = new Float64Array(nColumns);
  const { feature, left, right, weight, impurity } = tree;
  for (let node = 0; node < tree.nNodes; node++) {
    const f = feature[node]!;
    if (f < 0) continue;
    const l = left[node]!;
    const r = right[node]!;
    out[f]! +=
      weight[node]! * impurity[node]! - weight[l]! * impurity[l]! - weight[r]! * impurity[r]!;
  }
  let sum = 0;
  for (let c = 0; c < nColumns; c++) sum += out[c]!;
  if (sum > 0) for (let c = 0; c < nColumns; c++) out[c]! /= sum;
  return out;
}

/** Mean decrease in impurity over a seeded random forest; see the module comment. */
export class MeanDecreaseImpurityImportanceEvaluator extends ForestImportanceEvaluator {
  constructor(options: MeanDecreaseImpurityImportanceEvaluatorOptions = {}) {
    super("MeanDecreaseImpurityImportanceEvaluator", options);
  }

  evaluate(
    study: StudySnapshot,
    params: readonly string[] | undefined,
    target: ImportanceTarget | undefined,
  ): Record<string, number> {
    requireTarget(study, target);
    const space = assessedSpace(study, params);
    const names = Object.keys(space);
    const trials = usableTrials(study, names, target);
    if (names.length === 0 || trials.length <= 1) {
      return sortByImportance(names.map((name) => [name, 0] as const));
    }
    const { encoded, trees } = this.fitTrials(space, trials, target);
    const columns = new Float64Array(encoded.nColumns);
    let nSplit = 0;
    for (const tree of trees) {
      if (tree.nNodes <= 1) continue;
      nSplit++;
      const shares = treeImportances(tree, encoded.nColumns);
      for (let c = 0; c < encoded.nColumns; c++) columns[c]! += shares[c]!;
    }
    let total = 0;
    for (let c = 0; c < encoded.nColumns; c++) total += columns[c]!;
    const importances = new Float64Array(names.length);
    if (nSplit > 0 && total > 0) {
      for (let c = 0; c < encoded.nColumns; c++) {
        importances[encoded.paramOf[c]!]! += columns[c]! / total;
      }
    }
    return sortByImportance(names.map((name, p) => [name, importances[p]!] as const));
  }
}
