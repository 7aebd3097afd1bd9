/**
 * Trial filters. The study page's state and trial-number filters apply to every plot; the
 * trials table adds ranges on parameters and values and a text match on attributes. Pure
 * functions over FrozenTrial, so the pages and the tests share them.
 */
import type { FrozenTrial } from "../../trial/frozen.js";
import type { TrialState } from "../../trial/state.js";
import { formatAny } from "../format.js";

/** Every state, in the order the pages list them. */
export const STATES: readonly TrialState[] = ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"];

/** An inclusive range; a missing bound is open. */
export interface Range {
  min: number | null;
  max: number | null;
}

/** The filters of the study page, applied before any figure is built. */
export interface PlotFilter {
  /** States kept; empty keeps all. */
  states: readonly TrialState[];
  /** Trial numbers kept. */
  numbers: Range;
}

/** A column whose numeric value a range filter bounds: a parameter or an objective value. */
export type RangeKey = { kind: "param"; name: string } | { kind: "value"; index: number };

/** A text match on one user or system attribute. */
export interface AttrFilter {
  scope: "user" | "system";
  key: string;
  /** Case-insensitive substring of the attribute's value as JSON text (strings bare). */
  contains: string;
}

/** A categorical parameter equal to one choice (compared as displayed text). */
export interface ChoiceFilter {
  name: string;
  label: string;
}

/** The filters of the trials table. */
export interface TableFilter extends PlotFilter {
  ranges: readonly { key: RangeKey; range: Range }[];
  choices: readonly ChoiceFilter[];
  attrs: readonly AttrFilter[];
}

/** Whether a number lies in a range (NaN and null lie in no bounded range). */
export function inRange(value: number | null, range: Range): boolean {
  if (range.min === null && range.max === null) return true;
  if (value === null || Number.isNaN(value)) return false;
  return (range.min === null || value >= range.min) && (range.max === null || value <= range.max);
}

/** A trial's numeric value for a range key: a number param, or an objective; null otherwise. */
export function rangeValue(trial: FrozenTrial, key: RangeKey): number | null {
  if (key.kind === "value") return trial.values?.[key.index] ?? null;
  const value = trial.params[key.name];
  return typeof value === "number" ? value : null;
}

function attrText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

/** The trials that pass the plot filter. */
export function applyPlotFilter(
  trials: readonly FrozenTrial[],
  filter: PlotFilter,
): readonly FrozenTrial[] {
  const states = filter.states.length === 0 ? null : new Set(filter.states);
  const all = filter.numbers.min === null && filter.numbers.max === null;
  if (states === null && all) return trials;
  return trials.filter(
    (t) => (states === null || states.has(t.state)) && inRange(t.number, filter.numbers),
  );
}

/** The trials that pass every filter of the table. */
export function applyTableFilter(
  trials: readonly FrozenTrial[],
  filter: TableFilter,
): readonly FrozenTrial[] {
  const kept = applyPlotFilter(trials, filter);
  const ranges = filter.ranges.filter((r) => r.range.min !== null || r.range.max !== null);
  const attrs = filter.attrs
    .filter((a) => a.key !== "")
    .map((a) => ({ ...a, needle: a.contains.toLowerCase() }));
  if (ranges.length === 0 && attrs.length === 0 && filter.choices.length === 0) return kept;
  return kept.filter((t) => {
    for (const { key, range } of ranges) if (!inRange(rangeValue(t, key), range)) return false;
    for (const c of filter.choices) {
      if (!Object.hasOwn(t.params, c.name) || formatAny(t.params[c.name]) !== c.label) return false;
    }
    for (const a of attrs) {
      const source = a.scope === "user" ? t.userAttrs : t.systemAttrs;
      if (!Object.hasOwn(source, a.key)) return false;
      if (!attrText(source[a.key]).toLowerCase().includes(a.needle)) return false;
    }
    return true;
  });
}

/** Counts of trials by state. */
export function countByState(trials: readonly FrozenTrial[]): Record<TrialState, number> {
  const counts: Record<TrialState, number> = {
    COMPLETE: 0,
    PRUNED: 0,
    FAIL: 0,
    RUNNING: 0,
    WAITING: 0,
  };
  for (const t of trials) counts[t.state] += 1;
  return counts;
}
