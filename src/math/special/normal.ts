/**
 * Error function and standard normal distribution functions in double precision, accurate to
 * a few ulps in relative terms far into the tails (no underflow to 0 where a logarithm is
 * taken, no cancellation where a tail is small).
 *
 * erf(x) for |x| < 2 sums the series with positive terms
 *   erf(x) = 2/√π e^{-x²} Σ_{n≥0} x (2x²)^n / (2n+1)!!   (Abramowitz & Stegun 7.1.6);
 * the scaled complementary error function erfcx(x) = e^{x²} erfc(x) for x ≥ 2 evaluates the
 * Laplace continued fraction (A&S 7.1.14) in its even contraction with Lentz's method.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const ONE_OVER_SQRT_PI = 0.5641895835477563; // 1/√π
const SQRT_HALF = Math.SQRT1_2; // 1/√2
const SQRT_2PI = 2.5066282746310002; // √(2π)
const LOG_SQRT_2PI = 0.9189385332046728; // log √(2π)
const SERIES_LIMIT = 2;
const EPS = 1e-17;
const TINY = 1e-300;

/** 2/√π Σ x (2x²)^n / (2n+1)!!, i.e. erf(x) e^{x²}; for small |x|. */
function erfSeriesScaled(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= EPS * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/**
 * erfcx(x) for x ≥ 2 by the even contraction of Laplace's continued fraction:
 * √π erfcx(x) = 2x / (2x² + 1 − 1·2 / (2x² + 5 − 3·4 / (2x² + 9 − …))).
 */
function erfcxContinuedFraction(x: number): number {
  const b0 = 2 * x * x + 1;
  // Modified Lentz for b0 + a1/(b1 + a2/(b2 + ...)) with a_k = −(2k−1)(2k), b_k = 2x² + 1 + 4k.
  let f = b0;
  let c = f;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = -(2 * k - 1) * (2 * k);
    const b = b0 + 4 * k;
    d = b + a * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + a / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * 2 * x) / f;
}

/** The error function erf(x). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < SERIES_LIMIT) return Math.exp(-x * x) * erfSeriesScaled(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  const tail = Math.exp(-x * x) * erfcxContinuedFraction(ax);
  return x > 0 ? 1 - tail : tail - 1;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in relative terms for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= SERIES_LIMIT) return x > 27.3 ? 0 : Math.exp(-x * x) * erfcxContinuedFraction(x);
  if (x > -SERIES_LIMIT) return 1 - Math.exp(-x * x) * erfSeriesScaled(x);
  if (x < -6) return 2;
  return 2 - Math.exp(-x * x) * erfcxContinuedFraction(-x);
}

/**
 * The scaled complementary error function erfcx(x) = e^{x²} erfc(x); finite and accurate for
 * large positive x (≈ 1/(x√π)), overflows to Infinity below about −26.6.
 */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= SERIES_LIMIT) {
    if (x > 1e8) return ONE_OVER_SQRT_PI / x;
    return erfcxContinuedFraction(x);
  }
  const ex2 = Math.exp(x * x);
  if (x > -SERIES_LIMIT) return ex2 - erfSeriesScaled(x);
  return 2 * ex2 - erfcxContinuedFraction(-x);
}

/** Standard normal density φ(z). */
export function normPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/** log φ(z). */
export function logNormPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** Standard normal distribution function Φ(z), accurate in relative terms in the lower tail. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT_HALF);
}

/** log Φ(z), finite for every finite z (≈ −z²/2 − log(−z√(2π)) far in the lower tail). */
export function logNormCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < -1) return Math.log(0.5 * erfcx(-z * SQRT_HALF)) - 0.5 * z * z;
  return Math.log1p(-0.5 * erfc(z * SQRT_HALF));
}

/**
 * Mills-type ratio Φ(z)/φ(z) = √(π/2) erfcx(−z/√2), finite for every z ≤ 26 and accurate
 * in the lower tail where both Φ and φ underflow.
 */
export function cdfOverPdf(z: number): number {
  return 1.2533141373155003 * erfcx(-z * SQRT_HALF);
}

export const LOG_SQRT_TWO_PI = LOG_SQRT_2PI;
