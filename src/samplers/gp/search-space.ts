/**
 * The GP's view of a search space: every parameter becomes one coordinate. Float and int
 * parameters map to [0, 1] (in log space for `log`; int and stepped ranges widened by half a
 * step on each side, as Optuna's search-space transform, so each grid value owns an equal
 * share); the GP treats them as continuous and values are rounded to the grid. Categorical
 * parameters keep their choice index and are compared by a Hamming distance.
 */

import type { Distribution, Params, SearchSpace } from "../../distributions/index.js";

/** How a coordinate is optimized. */
export type DimensionKind = "continuous" | "discrete" | "categorical";

/** One coordinate of the normalized space. */
export interface GpDimension {
  readonly name: string;
  readonly distribution: Distribution;
  readonly kind: DimensionKind;
  /** Number of grid values (discrete) or choices (categorical); Infinity when continuous. */
  readonly count: number;
}

/** Transformed bounds and grid of a float or int coordinate. */
interface Numeric {
  log: boolean;
  /** Range in the transformed (log or linear) space, widened by half a step when stepped. */
  lo: number;
  hi: number;
  low: number;
  high: number;
  step: number;
  isInt: boolean;
}

function numericOf(distribution: Distribution): Numeric | null {
  if (distribution.kind === "categorical") return null;
  const { low, high, log } = distribution;
  const step = distribution.step ?? 0;
  const isInt = distribution.kind === "int";
  const half = step / 2;
  const lo = log ? Math.log(low - half) : low - half;
  const hi = log ? Math.log(high + half) : high + half;
  return { log, lo, hi, low, high, step, isInt };
}

/** The normalized coordinate system of one search space. */
export class GpSearchSpace {
  readonly dimensions: readonly GpDimension[];
  readonly d: number;
  readonly isCategorical: Uint8Array;
  private readonly numeric: (Numeric | null)[];

  /** Parameters in name order (so that the coordinates do not depend on insertion order). */
  constructor(space: SearchSpace) {
    const names = Object.keys(space).sort();
    this.d = names.length;
    this.isCategorical = new Uint8Array(this.d);
    this.numeric = [];
    const dims: GpDimension[] = [];
    names.forEach((name, c) => {
      const distribution = space[name]!;
      const numeric = numericOf(distribution);
      this.numeric.push(numeric);
      if (distribution.kind === "categorical") {
        this.isCategorical[c] = 1;
        dims.push({ name, distribution, kind: "categorical", count: distribution.choices.length });
      } else if (numeric !== null && numeric.step > 0) {
        const count = Math.round((numeric.high - numeric.low) / numeric.step) + 1;
        dims.push({ name, distribution, kind: "discrete", count });
      } else {
        dims.push({ name, distribution, kind: "continuous", count: Number.POSITIVE_INFINITY });
      }
    });
    this.dimensions = dims;
  }

  /** The coordinate of an (external) parameter value. */
  normalizeValue(c: number, value: unknown): number {
    const dim = this.dimensions[c];
    const internal = dim.distribution.toInternalRepr(value);
    const numeric = this.numeric[c];
    if (numeric === null) return internal;
    const t = numeric.log ? Math.log(internal) : internal;
    if (numeric.hi === numeric.lo) return 0.5;
    return (t - numeric.lo) / (numeric.hi - numeric.lo);
  }

  /** The row of coordinates of a trial's parameters (all names of the space must be present). */
  encode(params: Params, out = new Float64Array(this.d)): Float64Array {
    for (let c = 0; c < this.d; c++)
      out[c] = this.normalizeValue(c, params[this.dimensions[c].name]);
    return out;
  }

  /** Index of the grid value nearest to coordinate u (discrete) or of the choice (categorical). */
  nearestIndex(c: number, u: number): number {
    const dim = this.dimensions[c];
    const numeric = this.numeric[c];
    if (numeric === null) return Math.min(dim.count - 1, Math.max(0, Math.floor(u)));
    const t = numeric.lo + u * (numeric.hi - numeric.lo);
    const v = numeric.log ? Math.exp(t) : t;
    const i = Math.round((v - numeric.low) / numeric.step);
    return Math.min(dim.count - 1, Math.max(0, i));
  }

  /** The coordinate of grid value i (discrete) or choice i (categorical). */
  gridCoordinate(c: number, i: number): number {
    const numeric = this.numeric[c];
    if (numeric === null) return i;
    const v = numeric.low + i * numeric.step;
    const t = numeric.log ? Math.log(v) : v;
    if (numeric.hi === numeric.lo) return 0.5;
    return (t - numeric.lo) / (numeric.hi - numeric.lo);
  }

  /** Maps a point of [0, 1)^d (e.g. a Sobol point) onto the space: grid and choices snapped. */
  fromUnitCube(u: Float64Array, out: Float64Array): Float64Array {
    for (let c = 0; c < this.d; c++) {
      const dim = this.dimensions[c];
      if (dim.kind === "categorical")
        out[c] = Math.min(dim.count - 1, Math.floor(u[c] * dim.count));
      else if (dim.kind === "discrete") out[c] = this.gridCoordinate(c, this.nearestIndex(c, u[c]));
      else out[c] = u[c];
    }
    return out;
  }

  /** Snaps the discrete coordinates of x to their grid in place. */
  round(x: Float64Array): Float64Array {
    for (let c = 0; c < this.d; c++) {
      if (this.dimensions[c].kind === "discrete") {
        x[c] = this.gridCoordinate(c, this.nearestIndex(c, x[c]));
      }
    }
    return x;
  }

  /** The parameter values (external representation) of a row of coordinates. */
  decode(x: Float64Array): Params {
    const params: Params = {};
    for (let c = 0; c < this.d; c++) {
      const dim = this.dimensions[c];
      const numeric = this.numeric[c];
      if (numeric === null) {
        params[dim.name] = dim.distribution.toExternalRepr(this.nearestIndex(c, x[c]));
        continue;
      }
      let value: number;
      if (numeric.step > 0) {
        value = numeric.low + this.nearestIndex(c, x[c]) * numeric.step;
        if (!numeric.isInt) {
          // Remove the rounding noise of low + i·step (e.g. 0.30000000000000004).
          value = Number.parseFloat(value.toPrecision(15));
        }
      } else {
        const t = numeric.lo + Math.min(1, Math.max(0, x[c])) * (numeric.hi - numeric.lo);
        value = numeric.log ? Math.exp(t) : t;
      }
      value = Math.min(numeric.high, Math.max(numeric.low, value));
      if (numeric.isInt) value = Math.round(value);
      params[dim.name] = dim.distribution.toExternalRepr(value);
    }
    return params;
  }
}
