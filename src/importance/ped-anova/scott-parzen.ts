/**
 * The one-dimensional Parzen estimator of PED-ANOVA on a grid of `size` points (indices
 * 0..size−1): one kernel per occupied grid point weighted by its count, plus a prior kernel,
 * as in TPE's estimators (the categorical kernels are TPE's). Numerical kernels are discretized
 * truncated normals whose shared bandwidth follows Scott's rule (Scott, 1992) rather than TPE's
 * neighbour rule, which is too wide for this analysis (Watanabe et al., 2023; Optuna 5's
 * choice), with a floor of 0.5/1.64 so that 90% of a kernel's mass stays near its grid point.
 */

import { logGaussMass } from "../../samplers/tpe/gauss.js";
import { categoricalKernelWeights } from "../../samplers/tpe/kernels.js";

/** Scott's bandwidth of weighted observations at sorted grid indices. */
function scottBandwidth(indices: Int32Array, weights: Float64Array): number {
  const n = indices.length;
  let total = 0;
  let mean = 0;
  for (let k = 0; k < n; k++) {
    total += weights[k]!;
    mean += indices[k]! * weights[k]!;
  }
  mean /= total;
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (indices[k]! - mean) ** 2 * weights[k]!;
  const sd = Math.sqrt(squares / Math.max(1, total - 1));
  // Interquartile range from the weighted cumulative counts, at floor(W/4) and floor(3W/4).
  const q1Count = Math.floor(total / 4);
  const q3Count = Math.floor((total * 3) / 4);
  let cumulative = 0;
  let q1 = -1;
  let q3 = -1;
  for (let k = 0; k < n; k++) {
    cumulative += weights[k]!;
    if (q1 < 0 && cumulative >= q1Count) q1 = k;
    if (q3 < 0 && cumulative > q3Count) q3 = k;
  }
  if (q3 < 0) q3 = n - 1;
  const iqr = indices[q3]! - indices[q1]!;
  const sigma = 1.059 * Math.min(iqr / 1.34, sd) * total ** -0.2;
  return Math.max(sigma, 0.5 / 1.64);
}

/**
 * The estimator's probability of each grid point, from the counts of observations on the grid.
 * @param categorical whether the grid points are a categorical parameter's choices.
 * @param priorWeight the prior kernel's weight relative to one observation.
 */
export function gridPdf(
  counts: Float64Array,
  categorical: boolean,
  priorWeight: number,
): Float64Array {
  const size = counts.length;
  let nObserved = 0;
  for (let g = 0; g < size; g++) if (counts[g]! > 0) nObserved++;
  const indices = new Int32Array(nObserved);
  const weights = new Float64Array(nObserved);
  let total = priorWeight;
  for (let g = 0, k = 0; g < size; g++) {
    if (counts[g]! > 0) {
      indices[k] = g;
      weights[k] = counts[g]!;
      total += counts[g]!;
      k++;
    }
  }
  const pdf = new Float64Array(size);
  if (nObserved === 0) {
    pdf.fill(1 / size);
    return pdf;
  }
  // Mixture weights: the observations' counts and the prior's weight, normalized.
  const mixture = new Float64Array(nObserved + 1);
  for (let k = 0; k < nObserved; k++) mixture[k] = weights[k]! / total;
  mixture[nObserved] = priorWeight / total;
  if (categorical) {
    const rows = categoricalKernelWeights(indices, nObserved, size, priorWeight);
    for (let k = 0; k <= nObserved; k++) {
      for (let c = 0; c < size; c++) pdf[c]! += mixture[k]! * rows[k * size + c]!;
    }
    return pdf;
  }
  const sigma = scottBandwidth(indices, weights);
  // Every observation kernel sits on a grid point with the same σ, so the mass it puts on a
  // grid point depends only on their distance: one table of cell masses serves them all.
  const offsets = new Float64Array(2 * size - 1);
  for (let o = 1 - size; o < size; o++) {
    offsets[o + size - 1] = Math.exp(logGaussMass((o - 0.5) / sigma, (o + 0.5) / sigma));
  }
  for (let k = 0; k < nObserved; k++) {
    const mu = indices[k]!;
    // A discretized normal truncated to [−0.5, size − 0.5]: each point gets its cell's mass.
    const norm = Math.exp(logGaussMass((-0.5 - mu) / sigma, (size - 0.5 - mu) / sigma));
    const scale = mixture[k]! / norm;
    for (let g = 0; g < size; g++) pdf[g]! += scale * offsets[g - mu + size - 1]!;
  }
  // The prior: centred on the grid, as wide as the grid plus one step.
  const mu = 0.5 * (size - 1);
  const s = size;
  const logNorm = logGaussMass((-0.5 - mu) / s, (size - 0.5 - mu) / s);
  for (let g = 0; g < size; g++) {
    const logMass = logGaussMass((g - 0.5 - mu) / s, (g + 0.5 - mu) / s);
    pdf[g]! += mixture[nObserved]! * Math.exp(logMass - logNorm);
  }
  return pdf;
}

/**
 * The Pearson χ² divergence of the top trials' density from the region's on the grid,
 * Σ p_region (p_top / p_region − 1)², with 1e-12 added to both densities (as Optuna).
 */
export function pearsonDivergence(top: Float64Array, region: Float64Array): number {
  let sum = 0;
  for (let g = 0; g < top.length; g++) {
    const p = top[g]! + 1e-12;
    const q = region[g]! + 1e-12;
    sum += q * (p / q - 1) ** 2;
  }
  return sum;
}
