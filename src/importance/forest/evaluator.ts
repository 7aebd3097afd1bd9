/**
 * What the forest-based importance evaluators (fANOVA and mean decrease in impurity) share:
 * their options with Optuna's defaults, and fitting the forest to the trials' target values.
 */
import type { SearchSpace } from "../../distributions/index.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { targetValue } from "../trials.js";
import type { ImportanceEvaluator, ImportanceTarget } from "../types.js";
import { type EncodedSpace, encodeSpace, encodeTrials } from "./encode.js";
import { checkForestOptions, fitForest } from "./forest.js";
import type { RegressionTree } from "./tree.js";

/** Options of a forest-based evaluator (Optuna's defaults). */
export interface ForestEvaluatorOptions {
  /** Trees in the forest. Default 64. */
  nTrees?: number;
  /** Maximum depth of each tree. Default 64. */
  maxDepth?: number;
  /** Seed of the forest; the same seed gives the same importances. Random when undefined. */
  seed?: number;
}

/** A forest fitted to trials, with the encoding of their parameters. */
export interface FittedForest {
  readonly encoded: EncodedSpace;
  readonly trees: RegressionTree[];
}

/** Holds the forest options and fits the forest; subclasses turn the trees into importances. */
export abstract class ForestImportanceEvaluator implements ImportanceEvaluator {
  readonly nTrees: number;
  readonly maxDepth: number;
  readonly seed: number | undefined;

  /** `owner` names the evaluator in the messages of invalid options. */
  protected constructor(owner: string, options: ForestEvaluatorOptions) {
    this.nTrees = options.nTrees ?? 64;
    this.maxDepth = options.maxDepth ?? 64;
    this.seed = options.seed;
    checkForestOptions(owner, this.nTrees, this.maxDepth);
  }

  abstract evaluate(
    study: StudySnapshot,
    params: readonly string[] | undefined,
    target: ImportanceTarget | undefined,
  ): Record<string, number>;

  /** Encodes `trials` over `space` and fits the forest to their target values. */
  protected fitTrials(
    space: SearchSpace,
    trials: readonly FrozenTrial[],
    target: ImportanceTarget | undefined,
  ): FittedForest {
    const encoded = encodeSpace(space);
    const x = encodeTrials(space, encoded, trials);
    const y = Float64Array.from(trials, (trial) => targetValue(trial, target));
    const trees = fitForest(x, y, encoded.nColumns, {
      nTrees: this.nTrees,
      maxDepth: this.maxDepth,
      seed: this.seed,
    });
    return { encoded, trees };
  }
}
