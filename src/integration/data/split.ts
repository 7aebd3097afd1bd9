/**
 * Seeded splits of a dataset's rows: train / validation / test (optionally stratified by
 * class) and k-fold cross-validation folds. Every function takes a `seed`, so the same call
 * gives the same rows on every run and on every machine (xoshiro128** from `math/rng`).
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import { Rng, type StreamKey } from "../../math/rng.js";
import { type Dataset, type FeatureArray, isClassification, numRows, subset } from "./dataset.js";

/** Options of `trainValidationTestSplit` and `splitIndices`. */
export interface SplitOptions {
  /** Validation part: a fraction in [0, 1) of the rows, or a row count >= 1. Default 0.2. */
  validationSize?: number;
  /** Test part: a fraction in [0, 1) of the rows, or a row count >= 1. Default 0.2 (0: no test part). */
  testSize?: number;
  /** Seed of the shuffle. Default 0, so splits are reproducible unless asked otherwise. */
  seed?: StreamKey;
  /** Keep each class's share equal in every part. Default: true for class labels, false for regression. */
  stratify?: boolean;
}

/** Row indices of the three parts; each row is in exactly one. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** The three parts of a dataset, and the row indices they came from. */
export interface DatasetSplit<F extends FeatureArray = FeatureArray> {
  train: Dataset<F>;
  validation: Dataset<F>;
  test: Dataset<F>;
  indices: SplitIndices;
}

/** One fold of k-fold cross-validation: rows to train on and rows to score on. */
export interface Fold {
  train: Int32Array;
  validation: Int32Array;
}

/** Options of `kFold` and `stratifiedKFold`. */
export interface KFoldOptions {
  /** Shuffle rows before cutting folds. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: StreamKey;
}

function partSize(size: number, n: number, what: string): number {
  if (!Number.isFinite(size) || size < 0) {
    throw new InvalidArgumentError(
      `${what} must be a fraction in [0, 1) or a row count, got ${size}.`,
    );
  }
  if (size < 1) return Math.round(size * n);
  if (!Number.isInteger(size)) {
    throw new InvalidArgumentError(
      `${what} = ${size}: a value >= 1 is a row count and must be an integer (a fraction is < 1).`,
    );
  }
  return size;
}

/** Splits `total` units among groups in proportion to `weights`, each at most `capacity[g]` (largest remainders). */
function allocate(
  weights: readonly number[],
  total: number,
  capacity: readonly number[],
  rng: Rng,
): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const ideal = weights.map((w) => (sum > 0 ? (w * total) / sum : 0));
  const out = ideal.map((x, g) => Math.min(Math.floor(x), capacity[g]!));
  let left = total - out.reduce((a, b) => a + b, 0);
  // Ties between equal remainders are broken by a seeded order, not by class number.
  const tieBreak = rng.shuffle(weights.map((_, g) => g));
  const rank = new Map(tieBreak.map((g, i) => [g, i]));
  while (left > 0) {
    const open = weights
      .map((_, g) => g)
      .filter((g) => out[g]! < capacity[g]!)
      .sort((a, b) => ideal[b]! - out[b]! - (ideal[a]! - out[a]!) || rank.get(a)! - rank.get(b)!);
    if (open.length === 0) break;
    for (const g of open) {
      if (left === 0) break;
      out[g]!++;
      left--;
    }
  }
  return out;
}

function rowsByClass(labels: Int32Array): number[][] {
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    while (byClass.length <= label) byClass.push([]);
    byClass[label]!.push(i);
  }
  return byClass;
}

function labelsOf(
  source: number | Int32Array | Dataset,
  stratify: boolean | undefined,
): {
  n: number;
  labels: Int32Array | undefined;
} {
  if (typeof source === "number") {
    if (!(Number.isInteger(source) && source >= 0)) {
      throw new InvalidArgumentError(
        `split: the row count must be an integer >= 0, got ${source}.`,
      );
    }
    if (stratify) {
      throw new InvalidArgumentError("split: stratify needs class labels, not a row count.");
    }
    return { n: source, labels: undefined };
  }
  const labels = source instanceof Int32Array ? source : source.labels;
  const n = labels.length;
  const classLabels = labels instanceof Int32Array ? labels : undefined;
  if (stratify && classLabels === undefined) {
    throw new InvalidArgumentError(
      "split: stratify needs class labels (an Int32Array); this dataset holds regression targets.",
    );
  }
  return { n, labels: (stratify ?? true) ? classLabels : undefined };
}

/**
 * Seeded row indices for a train / validation / test split of `n` rows, or of rows with
 * these class labels (stratified by default). See `trainValidationTestSplit`.
 */
export function splitIndices(
  source: number | Int32Array | Dataset,
  options: SplitOptions = {},
): SplitIndices {
  const { n, labels } = labelsOf(source, options.stratify);
  const nTest = partSize(options.testSize ?? 0.2, n, "testSize");
  const nValidation = partSize(options.validationSize ?? 0.2, n, "validationSize");
  if (nTest + nValidation >= n) {
    throw new InvalidArgumentError(
      `split: validation (${nValidation} rows) and test (${nTest} rows) leave no training rows out of ${n}.`,
    );
  }
  const rng = new Rng(options.seed ?? 0, "split");
  const test: number[] = [];
  const validation: number[] = [];
  const train: number[] = [];
  if (labels === undefined) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    test.push(...order.slice(0, nTest));
    validation.push(...order.slice(nTest, nTest + nValidation));
    train.push(...order.slice(nTest + nValidation));
  } else {
    const byClass = rowsByClass(labels);
    const counts = byClass.map((rows) => rows.length);
    const testCounts = allocate(counts, nTest, counts, rng);
    const validationCounts = allocate(
      counts,
      nValidation,
      counts.map((c, g) => c - testCounts[g]! - (c > testCounts[g]! ? 1 : 0)),
      rng,
    );
    const shortBy = nValidation - validationCounts.reduce((a, b) => a + b, 0);
    const fill =
      shortBy > 0
        ? allocate(
            counts,
            shortBy,
            counts.map((c, g) => c - testCounts[g]! - validationCounts[g]!),
            rng,
          )
        : counts.map(() => 0);
    byClass.forEach((rows, g) => {
      rng.shuffle(rows);
      const t = testCounts[g]!;
      const v = validationCounts[g]! + fill[g]!;
      test.push(...rows.slice(0, t));
      validation.push(...rows.slice(t, t + v));
      train.push(...rows.slice(t + v));
    });
    // Mix the classes inside each part.
    rng.shuffle(test);
    rng.shuffle(validation);
    rng.shuffle(train);
  }
  return {
    train: Int32Array.from(train),
    validation: Int32Array.from(validation),
    test: Int32Array.from(test),
  };
}

/**
 * Splits a dataset into train, validation and test parts, shuffled with a seed.
 * Classification data is stratified by default: each part keeps the class shares of the
 * whole (up to rounding). Use the validation part to choose hyperparameters and the test part
 * once, at the very end (see `retrainAndEvaluate` in `skipjack/tfjs`).
 *
 * Defaults: validationSize 0.2, testSize 0.2, seed 0.
 */
export function trainValidationTestSplit<F extends FeatureArray>(
  data: Dataset<F>,
  options: SplitOptions = {},
): DatasetSplit<F> {
  const indices = splitIndices(data, {
    ...options,
    stratify: options.stratify ?? isClassification(data),
  });
  return {
    train: subset(data, indices.train),
    validation: subset(data, indices.validation),
    test: subset(data, indices.test),
    indices,
  };
}

function checkK(k: number, n: number): void {
  if (!(Number.isInteger(k) && k >= 2)) {
    throw new InvalidArgumentError(`kFold: k must be an integer >= 2, got ${k}.`);
  }
  if (k > n) {
    throw new InvalidArgumentError(`kFold: k = ${k} folds need at least ${k} rows, got ${n}.`);
  }
}

function foldsFromAssignment(
  order: readonly number[],
  foldOf: (position: number) => number,
  k: number,
): Fold[] {
  const members: number[][] = Array.from({ length: k }, () => []);
  order.forEach((row, position) => {
    members[foldOf(position)]!.push(row);
  });
  return members.map((validation, f) => ({
    validation: Int32Array.from(validation),
    train: Int32Array.from(members.flatMap((rows, g) => (g === f ? [] : rows))),
  }));
}

/**
 * K-fold cross-validation: `k` folds whose validation parts cover every row exactly once
 * (sizes differ by at most one). Rows are shuffled with `seed` first unless `shuffle` is false.
 *
 * Defaults: k 5, shuffle true, seed 0.
 */
export function kFold(source: number | Dataset, k = 5, options: KFoldOptions = {}): Fold[] {
  const n = typeof source === "number" ? source : numRows(source);
  checkK(k, n);
  const order = Array.from({ length: n }, (_, i) => i);
  if (options.shuffle ?? true) new Rng(options.seed ?? 0, "kfold").shuffle(order);
  const base = Math.floor(n / k);
  const extra = n % k;
  // The first `extra` folds take one more row (as scikit-learn's KFold).
  const starts: number[] = [];
  for (let f = 0, at = 0; f < k; f++) {
    starts.push(at);
    at += base + (f < extra ? 1 : 0);
  }
  return foldsFromAssignment(
    order,
    (position) => {
      let f = k - 1;
      while (starts[f]! > position) f--;
      return f;
    },
    k,
  );
}

/**
 * Stratified k-fold: like `kFold`, but each fold keeps the class shares of the whole
 * (every class is dealt round-robin across the folds). Warns when a class has fewer rows
 * than folds.
 *
 * Defaults: k 5, shuffle true, seed 0.
 */
export function stratifiedKFold(
  source: Int32Array | Dataset,
  k = 5,
  options: KFoldOptions = {},
): Fold[] {
  const labels = source instanceof Int32Array ? source : source.labels;
  if (!(labels instanceof Int32Array)) {
    throw new InvalidArgumentError(
      "stratifiedKFold needs class labels (an Int32Array); use kFold for regression targets.",
    );
  }
  checkK(k, labels.length);
  const rng = new Rng(options.seed ?? 0, "stratified-kfold");
  const shuffle = options.shuffle ?? true;
  const byClass = rowsByClass(labels);
  const smallest = Math.min(...byClass.filter((rows) => rows.length > 0).map((r) => r.length));
  if (smallest < k) {
    logger.warn(
      `stratifiedKFold: the smallest class has ${smallest} rows, fewer than k = ${k}; some folds will miss it.`,
    );
  }
  // Concatenate classes (each shuffled), then deal positions round-robin: fold sizes differ by at
  // most one and each class is spread evenly.
  const order: number[] = [];
  for (const rows of byClass) order.push(...(shuffle ? rng.shuffle(rows) : rows));
  const members: number[][] = Array.from({ length: k }, () => []);
  order.forEach((row, position) => {
    members[position % k]!.push(row);
  });
  if (shuffle) for (const rows of members) rng.shuffle(rows);
  return members.map((validation, f) => ({
    validation: Int32Array.from(validation),
    train: Int32Array.from(members.flatMap((rows, g) => (g === f ? [] : rows))),
  }));
}
