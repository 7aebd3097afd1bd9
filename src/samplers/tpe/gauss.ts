/**
 * Standard normal functions for the TPE hot path: log Φ, log of a Gaussian mass, and the
 * inverse of log Φ, accurate in relative terms far into the tails (no underflow where a
 * logarithm is taken).
 *
 * Everything rests on the scaled complementary error function erfcx(x) = e^{x²} erfc(x),
 * evaluated by piecewise Chebyshev interpolants (degree 11 on pieces of width ¼ up to 8, then
 * on pieces in ratio 2^¼ up to 64; the asymptotic series beyond). The interpolants are built when the module loads
 * from a slow reference (the Maclaurin series of erf below 1, Laplace's continued fraction
 * above), so no table of magic constants is needed; the result is good to ~1e-14 relative, and
 * costs one short Clenshaw recurrence per call.
 */

const INV_SQRT_PI = 0.5641895835477563; // 1/√π
const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const SQRT_HALF = Math.SQRT1_2;
const SQRT_HALF_PI = 1.2533141373155003; // √(π/2) = Φ(z)/φ(z) · 1/erfcx(−z/√2)
/** log √(2π). */
export const LOG_SQRT_2PI = 0.9189385332046728;

/** erfcx(x) for 0 ≤ x < 1 from erf's series with positive terms (A&S 7.1.6). */
function erfcxSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 400; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  return Math.exp(x * x) - TWO_OVER_SQRT_PI * sum;
}

/** erfcx(x) for x ≥ 1 from Laplace's continued fraction, 1/√π · 1/(x + ½/(x + 1/(x + …))). */
function erfcxContinuedFraction(x: number): number {
  // Modified Lentz on x + a1/(x + a2/(x + …)), a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 100000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return INV_SQRT_PI / f;
}

function erfcxReference(x: number): number {
  return x < 1 ? erfcxSeries(x) : erfcxContinuedFraction(x);
}

const DEGREE = 12;
/** Pieces of width ¼ on [0, 8), then pieces in ratio 2^¼ on [8, 64). */
const N_LINEAR = 32;
const N_PIECES = N_LINEAR + 12;
const RATIO = Math.SQRT2 ** 0.5;
const COEFFS = new Float64Array(N_PIECES * DEGREE);
const LOWS = new Float64Array(N_PIECES);
const HIGHS = new Float64Array(N_PIECES);

/** Chebyshev coefficients of erfcx on each piece, from values at the Chebyshev nodes. */
function buildTables(): void {
  const values = new Float64Array(DEGREE);
  for (let piece = 0; piece < N_PIECES; piece++) {
    const lo = piece < N_LINEAR ? piece / 4 : 8 * RATIO ** (piece - N_LINEAR);
    const hi = piece < N_LINEAR ? (piece + 1) / 4 : 8 * RATIO ** (piece + 1 - N_LINEAR);
    LOWS[piece] = lo;
    HIGHS[piece] = hi;
    for (let k = 0; k < DEGREE; k++) {
      const t = Math.cos((Math.PI * (k + 0.5)) / DEGREE);
      values[k] = erfcxReference(lo + ((hi - lo) * (t + 1)) / 2);
    }
    for (let j = 0; j < DEGREE; j++) {
      let s = 0;
      for (let k = 0; k < DEGREE; k++)
        s += values[k]! * Math.cos((Math.PI * j * (k + 0.5)) / DEGREE);
      COEFFS[piece * DEGREE + j] = ((j === 0 ? 1 : 2) * s) / DEGREE;
    }
  }
}
buildTables();

/** erfcx(x) = e^{x²} erfc(x) for x ≥ 0 (≈ 1/(x√π) for large x). */
function erfcxPositive(x: number): number {
  if (x >= 64) {
    const r = 1 / (2 * x * x);
    // 1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸): truncation error < 3e-17 here.
    const series = 1 - r * (1 - 3 * r * (1 - 5 * r * (1 - 7 * r)));
    return (INV_SQRT_PI / x) * series;
  }
  let piece = x < 8 ? Math.floor(x * 4) : N_LINEAR;
  while (x >= HIGHS[piece]!) piece++;
  const lo = LOWS[piece]!;
  const hi = HIGHS[piece]!;
  const t = (2 * x - lo - hi) / (hi - lo);
  const t2 = 2 * t;
  const base = piece * DEGREE;
  let b1 = 0;
  let b2 = 0;
  for (let j = DEGREE - 1; j >= 1; j--) {
    const b0 = t2 * b1 - b2 + COEFFS[base + j]!;
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + COEFFS[base]!;
}

/** The scaled complementary error function e^{x²} erfc(x); overflows below about −26.6. */
export function erfcx(x: number): number {
  if (x >= 0) return erfcxPositive(x);
  if (Number.isNaN(x)) return Number.NaN;
  return 2 * Math.exp(x * x) - erfcxPositive(-x);
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate for large x. */
export function erfc(x: number): number {
  if (x >= 0) return x > 27.3 ? 0 : Math.exp(-x * x) * erfcxPositive(x);
  if (Number.isNaN(x)) return Number.NaN;
  return x < -6 ? 2 : 2 - Math.exp(-x * x) * erfcxPositive(-x);
}

/** Φ(z), the standard normal distribution function. */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z * SQRT_HALF);
}

/** log Φ(z), finite for every finite z (≈ −z²/2 − log(−z√(2π)) far in the lower tail). */
export function logNdtr(z: number): number {
  if (z < -1) {
    const w = -z * SQRT_HALF;
    return Math.log(0.5 * erfcxPositive(w)) - w * w;
  }
  return Math.log1p(-0.5 * erfc(z * SQRT_HALF));
}

/** log(1 − e^x) for x ≤ 0, accurate at both ends. */
function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log(Φ(b) − Φ(a)), the log probability of [a, b] under N(0, 1); −Infinity when a ≥ b. */
export function logGaussMass(a: number, b: number): number {
  if (!(a < b)) return Number.NEGATIVE_INFINITY;
  if (b <= 0) {
    const lb = logNdtr(b);
    return lb + log1mexp(logNdtr(a) - lb);
  }
  if (a >= 0) {
    const lb = logNdtr(-a);
    return lb + log1mexp(logNdtr(-b) - lb);
  }
  // a < 0 < b: 1 − Φ(a) − Φ(−b); a tail beyond 8.5 σ (< 1e-17) does not change the sum.
  const lowTail = a < -8.5 ? 0 : 0.5 * erfc(-a * SQRT_HALF);
  const highTail = b > 8.5 ? 0 : 0.5 * erfc(b * SQRT_HALF);
  return Math.log1p(-lowTail - highTail);
}

/** A&S 26.2.23: a start (error < 4.5e-4) for Φ⁻¹ in the lower half, from log p. */
function lowerTailGuess(logP: number): number {
  const t = Math.sqrt(-2 * logP);
  const num = 2.515517 + t * (0.802853 + t * 0.010328);
  const den = 1 + t * (1.432788 + t * (0.189269 + t * 0.001308));
  return -(t - num / den);
}

/**
 * The inverse of log Φ: the z with log Φ(z) = logP, for logP ≤ 0 (−Infinity at −Infinity,
 * +Infinity at 0). Newton steps on log Φ, whose derivative φ/Φ comes from erfcx without
 * underflow, from the A&S start; three or four steps reach full precision.
 */
export function ndtriExp(logP: number): number {
  if (Number.isNaN(logP) || logP > 0) return Number.NaN;
  if (logP === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (logP === 0) return Number.POSITIVE_INFINITY;
  if (logP > -Math.LN2) {
    // Upper half: z = −Φ⁻¹(1 − p), with log(1 − p) computed without cancellation.
    return -ndtriExp(log1mexp(logP));
  }
  let z = lowerTailGuess(logP);
  for (let i = 0; i < 8; i++) {
    // d/dz log Φ(z) = φ(z)/Φ(z) = 1 / (√(π/2) erfcx(−z/√2)).
    const ratio = SQRT_HALF_PI * erfcx(-z * SQRT_HALF);
    const step = (logNdtr(z) - logP) * ratio;
    z -= step;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(z))) break;
  }
  return z;
}

/** Φ⁻¹(p) for p in [0, 1]. */
export function ndtri(p: number): number {
  if (p > 0.5) return -ndtriExp(Math.log1p(-p));
  return ndtriExp(Math.log(p));
}
