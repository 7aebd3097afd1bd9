/**
 * Gaussian-process regression with a zero mean on standardized targets (Rasmussen & Williams
 * 2006, Alg. 2.1): hyperparameters by maximum a posteriori (log marginal likelihood + log
 * prior, analytic gradient, eq. 5.9), then the posterior mean and variance at new points.
 *
 * The hot loops (likelihood, batch prediction) inline the Matérn formulas of kernel.ts
 * instead of calling them per pair; the tests check both against finite differences.
 * Cost per trial: the fit needs O(n³) per likelihood evaluation (Cholesky and K⁻¹ for the
 * gradient), a prediction O(n d + n²) per point.
 */

import {
  cholesky,
  factorize,
  inverseFromPackedInverseFactor,
  invertLowerPacked,
  packedLowerMatVec,
  packedLowerTransposedMatVec,
  solveLower,
  solveLowerTransposed,
} from "../../math/linalg/cholesky.js";
import { type LbfgsbCorrections, minimizeLbfgsb } from "../../math/optimize/lbfgsb.js";
import { type KernelParams, matern52 } from "./kernel.js";
import {
  DEFAULT_MINIMUM_NOISE_VAR,
  defaultLogPrior,
  type LogPrior,
  type LogPriorValue,
} from "./prior.js";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Scratch space for kernel rows, shared by every posterior: `predict` uses it only while it
 * runs (JavaScript runs one call at a time), so it is allocated once instead of per call.
 * Holds no state between calls.
 */
let sharedRows = new Float64Array(0);
/** Points predicted per chunk by `predict` (a multiple of 8, the blocking of predictFromRows). */
const PREDICT_CHUNK = 64;

/** Training data: n points of dimension d (row-major) and their targets. */
export interface GpData {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
  /** 1 for a categorical dimension (Hamming distance). */
  readonly isCategorical: Uint8Array;
}

/** Options of `fitKernelParams`. */
export interface FitOptions {
  /** Default: Optuna's prior (`defaultLogPrior`). */
  logPrior?: LogPrior;
  /** Lower bound of the noise variance (default 1e-6). */
  minimumNoise?: number;
  /** Fix the noise at `minimumNoise` instead of fitting it (default false). */
  deterministic?: boolean;
  /** Warm start (e.g. the previous fit); falls back to the default start when it fails. */
  initial?: KernelParams | null;
  /** L-BFGS-B correction pairs of the previous fit, used with `initial` (quasi-Newton warm start). */
  corrections?: LbfgsbCorrections | null;
  /** Projected-gradient tolerance of L-BFGS-B (default 1e-2, as Optuna: tighter is unstable). */
  gtol?: number;
}

/** Squared coordinate differences of every pair i > j, pair-major: [(i, j) → d values]. */
function pairDifferences(data: GpData): Float64Array {
  const { x, n, d, isCategorical } = data;
  const out = new Float64Array(((n * (n - 1)) / 2) * d);
  let p = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      for (let c = 0; c < d; c++) {
        const diff = x[i * d + c] - x[j * d + c];
        out[p++] = isCategorical[c] ? (diff !== 0 ? 1 : 0) : diff * diff;
      }
    }
  }
  return out;
}

/** Kernel parameters from the raw (log) vector used by the optimizer. */
function paramsFromRaw(
  raw: ArrayLike<number>,
  d: number,
  minimumNoise: number,
  deterministic: boolean,
): KernelParams {
  const ils = new Float64Array(d);
  for (let c = 0; c < d; c++) ils[c] = Math.exp(raw[c]);
  return {
    inverseSquaredLengthscales: ils,
    kernelScale: Math.exp(raw[d]),
    noiseVar: deterministic ? minimumNoise : Math.exp(raw[d + 1]) + minimumNoise,
  };
}

/** Negative log posterior and its gradient in the raw parameters; Infinity when K is not PD. */
/**
 * Negative log posterior of the raw parameters: `full` gives it with its gradient (Infinity
 * when K is not positive definite), `value` alone (one Cholesky factorization, no inverse).
 * `full` right after `value` at the same point reuses the factorization.
 */
function makeLoss(data: GpData, logPrior: LogPrior, minimumNoise: number, deterministic: boolean) {
  const { n, d, y } = data;
  const diffs = pairDifferences(data);
  const nPairs = (n * (n - 1)) / 2;
  const k = new Float64Array(n * n);
  const kernelValues = new Float64Array(nPairs);
  const kernelSlopes = new Float64Array(nPairs);
  const nRaw = deterministic ? d + 1 : d + 2;
  const grad = new Float64Array(nRaw);
  const failed = new Float64Array(nRaw).fill(Number.NaN);
  const l = new Float64Array(n * n);
  const alpha = new Float64Array(n);
  const lInv = new Float64Array((n * (n + 1)) / 2);
  const scratch = new Float64Array(n);
  const kInv = new Float64Array(n * n);
  const square = new Float64Array(n * n);
  // The point whose factorization `l`, `alpha` and `loss` hold.
  const at = new Float64Array(nRaw).fill(Number.NaN);
  let loss = Number.NaN;
  let params = defaultKernelParams(d);
  let prior: LogPriorValue | null = null;

  const factor = (raw: Float64Array): number => {
    let same = true;
    for (let i = 0; i < nRaw; i++) if (at[i] !== raw[i]) same = false;
    if (same) return loss;
    at.set(raw);
    params = paramsFromRaw(raw, d, minimumNoise, deterministic);
    const ils = params.inverseSquaredLengthscales;
    const s = params.kernelScale;
    let p = 0;
    for (let i = 1; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < i; j++) {
        const base = p * d;
        let r2 = 0;
        for (let c = 0; c < d; c++) r2 += ils[c] * diffs[base + c];
        const a = Math.sqrt(5 * r2);
        const e = Math.exp(-a);
        const value = s * (1 + a + (5 / 3) * r2) * e;
        kernelValues[p] = value;
        kernelSlopes[p] = s * (-5 / 6) * (1 + a) * e;
        k[row + j] = value;
        p++;
      }
      k[row + i] = s + params.noiseVar;
    }
    k[0] = s + params.noiseVar;
    if (!factorize(k, n, 0, l)) {
      loss = Number.POSITIVE_INFINITY;
      return loss;
    }
    alpha.set(y);
    solveLower(l, n, alpha);
    let quad = 0;
    for (let i = 0; i < n; i++) quad += alpha[i] * alpha[i];
    solveLowerTransposed(l, n, alpha);
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += 2 * Math.log(l[i * n + i]);
    const logLikelihood = -0.5 * quad - 0.5 * logDet - 0.5 * n * LOG_2PI;
    prior = logPrior(params);
    loss = -(logLikelihood + prior.value);
    return loss;
  };

  const full = (raw: Float64Array): readonly [number, Float64Array] => {
    const value = factor(raw);
    if (!Number.isFinite(value) || prior === null) return [Number.POSITIVE_INFINITY, failed];
    const ils = params.inverseSquaredLengthscales;
    const s = params.kernelScale;
    // ∂ log p(y)/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ).
    invertLowerPacked(l, n, lInv, scratch);
    inverseFromPackedInverseFactor(lInv, n, kInv, square);
    grad.fill(0);
    let gradScale = 0;
    let p = 0;
    for (let i = 1; i < n; i++) {
      const ai = alpha[i];
      const row = i * n;
      for (let j = 0; j < i; j++) {
        const w = 2 * (ai * alpha[j] - kInv[row + j]); // both (i, j) and (j, i)
        gradScale += w * kernelValues[p];
        const t = w * kernelSlopes[p];
        const base = p * d;
        for (let c = 0; c < d; c++) grad[c] += t * diffs[base + c];
        p++;
      }
    }
    let traceW = 0;
    for (let i = 0; i < n; i++) traceW += alpha[i] * alpha[i] - kInv[i * n + i];
    gradScale += traceW * s;
    // Loss = −(log likelihood + log prior); chain rule to the log parameters.
    for (let c = 0; c < d; c++) {
      grad[c] = -(0.5 * grad[c] * ils[c] + prior.gradInverseSquaredLengthscales[c] * ils[c]);
    }
    grad[d] = -(0.5 * gradScale + prior.gradKernelScale * s);
    if (!deterministic) {
      const dNoise = Math.exp(raw[d + 1]);
      grad[d + 1] = -(0.5 * traceW + prior.gradNoiseVar) * dNoise;
    }
    return [value, grad];
  };
  return { full, value: factor };
}

/**
 * log p(y | X, θ) (+ log prior when given) and its gradient with respect to the raw
 * parameters [log ℓ⁻²_1..d, log s, log(noise − minimumNoise)]: exposed for tests.
 */
export function logMarginalLikelihood(
  data: GpData,
  params: KernelParams,
  options: { logPrior?: LogPrior; minimumNoise?: number; deterministic?: boolean } = {},
): { value: number; gradient: Float64Array } {
  const minimumNoise = options.minimumNoise ?? DEFAULT_MINIMUM_NOISE_VAR;
  const deterministic = options.deterministic ?? false;
  const zeroPrior: LogPrior = (p) => ({
    value: 0,
    gradInverseSquaredLengthscales: new Float64Array(p.inverseSquaredLengthscales.length),
    gradKernelScale: 0,
    gradNoiseVar: 0,
  });
  const loss = makeLoss(data, options.logPrior ?? zeroPrior, minimumNoise, deterministic);
  const [value, grad] = loss.full(rawFromParams(params, minimumNoise, deterministic));
  return { value: -value, gradient: Float64Array.from(grad, (g) => -g) };
}

function rawFromParams(
  params: KernelParams,
  minimumNoise: number,
  deterministic: boolean,
): Float64Array {
  const d = params.inverseSquaredLengthscales.length;
  const raw = new Float64Array(deterministic ? d + 1 : d + 2);
  for (let c = 0; c < d; c++) raw[c] = Math.log(params.inverseSquaredLengthscales[c]);
  raw[d] = Math.log(params.kernelScale);
  if (!deterministic) {
    // Keep a little distance from the minimum so that the log stays finite.
    raw[d + 1] = Math.log(Math.max(params.noiseVar - 0.99 * minimumNoise, 0.01 * minimumNoise));
  }
  return raw;
}

/** Optuna's default start: unit lengthscales, unit scale, unit noise. */
export function defaultKernelParams(d: number): KernelParams {
  return { inverseSquaredLengthscales: new Float64Array(d).fill(1), kernelScale: 1, noiseVar: 1 };
}

/** A fit: the hyperparameters and the optimizer's curvature pairs, to warm-start the next one. */
export interface FitResult {
  params: KernelParams;
  corrections: LbfgsbCorrections | null;
}

/**
 * Fits the kernel hyperparameters by MAP with L-BFGS-B on their logarithms. Starts from
 * `initial` (with its `corrections`) when given and falls back to the default start if that
 * fails.
 */
export function fitGp(data: GpData, options: FitOptions = {}): FitResult {
  const minimumNoise = options.minimumNoise ?? DEFAULT_MINIMUM_NOISE_VAR;
  const deterministic = options.deterministic ?? false;
  const loss = makeLoss(data, options.logPrior ?? defaultLogPrior, minimumNoise, deterministic);
  const starts: [KernelParams, LbfgsbCorrections | null][] = [];
  if (options.initial && options.initial.inverseSquaredLengthscales.length === data.d) {
    starts.push([options.initial, options.corrections ?? null]);
  }
  starts.push([defaultKernelParams(data.d), null]);
  // Keep exp() of the raw parameters finite. (A tighter bound on the noise term, where
  // exp(raw) + minimumNoise turns flat, saves a few evaluations but measurably hurts the
  // final regret: the fit then stops at a slightly larger noise.)
  const lower = -20;
  for (const [start, corrections] of starts) {
    const x0 = rawFromParams(start, minimumNoise, deterministic);
    const result = minimizeLbfgsb(loss.full, x0, {
      value: loss.value,
      pgtol: options.gtol ?? 1e-2,
      lower,
      upper: 20,
      maxIterations: 500,
      ...(corrections !== null ? { initialCorrections: corrections } : {}),
    });
    if (Number.isFinite(result.value)) {
      return {
        params: paramsFromRaw(result.x, data.d, minimumNoise, deterministic),
        corrections: result.corrections,
      };
    }
  }
  return {
    params: { ...defaultKernelParams(data.d), noiseVar: deterministic ? minimumNoise : 1 },
    corrections: null,
  };
}

/** `fitGp` without the optimizer state: the MAP hyperparameters. */
export function fitKernelParams(data: GpData, options: FitOptions = {}): KernelParams {
  return fitGp(data, options).params;
}

/**
 * The GP posterior given data and fitted hyperparameters: mean μ(x) = k(x)ᵀK⁻¹y and variance
 * σ²(x) = s − k(x)ᵀK⁻¹k(x) (latent function, no noise), with their gradients in x.
 */
export class GpPosterior {
  readonly data: GpData;
  readonly params: KernelParams;
  /** K⁻¹y. */
  private readonly alpha: Float64Array;
  /** L⁻¹ packed by rows. */
  private readonly lInv: Float64Array;
  private readonly kx: Float64Array;
  private readonly v: Float64Array;
  private readonly beta: Float64Array;
  private readonly slopes: Float64Array;
  private readonly vv = new Float64Array(8);
  private readonly offsets = new Int32Array(8);

  constructor(data: GpData, params: KernelParams) {
    this.data = data;
    this.params = params;
    const { n } = data;
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        k[i * n + j] = params.kernelScale * matern52(this.distance(data.x, i, j));
      }
      k[i * n + i] += params.noiseVar;
    }
    const factor = cholesky(k, n);
    this.alpha = Float64Array.from(data.y);
    solveLower(factor.l, n, this.alpha);
    solveLowerTransposed(factor.l, n, this.alpha);
    this.lInv = invertLowerPacked(factor.l, n);
    this.kx = new Float64Array(n);
    this.v = new Float64Array(n);
    this.beta = new Float64Array(n);
    this.slopes = new Float64Array(n);
  }

  /** r² between row i of `xa` (dimension d) and training point j. */
  private distance(xa: Float64Array, i: number, j: number): number {
    const { x, d, isCategorical } = this.data;
    const ils = this.params.inverseSquaredLengthscales;
    const oa = i * d;
    const ob = j * d;
    let r2 = 0;
    for (let c = 0; c < d; c++) {
      const diff = xa[oa + c] - x[ob + c];
      if (isCategorical[c]) {
        if (diff !== 0) r2 += ils[c];
      } else r2 += ils[c] * diff * diff;
    }
    return r2;
  }

  /**
   * Kernel values k(points_q, X_j) for the m rows of `points` into `out` (row q holds the n
   * values of point q), the input of the `…FromRows` methods.
   */
  kernelRows(points: Float64Array, m: number, out: Float64Array): Float64Array {
    const { n, d, x, isCategorical } = this.data;
    const ils = this.params.inverseSquaredLengthscales;
    const s = this.params.kernelScale;
    let anyCategorical = false;
    for (let c = 0; c < d; c++) if (isCategorical[c]) anyCategorical = true;
    for (let q = 0; q < m; q++) {
      const oa = q * d;
      const ob = q * n;
      for (let j = 0; j < n; j++) {
        const oj = j * d;
        let r2 = 0;
        if (anyCategorical) {
          for (let c = 0; c < d; c++) {
            const diff = points[oa + c] - x[oj + c];
            if (isCategorical[c]) {
              if (diff !== 0) r2 += ils[c];
            } else r2 += ils[c] * diff * diff;
          }
        } else {
          for (let c = 0; c < d; c++) {
            const diff = points[oa + c] - x[oj + c];
            r2 += ils[c] * diff * diff;
          }
        }
        const a = Math.sqrt(5 * r2);
        out[ob + j] = s * (1 + a + (5 / 3) * r2) * Math.exp(-a);
      }
    }
    return out;
  }

  /**
   * Mean and variance from the first `count` kernel rows (see `kernelRows`) into mean[k] and
   * variance[k]. Eight points at a time share each row of L⁻¹ (σ² = s − ‖L⁻¹k‖²): eight
   * independent sums keep the floating-point units busy.
   */
  predictFromRows(
    rows: Float64Array,
    count: number,
    mean: Float64Array,
    variance: Float64Array,
  ): void {
    const { n } = this.data;
    const s = this.params.kernelScale;
    const alpha = this.alpha;
    const lInv = this.lInv;
    const vv = this.vv;
    const offsets = this.offsets;
    for (let k0 = 0; k0 < count; k0 += 8) {
      const size = Math.min(8, count - k0);
      // Offsets of the eight rows; missing ones repeat the first and are ignored.
      for (let b = 0; b < 8; b++) offsets[b] = (b < size ? k0 + b : k0) * n;
      const o0 = offsets[0];
      const o1 = offsets[1];
      const o2 = offsets[2];
      const o3 = offsets[3];
      const o4 = offsets[4];
      const o5 = offsets[5];
      const o6 = offsets[6];
      const o7 = offsets[7];
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      let v3 = 0;
      let v4 = 0;
      let v5 = 0;
      let v6 = 0;
      let v7 = 0;
      let p = 0;
      for (let i = 0; i < n; i++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let s4 = 0;
        let s5 = 0;
        let s6 = 0;
        let s7 = 0;
        for (let k = 0; k <= i; k++) {
          const a = lInv[p + k];
          s0 += a * rows[o0 + k];
          s1 += a * rows[o1 + k];
          s2 += a * rows[o2 + k];
          s3 += a * rows[o3 + k];
          s4 += a * rows[o4 + k];
          s5 += a * rows[o5 + k];
          s6 += a * rows[o6 + k];
          s7 += a * rows[o7 + k];
        }
        v0 += s0 * s0;
        v1 += s1 * s1;
        v2 += s2 * s2;
        v3 += s3 * s3;
        v4 += s4 * s4;
        v5 += s5 * s5;
        v6 += s6 * s6;
        v7 += s7 * s7;
        p += i + 1;
      }
      vv[0] = v0;
      vv[1] = v1;
      vv[2] = v2;
      vv[3] = v3;
      vv[4] = v4;
      vv[5] = v5;
      vv[6] = v6;
      vv[7] = v7;
      for (let b = 0; b < size; b++) {
        const ob = offsets[b];
        let mu = 0;
        for (let j = 0; j < n; j++) mu += rows[ob + j] * alpha[j];
        mean[k0 + b] = mu;
        variance[k0 + b] = Math.max(s - vv[b], 0);
      }
    }
  }

  /** Mean and variance at the m rows of `points` (row-major m × d). */
  predict(points: Float64Array, m: number, mean: Float64Array, variance: Float64Array): void {
    const { n, d } = this.data;
    // Chunks of PREDICT_CHUNK points: their kernel rows stay in cache between the two passes.
    const chunk = Math.min(m, PREDICT_CHUNK);
    if (sharedRows.length < chunk * n) sharedRows = new Float64Array(chunk * n);
    for (let q0 = 0; q0 < m; q0 += chunk) {
      const count = Math.min(chunk, m - q0);
      this.kernelRows(points.subarray(q0 * d, (q0 + count) * d), count, sharedRows);
      this.predictFromRows(
        sharedRows,
        count,
        mean.subarray(q0, q0 + count),
        variance.subarray(q0, q0 + count),
      );
    }
  }

  /**
   * Mean and variance at one point, with their gradients in x (zero on categorical
   * coordinates) written to `gradMean` and `gradVariance`. Returns [mean, variance].
   */
  predictWithGradient(
    x: Float64Array,
    gradMean: Float64Array,
    gradVariance: Float64Array,
  ): [number, number] {
    const { n, d, isCategorical } = this.data;
    const xs = this.data.x;
    const ils = this.params.inverseSquaredLengthscales;
    const s = this.params.kernelScale;
    const kx = this.kx;
    const slopes = this.slopes;
    let mu = 0;
    for (let j = 0; j < n; j++) {
      const r2 = this.distance(x, 0, j);
      const a = Math.sqrt(5 * r2);
      const e = Math.exp(-a);
      kx[j] = s * (1 + a + (5 / 3) * r2) * e;
      slopes[j] = 2 * s * (-5 / 6) * (1 + a) * e;
      mu += kx[j] * this.alpha[j];
    }
    packedLowerMatVec(this.lInv, n, kx, this.v);
    let vv = 0;
    for (let j = 0; j < n; j++) vv += this.v[j] * this.v[j];
    packedLowerTransposedMatVec(this.lInv, n, this.v, this.beta); // K⁻¹k
    gradMean.fill(0);
    gradVariance.fill(0);
    for (let j = 0; j < n; j++) {
      const gm = slopes[j] * this.alpha[j];
      const gv = -2 * slopes[j] * this.beta[j];
      const base = j * d;
      for (let c = 0; c < d; c++) {
        if (isCategorical[c]) continue;
        const t = ils[c] * (x[c] - xs[base + c]);
        gradMean[c] += gm * t;
        gradVariance[c] += gv * t;
      }
    }
    const variance = s - vv;
    if (variance <= 0) {
      gradVariance.fill(0);
      return [mu, 0];
    }
    return [mu, variance];
  }
}
