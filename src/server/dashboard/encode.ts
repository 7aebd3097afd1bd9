/**
 * The JSON forms of the dashboard API (see api-types.ts): non-finite floats as strings,
 * distributions in Optuna's JSON form, and a trial's compact row.
 */
import { type Distribution, distributionToJson } from "../../distributions/index.js";
import type { JsonValue } from "../../json/python.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import type { DistributionJson, Num, TrialRow } from "./api-types.js";

/** A float as JSON holds it: NaN and ±infinity spelled as strings. */
export function num(x: number): Num {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return "NaN";
  return x > 0 ? "Infinity" : "-Infinity";
}

/** Numbers as `num` writes them. */
export function nums(xs: readonly number[]): Num[] {
  return xs.map(num);
}

const distributionCache = new WeakMap<Distribution, DistributionJson>();

/** A distribution in Optuna's JSON form, parsed (memoized: distributions are immutable). */
export function distributionJson(distribution: Distribution): DistributionJson {
  let json = distributionCache.get(distribution);
  if (json === undefined) {
    json = JSON.parse(distributionToJson(distribution)) as DistributionJson;
    distributionCache.set(distribution, json);
  }
  return json;
}

/** Intermediate values as [steps, values], ascending steps. */
export function intermediateColumns(values: ReadonlyMap<number, number>): [number[], Num[]] {
  const steps = [...values.keys()].sort((a, b) => a - b);
  return [steps, steps.map((s) => num(values.get(s)!))];
}

/** A failure reason recorded by Optuna or skipjack (system attribute `fail_reason`). */
export function failReasonOf(trial: FrozenTrial): string | null {
  const reason = trial.systemAttrs["fail_reason"];
  return typeof reason === "string" ? reason : null;
}

/** Constraint values (system attribute `constraints`, Optuna's key), or null. */
export function constraintsOf(trial: FrozenTrial): Num[] | null {
  const constraints = trial.systemAttrs["constraints"];
  if (!Array.isArray(constraints)) return null;
  return constraints.map((c: JsonValue) => (typeof c === "number" ? num(c) : "NaN"));
}

/** Where a parameter goes in a row: its index in the study's append-only name list. */
export interface ParamColumns {
  index(name: string, distribution: Distribution): number;
}

/** A trial's compact row; `columns` assigns (and may append) parameter positions. */
export function trialRow(trial: FrozenTrial, columns: ParamColumns): TrialRow {
  const params: (number | null)[] = [];
  for (const [name, distribution] of Object.entries(trial.distributions)) {
    const i = columns.index(name, distribution);
    while (params.length < i) params.push(null);
    params[i] = distribution.toInternalRepr(trial.params[name]);
  }
  const row: TrialRow = {
    number: trial.number,
    state: trial.state,
    values: trial.values === null ? null : nums(trial.values),
    params,
    start: trial.datetimeStart?.getTime() ?? null,
    complete: trial.datetimeComplete?.getTime() ?? null,
  };
  if (trial.intermediateValues.size > 0) {
    row.intermediate = intermediateColumns(trial.intermediateValues);
  }
  if (Object.keys(trial.userAttrs).length > 0) row.userAttrs = { ...trial.userAttrs };
  const reason = failReasonOf(trial);
  if (reason !== null) row.failReason = reason;
  const constraints = constraintsOf(trial);
  if (constraints !== null) row.constraints = constraints;
  return row;
}
