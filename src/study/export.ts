import type { JsonValue } from "../json/python.js";
import type { FrozenTrial } from "../trial/frozen.js";

/** One trial as a flat row; keys are Optuna's `trials_dataframe` column names. */
export type TrialRow = Record<string, JsonValue>;

/** Text formats of `exportTrials`. */
export type ExportFormat = "csv" | "json";

/** Python's order of strings (by code point; JavaScript's `<` compares UTF-16 code units). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The keys of `records` seen in any of them, sorted as Optuna sorts its columns. */
function sortedKeys(records: readonly Readonly<Record<string, unknown>>[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys].sort(byCodePoint);
}

/**
 * Flattens trials into rows with Optuna's `trials_dataframe()` columns, in its order: number,
 * value (or values_0, values_1, ...), datetime_start, datetime_complete, duration, then
 * params_*, user_attrs_* and system_attrs_* each sorted by name, then state. Every row has
 * every column (null where a trial has no such field), as the dataframe has.
 *
 * `duration` is in seconds (a number a spreadsheet reads; Optuna's is a timedelta), null while
 * unfinished; the datetimes are ISO 8601 in UTC.
 */
export function trialsToRows(trials: readonly FrozenTrial[], nObjectives: number): TrialRow[] {
  if (trials.length === 0) return []; // Optuna: an empty dataframe, no columns
  const params = sortedKeys(trials.map((t) => t.params));
  const userAttrs = sortedKeys(trials.map((t) => t.userAttrs));
  const systemAttrs = sortedKeys(trials.map((t) => t.systemAttrs));
  return trials.map((t) => {
    const row: TrialRow = { number: t.number };
    if (nObjectives === 1) row["value"] = t.values?.[0] ?? null;
    else for (let i = 0; i < nObjectives; i++) row[`values_${i}`] = t.values?.[i] ?? null;
    row["datetime_start"] = t.datetimeStart?.toISOString() ?? null;
    row["datetime_complete"] = t.datetimeComplete?.toISOString() ?? null;
    row["duration"] = t.duration === null ? null : t.duration / 1000;
    for (const name of params) row[`params_${name}`] = t.params[name] ?? null;
    for (const key of userAttrs) row[`user_attrs_${key}`] = t.userAttrs[key] ?? null;
    for (const key of systemAttrs) row[`system_attrs_${key}`] = t.systemAttrs[key] ?? null;
    row["state"] = t.state;
    return row;
  });
}

function csvCell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows as CSV (RFC 4180; the header is the columns of the first row, which `trialsToRows`
 * gives every row) or as a JSON array.
 */
export function exportTrials(rows: readonly TrialRow[], format: ExportFormat): string {
  if (format === "json") return JSON.stringify(rows, null, 2);
  const columns = rows.length === 0 ? [] : Object.keys(rows[0]!);
  const lines = [columns.map(csvCell).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}
