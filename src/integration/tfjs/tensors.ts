/**
 * Datasets (typed arrays) to tensors and back.
 */
import * as tf from "@tensorflow/tfjs";
import { type Dataset, isClassification, numRows } from "../data/dataset.js";

/** Features and labels as tensors, ready for `model.fit`. */
export interface TensorData {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Options of `toTensors`. */
export interface ToTensorsOptions {
  /**
   * Class labels as one-hot rows `[n, nClasses]` (for "categoricalCrossentropy") instead of
   * class indices `[n]` (for "sparseCategoricalCrossentropy", the default of `buildMlp`).
   * Default false.
   */
  oneHot?: boolean;
}

/**
 * `x`: float32 `[rows, nFeatures]`; `y`: class indices (float32 `[rows]`), one-hot rows, or
 * regression targets `[rows, 1]`. The caller owns the tensors: dispose them when done.
 */
export function toTensors(data: Dataset, options: ToTensorsOptions = {}): TensorData {
  const n = numRows(data);
  const x = tf.tensor2d(
    data.features instanceof Float32Array ? data.features : Float32Array.from(data.features),
    [n, data.nFeatures],
    "float32",
  );
  let y: tf.Tensor;
  if (isClassification(data)) {
    if (options.oneHot) {
      y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, "int32"), data.nClasses).toFloat());
    } else {
      y = tf.tensor1d(Float32Array.from(data.labels), "float32");
    }
  } else {
    y = tf.tensor2d(Float32Array.from(data.labels), [n, 1], "float32");
  }
  return { x, y };
}
