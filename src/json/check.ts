/**
 * Checks of what a user hands to the storage: names (study names, parameter names, attribute
 * keys) and attribute values. They run once, at the call (`setUserAttr`, `suggest*`,
 * `createStudy`...), so that every storage (in memory, SQLite, PostgreSQL, MySQL) accepts or
 * refuses the same input with the same `InvalidArgumentError`, before anything is queued.
 */
import { InvalidArgumentError } from "../errors/index.js";
import { type JsonValue, pythonJsonDumps } from "./python.js";

/** Optuna's schema stores names and keys in VARCHAR(512) columns (characters, not bytes). */
export const MAX_NAME_LENGTH = 512;

/**
 * Optuna's schema stores attribute values in TEXT columns: MySQL's TEXT holds 65,535 bytes.
 * The JSON text is ASCII (non-ASCII characters are written as `\uXXXX`), so bytes = characters.
 */
export const MAX_JSON_BYTES = 65_535;

/** Deeper values are refused: Python's JSON reader (Optuna) gives up near 1,000 levels. */
export const MAX_JSON_DEPTH = 100;

/** A short, printable form of a name for error messages. */
function shown(text: string): string {
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(cut);
}

/** Index of the first unpaired UTF-16 surrogate, or -1. */
function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

function surrogateMessage(text: string, at: number): string {
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  return (
    `contains a lone surrogate (U+${unit} at index ${at}), which is not valid Unicode and ` +
    "cannot be stored as UTF-8 (Optuna could not read the study)"
  );
}

/**
 * Checks a study name, parameter name or attribute key: a string of at most 512 characters,
 * without NUL (PostgreSQL refuses it in text) and without lone surrogates (not valid UTF-8).
 * `what` names it in the error, e.g. `Parameter name` or `setUserAttr: the key`.
 */
export function checkName(what: string, name: unknown): asserts name is string {
  if (typeof name !== "string") {
    throw new InvalidArgumentError(
      `${what} must be a string, got ${name === null ? "null" : typeof name}.`,
    );
  }
  if (name.length > MAX_NAME_LENGTH) {
    const characters = [...name].length;
    if (characters > MAX_NAME_LENGTH) {
      throw new InvalidArgumentError(
        `${what} ${shown(name)} is ${characters} characters long; names are stored in ` +
          `VARCHAR(${MAX_NAME_LENGTH}) columns (Optuna's schema), so use at most ${MAX_NAME_LENGTH}.`,
      );
    }
  }
  if (name.includes("\u0000")) {
    throw new InvalidArgumentError(
      `${what} ${shown(name)} contains a NUL character (U+0000), which PostgreSQL cannot ` +
        "store in text; remove it.",
    );
  }
  const at = loneSurrogateAt(name);
  if (at >= 0)
    throw new InvalidArgumentError(`${what} ${shown(name)} ${surrogateMessage(name, at)}.`);
}

/** What a value is, for an error message: "a function", "a Map", "a Foo instance"... */
function kindOf(value: object): string {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const name = proto?.constructor?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object of a class";
}

/** How to turn a non-JSON value into one, when there is an obvious way. */
function hint(value: object): string {
  if (value instanceof Date) return "store date.toISOString() or date.getTime()";
  if (value instanceof Map) return "store Object.fromEntries(map)";
  if (value instanceof Set) return "store [...set]";
  if (ArrayBuffer.isView(value)) return "store Array.from(array)";
  return "store a plain object with its fields";
}

const ALLOWED =
  "attributes must be JSON values: null, booleans, numbers (NaN and ±Infinity included), " +
  "strings, arrays and plain objects";

/**
 * Checks an attribute value and returns the copy that is stored: array holes and `undefined`
 * array items become null and `undefined` object fields are left out (as `JSON.stringify`
 * does). Throws `InvalidArgumentError` naming `what` and the path of the offending part for
 * a top-level `undefined`, functions, symbols, BigInts, Dates, Maps, Sets, typed arrays and
 * other class instances, circular structures, lone surrogates, nesting deeper than 100 levels,
 * and values over 65,535 bytes of JSON.
 */
export function checkJsonValue(what: string, value: unknown): JsonValue {
  if (value === undefined) {
    throw new InvalidArgumentError(
      `${what} is undefined, which JSON cannot hold; use null, or leave it unset.`,
    );
  }
  const ancestors: object[] = [];
  const paths: string[] = [];
  const fail = (path: string, why: string): never => {
    throw new InvalidArgumentError(`${what}: ${path} ${why}.`);
  };
  const copy = (item: unknown, path: string): JsonValue => {
    switch (typeof item) {
      case "number":
      case "boolean":
        return item;
      case "string": {
        const at = loneSurrogateAt(item);
        if (at >= 0) fail(path, surrogateMessage(item, at));
        return item;
      }
      case "bigint":
        return fail(path, "is a BigInt; convert it with Number() or String()");
      case "function":
      case "symbol":
        return fail(path, `is a ${typeof item}; ${ALLOWED}`);
      case "undefined":
        return null;
    }
    if (item === null) return null;
    const object = item as object;
    const seen = ancestors.indexOf(object);
    if (seen >= 0) {
      fail(path, `refers back to ${paths[seen]} (a circular structure, which JSON cannot hold)`);
    }
    if (ancestors.length >= MAX_JSON_DEPTH) {
      fail(path, `is nested more than ${MAX_JSON_DEPTH} levels deep; flatten the value`);
    }
    ancestors.push(object);
    paths.push(path);
    let result: JsonValue;
    if (Array.isArray(object)) {
      const list: JsonValue[] = new Array(object.length);
      // An index loop (not map) so that holes become null, as JSON.stringify writes them.
      for (let i = 0; i < object.length; i++) list[i] = copy(object[i], `${path}[${i}]`);
      result = list;
    } else {
      const proto = Object.getPrototypeOf(object);
      if (proto !== Object.prototype && proto !== null) {
        fail(path, `is ${kindOf(object)}; ${ALLOWED} (${hint(object)})`);
      }
      const record: Record<string, JsonValue> = {};
      for (const key of Object.keys(object)) {
        const field = (object as Record<string, unknown>)[key];
        const at = loneSurrogateAt(key);
        if (at >= 0) fail(`${path} key ${shown(key)}`, surrogateMessage(key, at));
        if (field === undefined) continue;
        // defineProperty: a plain assignment to "__proto__" would change the prototype.
        Object.defineProperty(record, key, {
          value: copy(field, `${path}.${key}`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      result = record;
    }
    ancestors.pop();
    paths.pop();
    return result;
  };
  const checked = copy(value, "the value");
  // Strings of up to a sixth of the limit fit even when every character is escaped.
  const mayBeLarge =
    (typeof checked === "object" && checked !== null) ||
    (typeof checked === "string" && checked.length > MAX_JSON_BYTES / 6);
  const bytes = mayBeLarge ? pythonJsonDumps(checked).length : 0;
  if (bytes > MAX_JSON_BYTES) {
    throw new InvalidArgumentError(
      `${what} is ${bytes} bytes as JSON; Optuna's schema stores attributes in TEXT columns, ` +
        `which hold at most ${MAX_JSON_BYTES} bytes on MySQL, so every storage refuses it. ` +
        "Save large data to a file and store its path.",
    );
  }
  return checked;
}

/** Checks every key and value of a record of attributes; returns the copy to store. */
export function checkAttrs(
  what: string,
  attrs: Readonly<Record<string, unknown>>,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(attrs)) {
    checkName(`${what} key`, key);
    out[key] = checkJsonValue(`${what} ${shown(key)}`, value);
  }
  return out;
}
