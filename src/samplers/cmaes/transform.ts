/**
 * Maps a numeric search space to the unit cube [0, 1]^n in which CMA-ES works: log ranges in
 * log space, the rest linearly.
 *
 * Without margin, integer and stepped ranges are widened by half a step on each side and
 * rounded back (Optuna's `_SearchSpaceTransform(transform_step=True)`), so every value owns a
 * cell of equal width. With margin, discrete coordinates are grids of points (value k at
 * position k / (K − 1), or its log position) that CMA-ES with margin rounds itself.
 */
import type { Distribution, Params } from "../../distributions/index.js";
import { fromUnit } from "../unit.js";
import { axisIndex, type DiscreteAxis } from "./cma.js";

type Numeric = Exclude<Distribution, { kind: "categorical" }>;

/** Whether a distribution takes discrete values (integers, or floats with a step). */
export function isDiscrete(d: Distribution): boolean {
  return d.kind === "int" || (d.kind === "float" && d.step !== null);
}

/** The value grid of an integer or stepped range, as positions in [0, 1]. */
class GridAxis implements DiscreteAxis {
  readonly count: number;
  private readonly d: Numeric;

  constructor(d: Numeric) {
    this.d = d;
    const step = d.step ?? 1;
    this.count =
      d.log && d.kind === "int" ? d.high - d.low + 1 : Math.round((d.high - d.low) / step) + 1;
  }

  position(k: number): number {
    if (this.d.kind === "int" && this.d.log) {
      const { low, high } = this.d;
      return (Math.log(low + k) - Math.log(low)) / (Math.log(high) - Math.log(low));
    }
    return k / (this.count - 1);
  }

  value(k: number): number {
    const { low, high } = this.d;
    const step = this.d.step ?? 1;
    if (this.d.kind === "int") return this.d.log ? low + k : low + k * step;
    return Math.min(high, Math.round(k) * step + low);
  }

  /** The index of the grid value nearest to `value` (its cell in value space). */
  indexOf(value: number): number {
    const step = this.d.step ?? 1;
    const k =
      this.d.kind === "int" && this.d.log ? value - this.d.low : (value - this.d.low) / step;
    return Math.min(this.count - 1, Math.max(0, Math.round(k)));
  }
}

function clip01(u: number): number {
  return Math.min(1, Math.max(0, u));
}

/** A numeric search space seen as the unit cube. */
export class UnitTransform {
  /** Parameter names, sorted: coordinate i is `names[i]`. */
  readonly names: readonly string[];
  readonly distributions: readonly Numeric[];
  /** Per coordinate, its grid with margin (discrete), else null. */
  readonly axes: readonly (GridAxis | null)[];
  readonly withMargin: boolean;

  constructor(space: Record<string, Distribution>, withMargin: boolean) {
    this.names = Object.keys(space).sort();
    this.distributions = this.names.map((name) => {
      const d = space[name]!;
      if (d.kind === "categorical") {
        throw new TypeError(`UnitTransform: "${name}" is categorical`);
      }
      return d;
    });
    this.withMargin = withMargin;
    this.axes = this.distributions.map((d) =>
      withMargin && isDiscrete(d) ? new GridAxis(d) : null,
    );
  }

  get dimension(): number {
    return this.names.length;
  }

  /** Coordinates of parameter values (each clipped to [0, 1]); throws when a name is missing. */
  encode(params: Readonly<Params>): Float64Array {
    const out = new Float64Array(this.names.length);
    this.names.forEach((name, i) => {
      const value = params[name];
      if (typeof value !== "number") {
        throw new TypeError(`UnitTransform: parameter "${name}" is missing or not a number`);
      }
      out[i] = this.encodeOne(i, value);
    });
    return out;
  }

  private encodeOne(i: number, x: number): number {
    const d = this.distributions[i]!;
    const axis = this.axes[i];
    if (axis) return axis.position(axis.indexOf(x));
    const { low, high, log } = d;
    if (d.kind === "float" && d.step === null) {
      if (log) return clip01((Math.log(x) - Math.log(low)) / (Math.log(high) - Math.log(low)));
      return clip01((x - low) / (high - low));
    }
    if (d.kind === "int" && log) {
      const a = Math.log(low - 0.5);
      return clip01((Math.log(x) - a) / (Math.log(high + 0.5) - a));
    }
    const step = d.step!;
    return clip01((x - (low - step / 2)) / (high - low + step));
  }

  /** Parameter values of coordinates (clipped into range, rounded onto grids). */
  decode(coords: ArrayLike<number>): Params {
    const params: Params = {};
    this.names.forEach((name, i) => {
      const d = this.distributions[i]!;
      const axis = this.axes[i];
      const u = coords[i]!;
      params[name] = axis ? axis.value(axisIndex(axis, u)) : fromUnit(d, clip01(u));
    });
    return params;
  }
}
