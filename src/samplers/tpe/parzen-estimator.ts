/**
 * A Parzen estimator: a weighted mixture of product kernels, one kernel per observation plus
 * a prior kernel (mean at the centre, σ the whole range, uniform over choices), as in TPE
 * (Bergstra et al., 2011; Watanabe, 2023). The kernels of one dimension are stored together
 * in Float64Arrays, so that fitting, sampling and evaluating the log density of a batch of
 * points are plain loops with no per-kernel objects.
 *
 * Values in and out are in the distribution's internal representation: numbers for float and
 * int, the choice index for categorical.
 */
import type { Rng } from "../../math/rng.js";
import { LOG_SQRT_2PI, logGaussMass } from "./gauss.js";
import {
  type CategoricalDimension,
  categoricalKernelWeights,
  clipBandwidths,
  multivariateBandwidth,
  type NumericalDimension,
  type ParzenDimension,
  univariateBandwidths,
} from "./kernels.js";
import { sampleStandardTruncNorm } from "./truncnorm.js";

/** How the kernels are built. */
export interface ParzenEstimatorParameters {
  /** Weight of the prior kernel relative to the observations' weights. */
  readonly priorWeight: number;
  /**
   * Smoothing of the categorical kernels: each observation's row puts this / (n + 1) on every
   * choice besides its 1. Default `priorWeight` (kept apart so that rescaled observation
   * weights do not change the categorical kernels).
   */
  readonly categoricalPriorWeight?: number;
  /** Bound the smallest bandwidth by range / min(100, n + 2). */
  readonly considerMagicClip: boolean;
  /** Let the bounds shrink the bandwidth of the first and last kernels (univariate only). */
  readonly considerEndpoints: boolean;
  /** One shared bandwidth per dimension (multivariate TPE) instead of the neighbour rule. */
  readonly multivariate: boolean;
  /** Multivariate bandwidth: factor · n^(−1/(d + 4)) · range (Optuna: 0.2). */
  readonly bandwidthFactor: number;
}

/** Kernels of one numerical dimension (arrays of length nKernels). */
interface NumericalKernels {
  readonly dimension: NumericalDimension;
  readonly index: number;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** 1 / (2σ²), so that −z²/2 = −(x − μ)² · halfPrecision. */
  readonly halfPrecisions: Float64Array;
  /**
   * Continuous: log(σ √(2π) mass[lower, upper]) so that log pdf = −z²/2 − logNorm.
   * Discrete: log mass[lower, upper], subtracted from the log mass of a value's cell.
   */
  readonly logNorms: Float64Array;
  /** Discrete only: kernels grouped by identical (μ, σ), to evaluate each group once. */
  readonly groupOf: Int32Array | null;
  readonly groupFirst: Int32Array | null;
}

/** Kernels of one categorical dimension (nKernels × nChoices). */
interface CategoricalKernels {
  readonly dimension: CategoricalDimension;
  readonly index: number;
  readonly probabilities: Float64Array;
  readonly logProbabilities: Float64Array;
}

function checkWeights(weights: ArrayLike<number>, n: number): void {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(
        `TPE weights must be finite and non-negative; got ${w} for observation ${i} of ${n}.`,
      );
    }
    sum += w;
  }
  if (n > 0 && !(sum > 0)) throw new RangeError(`TPE weights of ${n} observations are all zero.`);
}

/** A mixture of product kernels over a search space; see the module comment. */
export class ParzenEstimator {
  readonly dimensions: readonly ParzenDimension[];
  /** Observations plus the prior. */
  readonly nKernels: number;
  /** Normalized mixture weights and their logarithms and running sums. */
  readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  /** log weight minus the continuous kernels' log normalizers: each kernel's log-density offset. */
  private readonly offsets: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly numerical: NumericalKernels[] = [];
  private readonly categorical: CategoricalKernels[] = [];

  /**
   * @param dimensions one per parameter, in column order.
   * @param observations n rows of dimensions.length values, row-major, internal representation.
   * @param n the number of observations.
   * @param weights n non-negative observation weights (normalized here with the prior's).
   */
  constructor(
    dimensions: readonly ParzenDimension[],
    observations: Float64Array,
    n: number,
    weights: ArrayLike<number>,
    parameters: ParzenEstimatorParameters,
  ) {
    if (!(parameters.priorWeight >= 0)) {
      throw new RangeError(`priorWeight must be non-negative, got ${parameters.priorWeight}.`);
    }
    checkWeights(weights, n);
    this.dimensions = dimensions;
    const nDims = dimensions.length;
    const nKernels = n + 1;
    this.nKernels = nKernels;
    this.weights = new Float64Array(nKernels);
    if (n === 0) this.weights[0] = 1;
    else {
      let total = parameters.priorWeight;
      for (let i = 0; i < n; i++) total += weights[i]!;
      for (let i = 0; i < n; i++) this.weights[i] = weights[i]! / total;
      this.weights[n] = parameters.priorWeight / total;
    }
    this.logWeights = new Float64Array(nKernels);
    this.cumulative = new Float64Array(nKernels);
    let running = 0;
    for (let k = 0; k < nKernels; k++) {
      this.logWeights[k] = Math.log(this.weights[k]!);
      running += this.weights[k]!;
      this.cumulative[k] = running;
    }
    // The last kernel with a positive weight takes whatever rounding leaves above its sum.
    let last = nKernels - 1;
    while (last > 0 && this.weights[last] === 0) last--;
    for (let k = last; k < nKernels; k++) this.cumulative[k] = Number.POSITIVE_INFINITY;

    const column = new Float64Array(n);
    for (let d = 0; d < nDims; d++) {
      const dimension = dimensions[d]!;
      for (let i = 0; i < n; i++) column[i] = observations[i * nDims + d]!;
      if (dimension.kind === "categorical") {
        const probabilities = categoricalKernelWeights(
          column,
          n,
          dimension.nChoices,
          parameters.categoricalPriorWeight ?? parameters.priorWeight,
        );
        const logProbabilities = new Float64Array(probabilities.length);
        for (let i = 0; i < probabilities.length; i++) {
          logProbabilities[i] = Math.log(probabilities[i]!);
        }
        this.categorical.push({ dimension, index: d, probabilities, logProbabilities });
      } else {
        this.numerical.push(this.numericalKernels(dimension, d, column, n, nDims, parameters));
      }
    }
    this.offsets = new Float64Array(nKernels);
    this.computeOffsets();
  }

  private computeOffsets(): void {
    this.offsets.set(this.logWeights);
    for (const kernels of this.numerical) {
      if (kernels.dimension.step > 0) continue;
      for (let k = 0; k < this.nKernels; k++) this.offsets[k]! -= kernels.logNorms[k]!;
    }
  }

  private numericalKernels(
    dimension: NumericalDimension,
    index: number,
    column: Float64Array,
    n: number,
    nDims: number,
    parameters: ParzenEstimatorParameters,
  ): NumericalKernels {
    const { lower, upper, log, step } = dimension;
    const range = upper - lower;
    const nKernels = n + 1;
    const mus = new Float64Array(nKernels);
    const sigmas = new Float64Array(nKernels);
    for (let i = 0; i < n; i++) {
      const x = log ? Math.log(column[i]!) : column[i]!;
      mus[i] = x < lower ? lower : Math.min(x, upper);
    }
    if (parameters.multivariate) {
      sigmas.fill(multivariateBandwidth(n, nDims, range, parameters.bandwidthFactor), 0, n);
    } else {
      univariateBandwidths(mus, n, lower, upper, parameters.considerEndpoints, sigmas);
    }
    clipBandwidths(sigmas, n, range, parameters.considerMagicClip);
    mus[n] = 0.5 * (lower + upper);
    sigmas[n] = range;

    const logNorms = new Float64Array(nKernels);
    const discrete = step > 0;
    let lastSigma = Number.NaN;
    let logSigma = 0;
    for (let k = 0; k < nKernels; k++) {
      const mu = mus[k]!;
      const sigma = sigmas[k]!;
      const logMass = logGaussMass((lower - mu) / sigma, (upper - mu) / sigma);
      if (discrete) logNorms[k] = logMass;
      else {
        // Multivariate kernels share σ: one logarithm per dimension.
        if (sigma !== lastSigma) {
          lastSigma = sigma;
          logSigma = Math.log(sigma);
        }
        logNorms[k] = logSigma + LOG_SQRT_2PI + logMass;
      }
    }
    let groupOf: Int32Array | null = null;
    let groupFirst: Int32Array | null = null;
    if (discrete) {
      // Kernels with the same (μ, σ) give the same cell masses: evaluate each group once.
      const order = new Uint32Array(nKernels);
      for (let k = 0; k < nKernels; k++) order[k] = k;
      order.sort((i, j) => mus[i]! - mus[j]! || sigmas[i]! - sigmas[j]! || i - j);
      groupOf = new Int32Array(nKernels);
      const firsts: number[] = [];
      for (let r = 0; r < nKernels; r++) {
        const k = order[r]!;
        const previous = r > 0 ? order[r - 1]! : -1;
        if (previous < 0 || mus[previous] !== mus[k] || sigmas[previous] !== sigmas[k]) {
          firsts.push(k);
        }
        groupOf[k] = firsts.length - 1;
      }
      groupFirst = Int32Array.from(firsts);
    }
    const halfPrecisions = new Float64Array(nKernels);
    for (let k = 0; k < nKernels; k++) halfPrecisions[k] = 0.5 / (sigmas[k]! * sigmas[k]!);
    return { dimension, index, mus, sigmas, halfPrecisions, logNorms, groupOf, groupFirst };
  }

  /**
   * Draws `count` points into `out` (count rows of dimensions.length values, row-major,
   * internal representation): a kernel by weight, then each coordinate from that kernel.
   */
  sample(rng: Rng, count: number, out: Float64Array): void {
    const nDims = this.dimensions.length;
    const nKernels = this.nKernels;
    const cumulative = this.cumulative;
    for (let s = 0; s < count; s++) {
      // The first kernel whose running weight exceeds u.
      const u = rng.random();
      let lo = 0;
      let hi = nKernels - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      const k = lo;
      for (const kernels of this.numerical) {
        const { lower, upper, log, step, low, high } = kernels.dimension;
        const mu = kernels.mus[k]!;
        const sigma = kernels.sigmas[k]!;
        const z = sampleStandardTruncNorm((lower - mu) / sigma, (upper - mu) / sigma, rng.random());
        let x = mu + sigma * z;
        if (log) x = Math.exp(x);
        if (step > 0) x = low + Math.round((x - low) / step) * step;
        out[s * nDims + kernels.index] = x < low ? low : Math.min(x, high);
      }
      for (const kernels of this.categorical) {
        const nChoices = kernels.dimension.nChoices;
        const row = k * nChoices;
        const v = rng.random();
        let acc = 0;
        let choice = nChoices - 1;
        for (let c = 0; c < nChoices - 1; c++) {
          acc += kernels.probabilities[row + c]!;
          if (acc > v) {
            choice = c;
            break;
          }
        }
        out[s * nDims + kernels.index] = choice;
      }
    }
  }

  /**
   * log density of each of `count` points (rows of `points`, internal representation) into
   * `out`. Continuous coordinates use the density in the transformed (log) space; stepped ones
   * the probability of the value's cell, so l/g ratios are comparable across kernels.
   */
  logPdf(points: Float64Array, count: number, out: Float64Array): void {
    const nDims = this.dimensions.length;
    const nKernels = this.nKernels;
    // Discrete coordinates: cell log masses per distinct value and kernel group, up front.
    const discrete = this.numerical.filter((kernels) => kernels.dimension.step > 0);
    const tables = discrete.map((kernels) => discreteTable(kernels, points, count, nDims));
    // row[k]: log weight + log density of the current point under kernel k.
    const row = new Float64Array(nKernels);
    for (let s = 0; s < count; s++) {
      row.set(this.offsets);
      const at = s * nDims;
      for (const kernels of this.numerical) {
        if (kernels.dimension.step > 0) continue;
        const { log, low, high } = kernels.dimension;
        const raw = points[at + kernels.index]!;
        if (!(raw >= low && raw <= high)) {
          row.fill(Number.NEGATIVE_INFINITY);
          continue;
        }
        const x = log ? Math.log(raw) : raw;
        const { mus, halfPrecisions } = kernels;
        for (let k = 0; k < nKernels; k++) {
          const dx = x - mus[k]!;
          row[k]! -= dx * dx * halfPrecisions[k]!;
        }
      }
      for (let t = 0; t < discrete.length; t++) {
        const { table, slot, nGroups } = tables[t]!;
        const groupOf = discrete[t]!.groupOf!;
        const base = slot[s]! * nGroups;
        for (let k = 0; k < nKernels; k++) row[k]! += table[base + groupOf[k]!]!;
      }
      for (const kernels of this.categorical) {
        const nChoices = kernels.dimension.nChoices;
        const c = points[at + kernels.index]!;
        const logP = kernels.logProbabilities;
        for (let k = 0; k < nKernels; k++) row[k]! += logP[k * nChoices + c]!;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < nKernels; k++) if (row[k]! > max) max = row[k]!;
      if (max === Number.NEGATIVE_INFINITY) {
        out[s] = max;
        continue;
      }
      // Kernels more than 40 nats below the largest add under 1e-17 each: skip their exp.
      const floor = max - 40;
      let sum = 0;
      for (let k = 0; k < nKernels; k++) {
        const v = row[k]!;
        if (v > floor) sum += Math.exp(v - max);
      }
      out[s] = max + Math.log(sum);
    }
  }
}

/**
 * For a stepped dimension: the log mass of each distinct value's cell under each group of
 * identical kernels, normalized by the kernel's mass on the whole range; and each point's slot.
 */
function discreteTable(
  kernels: NumericalKernels,
  points: Float64Array,
  count: number,
  nDims: number,
): { table: Float64Array; slot: Int32Array; nGroups: number } {
  const { mus, sigmas, logNorms } = kernels;
  const groupFirst = kernels.groupFirst!;
  const { log, step, lower, upper } = kernels.dimension;
  const nGroups = groupFirst.length;
  // Distinct values among the points (few: they lie on the grid).
  const distinct: number[] = [];
  const slot = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const x = points[s * nDims + kernels.index]!;
    let j = distinct.indexOf(x);
    if (j < 0) {
      j = distinct.length;
      distinct.push(x);
    }
    slot[s] = j;
  }
  const table = new Float64Array(distinct.length * nGroups);
  for (let j = 0; j < distinct.length; j++) {
    const x = distinct[j]!;
    let left = x - step / 2;
    let right = x + step / 2;
    if (log) {
      left = Math.log(left);
      right = Math.log(right);
    }
    left = Math.max(left, lower);
    right = Math.min(right, upper);
    for (let g = 0; g < nGroups; g++) {
      const k = groupFirst[g]!;
      const mu = mus[k]!;
      const sigma = sigmas[k]!;
      table[j * nGroups + g] =
        logGaussMass((left - mu) / sigma, (right - mu) / sigma) - logNorms[k]!;
    }
  }
  return { table, slot, nGroups };
}
