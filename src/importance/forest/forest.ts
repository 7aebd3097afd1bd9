/**
 * A random forest regressor (Breiman, 2001) with scikit-learn's defaults as Optuna uses them:
 * each tree grown to purity on a bootstrap sample of the trials (n draws with replacement),
 * every feature considered at every split. Seeded: the same seed gives the same forest.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { Rng } from "../../math/rng.js";
import { growTree, presort, type RegressionTree, type TrainingData } from "./tree.js";

/** How the forest is grown. */
export interface ForestOptions {
  /** Number of trees. */
  readonly nTrees: number;
  /** Maximum depth of a tree. */
  readonly maxDepth: number;
  /** Seed of the bootstrap samples and feature orders; random when undefined. */
  readonly seed: number | undefined;
}

/** Checks the options' ranges with messages that say what to change. */
export function checkForestOptions(owner: string, nTrees: number, maxDepth: number): void {
  if (!Number.isInteger(nTrees) || nTrees < 1) {
    throw new InvalidArgumentError(`${owner}: nTrees must be a positive integer; got ${nTrees}.`);
  }
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new InvalidArgumentError(
      `${owner}: maxDepth must be a positive integer; got ${maxDepth}.`,
    );
  }
}

/**
 * Fits a forest to n samples of nFeatures column-major features `x` and targets `y`.
 */
export function fitForest(
  x: Float64Array,
  y: Float64Array,
  nFeatures: number,
  options: ForestOptions,
): RegressionTree[] {
  const n = y.length;
  const data: TrainingData = { n, nFeatures, x, y, ...presort(x, n, nFeatures) };
  const root = new Rng(options.seed ?? Rng.randomSeed(), "random-forest");
  const trees: RegressionTree[] = [];
  const counts = new Float64Array(n);
  for (let t = 0; t < options.nTrees; t++) {
    const rng = root.derive(t);
    counts.fill(0);
    for (let draw = 0; draw < n; draw++) counts[rng.integer(0, n - 1)]! += 1;
    trees.push(growTree(data, counts, options.maxDepth, rng));
  }
  return trees;
}
