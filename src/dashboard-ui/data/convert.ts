/**
 * The API's compact trial rows turned back into the library's own FrozenTrial objects, so the
 * browser draws with the same figure functions as Node does (one plot implementation).
 */
import type { Distribution, Params, SearchSpace } from "../../distributions/index.js";
import { jsonToDistribution } from "../../distributions/json.js";
import type { JsonValue } from "../../json/python.js";
import type {
  DistributionJson,
  Num,
  TrialDetail,
  TrialRow,
} from "../../server/dashboard/api-types.js";
import { FrozenTrial } from "../../trial/frozen.js";

/** A JSON number, or its string spelling of NaN and ±infinity. */
export function num(value: Num): number {
  if (typeof value === "number") return value;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** The search space of a response: parameter names with their distributions, in API order. */
export interface ParamSpace {
  names: readonly string[];
  distributions: readonly Distribution[];
  /** Every parameter's distribution by name, shared by trials that have every parameter. */
  full: Readonly<SearchSpace>;
}

/** Parses the API's distributions (Optuna's JSON form) with the library's own parser. */
export function paramSpace(
  names: readonly string[],
  json: readonly DistributionJson[],
): ParamSpace {
  const distributions = json.map((d) => jsonToDistribution(JSON.stringify(d)));
  const full: SearchSpace = {};
  names.forEach((name, i) => {
    full[name] = distributions[i]!;
  });
  return { names, distributions, full: Object.freeze(full) };
}

/** One API row as a FrozenTrial. */
export function toFrozenTrial(row: TrialRow, space: ParamSpace): FrozenTrial {
  const params: Params = {};
  let distributions: SearchSpace = space.full as SearchSpace;
  let complete = row.params.length === space.names.length;
  for (let i = 0; i < row.params.length; i++) {
    const internal = row.params[i];
    if (internal === null || internal === undefined) {
      complete = false;
      continue;
    }
    const distribution = space.distributions[i]!;
    params[space.names[i]!] = distribution.toExternalRepr(internal);
  }
  if (!complete) {
    distributions = {};
    for (const name of Object.keys(params)) distributions[name] = space.full[name]!;
  }
  const systemAttrs: Record<string, JsonValue> = {};
  if (row.failReason !== undefined) systemAttrs["fail_reason"] = row.failReason;
  if (row.constraints !== undefined) systemAttrs["constraints"] = row.constraints.map(num);
  const intermediate = new Map<number, number>();
  if (row.intermediate !== undefined) {
    const [steps, values] = row.intermediate;
    for (let i = 0; i < steps.length; i++) intermediate.set(steps[i]!, num(values[i]!));
  }
  return new FrozenTrial({
    number: row.number,
    // The compact rows carry no storage id; nothing the figures draw reads it.
    trialId: -1,
    state: row.state,
    values: row.values === null ? null : row.values.map(num),
    datetimeStart: row.start === null ? null : new Date(row.start),
    datetimeComplete: row.complete === null ? null : new Date(row.complete),
    params,
    distributions,
    userAttrs: { ...(row.userAttrs ?? {}) },
    systemAttrs,
    intermediateValues: intermediate,
  });
}

/** A trial page's detail as a FrozenTrial (to draw its curve with the library's figure). */
export function detailToFrozenTrial(detail: TrialDetail): FrozenTrial {
  const params: Params = {};
  const distributions: SearchSpace = {};
  for (const p of detail.params) {
    const distribution = jsonToDistribution(JSON.stringify(p.distribution));
    distributions[p.name] = distribution;
    params[p.name] = distribution.toExternalRepr(p.internal);
  }
  const [steps, values] = detail.intermediate;
  return new FrozenTrial({
    number: detail.number,
    trialId: detail.trialId,
    state: detail.state,
    values: detail.values === null ? null : detail.values.map(num),
    datetimeStart: detail.start === null ? null : new Date(detail.start),
    datetimeComplete: detail.complete === null ? null : new Date(detail.complete),
    params,
    distributions,
    userAttrs: { ...detail.userAttrs } as Record<string, JsonValue>,
    systemAttrs: { ...detail.systemAttrs } as Record<string, JsonValue>,
    intermediateValues: new Map(steps.map((step, i) => [step, num(values[i]!)])),
  });
}
