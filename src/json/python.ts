/**
 * JSON text exactly as Python's `json.dumps` writes it (", " and ": " separators,
 * `ensure_ascii`, `repr` for floats). Optuna stores distributions and attributes in
 * that form, so writing it byte for byte keeps databases interchangeable.
 */

/** A JSON value as skipjack stores it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa, exponentText] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const decimalPoint = Number(exponentText) + 1; // value = 0.<digits> * 10^decimalPoint
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${"0".repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) {
      return `${sign}${digits}${"0".repeat(decimalPoint - digits.length)}.0`;
    }
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const exponent = decimalPoint - 1;
  const expText = `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${fraction}e${expText}`;
}

/** A number that Python holds as a float even when it is integral (`1.0`, not `1`). */
export class PythonFloat {
  constructor(readonly value: number) {}
}

function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += text[i];
  }
  return `${out}"`;
}

function formatNumber(x: number): string {
  // JavaScript cannot tell 1 from 1.0: integral values are written as Python ints.
  return Number.isInteger(x) && !Object.is(x, -0) ? String(x) : pythonFloatRepr(x);
}

/**
 * `json.dumps(value)` of CPython, for values built from JSON types and `PythonFloat`. Always
 * valid JSON (with Python's `NaN` and `Infinity`): array holes and `undefined` items are
 * written as null and `undefined` fields are left out, as `JSON.stringify` does. Throws a
 * `TypeError` for what JSON cannot hold (functions, symbols, BigInts, cycles, class instances
 * such as Date or Map); `checkJsonValue` refuses those at the user's call with a clearer error.
 */
export function pythonJsonDumps(
  value: JsonValue | PythonFloat | readonly unknown[] | object,
): string {
  return dumps(value, []);
}

function dumps(value: unknown, ancestors: object[]): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof PythonFloat) return pythonFloatRepr(value.value);
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return formatNumber(value);
    case "string":
      return quote(value);
    case "object": {
      if (ancestors.includes(value))
        throw new TypeError("cannot serialize a circular structure to JSON");
      ancestors.push(value);
      let text: string;
      if (Array.isArray(value)) {
        const items: string[] = [];
        // An index loop, not map(): map skips holes, and `[, 0.5]` is not JSON.
        for (let i = 0; i < value.length; i++) items.push(dumps(value[i], ancestors));
        text = `[${items.join(", ")}]`;
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? "object";
          throw new TypeError(`cannot serialize a ${name} to JSON`);
        }
        const fields: string[] = [];
        for (const [key, item] of Object.entries(value)) {
          if (item !== undefined) fields.push(`${quote(key)}: ${dumps(item, ancestors)}`);
        }
        text = `{${fields.join(", ")}}`;
      }
      ancestors.pop();
      return text;
    }
    default:
      throw new TypeError(`cannot serialize a ${typeof value} to JSON`);
  }
}

/** Parses JSON text as Python writes it (accepts `NaN`, `Infinity`, `-Infinity`). */
export function pythonJsonLoads(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
    // Replace the non-standard literals outside strings by strings tagged with U+0000, then
    // restore them; real strings that start with U+0000 get the tag doubled to stay strings.
    const tagged = text.replace(
      /("(?:[^"\\]|\\.)*")(\s*:)?|(-?Infinity|NaN)/g,
      (match, str: string | undefined, colon: string | undefined) => {
        if (str === undefined) return `"\\u0000${match}"`;
        if (colon === undefined && str.startsWith('"\\u0000')) return `"\\u0000${str.slice(1)}`;
        return match;
      },
    );
    return JSON.parse(tagged, (_key, item: unknown) => {
      if (typeof item !== "string" || !item.startsWith("\u0000")) return item;
      return item.startsWith("\u0000\u0000") ? item.slice(1) : Number(item.slice(1));
    }) as JsonValue;
  }
}
