/**
 * Exact decimal arithmetic on the shortest decimal form of doubles, the way Python's
 * `decimal.Decimal(str(x))` sees them. Optuna adjusts stepped ranges with it, so
 * `[0, 1]` with step 0.1 is divisible although 1 / 0.1 is not exact in binary.
 */

interface Scaled {
  /** value = units / 10^scale */
  units: bigint;
  scale: number;
}

function toScaled(x: number): Scaled {
  const [mantissa, exponentText] = x.toExponential().split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const exponent = Number(exponentText) - (digits.length - 1);
  const units = BigInt(digits) * (negative ? -1n : 1n);
  return exponent >= 0
    ? { units: units * 10n ** BigInt(exponent), scale: 0 }
    : { units, scale: -exponent };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [
    a.units * 10n ** BigInt(scale - a.scale),
    b.units * 10n ** BigInt(scale - b.scale),
    scale,
  ];
}

function toNumber(units: bigint, scale: number): number {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return Number((negative ? "-" : "") + digits);
}

/**
 * The largest `low + k * step` that is <= `high`, computed in exact decimal.
 * Returns `high` itself when `high - low` is a multiple of `step`.
 */
export function adjustSteppedHigh(low: number, high: number, step: number): number {
  const l = toScaled(low);
  const h = toScaled(high);
  const s = toScaled(step);
  const [hu, lu, scaleHL] = align(h, l);
  const range: Scaled = { units: hu - lu, scale: scaleHL };
  const [ru, su, scale] = align(range, s);
  if (ru % su === 0n) return high;
  const k = ru / su; // truncation; ru >= 0
  const [ku, lowUnits, finalScale] = align({ units: k * su, scale }, l);
  return toNumber(ku + lowUnits, finalScale);
}

/** Whether `high - low < step` in exact decimal (a stepped range with a single value). */
export function rangeBelowStep(low: number, high: number, step: number): boolean {
  const [hu, lu, scaleHL] = align(toScaled(high), toScaled(low));
  const [ru, su] = align({ units: hu - lu, scale: scaleHL }, toScaled(step));
  return ru < su;
}

/** low, low + step, ... <= high, each computed in exact decimal (no 0.30000000000000004). */
export function steppedValues(low: number, high: number, step: number): number[] {
  const l = toScaled(low);
  const [hu, lu, scaleHL] = align(toScaled(high), l);
  const [su, , scaleS] = align(toScaled(step), { units: 0n, scale: scaleHL });
  const scale = Math.max(scaleHL, scaleS);
  const factor = 10n ** BigInt(scale - scaleHL);
  const values: number[] = [];
  for (let v = lu * factor; v <= hu * factor; v += su) values.push(toNumber(v, scale));
  return values;
}
