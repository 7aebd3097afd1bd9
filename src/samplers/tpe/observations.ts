/**
 * Past parameter values as a matrix for the Parzen estimators: one row per trial that has every
 * parameter of the search space, in the internal representation (numbers; choice indices).
 */
import type { Distribution } from "../../distributions/index.js";
import type { FrozenTrial } from "../../trial/frozen.js";

/** Rows of observations and which trials they came from. */
export interface Observations {
  /** n rows of names.length values, row-major. */
  readonly values: Float64Array;
  readonly n: number;
  /** For each row, the index of its trial in the input list. */
  readonly rows: Int32Array;
}

/**
 * The values of `names` in the trials that have them all. Numbers are clipped into the
 * current range (a trial may come from a wider range suggested earlier); a categorical value
 * that is not among the current choices drops the trial.
 */
export function collectObservations(
  trials: readonly FrozenTrial[],
  names: readonly string[],
  distributions: readonly Distribution[],
): Observations {
  const nDims = names.length;
  const values = new Float64Array(trials.length * nDims);
  const rows = new Int32Array(trials.length);
  let n = 0;
  outer: for (let t = 0; t < trials.length; t++) {
    const params = trials[t]!.params;
    const base = n * nDims;
    for (let d = 0; d < nDims; d++) {
      const value = params[names[d]!];
      if (value === undefined) continue outer;
      const distribution = distributions[d]!;
      if (distribution.kind === "categorical") {
        const index = distribution.choices.indexOf(value);
        if (index < 0) continue outer;
        values[base + d] = index;
      } else {
        if (typeof value !== "number" || Number.isNaN(value)) continue outer;
        values[base + d] =
          value < distribution.low ? distribution.low : Math.min(value, distribution.high);
      }
    }
    rows[n] = t;
    n++;
  }
  return { values: values.subarray(0, n * nDims), n, rows: rows.subarray(0, n) };
}
