import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/** A labelled dataset: row-major features and integer class labels. */
export interface Dataset {
  features: Float64Array;
  labels: Int32Array;
  nFeatures: number;
  nClasses: number;
}

/** The UCI digits dataset shipped in data/ (1797 images of 8x8 pixels, classes 0..9). */
export function loadDigits(): Dataset {
  const url = new URL("../../data/digits.csv.gz", import.meta.url);
  const rows = gunzipSync(readFileSync(url)).toString("utf8").trim().split("\n");
  const nFeatures = 64;
  const features = new Float64Array(rows.length * nFeatures);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    const cells = row.split(",").map(Number);
    features.set(cells.slice(0, nFeatures), i * nFeatures);
    labels[i] = cells[nFeatures]!;
  });
  return { features, labels, nFeatures, nClasses: 10 };
}

/** Rows of a dataset picked by index. */
export function subset(data: Dataset, indices: readonly number[]): Dataset {
  const features = new Float64Array(indices.length * data.nFeatures);
  const labels = new Int32Array(indices.length);
  indices.forEach((row, i) => {
    features.set(
      data.features.subarray(row * data.nFeatures, (row + 1) * data.nFeatures),
      i * data.nFeatures,
    );
    labels[i] = data.labels[row]!;
  });
  return { ...data, features, labels };
}

/** A seeded, stratified split of the row indices into parts of the given fractions. */
export function stratifiedSplit(
  labels: Int32Array,
  fractions: readonly number[],
  seed: number,
): number[][] {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    // xorshift32: enough to shuffle a demo dataset reproducibly.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const parts: number[][] = fractions.map(() => []);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label) ?? [];
    list.push(i);
    byClass.set(label, list);
  });
  for (const rows of byClass.values()) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    let start = 0;
    fractions.forEach((fraction, p) => {
      const end =
        p === fractions.length - 1 ? rows.length : start + Math.round(fraction * rows.length);
      parts[p]!.push(...rows.slice(start, end));
      start = end;
    });
  }
  return parts;
}

/** Standardizes features with the mean and deviation of `fit` only (no leakage). */
export function standardize(fit: Dataset, ...others: Dataset[]): void {
  const d = fit.nFeatures;
  const n = fit.labels.length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += fit.features[i * d + j]! / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) std[j]! += (fit.features[i * d + j]! - mean[j]!) ** 2 / n;
  }
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  for (const data of [fit, ...others]) {
    for (let i = 0; i < data.labels.length; i++) {
      for (let j = 0; j < d; j++)
        data.features[i * d + j] = (data.features[i * d + j]! - mean[j]!) / std[j]!;
    }
  }
}
