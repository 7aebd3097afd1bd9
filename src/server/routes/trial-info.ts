/** A trial as the API shows it (the TrialInfo schema). */
import type { FrozenTrial } from "../../trial/frozen.js";

/** Non-finite numbers as the strings JSON can carry. */
export function jsonNumber(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

export function trialInfo(study: string, trial: FrozenTrial) {
  const intermediate: Record<string, number | string> = {};
  for (const [step, value] of trial.intermediateValues)
    intermediate[String(step)] = jsonNumber(value);
  return {
    study,
    number: trial.number,
    state: trial.state,
    params: { ...trial.params },
    values: trial.values === null ? null : trial.values.map(jsonNumber),
    intermediate_values: intermediate,
    user_attrs: { ...trial.userAttrs },
    datetime_start: trial.datetimeStart?.toISOString() ?? null,
    datetime_complete: trial.datetimeComplete?.toISOString() ?? null,
  };
}
