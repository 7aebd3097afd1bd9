/**
 * The CMA-ES state machine (ask / tell), independent of studies and trials.
 *
 * - CMA-ES with the default strategy parameters of N. Hansen, "The CMA Evolution Strategy:
 *   A Tutorial" (arXiv:1604.00772, 2016), Table 1, including negative (active) weights.
 * - Separable CMA-ES (R. Ros & N. Hansen, "A Simple Modification in CMA-ES Achieving Linear
 *   Time and Space Complexity", PPSN 2008): a diagonal covariance, learning rates × (n + 2) / 3.
 * - CMA-ES with margin (R. Hamano et al., "CMA-ES with Margin: Lower-Bounding Marginal
 *   Probability for Mixed-Integer Black-Box Optimization", GECCO 2022): on discrete
 *   coordinates, the probability of sampling a value other than the one under the mean is kept
 *   at least `margin` (default 1 / (n λ)) by moving the mean and scaling the coordinate (A).
 *
 * The whole state is plain numbers (`toJSON` / `CmaEs.fromJSON` round-trip exactly), so an
 * optimizer can be stored between generations and continued by another process.
 */
import { symmetricEigen } from "../../math/linalg/eigen.js";
import type { Rng } from "../../math/rng.js";
import { normalCdf, normalQuantile } from "./normal.js";

const EPS = 1e-8;
const SIGMA_MAX = 1e32;
const TOL_X_UP = 1e4;
const TOL_FUN = 1e-12;
const TOL_CONDITION = 1e14;

/** The grid of a discrete coordinate, in the optimizer's coordinates (ascending positions). */
export interface DiscreteAxis {
  /** Number of values (at least 2). */
  readonly count: number;
  /** Position of value k (0 <= k < count); strictly increasing in k. */
  position(k: number): number;
}

/** Index of the grid value whose cell holds x (cells split at midpoints between positions). */
export function axisIndex(axis: DiscreteAxis, x: number): number {
  // Smallest k in [0, count − 1) with threshold(k) >= x, else count − 1.
  let lo = 0;
  let hi = axis.count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const threshold = (axis.position(mid) + axis.position(mid + 1)) / 2;
    if (threshold >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** How to build a `CmaEs`. */
export interface CmaEsOptions {
  /** Initial mean (its length is the dimension n). */
  mean: ArrayLike<number>;
  /** Initial step size (> 0). */
  sigma: number;
  /** Initial covariance, n × n row-major (full CMA) — default identity. */
  cov?: ArrayLike<number> | null;
  /**
   * Lower bounds per coordinate (default −∞); samples outside are drawn again, then clipped.
   * Discrete coordinates are bounded by their grid instead.
   */
  lower?: ArrayLike<number>;
  /** Upper bounds per coordinate (default +∞). */
  upper?: ArrayLike<number>;
  /** λ, the number of samples per generation; default 4 + ⌊3 ln n⌋. */
  popsize?: number;
  /** Diagonal covariance (sep-CMA-ES). Default false. */
  separable?: boolean;
  /** How many times an out-of-bounds sample is drawn again before clipping (default 100). */
  maxResampling?: number;
  /** Per coordinate: its grid when discrete (enables the margin), null when continuous. */
  discrete?: readonly (DiscreteAxis | null)[];
  /** Margin α of CMA-ES with margin; default 1 / (n λ). */
  margin?: number;
}

/** The state of a `CmaEs` as plain JSON. */
export interface CmaEsJson {
  n: number;
  popsize: number;
  separable: boolean;
  maxResampling: number;
  mean: number[];
  sigma: number;
  /** Upper triangle row by row (full), or the diagonal (separable). */
  cov: number[];
  pSigma: number[];
  pc: number[];
  generation: number;
  tolX: number;
  funHistory: number[];
  lower: (number | null)[];
  upper: (number | null)[];
  margin: number | null;
  /** Margin scaling per coordinate (only with discrete coordinates). */
  scale: number[] | null;
}

/** One evaluated sample for `tell`: the raw sample (`x` of `ask`) and its value to minimize. */
export interface Solution {
  readonly x: ArrayLike<number>;
  readonly value: number;
}

/** The default population size 4 + ⌊3 ln n⌋. */
export function defaultPopsize(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

interface Strategy {
  mu: number;
  weights: Float64Array;
  weightSum: number;
  muEff: number;
  cSigma: number;
  dSigma: number;
  cc: number;
  c1: number;
  cMu: number;
  chiN: number;
  funHistoryTerm: number;
}

/** Strategy parameters of the tutorial's Table 1 (α_cov = 2, c_m = 1). */
function strategy(n: number, lambda: number, separable: boolean): Strategy {
  const mu = Math.floor(lambda / 2);
  const raw = new Float64Array(lambda);
  for (let i = 0; i < lambda; i++) raw[i] = Math.log((lambda + 1) / 2) - Math.log(i + 1);
  let posSum = 0;
  let posSq = 0;
  let negSum = 0;
  let negSq = 0;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i]!;
    if (i < mu) {
      posSum += w;
      posSq += w * w;
    } else {
      negSum += w;
      negSq += w * w;
    }
  }
  const muEff = (posSum * posSum) / posSq;
  const muEffMinus = negSq > 0 ? (negSum * negSum) / negSq : 0;
  const alphaCov = 2;
  let c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
  let cMu = Math.min(
    1 - c1,
    (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2),
  );
  if (separable) {
    // Ros & Hansen (2008): a diagonal model learns (n + 2) / 3 times faster.
    c1 = Math.min(1, (c1 * (n + 2)) / 3);
    cMu = Math.min(1 - c1, (cMu * (n + 2)) / 3);
  }
  const alphaMuMinus = cMu > 0 ? 1 + c1 / cMu : Number.POSITIVE_INFINITY;
  const alphaMuEffMinus = 1 + (2 * muEffMinus) / (muEff + 2);
  const alphaPosDef = cMu > 0 ? (1 - c1 - cMu) / (n * cMu) : Number.POSITIVE_INFINITY;
  const alphaMin = Math.min(alphaMuMinus, alphaMuEffMinus, alphaPosDef);
  let negAbs = 0;
  for (let i = mu; i < lambda; i++) negAbs += Math.abs(Math.min(raw[i]!, 0));
  const weights = new Float64Array(lambda);
  let weightSum = 0;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i]!;
    weights[i] = w >= 0 ? w / posSum : negAbs > 0 ? (alphaMin * w) / negAbs : 0;
    weightSum += weights[i]!;
  }
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const funHistoryTerm = 10 + Math.ceil((30 * n) / lambda);
  return { mu, weights, weightSum, muEff, cSigma, dSigma, cc, c1, cMu, chiN, funHistoryTerm };
}

/** A sample from `ask`. */
export interface Sample {
  /** The raw sample, to give back to `tell`. */
  readonly x: Float64Array;
  /** The point to evaluate: `x` with discrete coordinates moved onto their grid. */
  readonly point: Float64Array;
}

/** A CMA-ES optimizer: `ask` λ samples, evaluate them, `tell` the values, repeat. */
export class CmaEs {
  readonly n: number;
  readonly popsize: number;
  readonly separable: boolean;
  readonly maxResampling: number;
  private readonly s: Strategy;
  private readonly mean: Float64Array;
  private sigma: number;
  /** n × n (full) or n (separable). */
  private readonly cov: Float64Array;
  private readonly pSigma: Float64Array;
  private readonly pc: Float64Array;
  private g: number;
  private tolX: number;
  private readonly funHistory: Float64Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly discrete: readonly (DiscreteAxis | null)[];
  private readonly margin: number | null;
  private readonly scale: Float64Array | null;
  /** Cached square roots of the eigenvalues (D) and eigenvectors (B, columns) of cov. */
  private eigD: Float64Array | null = null;
  private eigB: Float64Array | null = null;
  /** Whether an eigenvalue of C was not positive and had to be raised. */
  private eigClamped = false;

  constructor(options: CmaEsOptions) {
    const n = options.mean.length;
    if (n < 1) throw new RangeError("CmaEs: the mean must have at least one coordinate");
    if (!(options.sigma > 0) || !Number.isFinite(options.sigma)) {
      throw new RangeError(`CmaEs: sigma must be a positive number, got ${options.sigma}`);
    }
    const popsize = options.popsize ?? defaultPopsize(n);
    if (!Number.isInteger(popsize) || popsize < 2) {
      throw new RangeError(`CmaEs: popsize must be an integer >= 2, got ${popsize}`);
    }
    this.n = n;
    this.popsize = popsize;
    this.separable = options.separable ?? false;
    this.maxResampling = options.maxResampling ?? 100;
    this.s = strategy(n, popsize, this.separable);
    this.mean = Float64Array.from(options.mean);
    this.sigma = options.sigma;
    if (this.separable) {
      this.cov = new Float64Array(n).fill(1);
      if (options.cov) for (let i = 0; i < n; i++) this.cov[i] = options.cov[i * n + i]!;
    } else {
      this.cov = new Float64Array(n * n);
      if (options.cov) {
        if (options.cov.length !== n * n) throw new RangeError("CmaEs: cov must be n × n");
        for (let i = 0; i < n * n; i++) this.cov[i] = options.cov[i]!;
      } else {
        for (let i = 0; i < n; i++) this.cov[i * n + i] = 1;
      }
    }
    this.pSigma = new Float64Array(n);
    this.pc = new Float64Array(n);
    this.g = 0;
    this.tolX = 1e-12 * options.sigma;
    this.funHistory = new Float64Array(2 * this.s.funHistoryTerm);
    this.lower = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.upper = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    if (options.lower) for (let i = 0; i < n; i++) this.lower[i] = options.lower[i]!;
    if (options.upper) for (let i = 0; i < n; i++) this.upper[i] = options.upper[i]!;
    this.discrete = options.discrete ?? new Array<null>(n).fill(null);
    if (this.discrete.length !== n) throw new RangeError("CmaEs: discrete must have n entries");
    // A discrete coordinate is bounded by its grid widened by half an end cell, so that samples
    // on the plateaus beyond the end values cannot drag the mean (and σ) away without limit.
    this.discrete.forEach((axis, i) => {
      if (axis === null) return;
      const k = axis.count - 1;
      this.lower[i] = axis.position(0) - (axis.position(1) - axis.position(0)) / 2;
      this.upper[i] = axis.position(k) + (axis.position(k) - axis.position(k - 1)) / 2;
    });
    const hasDiscrete = this.discrete.some((axis) => axis !== null);
    this.margin = hasDiscrete ? (options.margin ?? 1 / (n * popsize)) : null;
    if (this.margin !== null && !(this.margin > 0 && this.margin < 0.5)) {
      throw new RangeError(`CmaEs: margin must be in (0, 0.5), got ${this.margin}`);
    }
    this.scale = hasDiscrete ? new Float64Array(n).fill(1) : null;
  }

  /** Rebuilds an optimizer from `toJSON()`; `discrete` must describe the same coordinates. */
  static fromJSON(json: CmaEsJson, discrete?: readonly (DiscreteAxis | null)[]): CmaEs {
    const n = json.n;
    const es = new CmaEs({
      mean: json.mean,
      sigma: 1,
      popsize: json.popsize,
      separable: json.separable,
      maxResampling: json.maxResampling,
      lower: json.lower.map((v) => v ?? Number.NEGATIVE_INFINITY),
      upper: json.upper.map((v) => v ?? Number.POSITIVE_INFINITY),
      ...(discrete !== undefined ? { discrete } : {}),
      ...(json.margin !== null ? { margin: json.margin } : {}),
    });
    es.sigma = json.sigma;
    if (json.separable) es.cov.set(json.cov);
    else {
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          es.cov[i * n + j] = json.cov[k]!;
          es.cov[j * n + i] = json.cov[k]!;
          k++;
        }
      }
    }
    es.pSigma.set(json.pSigma);
    es.pc.set(json.pc);
    es.g = json.generation;
    es.tolX = json.tolX;
    es.funHistory.set(json.funHistory);
    if (es.scale !== null && json.scale !== null) es.scale.set(json.scale);
    return es;
  }

  /** The state as plain JSON numbers (finite). */
  toJSON(): CmaEsJson {
    const n = this.n;
    const cov: number[] = [];
    if (this.separable) cov.push(...this.cov);
    else for (let i = 0; i < n; i++) for (let j = i; j < n; j++) cov.push(this.cov[i * n + j]!);
    return {
      n,
      popsize: this.popsize,
      separable: this.separable,
      maxResampling: this.maxResampling,
      mean: Array.from(this.mean),
      sigma: this.sigma,
      cov,
      pSigma: Array.from(this.pSigma),
      pc: Array.from(this.pc),
      generation: this.g,
      tolX: this.tolX,
      funHistory: Array.from(this.funHistory),
      lower: Array.from(this.lower, (v) => (Number.isFinite(v) ? v : null)),
      upper: Array.from(this.upper, (v) => (Number.isFinite(v) ? v : null)),
      margin: this.margin,
      scale: this.scale === null ? null : Array.from(this.scale),
    };
  }

  /** Number of `tell`s so far. */
  get generation(): number {
    return this.g;
  }

  /** A copy of the mean. */
  getMean(): Float64Array {
    return Float64Array.from(this.mean);
  }

  /** The step size σ. */
  getSigma(): number {
    return this.sigma;
  }

  /** A copy of the covariance matrix C (n × n row-major, also when separable). */
  getCov(): Float64Array {
    const n = this.n;
    if (!this.separable) return Float64Array.from(this.cov);
    const full = new Float64Array(n * n);
    for (let i = 0; i < n; i++) full[i * n + i] = this.cov[i]!;
    return full;
  }

  /** Eigen-decomposition of C, cached until the next `tell` (negative eigenvalues → EPS). */
  private eigen(): void {
    if (this.eigD !== null) return;
    const n = this.n;
    const d = new Float64Array(n);
    this.eigClamped = false;
    if (this.separable) {
      for (let i = 0; i < n; i++) {
        const c = this.cov[i]!;
        if (!(c > 0)) this.eigClamped = true;
        d[i] = Math.sqrt(c > 0 ? c : EPS);
      }
      this.eigD = d;
      return;
    }
    const { values, vectors } = symmetricEigen(this.cov, n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (!(v > 0)) this.eigClamped = true;
      d[i] = Math.sqrt(v > 0 ? v : EPS);
    }
    this.eigD = d;
    this.eigB = vectors;
  }

  /** y = B D z (a sample of N(0, C) from z ~ N(0, I)). */
  private transformNormal(z: Float64Array): Float64Array {
    const n = this.n;
    const d = this.eigD!;
    const y = new Float64Array(n);
    if (this.separable) {
      for (let i = 0; i < n; i++) y[i] = d[i]! * z[i]!;
      return y;
    }
    const b = this.eigB!;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += b[i * n + k]! * d[k]! * z[k]!;
      y[i] = sum;
    }
    return y;
  }

  /** C^(−1/2) y = B D⁻¹ Bᵀ y. */
  private whiten(y: ArrayLike<number>, out: Float64Array): Float64Array {
    const n = this.n;
    const d = this.eigD!;
    if (this.separable) {
      for (let i = 0; i < n; i++) out[i] = y[i]! / d[i]!;
      return out;
    }
    const b = this.eigB!;
    const t = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += b[i * n + k]! * y[i]!;
      t[k] = sum / d[k]!;
    }
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += b[i * n + k]! * t[k]!;
      out[i] = sum;
    }
    return out;
  }

  private feasible(x: Float64Array): boolean {
    for (let i = 0; i < this.n; i++) {
      if (x[i]! < this.lower[i]! || x[i]! > this.upper[i]!) return false;
    }
    return true;
  }

  private drawOnce(rng: Rng): Float64Array {
    const n = this.n;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    const y = this.transformNormal(z);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = this.mean[i]! + this.sigma * y[i]!;
    return x;
  }

  /**
   * Draws a sample of N(m, σ² C). Out-of-bounds samples (continuous coordinates) are drawn
   * again up to `maxResampling` times; the last one is clipped into the bounds.
   */
  ask(rng: Rng): Sample {
    this.eigen();
    let x: Float64Array | null = null;
    for (let i = 0; i < this.maxResampling; i++) {
      const candidate = this.drawOnce(rng);
      if (this.feasible(candidate)) {
        x = candidate;
        break;
      }
    }
    if (x === null) {
      x = this.drawOnce(rng);
      for (let i = 0; i < this.n; i++) {
        x[i] = Math.min(Math.max(x[i]!, this.lower[i]!), this.upper[i]!);
      }
    }
    return { x, point: this.encode(x) };
  }

  /** Moves discrete coordinates onto their grid (through the margin scaling A). */
  encode(x: ArrayLike<number>): Float64Array {
    const point = Float64Array.from(x);
    if (this.scale === null) return point;
    for (let i = 0; i < this.n; i++) {
      const axis = this.discrete[i];
      if (axis === null || axis === undefined) continue;
      const m = this.mean[i]!;
      const scaled = (x[i]! - m) * this.scale[i]! + m;
      point[i] = axis.position(axisIndex(axis, scaled));
    }
    return point;
  }

  /** Updates the distribution from exactly `popsize` evaluated samples (values are minimized). */
  tell(solutions: readonly Solution[]): void {
    const n = this.n;
    const lambda = this.popsize;
    const s = this.s;
    if (solutions.length !== lambda) {
      throw new RangeError(`CmaEs.tell: expected ${lambda} solutions, got ${solutions.length}`);
    }
    for (const sol of solutions) {
      if (sol.x.length !== n) throw new RangeError("CmaEs.tell: a solution has the wrong length");
      if (Number.isNaN(sol.value)) throw new RangeError("CmaEs.tell: a value is NaN");
    }
    const order = solutions
      .map((_, i) => i)
      .sort((a, b) => {
        const va = solutions[a]!.value;
        const vb = solutions[b]!.value;
        return va < vb ? -1 : va > vb ? 1 : a - b;
      });
    this.g += 1;
    const h = 2 * (this.g % s.funHistoryTerm);
    this.funHistory[h] = finite(solutions[order[0]!]!.value);
    this.funHistory[h + 1] = finite(solutions[order[lambda - 1]!]!.value);

    this.eigen();
    this.repairCov();

    // y_k = (x_k − m) / σ, in rank order.
    const ys = new Float64Array(lambda * n);
    for (let k = 0; k < lambda; k++) {
      const x = solutions[order[k]!]!.x;
      for (let i = 0; i < n; i++) ys[k * n + i] = (x[i]! - this.mean[i]!) / this.sigma;
    }
    // Recombination: y_w = Σ_{i<μ} w_i y_i; m ← m + c_m σ y_w.
    const yw = new Float64Array(n);
    for (let k = 0; k < s.mu; k++) {
      const w = s.weights[k]!;
      for (let i = 0; i < n; i++) yw[i] += w * ys[k * n + i]!;
    }
    for (let i = 0; i < n; i++) this.mean[i] += this.sigma * yw[i]!;

    // Step-size control (cumulative step-size adaptation).
    const white = this.whiten(yw, new Float64Array(n));
    const psFactor = Math.sqrt(s.cSigma * (2 - s.cSigma) * s.muEff);
    let psNormSq = 0;
    for (let i = 0; i < n; i++) {
      this.pSigma[i] = (1 - s.cSigma) * this.pSigma[i]! + psFactor * white[i]!;
      psNormSq += this.pSigma[i]! * this.pSigma[i]!;
    }
    const psNorm = Math.sqrt(psNormSq);
    this.sigma *= Math.exp((s.cSigma / s.dSigma) * (psNorm / s.chiN - 1));
    this.sigma = Math.min(this.sigma, SIGMA_MAX);

    // Covariance matrix adaptation.
    const hSigma =
      psNorm / Math.sqrt(1 - (1 - s.cSigma) ** (2 * this.g)) < (1.4 + 2 / (n + 1)) * s.chiN ? 1 : 0;
    const pcFactor = hSigma * Math.sqrt(s.cc * (2 - s.cc) * s.muEff);
    for (let i = 0; i < n; i++) this.pc[i] = (1 - s.cc) * this.pc[i]! + pcFactor * yw[i]!;
    const deltaH = (1 - hSigma) * s.cc * (2 - s.cc);

    // w°_i: negative weights are rescaled by n / ‖C^(−1/2) y_i‖².
    const wo = new Float64Array(lambda);
    const tmp = new Float64Array(n);
    for (let k = 0; k < lambda; k++) {
      const w = s.weights[k]!;
      if (w >= 0) {
        wo[k] = w;
        continue;
      }
      this.whiten(ys.subarray(k * n, (k + 1) * n), tmp);
      let sq = 0;
      for (let i = 0; i < n; i++) sq += tmp[i]! * tmp[i]!;
      wo[k] = (w * n) / (sq + EPS);
    }
    const decay = 1 + s.c1 * deltaH - s.c1 - s.cMu * s.weightSum;
    if (this.separable) {
      for (let i = 0; i < n; i++) {
        let rankMu = 0;
        for (let k = 0; k < lambda; k++) rankMu += wo[k]! * ys[k * n + i]! * ys[k * n + i]!;
        this.cov[i] = decay * this.cov[i]! + s.c1 * this.pc[i]! * this.pc[i]! + s.cMu * rankMu;
      }
    } else {
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          let rankMu = 0;
          for (let k = 0; k < lambda; k++) rankMu += wo[k]! * ys[k * n + i]! * ys[k * n + j]!;
          const v =
            decay * this.cov[i * n + j]! + s.c1 * this.pc[i]! * this.pc[j]! + s.cMu * rankMu;
          this.cov[i * n + j] = v;
          this.cov[j * n + i] = v;
        }
      }
    }
    this.eigD = null;
    this.eigB = null;
    if (this.scale !== null) this.correctMargin();
  }

  /** Replaces C by B D² Bᵀ when an eigenvalue had to be raised to EPS (keeps C positive). */
  private repairCov(): void {
    if (!this.eigClamped) return;
    const n = this.n;
    const d = this.eigD!;
    if (this.separable) {
      for (let i = 0; i < n; i++) this.cov[i] = d[i]! * d[i]!;
      return;
    }
    const b = this.eigB!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += b[i * n + k]! * d[k]! * d[k]! * b[j * n + k]!;
        this.cov[i * n + j] = sum;
      }
    }
  }

  /** Margin correction of Hamano et al. (2022) on each discrete coordinate. */
  private correctMargin(): void {
    const alpha = this.margin!;
    const scale = this.scale!;
    const qEdge = normalQuantile(1 - alpha);
    for (let i = 0; i < this.n; i++) {
      const axis = this.discrete[i];
      if (axis === null || axis === undefined) continue;
      const m = this.mean[i]!;
      const cii = this.separable ? this.cov[i]! : this.cov[i * this.n + i]!;
      const sd = Math.sqrt(Math.max(cii, 0));
      // The thresholds around the mean (equal when the mean is beyond the outermost one).
      const last = axis.count - 2;
      let pos = 0;
      {
        let lo = 0;
        let hi = last + 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (threshold(axis, mid) >= m) hi = mid;
          else lo = mid + 1;
        }
        pos = lo;
      }
      const low = threshold(axis, Math.min(Math.max(pos - 1, 0), last));
      const up = threshold(axis, Math.min(Math.max(pos, 0), last));
      const zScale = this.sigma * scale[i]! * sd;
      if (!(zScale > 0)) continue;
      const lowCdf = normalCdf((low - m) / zScale);
      const upCdf = 1 - normalCdf((up - m) / zScale);
      const midCdf = 1 - lowCdf - upCdf;
      if (Math.max(lowCdf, upCdf) > 0.5) {
        // Mean in an outermost cell: keep P(leaving the cell) >= α.
        if (Math.min(lowCdf, upCdf) < alpha) {
          const sign = Math.sign(m - up);
          this.mean[i] = up + sign * zScale * qEdge;
        }
        continue;
      }
      // Interior cell: lift each tail to at least α/2, then solve for the mean and A.
      const lowC = Math.max(lowCdf, alpha / 2);
      const upC = Math.max(upCdf, alpha / 2);
      const excess = 1 - lowC - upC - midCdf;
      const denom = lowC + midCdf + upC - (3 * alpha) / 2;
      let lowMod = lowC + (excess * (lowC - alpha / 2)) / denom;
      let upMod = upC + (excess * (upC - alpha / 2)) / denom;
      lowMod = Math.min(Math.max(lowMod, 1e-10), 0.5 - 1e-10);
      upMod = Math.min(Math.max(upMod, 1e-10), 0.5 - 1e-10);
      const chiLow = normalQuantile(1 - lowMod);
      const chiUp = normalQuantile(1 - upMod);
      scale[i] = (up - low) / ((chiLow + chiUp) * this.sigma * sd);
      this.mean[i] = (low * chiUp + up * chiLow) / (chiLow + chiUp);
    }
  }

  /** Whether the run has converged or stalled (tolerances of the `cmaes` library / pycma). */
  shouldStop(): boolean {
    const n = this.n;
    const s = this.s;
    this.eigen();
    const d = this.eigD!;
    if (this.g > s.funHistoryTerm) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const v of this.funHistory) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (hi - lo < TOL_FUN) return true;
    }
    let small = true;
    for (let i = 0; i < n; i++) {
      const cii = this.separable ? this.cov[i]! : this.cov[i * n + i]!;
      if (
        !(this.sigma * Math.sqrt(Math.max(cii, 0)) < this.tolX) ||
        !(this.sigma * Math.abs(this.pc[i]!) < this.tolX)
      ) {
        small = false;
        break;
      }
    }
    if (small) return true;
    let dMax = 0;
    let dMin = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      dMax = Math.max(dMax, d[i]!);
      dMin = Math.min(dMin, d[i]!);
    }
    if (this.sigma * dMax > TOL_X_UP) return true;
    // No effect of 0.2 standard deviations along any coordinate.
    for (let i = 0; i < n; i++) {
      const cii = this.separable ? this.cov[i]! : this.cov[i * n + i]!;
      const m = this.mean[i]!;
      if (m === m + 0.2 * this.sigma * Math.sqrt(Math.max(cii, 0))) return true;
    }
    // No effect of 0.1 standard deviations along one principal axis (cycled per generation).
    const axis = this.g % n;
    let noEffect = true;
    for (let i = 0; i < n; i++) {
      const b = this.separable ? (i === axis ? 1 : 0) : this.eigB![i * n + axis]!;
      const m = this.mean[i]!;
      if (m !== m + 0.1 * this.sigma * d[axis]! * b) {
        noEffect = false;
        break;
      }
    }
    if (noEffect) return true;
    return dMax / dMin > TOL_CONDITION;
  }
}

function threshold(axis: DiscreteAxis, k: number): number {
  return (axis.position(k) + axis.position(k + 1)) / 2;
}

function finite(v: number): number {
  return Math.min(Math.max(v, -Number.MAX_VALUE), Number.MAX_VALUE);
}
