/**
 * The kernels of a Parzen estimator, one dimension at a time: how a distribution maps to a
 * kernel family, and how the kernel bandwidths and categorical weights are chosen
 * (Bergstra et al., 2011; Falkner et al., 2018; Watanabe, 2023).
 *
 * - float: truncated normal on [low, high] (of log x when `log`);
 * - float with step, int: discretized truncated normal: the bounds widen by step/2 and a value
 *   x gets the mass of [x − step/2, x + step/2] (in log space for log int);
 * - categorical: each observation puts weight 1 on its choice plus a uniform prior share.
 */
import type { Distribution } from "../../distributions/index.js";

/** A numerical dimension: bounds in the transformed (log when `log`) space. */
export interface NumericalDimension {
  readonly kind: "numerical";
  /** Sample in log space. */
  readonly log: boolean;
  /** Distance between grid values (0: continuous). */
  readonly step: number;
  /** The distribution's bounds, in its own space. */
  readonly low: number;
  readonly high: number;
  /** The kernel support in the transformed space (widened by step/2 when stepped). */
  readonly lower: number;
  readonly upper: number;
}

/** A categorical dimension; values are choice indices. */
export interface CategoricalDimension {
  readonly kind: "categorical";
  readonly nChoices: number;
}

export type ParzenDimension = NumericalDimension | CategoricalDimension;

/** The kernel family and support of a distribution. */
export function toDimension(distribution: Distribution): ParzenDimension {
  if (distribution.kind === "categorical") {
    return { kind: "categorical", nChoices: distribution.choices.length };
  }
  const step = distribution.step ?? 0;
  const { low, high, log } = distribution;
  const lower = step > 0 ? low - step / 2 : low;
  const upper = step > 0 ? high + step / 2 : high;
  return {
    kind: "numerical",
    log,
    step,
    low,
    high,
    lower: log ? Math.log(lower) : lower,
    upper: log ? Math.log(upper) : upper,
  };
}

/** A value of the distribution's internal representation in the kernel's space. */
export function transformValue(dimension: NumericalDimension, value: number): number {
  return dimension.log ? Math.log(value) : value;
}

/**
 * The bandwidth of multivariate TPE (a scaled Scott rule, as in BOHB; Falkner et al., 2018):
 * factor · n^(−1/(d + 4)) · (upper − lower), the same for every observation. Optuna's factor
 * is 0.2.
 */
export function multivariateBandwidth(
  nObservations: number,
  nDims: number,
  range: number,
  factor: number,
): number {
  return factor * Math.max(nObservations, 1) ** (-1 / (nDims + 4)) * range;
}

/**
 * Univariate TPE bandwidths (Bergstra et al., 2011): each observation's σ is the distance to
 * its farther neighbour among the sorted observations, the prior mean (lower + upper)/2 and the
 * two bounds. Without `considerEndpoints`, the first and last kernels use their inner
 * neighbour only. Writes n values into `out`.
 */
export function univariateBandwidths(
  mus: Float64Array,
  n: number,
  lower: number,
  upper: number,
  considerEndpoints: boolean,
  out: Float64Array,
): void {
  const m = n + 1; // the observations and the prior mean
  const priorMu = 0.5 * (lower + upper);
  // Sorted values with the bounds at both ends (a native numeric sort).
  const sorted = new Float64Array(m + 2);
  sorted.set(mus.subarray(0, n), 1);
  sorted[m] = priorMu;
  sorted.subarray(1, m + 1).sort();
  sorted[0] = lower;
  sorted[m + 1] = upper;
  const sigmaAt = (r: number): number => {
    if (!considerEndpoints && m + 2 >= 4) {
      if (r === 0) return sorted[2]! - sorted[1]!;
      if (r === m - 1) return sorted[m]! - sorted[m - 1]!;
    }
    return Math.max(sorted[r + 1]! - sorted[r]!, sorted[r + 2]! - sorted[r + 1]!);
  };
  // Each observation's rank; equal values take consecutive ranks in index order (a stable
  // sort), the prior mean after the observations equal to it.
  const taken = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const value = mus[i]!;
    let lo = 1;
    let hi = m + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    const first = lo - 1;
    const rank = first + taken[first]!++;
    out[i] = sigmaAt(rank);
  }
}

/**
 * Clips bandwidths to [minσ, range]; with the magic clip (Bergstra et al., 2011)
 * minσ = range / min(100, n + 2) for n observations (n + 1 kernels with the prior), else 1e-12.
 */
export function clipBandwidths(
  sigmas: Float64Array,
  n: number,
  range: number,
  considerMagicClip: boolean,
): void {
  const minSigma = considerMagicClip ? range / Math.min(100, n + 2) : 1e-12;
  for (let i = 0; i < n; i++) {
    const s = sigmas[i]!;
    sigmas[i] = s < minSigma ? minSigma : Math.min(s, range);
  }
}

/**
 * Rows of categorical kernel probabilities, row-major (kernels × choices): for each of the n
 * observations, 1 on its choice plus priorWeight/(n + 1) on every choice, normalized; then the
 * prior's row, uniform. With no observation, one uniform row.
 */
export function categoricalKernelWeights(
  indices: ArrayLike<number>,
  n: number,
  nChoices: number,
  priorWeight: number,
): Float64Array {
  const nKernels = n + 1;
  const rows = new Float64Array(nKernels * nChoices);
  if (n === 0) {
    rows.fill(1 / nChoices);
    return rows;
  }
  const share = priorWeight / nKernels;
  rows.fill(share);
  for (let k = 0; k < n; k++) rows[k * nChoices + indices[k]!]! += 1;
  for (let k = 0; k < nKernels; k++) {
    let sum = 0;
    for (let c = 0; c < nChoices; c++) sum += rows[k * nChoices + c]!;
    if (sum > 0) for (let c = 0; c < nChoices; c++) rows[k * nChoices + c]! /= sum;
  }
  if (priorWeight === 0) rows.fill(1 / nChoices, n * nChoices);
  return rows;
}
