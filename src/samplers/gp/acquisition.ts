/**
 * Acquisition functions over a GP posterior, for minimization of the (standardized,
 * sign-adjusted) objective.
 *
 * Log expected improvement follows Ament et al. (2023), "Unexpected Improvements to Expected
 * Improvement for Bayesian Optimization": EI(x) = σ h(z) with z = (f* − μ)/σ and
 * h(z) = φ(z) + zΦ(z), and log h is evaluated without cancellation or underflow in three
 * regimes: directly for z > −1, as log φ(z) + log1p(z Φ(z)/φ(z)) with the Mills ratio
 * Φ/φ = √(π/2) erfcx(−z/√2) down to z = −200, and by its asymptotic series below.
 * Constraints multiply EI by the probability of feasibility (Gardner et al. 2014): log EI +
 * Σ log P(c_i ≤ 0).
 */

import { cdfOverPdf, logNormCdf, logNormPdf, normCdf, normPdf } from "../../math/special/normal.js";
import type { GpPosterior } from "./gp.js";

/** log h(z) = log(φ(z) + zΦ(z)), finite for every finite z. */
export function logH(z: number): number {
  if (z > -1) return Math.log(normPdf(z) + z * normCdf(z));
  if (z > -200) return logNormPdf(z) + Math.log1p(z * cdfOverPdf(z));
  // h(z) = φ(z)/z² (1 − 3/z² + 15/z⁴ − …) as z → −∞.
  const w = 1 / (z * z);
  return logNormPdf(z) + Math.log(w) + Math.log1p(-3 * w + 15 * w * w);
}

/** d log h/dz = Φ(z)/h(z). */
export function logHDerivative(z: number): number {
  if (z > -1) {
    const cdf = normCdf(z);
    return cdf / (normPdf(z) + z * cdf);
  }
  if (z > -200) {
    const r = cdfOverPdf(z);
    return r / (1 + z * r);
  }
  const w = 1 / (z * z);
  return (-z * (1 - w + 3 * w * w)) / (1 - 3 * w + 15 * w * w);
}

/**
 * log E[max(best − Y, 0)] for Y ~ N(mean, variance): the log expected improvement below
 * `best` (minimization). Returns −Infinity only when variance is 0 and mean ≥ best.
 */
export function logEi(mean: number, variance: number, best: number): number {
  const sigma = Math.sqrt(variance);
  return 0.5 * Math.log(variance) + logH((best - mean) / sigma);
}

/** A function of the normalized parameters to maximize. */
export interface AcquisitionFunction {
  /** Values at the m rows of `points` (row-major m × d), into `out`. */
  evaluateBatch(points: Float64Array, m: number, out: Float64Array): void;
  /** The value at x, with its gradient written into `grad` (zero on categorical dimensions). */
  evaluateWithGradient(x: Float64Array, grad: Float64Array): number;
}

/** Variance added before taking logs, so that observed points keep a finite value (Optuna's). */
export const STABILIZING_NOISE = 1e-12;

/** A term of the form F(μ(x), σ²(x)) with known ∂F/∂μ and ∂F/∂σ². */
abstract class PosteriorTerm implements AcquisitionFunction {
  protected readonly posterior: GpPosterior;
  private mean = new Float64Array(0);
  private variance = new Float64Array(0);
  private readonly gradMean: Float64Array;
  private readonly gradVariance: Float64Array;

  constructor(posterior: GpPosterior) {
    this.posterior = posterior;
    this.gradMean = new Float64Array(posterior.data.d);
    this.gradVariance = new Float64Array(posterior.data.d);
  }

  /** F and its partial derivatives [F, ∂F/∂μ, ∂F/∂σ²]. */
  protected abstract value(mean: number, variance: number): number;
  protected abstract partials(mean: number, variance: number): [number, number, number];

  evaluateBatch(points: Float64Array, m: number, out: Float64Array): void {
    if (this.mean.length < m) {
      this.mean = new Float64Array(m);
      this.variance = new Float64Array(m);
    }
    this.posterior.predict(points, m, this.mean, this.variance);
    for (let q = 0; q < m; q++) {
      out[q] = this.value(this.mean[q], this.variance[q] + STABILIZING_NOISE);
    }
  }

  evaluateWithGradient(x: Float64Array, grad: Float64Array): number {
    const [mean, variance] = this.posterior.predictWithGradient(
      x,
      this.gradMean,
      this.gradVariance,
    );
    const [f, dMean, dVariance] = this.partials(mean, variance + STABILIZING_NOISE);
    for (let c = 0; c < grad.length; c++) {
      grad[c] = dMean * this.gradMean[c] + dVariance * this.gradVariance[c];
    }
    return f;
  }
}

/** log EI below `best` (minimization of the GP's target). */
export class LogEi extends PosteriorTerm {
  readonly best: number;

  constructor(posterior: GpPosterior, best: number) {
    super(posterior);
    this.best = best;
  }

  protected value(mean: number, variance: number): number {
    return logEi(mean, variance, this.best);
  }

  protected partials(mean: number, variance: number): [number, number, number] {
    const sigma = Math.sqrt(variance);
    const z = (this.best - mean) / sigma;
    const slope = logHDerivative(z);
    return [0.5 * Math.log(variance) + logH(z), -slope / sigma, (1 - z * slope) / (2 * variance)];
  }
}

/** log P(Y ≤ threshold): the log probability that a constraint's value is feasible. */
export class LogPi extends PosteriorTerm {
  readonly threshold: number;

  constructor(posterior: GpPosterior, threshold: number) {
    super(posterior);
    this.threshold = threshold;
  }

  protected value(mean: number, variance: number): number {
    return logNormCdf((this.threshold - mean) / Math.sqrt(variance));
  }

  protected partials(mean: number, variance: number): [number, number, number] {
    const sigma = Math.sqrt(variance);
    const z = (this.threshold - mean) / sigma;
    const ratio = 1 / cdfOverPdf(z); // φ(z)/Φ(z)
    return [logNormCdf(z), -ratio / sigma, (-ratio * z) / (2 * variance)];
  }
}

/** The sum of several acquisition terms (e.g. log EI + Σ log PI for constraints). */
export class SumAcquisition implements AcquisitionFunction {
  readonly terms: readonly AcquisitionFunction[];
  private buffer = new Float64Array(0);
  private readonly gradBuffer: Float64Array;

  constructor(terms: readonly AcquisitionFunction[], d: number) {
    if (terms.length === 0) throw new RangeError("SumAcquisition needs at least one term.");
    this.terms = terms;
    this.gradBuffer = new Float64Array(d);
  }

  evaluateBatch(points: Float64Array, m: number, out: Float64Array): void {
    if (this.buffer.length < m) this.buffer = new Float64Array(m);
    this.terms[0].evaluateBatch(points, m, out);
    for (let t = 1; t < this.terms.length; t++) {
      this.terms[t].evaluateBatch(points, m, this.buffer);
      for (let q = 0; q < m; q++) out[q] += this.buffer[q];
    }
  }

  evaluateWithGradient(x: Float64Array, grad: Float64Array): number {
    let f = this.terms[0].evaluateWithGradient(x, grad);
    for (let t = 1; t < this.terms.length; t++) {
      f += this.terms[t].evaluateWithGradient(x, this.gradBuffer);
      for (let c = 0; c < grad.length; c++) grad[c] += this.gradBuffer[c];
    }
    return f;
  }
}
