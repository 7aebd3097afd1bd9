/**
 * Trials as Optuna's `trials`, `best-trial` and `best-trials` print them: number, value (or
 * values), datetime_start, datetime_complete, duration, params, user_attrs, state; datetimes
 * to the second, the duration as Python's `timedelta` prints it, params and user_attrs only
 * when some trial of the study has them.
 */
import type { JsonValue } from "../json/python.js";
import { type Cell, cellJson, Dict, floatRepr, PythonFloat, quotedKey } from "./cells.js";
import type { Fields } from "./output.js";
import type { TrialData } from "./study-data.js";

/** What a study's trial records hold besides the fixed columns. */
export interface TrialShape {
  readonly nObjectives: number;
  /** Sorted parameter names and user-attribute keys used by the study's trials. */
  readonly params: readonly string[];
  readonly userAttrs: readonly string[];
}

/** `YYYY-MM-DD HH:MM:SS` of a stored datetime (Optuna prints no fraction). */
export function shortDatetime(stored: string | null): string | null {
  return stored === null ? null : stored.replace("T", " ").slice(0, 19);
}

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Microseconds since 1970 of a stored naive datetime, `YYYY-MM-DD HH:MM:SS[.ffffff]` (its zone
 * does not matter for a difference); null when it is not one. Parsed by hand: a big study has
 * two a trial.
 */
export function storedMicros(stored: string): number | null {
  const ms = Date.UTC(
    digits(stored, 0, 4),
    digits(stored, 5, 2) - 1,
    digits(stored, 8, 2),
    digits(stored, 11, 2),
    digits(stored, 14, 2),
    digits(stored, 17, 2),
  );
  if (Number.isNaN(ms)) return null;
  let micros = 0;
  if (stored.charCodeAt(19) === 46) {
    // "." then up to six digits are microseconds (more are cut, as Python reads them).
    let scale = 100_000;
    for (let i = 20; i < stored.length && scale >= 1; i++, scale /= 10) {
      const d = stored.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      micros += d * scale;
    }
  }
  return ms * 1000 + micros;
}

/** Python's `str(timedelta(microseconds=us))`: `0:00:03.220407`, `1 day, 2:03:04`. */
export function pythonTimedelta(us: number): string {
  const day = 86_400_000_000;
  const days = Math.floor(us / day);
  let rest = us - days * day;
  const micros = rest % 1_000_000;
  rest = (rest - micros) / 1_000_000;
  const seconds = rest % 60;
  const minutes = Math.floor(rest / 60) % 60;
  const hours = Math.floor(rest / 3600);
  let text = `${hours}:${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`;
  if (days !== 0) text = `${days} day${Math.abs(days) !== 1 ? "s" : ""}, ${text}`;
  if (micros !== 0) text += `.${String(micros).padStart(6, "0")}`;
  return text;
}

/** The trial's duration as Optuna prints it, or null while either end is missing. */
export function duration(trial: TrialData): string | null {
  if (trial.datetimeStart === null || trial.datetimeComplete === null) return null;
  const start = storedMicros(trial.datetimeStart);
  const end = storedMicros(trial.datetimeComplete);
  return start === null || end === null ? null : pythonTimedelta(end - start);
}

function valueCell(v: number | null | undefined): Cell {
  return v === null || v === undefined ? null : new PythonFloat(v);
}

/** A trial's fields in Optuna's order (not flattened). */
export function trialFields(trial: TrialData, shape: TrialShape): Fields {
  const fields: [string, Cell][] = [["number", trial.number]];
  if (shape.nObjectives === 1) fields.push(["value", valueCell(trial.values?.[0])]);
  else {
    const values: Cell[] = [];
    for (let i = 0; i < shape.nObjectives; i++) values.push(valueCell(trial.values?.[i]));
    fields.push(["values", values]);
  }
  fields.push(
    ["datetime_start", shortDatetime(trial.datetimeStart)],
    ["datetime_complete", shortDatetime(trial.datetimeComplete)],
    ["duration", duration(trial)],
  );
  if (shape.params.length > 0) fields.push(["params", new Dict(trial.params)]);
  if (shape.userAttrs.length > 0) {
    fields.push(["user_attrs", new Dict(trial.userAttrs as [string, JsonValue][])]);
  }
  fields.push(["state", trial.state]);
  return fields;
}

/** The column names of the trial records, flattened or not. */
export function trialHeader(shape: TrialShape, flatten: boolean): string[] {
  const header = ["number"];
  if (shape.nObjectives === 1) header.push("value");
  else if (flatten) for (let i = 0; i < shape.nObjectives; i++) header.push(`values_${i}`);
  else header.push("values");
  header.push("datetime_start", "datetime_complete", "duration");
  if (shape.params.length > 0) {
    if (flatten) header.push(...shape.params.map((p) => `params_${p}`));
    else header.push("params");
  }
  if (shape.userAttrs.length > 0) {
    if (flatten) header.push(...shape.userAttrs.map((k) => `user_attrs_${k}`));
    else header.push("user_attrs");
  }
  header.push("state");
  return header;
}

function textJson(text: string | null): string {
  return text === null ? "null" : cellJson(text);
}

function valueJson(v: number | null | undefined): string {
  return v === null || v === undefined ? "null" : floatRepr(v);
}

/**
 * A trial record's JSON written directly, the same text as `recordJson` of `trialFields` (or of
 * export's fields with `full`: stored datetimes and intermediate_values) without building the
 * cells first: `trials -f json` and `export` of a big study spend their time here.
 */
export function trialJson(
  trial: TrialData,
  shape: TrialShape,
  options: { flatten: boolean; full?: boolean },
): string {
  const { flatten, full = false } = options;
  let out = `{"number": ${trial.number}`;
  if (shape.nObjectives === 1) out += `, "value": ${valueJson(trial.values?.[0])}`;
  else if (flatten) {
    for (let i = 0; i < shape.nObjectives; i++)
      out += `, "values_${i}": ${valueJson(trial.values?.[i])}`;
  } else {
    const values: string[] = [];
    for (let i = 0; i < shape.nObjectives; i++) values.push(valueJson(trial.values?.[i]));
    out += `, "values": [${values.join(", ")}]`;
  }
  const start = full ? trial.datetimeStart : shortDatetime(trial.datetimeStart);
  const complete = full ? trial.datetimeComplete : shortDatetime(trial.datetimeComplete);
  out += `, "datetime_start": ${textJson(start)}, "datetime_complete": ${textJson(complete)}`;
  out += `, "duration": ${textJson(duration(trial))}`;
  const group = (
    name: string,
    entries: readonly (readonly [string, Cell])[],
    present: boolean,
  ): void => {
    if (!present) return;
    if (flatten) {
      for (const [k, v] of entries) out += `, ${quotedKey(`${name}_${k}`)}: ${cellJson(v)}`;
      return;
    }
    out += `, "${name}": {`;
    for (let i = 0; i < entries.length; i++) {
      out += `${i === 0 ? "" : ", "}${quotedKey(entries[i]![0])}: ${cellJson(entries[i]![1])}`;
    }
    out += "}";
  };
  group("params", trial.params, shape.params.length > 0);
  group("user_attrs", trial.userAttrs, shape.userAttrs.length > 0);
  if (full) {
    out += ', "intermediate_values": {';
    for (let i = 0; i < trial.intermediate.length; i++) {
      const [step, v] = trial.intermediate[i]!;
      out += `${i === 0 ? "" : ", "}"${step}": ${floatRepr(v)}`;
    }
    out += "}";
  }
  return `${out}, "state": "${trial.state}"}`;
}
