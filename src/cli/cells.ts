/**
 * The values the command line prints, typed as Optuna's CLI holds them in Python, so that every
 * output format writes them as `optuna` does: floats as Python floats (`1.0`, `1e-05`), tuples
 * and dicts in Python's `str()` for `table` and `value`, JSON exactly as `json.dumps`.
 */
import { type JsonValue, PythonFloat, pythonFloatRepr, pythonJsonDumps } from "../json/python.js";

/** A Python tuple (a study's directions): a JSON list, `('MINIMIZE',)` in a table. */
export class Tuple {
  constructor(readonly items: readonly Cell[]) {}
}

/**
 * A Python dict with its keys in order (params, user_attrs). A class rather than an object,
 * because a JavaScript object lists integer-like keys first, whatever their order.
 */
export class Dict {
  constructor(readonly entries: readonly (readonly [string, Cell])[]) {}
}

/** One printed value. */
export type Cell = JsonValue | PythonFloat | Tuple | Dict | readonly Cell[];

export { PythonFloat };

/**
 * Python's `repr(float)`. Between 1e-4 and 1e16 it is JavaScript's shortest round-trip text
 * (with ".0" on integral values), which is much cheaper to get; elsewhere the exponent forms
 * differ and `pythonFloatRepr` writes Python's.
 */
export function floatRepr(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) return Number.isInteger(x) ? `${x}.0` : String(x);
  return pythonFloatRepr(x);
}

/** JSON of the keys seen (parameter names and attribute keys repeat in every trial). */
const keyJson = new Map<string, string>();

/** `json.dumps(key)`, cached. */
export function quotedKey(key: string): string {
  let text = keyJson.get(key);
  if (text === undefined) {
    text = pythonJsonDumps(key);
    if (keyJson.size < 10_000) keyJson.set(key, text);
  }
  return text;
}

/** `json.dumps(cell)` of Python. */
export function cellJson(cell: Cell): string {
  if (cell instanceof PythonFloat) return floatRepr(cell.value);
  if (cell instanceof Tuple) return `[${cell.items.map(cellJson).join(", ")}]`;
  if (cell instanceof Dict) {
    let text = "{";
    for (let i = 0; i < cell.entries.length; i++) {
      const [k, v] = cell.entries[i]!;
      text += `${i === 0 ? "" : ", "}${quotedKey(k)}: ${cellJson(v)}`;
    }
    return `${text}}`;
  }
  if (Array.isArray(cell)) return `[${(cell as readonly Cell[]).map(cellJson).join(", ")}]`;
  // Printable ASCII without quotes or backslashes is written as is (datetimes, states, ...).
  if (typeof cell === "string" && PLAIN_ASCII.test(cell)) return `"${cell}"`;
  if (typeof cell === "number" && !Number.isInteger(cell)) return floatRepr(cell);
  return pythonJsonDumps(cell as JsonValue);
}

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function pythonNumber(x: number): string {
  if (Number.isInteger(x) && !Object.is(x, -0)) return String(x);
  const text = pythonFloatRepr(x);
  // repr() of a float spells the non-finite values inf, -inf and nan.
  return text === "Infinity"
    ? "inf"
    : text === "-Infinity"
      ? "-inf"
      : text === "NaN"
        ? "nan"
        : text;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u;

/** Python's `repr(str)`: single quotes unless the text holds ' and no ". */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === " " || (ch !== "\u00a0" && PRINTABLE.test(ch))) out += ch;
    else {
      const code = ch.codePointAt(0)!;
      out +=
        code < 0x100
          ? `\\x${code.toString(16).padStart(2, "0")}`
          : code < 0x10000
            ? `\\u${code.toString(16).padStart(4, "0")}`
            : `\\U${code.toString(16).padStart(8, "0")}`;
    }
  }
  return out + quote;
}

function pythonRepr(cell: Cell): string {
  if (typeof cell === "string") return pythonStringRepr(cell);
  return pythonStr(cell);
}

/** Python's `str(cell)`, as Optuna's `table` and `value` formats print a cell. */
export function pythonStr(cell: Cell): string {
  if (cell === null) return "None";
  if (cell instanceof PythonFloat) {
    const text = pythonFloatRepr(cell.value);
    return text === "Infinity"
      ? "inf"
      : text === "-Infinity"
        ? "-inf"
        : text === "NaN"
          ? "nan"
          : text;
  }
  if (cell instanceof Tuple) {
    const items = cell.items.map(pythonRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (cell instanceof Dict) {
    return `{${cell.entries.map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
  }
  if (Array.isArray(cell)) return `[${(cell as readonly Cell[]).map(pythonRepr).join(", ")}]`;
  switch (typeof cell) {
    case "boolean":
      return cell ? "True" : "False";
    case "number":
      return pythonNumber(cell);
    case "string":
      return cell;
    default: {
      const entries = Object.entries(cell as Record<string, JsonValue>);
      return `{${entries.map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
    }
  }
}

/** Whether Optuna's table right-aligns the cell (ints and floats; bools are ints in Python). */
export function isNumeric(cell: Cell): boolean {
  return typeof cell === "number" || typeof cell === "boolean" || cell instanceof PythonFloat;
}
