/**
 * Maximizes an acquisition function over a mixed search space, in the manner of Optuna's
 * `optim_mixed`: evaluate it on scrambled Sobol points, start local searches from the best
 * point and from a few more drawn with probability ∝ exp(acquisition − best) (a roulette that
 * favours good but distinct regions), plus warm starts; each local search alternates
 * - L-BFGS-B over all continuous coordinates at once, preconditioned by the lengthscales
 *   (optimizing z = x/ℓ makes the Matérn kernel isotropic, so the problem is well scaled);
 * - for each discrete coordinate, an exhaustive search when it has at most 16 values, else a
 *   golden-section search on the piecewise-linear interpolation of the acquisition over its
 *   grid (a line search);
 * - for each categorical coordinate, an exhaustive search over its choices;
 * until a whole round changes nothing.
 */

import { minimizeLbfgsb } from "../../math/optimize/lbfgsb.js";
import { SOBOL_MAX_DIMENSION, SobolEngine } from "../../math/qmc/index.js";
import type { Rng } from "../../math/rng.js";
import type { AcquisitionFunction } from "./acquisition.js";
import type { GpSearchSpace } from "./search-space.js";

/** Options of `optimizeAcquisition`. */
export interface OptimizeAcquisitionOptions {
  /** Source of the Sobol scrambling seed and of the roulette. */
  rng: Rng;
  /** Number of quasi-random points evaluated first (default 2048). */
  nPreliminarySamples?: number;
  /** Number of local searches, warm starts included (default 10). */
  nLocalSearch?: number;
  /** Tolerance of the local search; L-BFGS-B stops at a projected gradient of √tol (default 1e-4). */
  tol?: number;
  /** Extra starting points (e.g. the best trial so far), at most nLocalSearch − 1. */
  warmStarts?: readonly Float64Array[];
}

/** The maximizer found and its acquisition value. */
export interface AcquisitionMaximum {
  x: Float64Array;
  value: number;
}

/** Grids with at most this many values are searched exhaustively (Optuna's threshold). */
const MAX_EXHAUSTIVE = 16;
/** Rounds of alternating searches before giving up on convergence. */
const MAX_ROUNDS = 100;

interface Point {
  x: Float64Array;
  value: number;
}

class LocalSearch {
  private readonly acq: AcquisitionFunction;
  private readonly space: GpSearchSpace;
  private readonly continuous: number[];
  private readonly lengthscales: Float64Array;
  private readonly pgtol: number;
  private readonly grad: Float64Array;

  constructor(
    acq: AcquisitionFunction,
    space: GpSearchSpace,
    inverseSquaredLengthscales: Float64Array,
    tol: number,
  ) {
    this.acq = acq;
    this.space = space;
    this.continuous = [];
    space.dimensions.forEach((dim, c) => {
      if (dim.kind === "continuous") this.continuous.push(c);
    });
    this.lengthscales = Float64Array.from(
      this.continuous,
      (c) => 1 / Math.sqrt(inverseSquaredLengthscales[c]),
    );
    this.pgtol = Math.sqrt(tol);
    this.grad = new Float64Array(space.d);
  }

  private valueAt(x: Float64Array): number {
    const out = new Float64Array(1);
    this.acq.evaluateBatch(x, 1, out);
    return out[0];
  }

  /** L-BFGS-B on the continuous coordinates; returns whether it improved. */
  private gradientAscent(best: Point): boolean {
    const idx = this.continuous;
    if (idx.length === 0) return false;
    const ls = this.lengthscales;
    const x = Float64Array.from(best.x);
    const z0 = Float64Array.from(idx, (c, k) => x[c] / ls[k]);
    const upper = Float64Array.from(ls, (l) => 1 / l);
    const zGrad = new Float64Array(idx.length);
    const fun = (z: Float64Array): readonly [number, Float64Array] => {
      for (let k = 0; k < idx.length; k++) x[idx[k]] = Math.min(1, z[k] * ls[k]);
      const f = this.acq.evaluateWithGradient(x, this.grad);
      for (let k = 0; k < idx.length; k++) zGrad[k] = -this.grad[idx[k]] * ls[k];
      return [-f, zGrad];
    };
    const result = minimizeLbfgsb(fun, z0, {
      lower: 0,
      upper,
      pgtol: this.pgtol,
      maxIterations: 200,
    });
    if (result.iterations > 0 && -result.value > best.value && Number.isFinite(result.value)) {
      for (let k = 0; k < idx.length; k++) best.x[idx[k]] = Math.min(1, result.x[k] * ls[k]);
      best.value = -result.value;
      return true;
    }
    return false;
  }

  /** Tries every other value of coordinate c; returns whether it improved. */
  private exhaustive(best: Point, c: number): boolean {
    const { d } = this.space;
    const count = this.space.dimensions[c].count;
    // The current value by index: a warm start's coordinate may differ from the grid's by
    // rounding.
    const current = this.space.nearestIndex(c, best.x[c]);
    const candidates = new Float64Array(count * d);
    const values: number[] = [];
    let m = 0;
    for (let i = 0; i < count; i++) {
      if (i === current) continue;
      const coordinate = this.space.gridCoordinate(c, i);
      candidates.set(best.x, m * d);
      candidates[m * d + c] = coordinate;
      values.push(coordinate);
      m++;
    }
    if (m === 0) return false;
    const out = new Float64Array(m);
    this.acq.evaluateBatch(candidates, m, out);
    let arg = 0;
    for (let q = 1; q < m; q++) if (out[q] > out[arg]) arg = q;
    if (out[arg] > best.value) {
      best.x[c] = values[arg];
      best.value = out[arg];
      return true;
    }
    return false;
  }

  /**
   * Golden-section search over the grid index of coordinate c, on the linear interpolation of
   * the acquisition between grid values; returns whether it improved.
   */
  private lineSearch(best: Point, c: number): boolean {
    const count = this.space.dimensions[c].count;
    const x = Float64Array.from(best.x);
    const current = this.space.nearestIndex(c, best.x[c]);
    const cache = new Map<number, number>();
    cache.set(current, best.value);
    const at = (i: number): number => {
      let v = cache.get(i);
      if (v === undefined) {
        x[c] = this.space.gridCoordinate(c, i);
        v = this.valueAt(x);
        cache.set(i, v);
      }
      return v;
    };
    // Negated, interpolated acquisition over [0, count − 1].
    const f = (t: number): number => {
      const left = Math.min(count - 2, Math.floor(t));
      const w = t - left;
      return -((1 - w) * at(left) + w * at(left + 1));
    };
    const ratio = (Math.sqrt(5) - 1) / 2;
    let a = 0;
    let b = count - 1;
    let x1 = b - ratio * (b - a);
    let x2 = a + ratio * (b - a);
    let f1 = f(x1);
    let f2 = f(x2);
    while (b - a > 0.25) {
      if (f1 < f2) {
        b = x2;
        x2 = x1;
        f2 = f1;
        x1 = b - ratio * (b - a);
        f1 = f(x1);
      } else {
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + ratio * (b - a);
        f2 = f(x2);
      }
    }
    const index = Math.min(count - 1, Math.max(0, Math.round((a + b) / 2)));
    const value = at(index);
    if (index !== current && value > best.value) {
      best.x[c] = this.space.gridCoordinate(c, index);
      best.value = value;
      return true;
    }
    return false;
  }

  run(start: Float64Array): Point {
    const best: Point = { x: Float64Array.from(start), value: this.valueAt(start) };
    const CONTINUOUS = -1;
    let lastChanged: number | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (lastChanged === CONTINUOUS) return best;
      if (this.gradientAscent(best)) lastChanged = CONTINUOUS;
      for (let c = 0; c < this.space.d; c++) {
        const dim = this.space.dimensions[c];
        if (dim.kind === "continuous") continue;
        if (lastChanged === c) return best;
        const improved =
          dim.kind === "categorical" || dim.count <= MAX_EXHAUSTIVE
            ? this.exhaustive(best, c)
            : this.lineSearch(best, c);
        if (improved) lastChanged = c;
      }
      if (lastChanged === null) return best;
    }
    return best;
  }
}

/** Quasi-random points of the space (Sobol when the dimension allows, else uniform). */
function preliminaryPoints(space: GpSearchSpace, n: number, rng: Rng): Float64Array {
  const { d } = space;
  const out = new Float64Array(n * d);
  const row = new Float64Array(d);
  const engine =
    d <= SOBOL_MAX_DIMENSION
      ? new SobolEngine(d, { scramble: true, seed: rng.nextUint32() })
      : null;
  const unit = new Float64Array(d);
  for (let q = 0; q < n; q++) {
    if (engine !== null) engine.nextInto(unit);
    else for (let c = 0; c < d; c++) unit[c] = rng.random();
    space.fromUnitCube(unit, row);
    out.set(row, q * d);
  }
  return out;
}

/** Maximizes `acq` over `space`; see the module comment for the method. */
export function optimizeAcquisition(
  acq: AcquisitionFunction,
  space: GpSearchSpace,
  inverseSquaredLengthscales: Float64Array,
  options: OptimizeAcquisitionOptions,
): AcquisitionMaximum {
  const { d } = space;
  const nSamples = options.nPreliminarySamples ?? 2048;
  const nLocal = options.nLocalSearch ?? 10;
  const warmStarts = (options.warmStarts ?? []).slice(0, Math.max(0, nLocal - 1));
  const rng = options.rng;
  const points = preliminaryPoints(space, nSamples, rng);
  const values = new Float64Array(nSamples);
  acq.evaluateBatch(points, nSamples, values);
  let maxIndex = 0;
  for (let q = 1; q < nSamples; q++) if (values[q] > values[maxIndex]) maxIndex = q;
  // Roulette over the other points, with probability ∝ exp(value − max).
  const weights = new Float64Array(nSamples);
  let total = 0;
  let nonZero = 0;
  for (let q = 0; q < nSamples; q++) {
    if (q === maxIndex) continue;
    const w = Math.exp(values[q] - values[maxIndex]);
    if (w > 0 && Number.isFinite(w)) {
      weights[q] = w;
      total += w;
      nonZero++;
    }
  }
  const starts: Float64Array[] = [points.slice(maxIndex * d, (maxIndex + 1) * d)];
  const nAdditional = Math.min(nLocal - warmStarts.length - 1, nonZero);
  for (let k = 0; k < nAdditional; k++) {
    let r = rng.random() * total;
    let pick = -1;
    for (let q = 0; q < nSamples; q++) {
      if (weights[q] === 0) continue;
      pick = q;
      r -= weights[q];
      if (r <= 0) break;
    }
    if (pick < 0) break;
    total -= weights[pick];
    weights[pick] = 0;
    starts.push(points.slice(pick * d, (pick + 1) * d));
  }
  for (const w of warmStarts) starts.push(Float64Array.from(w));
  let best: Point = { x: starts[0], value: values[maxIndex] };
  const search = new LocalSearch(acq, space, inverseSquaredLengthscales, options.tol ?? 1e-4);
  for (const start of starts) {
    const found = search.run(start);
    if (found.value > best.value) best = found;
  }
  return { x: best.x, value: best.value };
}
