/**
 * fANOVA importances (Hutter, Hoos and Leyton-Brown, ICML 2014), as Optuna's
 * FanovaImportanceEvaluator: a random forest is fitted to the trials, and a parameter's
 * importance is the share of each tree's prediction variance that its main effect explains,
 * averaged over the trees whose prediction varies. A categorical parameter's one-hot columns
 * are marginalized together, as one parameter.
 */
import type { SearchSpace } from "../../distributions/index.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import { encodeSpace, encodeTrials } from "../forest/encode.js";
import { checkForestOptions, fitForest } from "../forest/forest.js";
import { sortByImportance } from "../result.js";
import { assessedSpace, requireTarget, targetValue, usableTrials } from "../trials.js";
import type { ImportanceEvaluator, ImportanceTarget } from "../types.js";
import { leafBoxes, marginalVariance, totalVariance } from "./decomposition.js";

/** Options of `FanovaImportanceEvaluator` (Optuna's defaults). */
export interface FanovaImportanceEvaluatorOptions {
  /** Trees in the forest. Default 64. */
  nTrees?: number;
  /** Maximum depth of each tree. Default 64. */
  maxDepth?: number;
  /** Seed of the forest; the same seed gives the same importances. Random when undefined. */
  seed?: number;
}

/** fANOVA over a seeded random forest; see the module comment. */
export class FanovaImportanceEvaluator implements ImportanceEvaluator {
  readonly nTrees: number;
  readonly maxDepth: number;
  readonly seed: number | undefined;

  constructor(options: FanovaImportanceEvaluatorOptions = {}) {
    this.nTrees = options.nTrees ?? 64;
    this.maxDepth = options.maxDepth ?? 64;
    this.seed = options.seed;
    checkForestOptions("FanovaImportanceEvaluator", this.nTrees, this.maxDepth);
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
    const encoded = encodeSpace(varying);
    const x = encodeTrials(varying, encoded, trials);
    const y = Float64Array.from(trials, (trial) => targetValue(trial, target));
    const trees = fitForest(x, y, encoded.nColumns, {
      nTrees: this.nTrees,
      maxDepth: this.maxDepth,
      seed: this.seed,
    });
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
