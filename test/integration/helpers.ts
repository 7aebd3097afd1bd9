import { makeDataset } from "../../src/integration/data/dataset.js";
import type { Dataset } from "../../src/integration/data/index.js";
import { Rng } from "../../src/math/rng.js";
import type { Pruner } from "../../src/pruners/pruner.js";

/** `nClasses` Gaussian blobs in `nFeatures` dimensions, well separated; seeded. */
export function blobs(
  nPerClass: number,
  nClasses = 3,
  nFeatures = 4,
  seed = 1,
): Dataset<Float32Array> {
  const rng = new Rng(seed, "blobs");
  const n = nPerClass * nClasses;
  const features = new Float32Array(n * nFeatures);
  const labels = new Int32Array(n);
  const centres = Array.from({ length: nClasses }, () =>
    Array.from({ length: nFeatures }, () => rng.uniform(-3, 3)),
  );
  for (let i = 0; i < n; i++) {
    const c = i % nClasses;
    labels[i] = c;
    for (let j = 0; j < nFeatures; j++) {
      features[i * nFeatures + j] = centres[c]![j]! + rng.normal() * 0.8 + 5; // offset: needs scaling
    }
  }
  return makeDataset({ features, labels, nFeatures, nClasses });
}

/** Prunes any trial that has reported step 1 or later. */
export const pruneAfterStep1: Pruner = {
  prune: (_study, trial) => (trial.lastStep ?? -1) >= 1,
};
