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
  solveLower,
  solveLowerTransposed,
} from "../../math/linalg/cholesky.js";
import { type LbfgsbCorrections, minimizeLbfgsb } from "../../math/optimize/lbfgsb.js";
import { EXP_NEGATIVE_TABLES, expNegative } from "../../math/special/exp.js";
import { wasmKernels } from "../../math/wasm/kernels.js";
import { type KernelParams, matern52 } from "./kernel.js";
import {
  DEFAULT_MINIMUM_NOISE_VAR,
  defaultLogPrior,
  type LogPrior,
  type LogPriorValue,
} from "./prior.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** The next even integer (a 16-byte-aligned f64 offset). */
function even(offset: number): number {
  return offset + (offset & 1);
}

/** s · m(r²): the Matérn-5/2 kernel value at squared distance r² (kernel.ts, inlined). */
function matern(s: number, r2: number): number {
  const a = Math.sqrt(5 * r2);
  return s * (1 + a + (5 / 3) * r2) * expNegative(a);
}

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

/**
 * Squared coordinate differences of every pair i > j, dimension-major: dimension c of pair p
 * (pairs in the order (1, 0), (2, 0), (2, 1), …) at c · nPairs + p.
 */
function pairDifferences(data: GpData): Float64Array {
  const { x, n, d, isCategorical } = data;
  const nPairs = (n * (n - 1)) / 2;
  const out = new Float64Array(nPairs * d);
  for (let c = 0; c < d; c++) {
    const categorical = isCategorical[c] !== 0;
    let p = c * nPairs;
    for (let i = 1; i < n; i++) {
      const xi = x[i * d + c];
      for (let j = 0; j < i; j++) {
        const diff = xi - x[j * d + c];
        out[p++] = categorical ? (diff !== 0 ? 1 : 0) : diff * diff;
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
  const r2s = new Float64Array(nPairs);
  const weights = new Float64Array(nPairs);
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
    // r² of every pair, one dimension at a time (the terms in the order c = 0…d − 1).
    for (let c = 0; c < d; c++) {
      const w = ils[c];
      const o = c * nPairs;
      if (c === 0) for (let q = 0; q < nPairs; q++) r2s[q] = w * diffs[o + q];
      else for (let q = 0; q < nPairs; q++) r2s[q] += w * diffs[o + q];
    }
    let p = 0;
    for (let i = 1; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < i; j++) {
        const r2 = r2s[p];
        const a = Math.sqrt(5 * r2);
        const e = expNegative(a);
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
    let gradScale = 0;
    let p = 0;
    for (let i = 1; i < n; i++) {
      const ai = alpha[i];
      const row = i * n;
      for (let j = 0; j < i; j++) {
        const w = 2 * (ai * alpha[j] - kInv[row + j]); // both (i, j) and (j, i)
        gradScale += w * kernelValues[p];
        weights[p] = w * kernelSlopes[p];
        p++;
      }
    }
    for (let c = 0; c < d; c++) {
      const o = c * nPairs;
      let sum = 0;
      for (let q = 0; q < nPairs; q++) sum += weights[q] * diffs[o + q];
      grad[c] = sum;
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
  /** The columns of L⁻¹, each contiguous (column c: rows c…n − 1). */
  private readonly lInvColumns: Float64Array;

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
    this.lInvColumns = new Float64Array(this.lInv.length);
    for (let c = 0, o = 0; c < n; c++) {
      for (let i = c; i < n; i++) this.lInvColumns[o++] = this.lInv[(i * (i + 1)) / 2 + c];
    }
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
   * Mean and variance at the m rows of `points` (row-major m × d): σ² = s − ‖L⁻¹k‖², where
   * k holds the kernel values against the training points. Eight points at a time, in the
   * WebAssembly kernels `kernelRows8` and `variance8`, whose operations run in the same order
   * as `predictOne`'s (which serves where WebAssembly SIMD is missing): same results.
   */
  predict(points: Float64Array, m: number, mean: Float64Array, variance: Float64Array): void {
    const wasm = wasmKernels();
    if (wasm === null) {
      for (let q = 0; q < m; q++) {
        const [mu, v] = this.predictOne(points, q);
        mean[q] = mu;
        variance[q] = v;
      }
      return;
    }
    const { n, d, x } = this.data;
    const s = this.params.kernelScale;
    const alpha = this.alpha;
    // Memory layout (f64 offsets): L⁻¹, exp tables, X, ℓ⁻², categorical flags, the 8 points
    // transposed, the kernel rows, the 8 results; the SIMD operands 16-byte aligned.
    const tablesAt = this.lInv.length;
    const xAt = tablesAt + EXP_NEGATIVE_TABLES.length;
    const wAt = xAt + n * d;
    const cAt = wAt + d;
    const pAt = even(cAt + d);
    const rowsAt = pAt + 8 * d;
    const outAt = rowsAt + 8 * n;
    const memory = wasm.reserve(outAt + 8);
    memory.set(this.lInv, 0);
    memory.set(EXP_NEGATIVE_TABLES, tablesAt);
    memory.set(x, xAt);
    memory.set(this.params.inverseSquaredLengthscales, wAt);
    for (let c = 0; c < d; c++) memory[cAt + c] = this.data.isCategorical[c];
    for (let q0 = 0; q0 < m; q0 += 8) {
      // Lanes past the last point repeat it; their results are ignored.
      for (let b = 0; b < 8; b++) {
        const o = Math.min(q0 + b, m - 1) * d;
        for (let c = 0; c < d; c++) memory[pAt + 8 * c + b] = points[o + c];
      }
      wasm.kernelRows8(xAt, n, d, wAt, cAt, pAt, tablesAt, s, rowsAt);
      wasm.variance8(0, n, rowsAt, outAt);
      const count = Math.min(8, m - q0);
      for (let b = 0; b < count; b++) {
        let mu = 0;
        for (let j = 0, r = rowsAt + b; j < n; j++, r += 8) mu += memory[r] * alpha[j];
        mean[q0 + b] = mu;
        variance[q0 + b] = Math.max(s - memory[outAt + b], 0);
      }
    }
  }

  /** [mean, variance] at row q of `points`: `predict` for one point. */
  private predictOne(points: Float64Array, q: number): [number, number] {
    const { n } = this.data;
    const lInv = this.lInv;
    const kx = this.kx;
    const s = this.params.kernelScale;
    for (let j = 0; j < n; j++) kx[j] = matern(s, this.distance(points, q, j));
    let vv = 0;
    let p = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k <= i; k++) sum += lInv[p + k] * kx[k];
      vv += sum * sum;
      p += i + 1;
    }
    let mu = 0;
    for (let j = 0; j < n; j++) mu += kx[j] * this.alpha[j];
    return [mu, Math.max(s - vv, 0)];
  }

  /**
   * out = L⁻¹ v (`packedLowerMatVec`), two rows at a time sharing the loads of v; each row
   * keeps its two accumulators (even and odd k), so the result is the same.
   */
  private lowerTimes(v: Float64Array, out: Float64Array): void {
    const { n } = this.data;
    const m = this.lInv;
    let p = 0;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const h = p + i + 1; // row i + 1
      let s0 = 0;
      let s1 = 0;
      let t0 = 0;
      let t1 = 0;
      let k = 0;
      for (; k + 1 < i; k += 2) {
        const v0 = v[k];
        const v1 = v[k + 1];
        s0 += m[p + k] * v0;
        s1 += m[p + k + 1] * v1;
        t0 += m[h + k] * v0;
        t1 += m[h + k + 1] * v1;
      }
      // i is even: row i ends with k = i, row i + 1 with the pair (i, i + 1).
      s0 += m[p + i] * v[i];
      t0 += m[h + i] * v[i];
      t1 += m[h + i + 1] * v[i + 1];
      out[i] = s0 + s1;
      out[i + 1] = t0 + t1;
      p = h + i + 2;
    }
    if (i < n) {
      let s0 = 0;
      let s1 = 0;
      let k = 0;
      for (; k + 1 <= i; k += 2) {
        s0 += m[p + k] * v[k];
        s1 += m[p + k + 1] * v[k + 1];
      }
      if (k <= i) s0 += m[p + k] * v[k];
      out[i] = s0 + s1;
    }
  }

  /**
   * out = L⁻ᵀ v (`packedLowerTransposedMatVec`) from the columns of L⁻¹ stored contiguously,
   * four outputs at a time; each output sums its terms in the same order as there.
   */
  private lowerTransposedTimes(v: Float64Array, out: Float64Array): void {
    const { n } = this.data;
    const cols = this.lInvColumns;
    let k = 0;
    for (; k + 3 < n; k += 4) {
      // Column c starts at c n − c(c − 1)/2 and holds rows c…n − 1: entry i at that − c + i.
      const o0 = k * n - (k * (k - 1)) / 2 - k;
      const o1 = o0 + n - k - 1;
      const o2 = o1 + n - k - 2;
      const o3 = o2 + n - k - 3;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      b0 += cols[o0 + k] * v[k];
      b0 += cols[o0 + k + 1] * v[k + 1];
      b1 += cols[o1 + k + 1] * v[k + 1];
      b0 += cols[o0 + k + 2] * v[k + 2];
      b1 += cols[o1 + k + 2] * v[k + 2];
      b2 += cols[o2 + k + 2] * v[k + 2];
      for (let i = k + 3; i < n; i++) {
        const vi = v[i];
        b0 += cols[o0 + i] * vi;
        b1 += cols[o1 + i] * vi;
        b2 += cols[o2 + i] * vi;
        b3 += cols[o3 + i] * vi;
      }
      out[k] = b0;
      out[k + 1] = b1;
      out[k + 2] = b2;
      out[k + 3] = b3;
    }
    for (; k < n; k++) {
      const o = k * n - (k * (k - 1)) / 2 - k;
      let b = 0;
      for (let i = k; i < n; i++) b += cols[o + i] * v[i];
      out[k] = b;
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
      const e = expNegative(a);
      kx[j] = s * (1 + a + (5 / 3) * r2) * e;
      slopes[j] = 2 * s * (-5 / 6) * (1 + a) * e;
      mu += kx[j] * this.alpha[j];
    }
    this.lowerTimes(kx, this.v);
    let vv = 0;
    for (let j = 0; j < n; j++) vv += this.v[j] * this.v[j];
    this.lowerTransposedTimes(this.v, this.beta); // K⁻¹k
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
