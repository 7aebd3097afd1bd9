/**
 * Gaussian-process regression with a zero mean on standardized targets (Rasmussen & Williams
 * 2006, Alg. 2.1): hyperparameters by maximum a posteriori (log marginal likelihood + log
 * prior, analytic gradient, eq. 5.9), then the posterior mean and variance at new points.
 *
 * The hot loops (likelihood.ts, the predictions) inline the Matérn formulas of kernel.ts
 * instead of calling them per pair, and run in the WebAssembly SIMD kernels of
 * src/math/wasm/kernels.wat where available, with the same results as their JavaScript
 * fallbacks; the tests check both against finite differences. Cost per trial: the fit needs
 * O(n³) per likelihood evaluation (Cholesky and K⁻¹ for the gradient), a prediction
 * O(n d + n²) per point.
 */

import {
  cholesky,
  invertLowerPacked,
  packedLowerMatVec,
  packedLowerTransposedMatVec,
  solveLower,
  solveLowerTransposed,
} from "../../math/linalg/cholesky.js";
import { type LbfgsbCorrections, minimizeLbfgsb } from "../../math/optimize/lbfgsb.js";
import { EXP_NEGATIVE_TABLES, expNegative } from "../../math/special/exp.js";
import { even, MemoryPlan, type WasmKernels, wasmKernels } from "../../math/wasm/kernels.js";
import type { KernelParams } from "./kernel.js";
import { makeLoss, paramsFromRaw, rawFromParams } from "./likelihood.js";
import { DEFAULT_MINIMUM_NOISE_VAR, defaultLogPrior, type LogPrior } from "./prior.js";

export { logMarginalLikelihood } from "./likelihood.js";

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
 * Where a posterior keeps its data in the WebAssembly kernels' memory (f64 offsets): L⁻¹, α,
 * the training points (row-major and dimension-major), ℓ⁻², the categorical flags and the exp
 * tables stay loaded between calls; the rest is per call.
 */
interface WasmLayout {
  readonly tables: number;
  readonly lInv: number;
  readonly alpha: number;
  readonly x: number;
  readonly xTransposed: number;
  /** The dimension-major stride: n rounded up to a multiple of 8. */
  readonly stride: number;
  readonly w: number;
  readonly categorical: number;
  /** predictWithGradient: the point, kernel values, slopes, L⁻¹k, L⁻ᵀL⁻¹k and the sums. */
  readonly point: number;
  readonly values: number;
  readonly slopes: number;
  readonly v: number;
  readonly beta: number;
  readonly sums: number;
  /** predict: 8 points transposed, their kernel rows, variances and means. */
  readonly points8: number;
  readonly rows8: number;
  readonly out8: number;
  readonly end: number;
}

function wasmLayout(n: number, d: number, lInvLength: number): WasmLayout {
  const stride = (n + 7) & ~7;
  const plan = new MemoryPlan();
  return {
    tables: plan.take(EXP_NEGATIVE_TABLES.length),
    lInv: plan.take(lInvLength),
    alpha: plan.take(n),
    x: plan.take(n * d + 1),
    xTransposed: plan.take(d * stride),
    stride,
    w: plan.take(d + 1),
    categorical: plan.take(d),
    point: plan.take(d + 1),
    values: plan.take(stride),
    slopes: plan.take(stride),
    v: plan.take(n),
    beta: plan.take(n),
    sums: plan.take(2 + 2 * even(d)),
    points8: plan.take(8 * d),
    rows8: plan.take(8 * n),
    out8: plan.take(16),
    end: plan.end,
  };
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
  /** The columns of L⁻¹, each contiguous (column c: rows c…n − 1), for the JavaScript loops. */
  private lInvColumns: Float64Array | null = null;
  private readonly layout: WasmLayout;

  /**
   * Factorizes K for `data` and `params` (O(n³)), or takes `factors` (K⁻¹y and L⁻¹ packed by
   * rows) already computed for them.
   */
  constructor(
    data: GpData,
    params: KernelParams,
    factors: { alpha: Float64Array; lInv: Float64Array } | null = null,
  ) {
    this.data = data;
    this.params = params;
    const { n } = data;
    const s = params.kernelScale;
    // matern(s, 0) = s on the diagonal.
    const diagonal = s + params.noiseVar;
    this.layout = wasmLayout(n, data.d, (n * (n + 1)) / 2);
    const wasm = wasmKernels();
    const factored =
      factors !== null
        ? ([factors.alpha, factors.lInv] as const)
        : wasm === null
          ? null
          : this.factorInWasm(wasm, diagonal);
    if (factored !== null) {
      [this.alpha, this.lInv] = factored;
    } else {
      const k = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) k[i * n + j] = matern(s, this.distance(data.x, i, j));
        k[i * n + i] = diagonal;
      }
      const factor = cholesky(k, n);
      this.alpha = Float64Array.from(data.y);
      solveLower(factor.l, n, this.alpha);
      solveLowerTransposed(factor.l, n, this.alpha);
      this.lInv = invertLowerPacked(factor.l, n);
    }
    this.kx = new Float64Array(n);
    this.v = new Float64Array(n);
    this.beta = new Float64Array(n);
    this.slopes = new Float64Array(n);
  }

  /**
   * The posterior with the same hyperparameters on `data`, whose first n rows are this
   * posterior's training points and whose targets may all differ: L⁻¹ grows by one row per
   * new point (block inversion of the bordered factor, O(n²) each: with K = LLᵀ and the new
   * point's kernel column k, l = L⁻¹k, λ = √(k(x, x) + noise − ‖l‖²), the new row of L⁻¹ is
   * (−(L⁻ᵀl)ᵀ/λ, 1/λ)), then K⁻¹y = L⁻ᵀL⁻¹y; no O(n³) refactorization. Null when a new
   * point makes K numerically singular (λ² ≤ 1e-10 of the diagonal): factorize afresh then,
   * with jitter.
   */
  extend(data: GpData): GpPosterior | null {
    const old = this.data.n;
    const { n, x } = data;
    const s = this.params.kernelScale;
    const diagonal = s + this.params.noiseVar;
    const lInv = new Float64Array((n * (n + 1)) / 2);
    lInv.set(this.lInv);
    const column = new Float64Array(n);
    const l = new Float64Array(n);
    const back = new Float64Array(n);
    for (let i = old; i < n; i++) {
      for (let j = 0; j < i; j++) column[j] = matern(s, this.pairDistance(x, i, j));
      packedLowerMatVec(lInv, i, column, l);
      let squared = 0;
      for (let j = 0; j < i; j++) squared += l[j] * l[j];
      const pivot = diagonal - squared;
      if (!(pivot > 1e-10 * diagonal)) return null;
      const lambda = Math.sqrt(pivot);
      packedLowerTransposedMatVec(lInv, i, l, back);
      const row = (i * (i + 1)) / 2;
      for (let j = 0; j < i; j++) lInv[row + j] = -back[j] / lambda;
      lInv[row + i] = 1 / lambda;
    }
    const v = packedLowerMatVec(lInv, n, data.y, new Float64Array(n));
    const alpha = packedLowerTransposedMatVec(lInv, n, v, new Float64Array(n));
    return new GpPosterior(data, this.params, { alpha, lInv });
  }

  /** r² between rows i and j of `x` (dimension d) under this posterior's lengthscales. */
  private pairDistance(x: Float64Array, i: number, j: number): number {
    const { d, isCategorical } = this.data;
    const ils = this.params.inverseSquaredLengthscales;
    const oa = i * d;
    const ob = j * d;
    let r2 = 0;
    for (let c = 0; c < d; c++) {
      const diff = x[oa + c] - x[ob + c];
      if (isCategorical[c]) {
        if (diff !== 0) r2 += ils[c];
      } else r2 += ils[c] * diff * diff;
    }
    return r2;
  }

  /**
   * [α, L⁻¹] from the WebAssembly kernels: K's rows by `kernelRows8` (the training points
   * eight at a time), then `cholesky` and `invertLower`, the same operations as the
   * JavaScript path. Leaves this posterior's data loaded. Null when K needs jitter to be
   * factorized: `cholesky` (cholesky.ts) then retries with it.
   */
  private factorInWasm(wasm: WasmKernels, diagonal: number): [Float64Array, Float64Array] | null {
    const { n, d, x, y } = this.data;
    const at = this.layout;
    const kAt = at.end;
    const lAt = even(kAt + (n * (n - 1)) / 2);
    const memory = wasm.reserve(lAt + n * n);
    const s = this.params.kernelScale;
    wasm.claim(this);
    this.loadData(memory);
    for (let i0 = 0; i0 < n; i0 += 8) {
      for (let b = 0; b < 8; b++) {
        const o = Math.min(i0 + b, n - 1) * d;
        for (let c = 0; c < d; c++) memory[at.points8 + 8 * c + b] = x[o + c];
      }
      wasm.kernelRows8(at.x, n, d, at.w, at.categorical, at.points8, at.tables, s, at.rows8);
      // Row i of K's strict lower triangle, packed at i(i − 1)/2.
      for (let i = i0; i < Math.min(i0 + 8, n); i++) {
        const row = kAt + (i * (i - 1)) / 2;
        for (let j = 0, r = at.rows8 + i - i0; j < i; j++, r += 8) memory[row + j] = memory[r];
      }
    }
    if (!wasm.cholesky(kAt, diagonal, n, lAt)) {
      wasm.release(this);
      return null;
    }
    const l = memory.subarray(lAt, lAt + n * n);
    const alpha = Float64Array.from(y);
    solveLower(l, n, alpha);
    solveLowerTransposed(l, n, alpha);
    wasm.invertLower(lAt, n, at.lInv, at.v, at.beta);
    memory.set(alpha, at.alpha);
    return [alpha, memory.slice(at.lInv, at.lInv + (n * (n + 1)) / 2)];
  }

  /** The training points, ℓ⁻², the categorical flags and the exp tables into the memory. */
  private loadData(memory: Float64Array): void {
    const { n, d, x, isCategorical } = this.data;
    const at = this.layout;
    memory.set(EXP_NEGATIVE_TABLES, at.tables);
    memory.set(x, at.x);
    memory[at.x + n * d] = 0;
    memory.fill(0, at.xTransposed, at.w);
    for (let j = 0; j < n; j++) {
      for (let c = 0; c < d; c++) memory[at.xTransposed + c * at.stride + j] = x[j * d + c];
    }
    memory.set(this.params.inverseSquaredLengthscales, at.w);
    memory[at.w + d] = 0;
    for (let c = 0; c < d; c++) memory[at.categorical + c] = isCategorical[c];
  }

  /**
   * The kernels' memory with this posterior's data loaded (again, when another user wrote
   * over them since the last call).
   */
  private wasmMemory(wasm: WasmKernels): Float64Array {
    const at = this.layout;
    const memory = wasm.reserve(at.end);
    if (wasm.claim(this)) return memory;
    this.loadData(memory);
    memory.set(this.lInv, at.lInv);
    memory.set(this.alpha, at.alpha);
    return memory;
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
   * WebAssembly kernels `kernelRows8`, `variance8` and `mean8`, whose operations run in the same order
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
    const { n, d } = this.data;
    const s = this.params.kernelScale;
    const at = this.layout;
    const memory = this.wasmMemory(wasm);
    const pAt = at.points8;
    const rowsAt = at.rows8;
    const outAt = at.out8;
    for (let q0 = 0; q0 < m; q0 += 8) {
      // Lanes past the last point repeat it; their results are ignored.
      for (let b = 0; b < 8; b++) {
        const o = Math.min(q0 + b, m - 1) * d;
        for (let c = 0; c < d; c++) memory[pAt + 8 * c + b] = points[o + c];
      }
      wasm.kernelRows8(at.x, n, d, at.w, at.categorical, pAt, at.tables, s, rowsAt);
      wasm.variance8(at.lInv, n, rowsAt, outAt);
      wasm.mean8(rowsAt, n, at.alpha, outAt + 8);
      const count = Math.min(8, m - q0);
      for (let b = 0; b < count; b++) {
        mean[q0 + b] = memory[outAt + 8 + b];
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

  /** `lInvColumns`, computed on first use. */
  private lInvColumnsOnce(): Float64Array {
    if (this.lInvColumns !== null) return this.lInvColumns;
    const { n } = this.data;
    const columns = new Float64Array(this.lInv.length);
    for (let c = 0, o = 0; c < n; c++) {
      for (let i = c; i < n; i++) columns[o++] = this.lInv[(i * (i + 1)) / 2 + c];
    }
    this.lInvColumns = columns;
    return columns;
  }

  /**
   * out = L⁻ᵀ v (`packedLowerTransposedMatVec`) from the columns of L⁻¹ stored contiguously,
   * four outputs at a time; each output sums its terms in the same order as there.
   */
  private lowerTransposedTimes(v: Float64Array, out: Float64Array): void {
    const { n } = this.data;
    const cols = this.lInvColumnsOnce();
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
   * [μ, ‖L⁻¹k‖²] at x with the gradients' sums in `gradMean` and `gradVariance` (zero on
   * categorical coordinates): the kernel against each training point j and its slope
   * ∂k_j/∂r² (doubled), v = L⁻¹k, β = L⁻ᵀv = K⁻¹k, then ∂μ/∂x_c = Σ_j 2k'_j α_j ℓ⁻²_c (x_c − x_jc)
   * and ∂σ²/∂x_c = −2 Σ_j 2k'_j β_j ℓ⁻²_c (x_c − x_jc).
   */
  private posteriorGradientSums(
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
    this.lowerTransposedTimes(this.v, this.beta);
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
    return [mu, vv];
  }

  /** `posteriorGradientSums` in the WebAssembly kernel `posteriorGradient` (same results). */
  private wasmPosteriorGradientSums(
    wasm: WasmKernels,
    x: Float64Array,
    gradMean: Float64Array,
    gradVariance: Float64Array,
  ): [number, number] {
    const { n, d, isCategorical } = this.data;
    const s = this.params.kernelScale;
    const at = this.layout;
    const memory = this.wasmMemory(wasm);
    memory.set(x, at.point);
    memory[at.point + d] = 0;
    wasm.posteriorGradient(
      at.lInv,
      n,
      at.alpha,
      at.xTransposed,
      at.stride,
      at.x,
      d,
      at.w,
      at.categorical,
      at.point,
      at.tables,
      s,
      2 * s * (-5 / 6),
      at.values,
      at.slopes,
      at.v,
      at.beta,
      at.sums,
    );
    const variances = at.sums + 2 + even(d);
    for (let c = 0; c < d; c++) {
      const categorical = isCategorical[c] !== 0;
      gradMean[c] = categorical ? 0 : memory[at.sums + 2 + c];
      gradVariance[c] = categorical ? 0 : memory[variances + c];
    }
    return [memory[at.sums], memory[at.sums + 1]];
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
    const wasm = wasmKernels();
    const [mu, vv] =
      wasm === null
        ? this.posteriorGradientSums(x, gradMean, gradVariance)
        : this.wasmPosteriorGradientSums(wasm, x, gradMean, gradVariance);
    const s = this.params.kernelScale;
    const variance = s - vv;
    if (variance <= 0) {
      gradVariance.fill(0);
      return [mu, 0];
    }
    return [mu, variance];
  }
}
