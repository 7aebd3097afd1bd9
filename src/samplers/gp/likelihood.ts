/**
 * The GP's log marginal likelihood plus log prior, and its gradient in the log
 * hyperparameters (Rasmussen & Williams 2006, Alg. 2.1 and eq. 5.9): what `fitGp` maximizes.
 *
 * One evaluation costs a Cholesky factorization, O(n³); its gradient needs K⁻¹ as well (two
 * more O(n³) steps) and O(n² d) sums over the pairs of training points. Those steps run in the
 * WebAssembly SIMD kernels (src/math/wasm/kernels.wat) where available, else in the
 * JavaScript below; both perform the same operations in the same order, so a fit gives the
 * same hyperparameters either way (test/samplers/gp-math.test.ts).
 */

import {
  factorize,
  inverseFromPackedInverseFactor,
  invertLowerPacked,
  solveLower,
  solveLowerTransposed,
} from "../../math/linalg/cholesky.js";
import { EXP_NEGATIVE_TABLES, expNegative } from "../../math/special/exp.js";
import { MemoryPlan, type WasmKernels, wasmKernels } from "../../math/wasm/kernels.js";
import type { GpData } from "./gp.js";
import type { KernelParams } from "./kernel.js";
import { DEFAULT_MINIMUM_NOISE_VAR, type LogPrior, type LogPriorValue } from "./prior.js";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Squared coordinate differences (Hamming indicators on categorical dimensions) of every pair
 * i > j, dimension-major: dimension c of pair p (pairs in the order (1, 0), (2, 0), (2, 1), …)
 * at c · nPairs + p.
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

/**
 * The sums of the likelihood's gradient. For every pair q = (i, j < i) in pair order,
 * w = 2(α_i α_j − K⁻¹_ij) and weights[q] = w · slopes[q]; returns Σ w · values[q] (two
 * accumulators by the parity of j) and sets grad[c] = Σ_q weights[q] · diffs[c · stride + q]
 * (two accumulators by the parity of q). The WebAssembly `gradientSums` performs the same
 * operations.
 */
function gradientSums(
  n: number,
  alpha: Float64Array,
  inverse: Float64Array,
  values: Float64Array,
  slopes: Float64Array,
  weights: Float64Array,
  diffs: Float64Array,
  stride: number,
  grad: Float64Array,
): number {
  let g0 = 0;
  let g1 = 0;
  let p = 0;
  for (let i = 1; i < n; i++) {
    const ai = alpha[i];
    const row = i * n;
    let j = 0;
    for (; j + 1 < i; j += 2, p += 2) {
      const w0 = 2 * (ai * alpha[j] - inverse[row + j]);
      const w1 = 2 * (ai * alpha[j + 1] - inverse[row + j + 1]);
      g0 += w0 * values[p];
      g1 += w1 * values[p + 1];
      weights[p] = w0 * slopes[p];
      weights[p + 1] = w1 * slopes[p + 1];
    }
    if (j < i) {
      const w0 = 2 * (ai * alpha[j] - inverse[row + j]);
      g0 += w0 * values[p];
      weights[p] = w0 * slopes[p];
      p++;
    }
  }
  for (let c = 0; c < grad.length; c++) {
    const o = c * stride;
    let s0 = 0;
    let s1 = 0;
    let q = 0;
    for (; q + 1 < p; q += 2) {
      s0 += weights[q] * diffs[o + q];
      s1 += weights[q + 1] * diffs[o + q + 1];
    }
    if (q < p) s0 += weights[q] * diffs[o + q];
    grad[c] = s0 + s1;
  }
  return g0 + g1;
}

/** The O(n³) and O(n² d) steps of a likelihood evaluation, on buffers they own. */
interface LikelihoodSteps {
  /** The Cholesky factor of the last `factor` (row-major n × n, lower triangle). */
  readonly l: Float64Array;
  /** K⁻¹y, filled by the caller. */
  readonly alpha: Float64Array;
  /** K⁻¹ after `gradient` (row-major n × n; the lower triangle and the diagonal). */
  readonly inverse: Float64Array;
  /** Builds K for `params` and factorizes it; false when K is not positive definite. */
  factor(params: KernelParams): boolean;
  /** K⁻¹ from the factor, then `gradientSums` into grad (length d); returns Σ w · values. */
  gradient(grad: Float64Array): number;
}

/** The steps in JavaScript (where WebAssembly SIMD is missing). */
function javascriptSteps(data: GpData, diffs: Float64Array): LikelihoodSteps {
  const { n, d } = data;
  const nPairs = (n * (n - 1)) / 2;
  const k = new Float64Array(n * n);
  const l = new Float64Array(n * n);
  const r2s = new Float64Array(nPairs);
  const values = new Float64Array(nPairs);
  const slopes = new Float64Array(nPairs);
  const weights = new Float64Array(nPairs);
  const lInv = new Float64Array((n * (n + 1)) / 2);
  const scratch = new Float64Array(n);
  const inverse = new Float64Array(n * n);
  const square = new Float64Array(n * n);
  const alpha = new Float64Array(n);
  return {
    l,
    alpha,
    inverse,
    factor(params) {
      const ils = params.inverseSquaredLengthscales;
      const s = params.kernelScale;
      // r² of every pair, one dimension at a time (the terms in the order c = 0…d − 1).
      for (let c = 0; c < d; c++) {
        const w = ils[c];
        const o = c * nPairs;
        if (c === 0) for (let q = 0; q < nPairs; q++) r2s[q] = w * diffs[o + q];
        else for (let q = 0; q < nPairs; q++) r2s[q] += w * diffs[o + q];
      }
      // s·m(r²) and its slope ∂(s·m)/∂r² (kernel.ts's Matérn-5/2, inlined).
      let p = 0;
      for (let i = 1; i < n; i++) {
        const row = i * n;
        for (let j = 0; j < i; j++) {
          const r2 = r2s[p];
          const a = Math.sqrt(5 * r2);
          const e = expNegative(a);
          const value = s * (1 + a + (5 / 3) * r2) * e;
          values[p] = value;
          slopes[p] = s * (-5 / 6) * (1 + a) * e;
          k[row + j] = value;
          p++;
        }
        k[row + i] = s + params.noiseVar;
      }
      k[0] = s + params.noiseVar;
      return factorize(k, n, 0, l);
    },
    gradient(grad) {
      invertLowerPacked(l, n, lInv, scratch);
      inverseFromPackedInverseFactor(lInv, n, inverse, square);
      return gradientSums(n, alpha, inverse, values, slopes, weights, diffs, nPairs, grad);
    },
  };
}

/**
 * The steps in the WebAssembly kernels, on views of their memory. The views stay valid for
 * the fit because nothing else runs on that memory meanwhile (a fit is synchronous).
 */
function webAssemblySteps(wasm: WasmKernels, data: GpData, diffs: Float64Array): LikelihoodSteps {
  const { n, d } = data;
  const nPairs = (n * (n - 1)) / 2;
  // The kernel runs eight pairs at a time: each dimension's differences padded to a multiple of 8.
  const stride = (nPairs + 7) & ~7;
  const plan = new MemoryPlan();
  const tablesAt = plan.take(EXP_NEGATIVE_TABLES.length);
  const wAt = plan.take(d);
  const diffsAt = plan.take(d * stride);
  const valuesAt = plan.take(stride);
  const slopesAt = plan.take(stride);
  const weightsAt = plan.take(stride);
  const lAt = plan.take(n * n);
  const lInvAt = plan.take((n * (n + 1)) / 2);
  const xAt = plan.take(n);
  const yAt = plan.take(n);
  const inverseAt = plan.take(n * n);
  const squareAt = plan.take(n * n);
  const alphaAt = plan.take(n);
  const outAt = plan.take(d + 1);
  const memory = wasm.reserve(plan.end);
  memory.set(EXP_NEGATIVE_TABLES, tablesAt);
  memory.fill(0, diffsAt, valuesAt);
  for (let c = 0; c < d; c++) {
    memory.set(diffs.subarray(c * nPairs, (c + 1) * nPairs), diffsAt + c * stride);
  }
  const steps: LikelihoodSteps = {
    l: memory.subarray(lAt, lAt + n * n),
    alpha: memory.subarray(alphaAt, alphaAt + n),
    inverse: memory.subarray(inverseAt, inverseAt + n * n),
    factor(params) {
      const s = params.kernelScale;
      memory.set(params.inverseSquaredLengthscales, wAt);
      const slopeScale = s * (-5 / 6);
      wasm.pairKernel(diffsAt, stride, nPairs, d, wAt, tablesAt, s, slopeScale, valuesAt, slopesAt);
      return wasm.cholesky(valuesAt, s + params.noiseVar, n, lAt);
    },
    gradient(grad) {
      wasm.invertLower(lAt, n, lInvAt, xAt, yAt);
      wasm.inverseLower(lInvAt, n, inverseAt, squareAt);
      const args = [valuesAt, slopesAt, weightsAt, diffsAt, stride, nPairs, d, outAt] as const;
      wasm.gradientSums(n, alphaAt, inverseAt, ...args);
      for (let c = 0; c < d; c++) grad[c] = memory[outAt + 1 + c];
      return memory[outAt];
    },
  };
  // The posteriors' data in the memory are overwritten.
  wasm.claim(steps);
  return steps;
}

/** Kernel parameters from the raw (log) vector used by the optimizer. */
export function paramsFromRaw(
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

/** The raw (log) vector of kernel parameters: [log ℓ⁻²_1..d, log s, log(noise − minimumNoise)]. */
export function rawFromParams(
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

/**
 * Negative log posterior of the raw parameters: `full` gives it with its gradient (Infinity
 * when K is not positive definite), `value` alone (one Cholesky factorization, no inverse).
 * `full` right after `value` at the same point reuses the factorization.
 */
export function makeLoss(
  data: GpData,
  logPrior: LogPrior,
  minimumNoise: number,
  deterministic: boolean,
) {
  const { n, d, y } = data;
  const diffs = pairDifferences(data);
  const wasm = wasmKernels();
  const steps = wasm === null ? javascriptSteps(data, diffs) : webAssemblySteps(wasm, data, diffs);
  const { l, alpha, inverse } = steps;
  const nRaw = deterministic ? d + 1 : d + 2;
  const grad = new Float64Array(nRaw);
  const sums = new Float64Array(d);
  const failed = new Float64Array(nRaw).fill(Number.NaN);
  // The point whose factorization `steps`, `alpha` and `loss` hold.
  const at = new Float64Array(nRaw).fill(Number.NaN);
  let loss = Number.NaN;
  let params: KernelParams | null = null;
  let prior: LogPriorValue | null = null;

  const factor = (raw: Float64Array): number => {
    let same = true;
    for (let i = 0; i < nRaw; i++) if (at[i] !== raw[i]) same = false;
    if (same) return loss;
    at.set(raw);
    params = paramsFromRaw(raw, d, minimumNoise, deterministic);
    prior = null;
    if (!steps.factor(params)) {
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
    if (!Number.isFinite(value) || prior === null || params === null) {
      return [Number.POSITIVE_INFINITY, failed];
    }
    const ils = params.inverseSquaredLengthscales;
    const s = params.kernelScale;
    // ∂ log p(y)/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ), the pairs (i, j) and (j, i) together.
    let gradScale = steps.gradient(sums);
    let traceW = 0;
    for (let i = 0; i < n; i++) traceW += alpha[i] * alpha[i] - inverse[i * n + i];
    gradScale += traceW * s;
    // Loss = −(log likelihood + log prior); chain rule to the log parameters.
    for (let c = 0; c < d; c++) {
      grad[c] = -(0.5 * sums[c] * ils[c] + prior.gradInverseSquaredLengthscales[c] * ils[c]);
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
