/**
 * The truncated normal distribution N(μ, σ²) restricted to [low, high]: log density, log
 * probability of an interval, and sampling by inversion, all stable far into the tails.
 * Written in standardized bounds a = (low − μ)/σ, b = (high − μ)/σ where that is simpler.
 */
import { LOG_SQRT_2PI, logGaussMass, logNdtr, ndtriExp } from "./gauss.js";

/** log(e^x + e^y) without overflow. */
function logAddExp(x: number, y: number): number {
  const m = Math.max(x, y);
  if (m === Number.NEGATIVE_INFINITY) return m;
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}

/**
 * A standard normal variate conditioned on [a, b], by inversion of the uniform u in [0, 1].
 * The same u always gives the same value (monotone in u), and the result is clipped to [a, b].
 */
export function sampleStandardTruncNorm(a: number, b: number, u: number): number {
  if (!(a < b)) return a;
  if (a > 0) return -sampleStandardTruncNorm(-b, -a, 1 - u);
  let z: number;
  if (b <= 0) {
    // Both bounds in the lower tail: p = (1 − u) Φ(a) + u Φ(b), in logarithms.
    const la = logNdtr(a);
    const lb = logNdtr(b);
    const lu = Math.log(u);
    const l1u = Math.log1p(-u);
    z = ndtriExp(logAddExp(la + l1u, lb + lu));
  } else {
    // a ≤ 0 < b: go through the nearer tail so that p never rounds to 1.
    const la = logNdtr(a);
    const lqb = logNdtr(-b);
    const logMass = logGaussMass(a, b);
    const pLow = Math.exp(la) + u * Math.exp(logMass);
    if (pLow <= 0.5) z = ndtriExp(Math.log(pLow));
    else z = -ndtriExp(Math.log(Math.exp(lqb) + (1 - u) * Math.exp(logMass)));
  }
  if (z < a) return a;
  if (z > b) return b;
  return z;
}

/** A draw of N(mu, sigma²) conditioned on [low, high], from the uniform u in [0, 1]. */
export function sampleTruncNorm(
  mu: number,
  sigma: number,
  low: number,
  high: number,
  u: number,
): number {
  const x = mu + sigma * sampleStandardTruncNorm((low - mu) / sigma, (high - mu) / sigma, u);
  if (x < low) return low;
  if (x > high) return high;
  return x;
}

/** log of the normalizer σ √(2π) (Φ(b) − Φ(a)) of the truncated density. */
export function truncNormLogNormalizer(
  mu: number,
  sigma: number,
  low: number,
  high: number,
): number {
  return Math.log(sigma) + LOG_SQRT_2PI + logGaussMass((low - mu) / sigma, (high - mu) / sigma);
}

/** log density of N(mu, sigma²) truncated to [low, high] at x (−Infinity outside). */
export function truncNormLogPdf(
  x: number,
  mu: number,
  sigma: number,
  low: number,
  high: number,
): number {
  if (x < low || x > high) return Number.NEGATIVE_INFINITY;
  const z = (x - mu) / sigma;
  return -0.5 * z * z - truncNormLogNormalizer(mu, sigma, low, high);
}

/**
 * log probability that N(mu, sigma²) truncated to [low, high] falls in [left, right]
 * (the interval is intersected with [low, high]).
 */
export function truncNormLogIntervalMass(
  left: number,
  right: number,
  mu: number,
  sigma: number,
  low: number,
  high: number,
): number {
  const l = Math.max(left, low);
  const r = Math.min(right, high);
  return (
    logGaussMass((l - mu) / sigma, (r - mu) / sigma) -
    logGaussMass((low - mu) / sigma, (high - mu) / sigma)
  );
}
