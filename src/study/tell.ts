import type { FrozenTrial } from "../trial/frozen.js";

/** The checked outcome of an objective call. */
export type Outcome = { ok: true; values: number[] } | { ok: false; reason: string };

/**
 * Checks what an objective returned against the number of objectives (Optuna's rules):
 * numbers only, none NaN, one per direction.
 */
export function checkValues(returned: unknown, nObjectives: number): Outcome {
  const list = Array.isArray(returned) ? (returned as unknown[]) : [returned];
  if (list.length !== nObjectives) {
    return {
      ok: false,
      reason: `The objective returned ${list.length} value(s) but the study has ${nObjectives} objective(s).`,
    };
  }
  const values: number[] = [];
  for (const item of list) {
    if (typeof item !== "number") {
      const shown = typeof item === "string" ? JSON.stringify(item) : String(item);
      return {
        ok: false,
        reason: `The objective returned ${shown} (${item === null ? "null" : typeof item}); it must return a number.`,
      };
    }
    if (Number.isNaN(item)) return { ok: false, reason: "The objective returned NaN." };
    values.push(item);
  }
  return { ok: true, values };
}

/** A pruned trial keeps its last reported value as its value, as in Optuna. */
export function prunedValues(trial: FrozenTrial, nObjectives: number): number[] | null {
  if (nObjectives !== 1) return null;
  const step = trial.lastStep;
  if (step === null) return null;
  const value = trial.intermediateValues.get(step)!;
  return Number.isNaN(value) ? null : [value];
}
