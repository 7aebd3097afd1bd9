/**
 * The columns of the trials table: number, state, objective values, duration, times,
 * parameters and user attributes. Each column reads a sort key (numeric where the values are
 * numbers, so 10 sorts after 9) and a display text from a FrozenTrial. Pure: the page and the
 * tests share it.
 */
import type { Distribution } from "../../distributions/index.js";
import type { Direction } from "../../server/dashboard/api-types.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import type { CsvCell } from "../csv.js";
import { formatAny, formatDate, formatDuration, formatValue } from "../format.js";
import type { RangeKey } from "./filters.js";

/** One column of the table. */
export interface TrialColumn {
  id: string;
  label: string;
  /** Sort numerically (text columns sort by their text). */
  numeric: boolean;
  /** Shown when the page opens; the column chooser changes it. */
  visibleByDefault: boolean;
  /** Width in pixels. */
  width: number;
  /** The sort key: a number, a string, or null (always last). */
  key(trial: FrozenTrial): number | string | null;
  /** The text shown in the cell. */
  text(trial: FrozenTrial): string;
  /** The value written to the CSV export. */
  csv(trial: FrozenTrial): CsvCell;
  /** What a range filter on this column bounds, if it can have one. */
  range?: RangeKey;
  /** A categorical parameter's choices as text, for its equality filter. */
  choices?: readonly string[];
}

const STATE_ORDER: Record<string, number> = {
  RUNNING: 0,
  WAITING: 1,
  COMPLETE: 2,
  PRUNED: 3,
  FAIL: 4,
};

function valueKey(v: unknown): number | string | null {
  if (typeof v === "number") return Number.isNaN(v) ? null : v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return v;
  return v === null || v === undefined ? null : JSON.stringify(v);
}

function csvOf(v: unknown): CsvCell {
  if (v === undefined) return null;
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
    return v;
  }
  return JSON.stringify(v);
}

/** Every column for a study's trials, in display order. */
export function trialColumns(
  directions: readonly Direction[],
  space: { names: readonly string[]; distributions: readonly Distribution[] },
  trials: readonly FrozenTrial[],
): TrialColumn[] {
  const columns: TrialColumn[] = [
    {
      id: "number",
      label: "number",
      numeric: true,
      visibleByDefault: true,
      width: 90,
      key: (t) => t.number,
      text: (t) => String(t.number),
      csv: (t) => t.number,
    },
    {
      id: "state",
      label: "state",
      numeric: false,
      visibleByDefault: true,
      width: 100,
      key: (t) => STATE_ORDER[t.state] ?? 9,
      text: (t) => t.state,
      csv: (t) => t.state,
    },
  ];
  directions.forEach((direction, index) => {
    const label = directions.length === 1 ? "value" : `values[${index}]`;
    columns.push({
      id: `value:${index}`,
      label: `${label} (${direction === "minimize" ? "min" : "max"})`,
      numeric: true,
      visibleByDefault: true,
      width: 130,
      key: (t) => valueKey(t.values?.[index] ?? null),
      text: (t) => formatValue(t.values?.[index] ?? null),
      csv: (t) => t.values?.[index] ?? null,
      range: { kind: "value", index },
    });
  });
  columns.push(
    {
      id: "duration",
      label: "duration",
      numeric: true,
      visibleByDefault: true,
      width: 100,
      key: (t) => t.duration,
      text: (t) => formatDuration(t.duration),
      csv: (t) => t.duration,
    },
    {
      id: "start",
      label: "started",
      numeric: true,
      visibleByDefault: false,
      width: 170,
      key: (t) => t.datetimeStart?.getTime() ?? null,
      text: (t) => formatDate(t.datetimeStart),
      csv: (t) => t.datetimeStart?.toISOString() ?? null,
    },
    {
      id: "complete",
      label: "completed",
      numeric: true,
      visibleByDefault: false,
      width: 170,
      key: (t) => t.datetimeComplete?.getTime() ?? null,
      text: (t) => formatDate(t.datetimeComplete),
      csv: (t) => t.datetimeComplete?.toISOString() ?? null,
    },
  );
  space.names.forEach((name, i) => {
    const distribution = space.distributions[i];
    const column: TrialColumn = {
      id: `param:${name}`,
      label: name,
      numeric: true,
      visibleByDefault: i < 12,
      width: 120,
      key: (t) => valueKey(t.params[name]),
      text: (t) => formatAny(t.params[name]),
      csv: (t) => csvOf(t.params[name]),
    };
    if (distribution?.kind === "categorical") {
      column.choices = distribution.choices.map((c) => formatAny(c));
    } else {
      column.range = { kind: "param", name };
    }
    columns.push(column);
  });
  for (const name of userAttrNames(trials)) {
    columns.push({
      id: `attr:${name}`,
      label: `attr: ${name}`,
      numeric: true,
      visibleByDefault: false,
      width: 140,
      key: (t) => valueKey(t.userAttrs[name]),
      text: (t) => formatAny(t.userAttrs[name]),
      csv: (t) => csvOf(t.userAttrs[name]),
    });
  }
  return columns;
}

/** The user-attribute keys of some trials, sorted. */
export function userAttrNames(trials: readonly FrozenTrial[]): string[] {
  const names = new Set<string>();
  for (const trial of trials) for (const name in trial.userAttrs) names.add(name);
  return [...names].sort();
}

/**
 * Sorts trials by a column: numbers numerically, then strings, nulls (and NaN) last in either
 * direction; ties keep trial order.
 */
export function sortTrials(
  trials: readonly FrozenTrial[],
  column: TrialColumn,
  descending: boolean,
): FrozenTrial[] {
  const keys = trials.map((t, i) => ({ i, k: column.key(t) }));
  const sign = descending ? -1 : 1;
  keys.sort((a, b) => {
    const x = a.k;
    const y = b.k;
    if (x === null || y === null) return x === y ? a.i - b.i : x === null ? 1 : -1;
    if (typeof x === "number" && typeof y === "number") return (x - y) * sign || a.i - b.i;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return (x < y ? -1 : x > y ? 1 : 0) * sign || a.i - b.i;
  });
  return keys.map(({ i }) => trials[i]!);
}
