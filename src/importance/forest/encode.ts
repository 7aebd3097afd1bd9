/**
 * Trials as a numeric design matrix for the random forest, as Optuna's fANOVA and
 * mean-decrease-impurity evaluators see them: a float or int parameter is one column with its
 * raw value (no log or step transform) bounded by [low, high]; a categorical parameter is one
 * column per choice (one-hot), each bounded by [0, 1].
 */
import type { SearchSpace } from "../../distributions/index.js";
import type { FrozenTrial } from "../../trial/frozen.js";

/** The encoded columns of a search space. */
export interface EncodedSpace {
  /** Number of columns. */
  readonly nColumns: number;
  /** Each column's bounds. */
  readonly lows: Float64Array;
  readonly highs: Float64Array;
  /** For each parameter (in the space's order), its columns. */
  readonly columnsOf: readonly Int32Array[];
  /** For each column, its parameter's position. */
  readonly paramOf: Int32Array;
}

/** The columns of `space`, in its parameter order. */
export function encodeSpace(space: SearchSpace): EncodedSpace {
  const lows: number[] = [];
  const highs: number[] = [];
  const paramOf: number[] = [];
  const columnsOf: Int32Array[] = [];
  Object.values(space).forEach((distribution, p) => {
    const width = distribution.kind === "categorical" ? distribution.choices.length : 1;
    const columns = new Int32Array(width);
    for (let j = 0; j < width; j++) {
      columns[j] = lows.length;
      paramOf.push(p);
      lows.push(distribution.kind === "categorical" ? 0 : distribution.low);
      highs.push(distribution.kind === "categorical" ? 1 : distribution.high);
    }
    columnsOf.push(columns);
  });
  return {
    nColumns: lows.length,
    lows: Float64Array.from(lows),
    highs: Float64Array.from(highs),
    columnsOf,
    paramOf: Int32Array.from(paramOf),
  };
}

/**
 * The trials' parameter values, column-major (column c of trial i at c·n + i). Every trial
 * must have every parameter of the space.
 */
export function encodeTrials(
  space: SearchSpace,
  encoded: EncodedSpace,
  trials: readonly FrozenTrial[],
): Float64Array {
  const n = trials.length;
  const x = new Float64Array(encoded.nColumns * n);
  Object.entries(space).forEach(([name, distribution], p) => {
    const columns = encoded.columnsOf[p]!;
    for (let i = 0; i < n; i++) {
      const value = trials[i]!.params[name]!;
      if (distribution.kind === "categorical") {
        x[columns[distribution.toInternalRepr(value)]! * n + i] = 1;
      } else {
        x[columns[0]! * n + i] = value as number;
      }
    }
  });
  return x;
}
