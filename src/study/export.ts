import type { JsonValue } from "../json/python.js";
import type { FrozenTrial } from "../trial/frozen.js";

/** One trial as a flat row; keys follow Optuna's `trials_dataframe` column names. */
export type TrialRow = Record<string, JsonValue>;

/** Text formats of `exportTrials`. */
export type ExportFormat = "csv" | "json";

/** Flattens trials into rows: number, value(s), times, duration, params_*, user_attrs_*, state. */
export function trialsToRows(trials: readonly FrozenTrial[], nObjectives: number): TrialRow[] {
  return trials.map((t) => {
    const row: TrialRow = { number: t.number };
    if (nObjectives === 1) row["value"] = t.values?.[0] ?? null;
    else for (let i = 0; i < nObjectives; i++) row[`values_${i}`] = t.values?.[i] ?? null;
    row["datetime_start"] = t.datetimeStart?.toISOString() ?? null;
    row["datetime_complete"] = t.datetimeComplete?.toISOString() ?? null;
    row["duration_ms"] = t.duration;
    for (const name of Object.keys(t.params).sort()) row[`params_${name}`] = t.params[name]!;
    for (const key of Object.keys(t.userAttrs).sort()) row[`user_attrs_${key}`] = t.userAttrs[key]!;
    row["state"] = t.state;
    return row;
  });
}

function csvCell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV (RFC 4180, a header of every column seen) or as a JSON array. */
export function exportTrials(rows: readonly TrialRow[], format: ExportFormat): string {
  if (format === "json") return JSON.stringify(rows, null, 2);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  // Keep `state` last, as rows are built.
  const ordered = [
    ...columns.filter((c) => c !== "state"),
    ...(seen.has("state") ? ["state"] : []),
  ];
  const lines = [ordered.map(csvCell).join(",")];
  for (const row of rows) lines.push(ordered.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}
