/**
 * A dataset held in typed arrays: row-major features, integer class labels (classification)
 * or float targets (regression). No TensorFlow.js here: the same data feeds any trainer.
 */
import { InvalidArgumentError } from "../../errors/index.js";

/** Row-major feature storage: Float32Array (what TF.js uses) or Float64Array. */
export type FeatureArray = Float32Array | Float64Array;

/**
 * A labelled dataset. `features` holds `nRows × nFeatures` numbers row by row;
 * `labels` holds one value per row: an `Int32Array` of class indices in `[0, nClasses)` for
 * classification, or a `Float64Array` of targets for regression (then `nClasses` is 0).
 */
export interface Dataset<F extends FeatureArray = FeatureArray> {
  readonly features: F;
  readonly labels: Int32Array | Float64Array;
  readonly nFeatures: number;
  /** Number of classes; 0 for a regression dataset. */
  readonly nClasses: number;
  /** Column names, when the data came with a header. */
  readonly featureNames?: readonly string[];
}

/** What `makeDataset` accepts: the arrays and sizes; `nClasses` is inferred when omitted. */
export interface DatasetInit<F extends FeatureArray = FeatureArray> {
  features: F;
  labels: Int32Array | Float64Array;
  nFeatures: number;
  nClasses?: number;
  featureNames?: readonly string[];
}

/** Number of rows (samples) of a dataset. */
export function numRows(data: Dataset): number {
  return data.labels.length;
}

/** Whether a dataset holds class labels (an `Int32Array`) rather than regression targets. */
export function isClassification(data: Dataset): data is Dataset & { labels: Int32Array } {
  return data.labels instanceof Int32Array;
}

/**
 * Checks the sizes of a dataset and returns it as a `Dataset`. For class labels,
 * `nClasses` defaults to the largest label + 1; for regression targets it is 0.
 */
export function makeDataset<F extends FeatureArray>(init: DatasetInit<F>): Dataset<F> {
  const { features, labels, nFeatures } = init;
  if (!(Number.isInteger(nFeatures) && nFeatures >= 1)) {
    throw new InvalidArgumentError(`Dataset: nFeatures must be an integer >= 1, got ${nFeatures}.`);
  }
  if (features.length !== labels.length * nFeatures) {
    throw new InvalidArgumentError(
      `Dataset: features hold ${features.length} numbers but ${labels.length} rows × ${nFeatures} features need ${labels.length * nFeatures}.`,
    );
  }
  if (init.featureNames !== undefined && init.featureNames.length !== nFeatures) {
    throw new InvalidArgumentError(
      `Dataset: ${init.featureNames.length} feature names for ${nFeatures} features.`,
    );
  }
  let nClasses = 0;
  if (labels instanceof Int32Array) {
    let max = -1;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (label < 0) {
        throw new InvalidArgumentError(
          `Dataset: class labels must be >= 0; row ${i} has label ${label}.`,
        );
      }
      if (label > max) max = label;
    }
    nClasses = init.nClasses ?? max + 1;
    if (max >= nClasses) {
      throw new InvalidArgumentError(
        `Dataset: label ${max} does not fit nClasses = ${nClasses}; labels must be in [0, nClasses).`,
      );
    }
  } else if (init.nClasses !== undefined && init.nClasses !== 0) {
    throw new InvalidArgumentError(
      "Dataset: regression targets (a Float64Array) go with nClasses = 0; pass class labels as an Int32Array.",
    );
  }
  return {
    features,
    labels,
    nFeatures,
    nClasses,
    ...(init.featureNames !== undefined ? { featureNames: init.featureNames } : {}),
  };
}

function newFeatures<F extends FeatureArray>(like: F, length: number): F {
  return (like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length)) as F;
}

function newLabels<L extends Int32Array | Float64Array>(like: L, length: number): L {
  return (like instanceof Int32Array ? new Int32Array(length) : new Float64Array(length)) as L;
}

/** The rows of `data` at `indices`, in that order, as a new dataset (copies). */
export function subset<F extends FeatureArray>(
  data: Dataset<F>,
  indices: ArrayLike<number>,
): Dataset<F> {
  const d = data.nFeatures;
  const n = numRows(data);
  const features = newFeatures(data.features, indices.length * d);
  const labels = newLabels(data.labels, indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    if (!(Number.isInteger(row) && row >= 0 && row < n)) {
      throw new InvalidArgumentError(`subset: row index ${row} is outside [0, ${n}).`);
    }
    features.set(data.features.subarray(row * d, (row + 1) * d), i * d);
    labels[i] = data.labels[row]!;
  }
  return { ...data, features, labels };
}

/** The rows of several datasets with the same columns, one after the other (e.g. train + validation). */
export function concatDatasets<F extends FeatureArray>(...parts: Dataset<F>[]): Dataset<F> {
  const first = parts[0];
  if (first === undefined) throw new InvalidArgumentError("concatDatasets: give at least one.");
  let rows = 0;
  for (const part of parts) {
    if (part.nFeatures !== first.nFeatures || part.nClasses !== first.nClasses) {
      throw new InvalidArgumentError(
        `concatDatasets: parts differ (${part.nFeatures} vs ${first.nFeatures} features, ${part.nClasses} vs ${first.nClasses} classes).`,
      );
    }
    if (part.labels.constructor !== first.labels.constructor) {
      throw new InvalidArgumentError(
        "concatDatasets: cannot mix class labels (Int32Array) and regression targets (Float64Array).",
      );
    }
    rows += numRows(part);
  }
  const features = newFeatures(first.features, rows * first.nFeatures);
  const labels = newLabels(first.labels, rows);
  let offset = 0;
  for (const part of parts) {
    features.set(part.features, offset * first.nFeatures);
    labels.set(part.labels, offset);
    offset += numRows(part);
  }
  return { ...first, features, labels };
}

/** Counts of each class label (length `nClasses`). */
export function classCounts(data: Dataset): Int32Array {
  if (!isClassification(data)) {
    throw new InvalidArgumentError("classCounts: the dataset holds regression targets.");
  }
  const counts = new Int32Array(data.nClasses);
  for (let i = 0; i < data.labels.length; i++) counts[data.labels[i]!]!++;
  return counts;
}
