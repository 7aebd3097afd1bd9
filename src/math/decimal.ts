/**
 * Decimal arithmetic on the shortest decimal form of doubles, the way Python's
 * `decimal.Decimal(str(x))` sees them, in Python's default context: every sum, difference and
 * product is rounded to 28 significant digits (half even), quotients and remainders are exact.
 * Optuna adjusts stepped ranges with it, so `[0, 1]` with step 0.1 is divisible although
 * 1 / 0.1 is not exact in binary, and `[1e-30, 1]` with step 0.1 is too (1 - 1e-30 rounds to 1).
 */
import { InvalidDistributionError } from "../errors/index.js";

/** Python's default `decimal` context precision. */
const PRECISION = 28;

interface Scaled {
  /** value = units / 10^scale (scale may be negative) */
  units: bigint;
  scale: number;
}

function toScaled(x: number): Scaled {
  const [mantissa, exponentText] = x.toExponential().split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const exponent = Number(exponentText) - (digits.length - 1);
  return { units: BigInt(digits) * (negative ? -1n : 1n), scale: -exponent };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [
    a.units * 10n ** BigInt(scale - a.scale),
    b.units * 10n ** BigInt(scale - b.scale),
    scale,
  ];
}

/** Rounds to `PRECISION` significant digits, half to even (Python's default context). */
function round(x: Scaled): Scaled {
  const negative = x.units < 0n;
  const magnitude = negative ? -x.units : x.units;
  const excess = magnitude.toString().length - PRECISION;
  if (excess <= 0) return x;
  const divisor = 10n ** BigInt(excess);
  let kept = magnitude / divisor;
  const rest = magnitude % divisor;
  const half = divisor / 2n;
  if (rest > half || (rest === half && kept % 2n === 1n)) kept += 1n;
  return { units: negative ? -kept : kept, scale: x.scale - excess };
}

function subtract(a: Scaled, b: Scaled): Scaled {
  const [au, bu, scale] = align(a, b);
  return round({ units: au - bu, scale });
}

function add(a: Scaled, b: Scaled): Scaled {
  const [au, bu, scale] = align(a, b);
  return round({ units: au + bu, scale });
}

function multiply(a: Scaled, b: Scaled): Scaled {
  return round({ units: a.units * b.units, scale: a.scale + b.scale });
}

function compare(a: Scaled, b: Scaled): number {
  const [au, bu] = align(a, b);
  return au < bu ? -1 : au > bu ? 1 : 0;
}

function toNumber(x: Scaled): number {
  // Number() parses a decimal string correctly rounded, as Python's float(Decimal) does.
  return Number(`${x.units}e${-x.scale}`);
}

/**
 * `floor(range / step)` (both non-negative) and whether the division is exact. Python raises
 * DivisionImpossible when the integer quotient needs more digits than the precision.
 */
function divide(range: Scaled, step: Scaled, where: () => string): [bigint, boolean] {
  const [ru, su] = align(range, step);
  const quotient = ru / su;
  if (quotient.toString().length > PRECISION) {
    throw new InvalidDistributionError(
      `${where()}: the range holds more than 10^${PRECISION} steps; use a larger step.`,
    );
  }
  return [quotient, ru % su === 0n];
}

/**
 * The largest `low + k * step` that is <= `high`, computed as Optuna's
 * `_adjust_discrete_uniform_high` does. Returns `high` itself when `high - low` is a multiple
 * of `step`.
 */
export function adjustSteppedHigh(low: number, high: number, step: number): number {
  const l = toScaled(low);
  const s = toScaled(step);
  const range = subtract(toScaled(high), l);
  const where = (): string => `FloatDistribution(low=${low}, high=${high}, step=${step})`;
  const [k, exact] = divide(range, s, where);
  if (exact) return high;
  return toNumber(add(multiply({ units: k, scale: 0 }, s), l));
}

/** Whether `high - low < step` in Python's decimal (a stepped range with a single value). */
export function rangeBelowStep(low: number, high: number, step: number): boolean {
  return compare(subtract(toScaled(high), toScaled(low)), toScaled(step)) < 0;
}

/** low, low + step, ... <= high, each computed in exact decimal (no 0.30000000000000004). */
export function steppedValues(low: number, high: number, step: number): number[] {
  const l = toScaled(low);
  const h = toScaled(high);
  const s = toScaled(step);
  const scale = Math.max(l.scale, h.scale, s.scale);
  const at = (x: Scaled): bigint => x.units * 10n ** BigInt(scale - x.scale);
  const values: number[] = [];
  const hu = at(h);
  const su = at(s);
  for (let v = at(l); v <= hu; v += su) values.push(toNumber({ units: v, scale }));
  return values;
}
