/**
 * L-BFGS-B: limited-memory quasi-Newton minimization of a smooth function subject to box
 * constraints l ≤ x ≤ u (Byrd, Lu, Nocedal & Zhu 1995, "A limited memory algorithm for bound
 * constrained optimization"; with the projection step of Morales & Nocedal 2011).
 *
 * Each iteration
 * 1. finds the generalized Cauchy point: the first local minimizer of the quadratic model
 *    m(x) = f + gᵀ(x − x_k) + ½(x − x_k)ᵀB(x − x_k) along the projected steepest-descent path,
 *    with B = θI − W M Wᵀ the compact limited-memory BFGS matrix (section 4 of the paper);
 * 2. minimizes the model over the variables still free at the Cauchy point (direct primal
 *    method, section 5.1), projected back into the box;
 * 3. searches along the resulting direction for a step satisfying the strong Wolfe
 *    conditions (bracketing and zoom with cubic interpolation, Nocedal & Wright, Alg. 3.5–3.6).
 * The correction pair (s, y) is kept only when sᵀy > ε yᵀy, so B stays positive definite.
 */

/** f(x) and its gradient; the gradient array may be reused by the callee between calls. */
export type ValueAndGradient = (x: Float64Array) => readonly [number, ArrayLike<number>];

/** Options of `minimizeLbfgsb`. */
export interface LbfgsbOptions {
  /** Lower bounds, one per variable or one for all (default −Infinity: unbounded). */
  lower?: ArrayLike<number> | number;
  /** Upper bounds, one per variable or one for all (default +Infinity). */
  upper?: ArrayLike<number> | number;
  /** Number of correction pairs kept (default 10, scipy's `maxcor`; at most the dimension). */
  memory?: number;
  /** Stop when the projected gradient's largest component is ≤ pgtol (default 1e-5). */
  pgtol?: number;
  /**
   * Stop when the relative reduction (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol
   * (default 2.220446049250313e-9, scipy's factr = 1e7 times machine epsilon).
   */
  ftol?: number;
  /** Maximum number of iterations (default 15000). */
  maxIterations?: number;
  /** Maximum number of function evaluations (default 15000). */
  maxEvaluations?: number;
  /** Maximum number of evaluations in one line search (default 20). */
  maxLineSearchSteps?: number;
  /**
   * Correction pairs from an earlier, similar problem (e.g. `result.corrections` of the previous
   * fit of a model refitted as data arrive): the first steps then use its curvature instead of
   * steepest descent. Pairs of the wrong length or without positive curvature are ignored.
   */
  initialCorrections?: LbfgsbCorrections;
  /**
   * Largest change of any variable tried first by each line search (default Infinity). The
   * search may still go further when the function keeps decreasing; a finite value guards
   * against wild first steps, e.g. from `initialCorrections` of a problem that changed.
   */
  maxStep?: number;
  /**
   * f(x) alone, when it is much cheaper than f with its gradient (e.g. a GP likelihood whose
   * gradient needs a matrix inverse). The line search then rejects trial points that fail the
   * sufficient-decrease test without asking for their gradient.
   */
  value?: (x: Float64Array) => number;
}

/** The (s, y) correction pairs of the limited-memory matrix, oldest first. */
export interface LbfgsbCorrections {
  readonly s: readonly Float64Array[];
  readonly y: readonly Float64Array[];
}

/** Why the minimization stopped. */
export type LbfgsbStatus =
  | "pgtol"
  | "ftol"
  | "max-iterations"
  | "max-evaluations"
  | "line-search-failed"
  | "non-finite";

/** What `minimizeLbfgsb` found. */
export interface LbfgsbResult {
  /** The best point found (inside the bounds). */
  x: Float64Array;
  /** f(x). */
  value: number;
  /** ∇f(x). */
  gradient: Float64Array;
  /** Largest component of the projected gradient P(x − ∇f) − x at x. */
  projectedGradientNorm: number;
  iterations: number;
  evaluations: number;
  /** True when a convergence test (pgtol or ftol) ended the run. */
  converged: boolean;
  status: LbfgsbStatus;
  /** The correction pairs at the end, for `initialCorrections` of a later, similar problem. */
  corrections: LbfgsbCorrections;
}

const EPS = 2.220446049250313e-16;
const C1 = 1e-3; // sufficient decrease (L-BFGS-B's line search ftol)
const C2 = 0.9; // curvature (L-BFGS-B's line search gtol)

function boundsArray(value: ArrayLike<number> | number | undefined, n: number, fill: number) {
  const out = new Float64Array(n);
  if (value === undefined) out.fill(fill);
  else if (typeof value === "number") out.fill(value);
  else {
    if (value.length !== n) {
      throw new RangeError(`minimizeLbfgsb: bounds have ${value.length} entries, x has ${n}.`);
    }
    for (let i = 0; i < n; i++) out[i] = value[i];
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** Largest |P(x − g) − x|_i. */
function projectedGradientNorm(x: Float64Array, g: Float64Array, l: Float64Array, u: Float64Array) {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    let gi = g[i];
    if (gi < 0) gi = Math.max(x[i] - u[i], gi);
    else gi = Math.min(x[i] - l[i], gi);
    norm = Math.max(norm, Math.abs(gi));
  }
  return norm;
}

/** The row r ≥ col with the largest |a[r, col]| (partial pivoting); −1 when that is 0 or not finite. */
function pivotRow(a: Float64Array, m: number, col: number): number {
  let pivot = col;
  let best = Math.abs(a[col * m + col]);
  for (let r = col + 1; r < m; r++) {
    const v = Math.abs(a[r * m + col]);
    if (v > best) {
      best = v;
      pivot = r;
    }
  }
  return best > 0 && Number.isFinite(best) ? pivot : -1;
}

/** Inverts a dense m × m matrix in place by Gauss–Jordan with partial pivoting; false if singular. */
function invertInPlace(a: Float64Array, m: number): boolean {
  const inv = new Float64Array(m * m);
  for (let i = 0; i < m; i++) inv[i * m + i] = 1;
  for (let col = 0; col < m; col++) {
    const pivot = pivotRow(a, m, col);
    if (pivot < 0) return false;
    if (pivot !== col) {
      for (let c = 0; c < m; c++) {
        let t = a[col * m + c];
        a[col * m + c] = a[pivot * m + c];
        a[pivot * m + c] = t;
        t = inv[col * m + c];
        inv[col * m + c] = inv[pivot * m + c];
        inv[pivot * m + c] = t;
      }
    }
    const p = 1 / a[col * m + col];
    for (let c = 0; c < m; c++) {
      a[col * m + c] *= p;
      inv[col * m + c] *= p;
    }
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const factor = a[r * m + col];
      if (factor === 0) continue;
      for (let c = 0; c < m; c++) {
        a[r * m + c] -= factor * a[col * m + c];
        inv[r * m + c] -= factor * inv[col * m + c];
      }
    }
  }
  a.set(inv);
  return true;
}

/**
 * Solves A x = b for a dense m × m matrix by Gaussian elimination with partial pivoting;
 * A and b are overwritten (b holds x). Returns false if A is singular.
 */
function solveInPlace(a: Float64Array, b: Float64Array, m: number): boolean {
  for (let col = 0; col < m; col++) {
    const pivot = pivotRow(a, m, col);
    if (pivot < 0) return false;
    if (pivot !== col) {
      for (let c = col; c < m; c++) {
        const t = a[col * m + c];
        a[col * m + c] = a[pivot * m + c];
        a[pivot * m + c] = t;
      }
      const t = b[col];
      b[col] = b[pivot];
      b[pivot] = t;
    }
    const inv = 1 / a[col * m + col];
    for (let r = col + 1; r < m; r++) {
      const factor = a[r * m + col] * inv;
      if (factor === 0) continue;
      for (let c = col + 1; c < m; c++) a[r * m + c] -= factor * a[col * m + c];
      b[r] -= factor * b[col];
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let sum = b[r];
    for (let c = r + 1; c < m; c++) sum -= a[r * m + c] * b[c];
    b[r] = sum / a[r * m + r];
  }
  return true;
}

/** The limited-memory BFGS matrix B = θI − W M Wᵀ, W = [Y θS], in compact form. */
class CompactBfgs {
  readonly n: number;
  readonly capacity: number;
  /** Correction pairs, oldest first. */
  s: Float64Array[] = [];
  y: Float64Array[] = [];
  theta = 1;
  /** 2k × 2k middle matrix M. */
  middle = new Float64Array(0);
  /** M⁻¹ = [[−D, Lᵀ], [L, θ SᵀS]] itself. */
  middleInverse = new Float64Array(0);

  constructor(n: number, capacity: number) {
    this.n = n;
    this.capacity = capacity;
  }

  get size(): number {
    return this.s.length;
  }

  reset(): void {
    this.s = [];
    this.y = [];
    this.theta = 1;
    this.middle = new Float64Array(0);
    this.middleInverse = new Float64Array(0);
  }

  /** Adds a pair when its curvature is safely positive; returns whether it was kept. */
  push(s: Float64Array, y: Float64Array): boolean {
    const sy = dot(s, y, this.n);
    const yy = dot(y, y, this.n);
    if (!(sy > EPS * yy) || !Number.isFinite(sy) || !Number.isFinite(yy)) return false;
    if (this.s.length === this.capacity) {
      this.s.shift();
      this.y.shift();
    }
    this.s.push(s);
    this.y.push(y);
    this.theta = yy / sy;
    if (!this.formMiddle()) {
      this.reset();
      return false;
    }
    return true;
  }

  /** M = [[−D, Lᵀ], [L, θ SᵀS]]⁻¹ with D = diag(sᵢᵀyᵢ), L_ij = sᵢᵀy_j for i > j. */
  private formMiddle(): boolean {
    const k = this.s.length;
    const m = 2 * k;
    const a = new Float64Array(m * m);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const sy = dot(this.s[i], this.y[j], this.n);
        if (i === j) a[i * m + j] = -sy;
        else if (i > j) {
          a[(k + i) * m + j] = sy; // L block (lower left)
          a[j * m + (k + i)] = sy; // Lᵀ block (upper right)
        }
        if (j <= i) {
          const ss = this.theta * dot(this.s[i], this.s[j], this.n);
          a[(k + i) * m + (k + j)] = ss;
          a[(k + j) * m + (k + i)] = ss;
        }
      }
    }
    this.middleInverse = a.slice();
    if (!invertInPlace(a, m)) return false;
    this.middle = a;
    return true;
  }

  /** Row i of W = [Y θS], into out (length 2k). */
  row(i: number, out: Float64Array): void {
    const k = this.s.length;
    for (let j = 0; j < k; j++) {
      out[j] = this.y[j][i];
      out[k + j] = this.theta * this.s[j][i];
    }
  }

  /** out = M v. */
  multiplyMiddle(v: Float64Array, out: Float64Array): void {
    const m = 2 * this.s.length;
    for (let i = 0; i < m; i++) {
      let sum = 0;
      for (let j = 0; j < m; j++) sum += this.middle[i * m + j] * v[j];
      out[i] = sum;
    }
  }
}

/** Work arrays of one minimization, allocated once (the iterations allocate almost nothing). */
class Workspace {
  readonly t: Float64Array;
  readonly d: Float64Array;
  /** Whether each variable is free at the Cauchy point (not at a bound reached on the path). */
  readonly free: Uint8Array;
  readonly breakpoints: Int32Array;
  readonly freeIndex: Int32Array;
  /** The generalized Cauchy point. */
  readonly xcp: Float64Array;
  readonly projected: Float64Array;
  readonly r: Float64Array;
  readonly dHat: Float64Array;
  /** c = Wᵀ(xcp − x). */
  readonly c: Float64Array;
  readonly p: Float64Array;
  readonly w: Float64Array;
  readonly mv: Float64Array;
  readonly u: Float64Array;
  /** Rows of W for the free variables, nf × 2k. */
  readonly rows: Float64Array;
  readonly system: Float64Array;

  constructor(n: number, memory: number) {
    const m = 2 * memory;
    this.t = new Float64Array(n);
    this.d = new Float64Array(n);
    this.free = new Uint8Array(n);
    this.breakpoints = new Int32Array(n);
    this.freeIndex = new Int32Array(n);
    this.xcp = new Float64Array(n);
    this.projected = new Float64Array(n);
    this.r = new Float64Array(n);
    this.dHat = new Float64Array(n);
    this.c = new Float64Array(m);
    this.p = new Float64Array(m);
    this.w = new Float64Array(m);
    this.mv = new Float64Array(m);
    this.u = new Float64Array(m);
    this.rows = new Float64Array(n * m);
    this.system = new Float64Array(m * m);
  }
}

/** Sorts idx[0..count) by increasing key[idx] (insertion sort: few breakpoints, no closure). */
function sortByKey(idx: Int32Array, count: number, key: Float64Array): void {
  for (let i = 1; i < count; i++) {
    const v = idx[i];
    const kv = key[v];
    let j = i - 1;
    while (j >= 0 && key[idx[j]] > kv) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

/**
 * The generalized Cauchy point (Algorithm CP of the paper) into ws.xcp, with ws.c and
 * ws.free.
 */
function cauchyPoint(
  x: Float64Array,
  g: Float64Array,
  l: Float64Array,
  u: Float64Array,
  bfgs: CompactBfgs,
  ws: Workspace,
): void {
  const n = x.length;
  const k = bfgs.size;
  const m = 2 * k;
  const theta = bfgs.theta;
  const { t, d, free, breakpoints, xcp, p, c, w, mv } = ws;
  let nBreak = 0;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    let ti = Number.POSITIVE_INFINITY;
    if (gi < 0 && u[i] < Number.POSITIVE_INFINITY) ti = (x[i] - u[i]) / gi;
    else if (gi > 0 && l[i] > Number.NEGATIVE_INFINITY) ti = (x[i] - l[i]) / gi;
    t[i] = ti;
    xcp[i] = x[i];
    if (ti === 0) {
      d[i] = 0;
      free[i] = 0;
    } else {
      d[i] = -gi;
      free[i] = 1;
      if (ti < Number.POSITIVE_INFINITY) breakpoints[nBreak++] = i;
    }
  }
  sortByKey(breakpoints, nBreak, t);
  p.fill(0, 0, m);
  c.fill(0, 0, m);
  // p = Wᵀd
  let f1 = 0;
  for (let i = 0; i < n; i++) {
    const di = d[i];
    if (di === 0) continue;
    f1 -= di * di;
    if (m > 0) {
      bfgs.row(i, w);
      for (let j = 0; j < m; j++) p[j] += w[j] * di;
    }
  }
  let f2 = -theta * f1;
  if (m > 0) {
    bfgs.multiplyMiddle(p, mv);
    for (let j = 0; j < m; j++) f2 -= p[j] * mv[j];
  }
  const f2Original = f2;
  if (f1 >= 0) return;
  let dtMin = -f1 / f2;
  let tOld = 0;
  for (let index = 0; index < nBreak; index++) {
    const b = breakpoints[index];
    const dt = t[b] - tOld;
    if (dtMin < dt) break;
    // Variable b reaches its bound.
    const xb = d[b] > 0 ? u[b] : l[b];
    xcp[b] = xb;
    const zb = xb - x[b];
    const gb = g[b];
    for (let j = 0; j < m; j++) c[j] += dt * p[j];
    let wMc = 0;
    let wMp = 0;
    let wMw = 0;
    if (m > 0) {
      bfgs.row(b, w);
      bfgs.multiplyMiddle(w, mv);
      for (let j = 0; j < m; j++) {
        wMc += mv[j] * c[j];
        wMp += mv[j] * p[j];
        wMw += mv[j] * w[j];
      }
    }
    f1 += dt * f2 + gb * gb + theta * gb * zb - gb * wMc;
    f2 -= theta * gb * gb + 2 * gb * wMp + gb * gb * wMw;
    for (let j = 0; j < m; j++) p[j] += gb * w[j];
    d[b] = 0;
    free[b] = 0;
    f2 = Math.max(EPS * f2Original, f2);
    dtMin = -f1 / f2;
    tOld = t[b];
  }
  dtMin = Math.max(dtMin, 0);
  const tFinal = tOld + dtMin;
  for (let i = 0; i < n; i++) {
    if (free[i] && d[i] !== 0) {
      let xi = x[i] + tFinal * d[i];
      // Guard against rounding past a bound.
      if (xi < l[i]) xi = l[i];
      else if (xi > u[i]) xi = u[i];
      xcp[i] = xi;
    }
  }
  for (let j = 0; j < m; j++) c[j] += dtMin * p[j];
}

/**
 * Minimizes the quadratic model over the free variables from the Cauchy point (direct primal
 * method); returns the end point x̄ of the search direction, inside the box (a workspace
 * array: use it before the next iteration).
 */
function subspaceMinimum(
  x: Float64Array,
  g: Float64Array,
  l: Float64Array,
  u: Float64Array,
  bfgs: CompactBfgs,
  ws: Workspace,
): Float64Array {
  const n = x.length;
  const k = bfgs.size;
  const m = 2 * k;
  const { xcp, c, free, freeIndex, rows, r, dHat, w, mv, system } = ws;
  let nf = 0;
  for (let i = 0; i < n; i++) if (free[i]) freeIndex[nf++] = i;
  if (nf === 0) return xcp;
  const theta = bfgs.theta;
  const invTheta = 1 / theta;
  // Reduced gradient r = Zᵀ(g + θ(xcp − x) − W M c).
  if (m > 0) bfgs.multiplyMiddle(c, mv);
  for (let a = 0; a < nf; a++) {
    const i = freeIndex[a];
    let ri = g[i] + theta * (xcp[i] - x[i]);
    if (m > 0) {
      bfgs.row(i, w);
      const base = a * m;
      for (let j = 0; j < m; j++) {
        rows[base + j] = w[j];
        ri -= w[j] * mv[j];
      }
    }
    r[a] = ri;
  }
  let solved = false;
  if (m > 0) {
    // u = (I − M P/θ)⁻¹ M Wᵀ Z r = (M⁻¹ − P/θ)⁻¹ Wᵀ Z r, with P = Wᵀ Z Zᵀ W.
    const uu = ws.u;
    uu.fill(0, 0, m);
    for (let a = 0; a < nf; a++) {
      const ra = r[a];
      const base = a * m;
      for (let j = 0; j < m; j++) uu[j] += rows[base + j] * ra;
    }
    const mi = bfgs.middleInverse;
    for (let q = 0; q < m * m; q++) system[q] = mi[q];
    for (let a = 0; a < nf; a++) {
      const base = a * m;
      for (let i = 0; i < m; i++) {
        const wi = rows[base + i] * invTheta;
        if (wi === 0) continue;
        for (let j = 0; j < m; j++) system[i * m + j] -= wi * rows[base + j];
      }
    }
    if (solveInPlace(system, uu, m)) {
      solved = true;
      const invTheta2 = invTheta * invTheta;
      for (let a = 0; a < nf; a++) {
        let wu = 0;
        const base = a * m;
        for (let j = 0; j < m; j++) wu += rows[base + j] * uu[j];
        dHat[a] = -r[a] * invTheta - invTheta2 * wu;
      }
    }
  }
  if (!solved) for (let a = 0; a < nf; a++) dHat[a] = -r[a] * invTheta;
  // Projection (Morales & Nocedal 2011); fall back to truncation when it is not descent.
  const projected = ws.projected;
  projected.set(xcp);
  for (let a = 0; a < nf; a++) {
    const i = freeIndex[a];
    projected[i] = Math.min(u[i], Math.max(l[i], xcp[i] + dHat[a]));
  }
  let descent = 0;
  for (let i = 0; i < n; i++) descent += (projected[i] - x[i]) * g[i];
  if (descent < 0) return projected;
  let alpha = 1;
  for (let a = 0; a < nf; a++) {
    const i = freeIndex[a];
    const di = dHat[a];
    if (di > 0) alpha = Math.min(alpha, (u[i] - xcp[i]) / di);
    else if (di < 0) alpha = Math.min(alpha, (l[i] - xcp[i]) / di);
  }
  projected.set(xcp);
  for (let a = 0; a < nf; a++) projected[freeIndex[a]] = xcp[freeIndex[a]] + alpha * dHat[a];
  return projected;
}

/** A point where f was evaluated. */
interface Evaluated {
  alpha: number;
  value: number;
  slope: number;
  x: Float64Array;
  g: Float64Array;
}

/** Minimizer of the cubic interpolating (a, fa, da), (b, fb, db); NaN when there is none. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number) {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * Minimizes f within bounds with L-BFGS-B. `fun` returns f(x) and ∇f(x); x is projected into
 * the box first. Returns the best point found; never throws for a non-finite value (the line
 * search backs off, and the run stops with status "non-finite" only at the start).
 */
export function minimizeLbfgsb(
  fun: ValueAndGradient,
  x0: ArrayLike<number>,
  options: LbfgsbOptions = {},
): LbfgsbResult {
  const n = x0.length;
  const l = boundsArray(options.lower, n, Number.NEGATIVE_INFINITY);
  const u = boundsArray(options.upper, n, Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    if (!(l[i] <= u[i])) {
      throw new RangeError(`minimizeLbfgsb: lower bound ${l[i]} > upper bound ${u[i]} at ${i}.`);
    }
  }
  // More pairs than variables are linearly dependent and make the middle matrix singular.
  const memory = Math.max(1, Math.min(options.memory ?? 10, n));
  const pgtol = options.pgtol ?? 1e-5;
  const ftol = options.ftol ?? 2.220446049250313e-9;
  const maxIterations = options.maxIterations ?? 15000;
  const maxEvaluations = options.maxEvaluations ?? 15000;
  const maxLineSearch = options.maxLineSearchSteps ?? 20;
  const maxStep = options.maxStep ?? Number.POSITIVE_INFINITY;
  const userValue = options.value;
  const valueOnly =
    userValue === undefined
      ? null
      : (point: Float64Array): number => {
          evaluations++;
          return userValue(point);
        };

  let evaluations = 0;
  const evaluate = (point: Float64Array): [number, Float64Array] => {
    evaluations++;
    const [value, grad] = fun(point);
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = grad[i];
    return [value, g];
  };

  let x: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.min(u[i], Math.max(l[i], x0[i]));
  let [f, g] = evaluate(x);
  const bfgs = new CompactBfgs(n, memory);
  const initial = options.initialCorrections;
  if (initial !== undefined) {
    for (let k = 0; k < Math.min(initial.s.length, initial.y.length); k++) {
      if (initial.s[k].length === n && initial.y[k].length === n) {
        bfgs.push(Float64Array.from(initial.s[k]), Float64Array.from(initial.y[k]));
      }
    }
  }
  const finish = (status: LbfgsbStatus, iterations: number): LbfgsbResult => ({
    x,
    value: f,
    gradient: g,
    projectedGradientNorm: projectedGradientNorm(x, g, l, u),
    iterations,
    evaluations,
    converged: status === "pgtol" || status === "ftol",
    status,
    corrections: { s: [...bfgs.s], y: [...bfgs.y] },
  });
  if (!Number.isFinite(f) || g.some((v) => !Number.isFinite(v))) return finish("non-finite", 0);
  if (projectedGradientNorm(x, g, l, u) <= pgtol) return finish("pgtol", 0);

  const ws = new Workspace(n, memory);
  const direction = new Float64Array(n);
  let iterations = 0;
  while (iterations < maxIterations) {
    if (evaluations >= maxEvaluations) return finish("max-evaluations", iterations);
    cauchyPoint(x, g, l, u, bfgs, ws);
    const xBar = bfgs.size > 0 ? subspaceMinimum(x, g, l, u, bfgs, ws) : ws.xcp;
    const d = direction;
    let slope0 = 0;
    let dNorm2 = 0;
    for (let i = 0; i < n; i++) {
      d[i] = xBar[i] - x[i];
      slope0 += d[i] * g[i];
      dNorm2 += d[i] * d[i];
    }
    if (!(slope0 < 0)) {
      if (bfgs.size > 0) {
        bfgs.reset();
        continue;
      }
      // Steepest descent gives no descent: x is stationary up to rounding.
      return finish("pgtol", iterations);
    }
    // Largest feasible step along d (≥ 1 since x̄ is in the box).
    let alphaMax = 1e10;
    for (let i = 0; i < n; i++) {
      if (d[i] > 0) alphaMax = Math.min(alphaMax, (u[i] - x[i]) / d[i]);
      else if (d[i] < 0) alphaMax = Math.min(alphaMax, (l[i] - x[i]) / d[i]);
    }
    alphaMax = Math.max(alphaMax, 1);
    let alpha = bfgs.size === 0 ? Math.min(1, 1 / Math.sqrt(dNorm2)) : 1;
    if (maxStep < Number.POSITIVE_INFINITY) {
      let dMax = 0;
      for (let i = 0; i < n; i++) dMax = Math.max(dMax, Math.abs(d[i]));
      if (alpha * dMax > maxStep) alpha = maxStep / dMax;
    }
    const step = lineSearch(
      evaluate,
      valueOnly,
      x,
      f,
      slope0,
      d,
      l,
      u,
      alpha,
      alphaMax,
      Math.min(maxLineSearch, maxEvaluations - evaluations),
    );
    if (step === null) {
      if (bfgs.size > 0) {
        bfgs.reset();
        continue;
      }
      return finish(
        evaluations >= maxEvaluations ? "max-evaluations" : "line-search-failed",
        iterations,
      );
    }
    alpha = step.alpha;
    iterations++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = step.x[i] - x[i];
      y[i] = step.g[i] - g[i];
    }
    const fOld = f;
    x = step.x;
    f = step.value;
    g = step.g;
    bfgs.push(s, y);
    if (projectedGradientNorm(x, g, l, u) <= pgtol) return finish("pgtol", iterations);
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return finish("ftol", iterations);
    }
  }
  return finish("max-iterations", iterations);
}

/**
 * Strong-Wolfe line search on φ(α) = f(x + αd) over (0, alphaMax]; points beyond the box are
 * projected (they only arise from rounding). Returns null when no point with sufficient
 * decrease was found.
 */
function lineSearch(
  evaluate: (p: Float64Array) => [number, Float64Array],
  valueOnly: ((p: Float64Array) => number) | null,
  x: Float64Array,
  f0: number,
  slope0: number,
  d: Float64Array,
  l: Float64Array,
  u: Float64Array,
  alphaInit: number,
  alphaMax: number,
  maxSteps: number,
): Evaluated | null {
  const n = x.length;
  const at = (alpha: number): Evaluated => {
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = x[i] + alpha * d[i];
      if (v < l[i]) v = l[i];
      else if (v > u[i]) v = u[i];
      p[i] = v;
    }
    if (valueOnly !== null) {
      const value = valueOnly(p);
      if (!(value <= f0 + C1 * alpha * slope0) || !(value < lo.value)) {
        // Rejected: no gradient needed (the zoom interpolates quadratically from lo).
        return { alpha, value, slope: Number.NaN, x: p, g: p };
      }
    }
    const [value, g] = evaluate(p);
    return { alpha, value, slope: dot(g, d, n), x: p, g };
  };
  const sufficient = (e: Evaluated) =>
    Number.isFinite(e.value) && e.value <= f0 + C1 * e.alpha * slope0 && Number.isFinite(e.slope);
  const curvature = (e: Evaluated) => Math.abs(e.slope) <= -C2 * slope0;

  let lo: Evaluated = { alpha: 0, value: f0, slope: slope0, x, g: new Float64Array(0) };
  let best: Evaluated | null = null;
  let alpha = Math.min(alphaInit, alphaMax);
  let steps = 0;
  let hi: Evaluated | null = null;
  // Bracketing phase.
  while (steps < maxSteps) {
    const e = at(alpha);
    steps++;
    if (!sufficient(e) || e.value >= lo.value) {
      hi = e;
      break;
    }
    best = e;
    if (curvature(e)) return e;
    if (e.slope >= 0) {
      hi = lo;
      lo = e;
      break;
    }
    lo = e;
    if (alpha >= alphaMax) return e;
    alpha = Math.min(alphaMax, alpha * 4);
  }
  if (hi === null) return best;
  // Zoom phase: lo satisfies sufficient decrease with the lowest value; the minimizer lies
  // between lo and hi.
  while (steps < maxSteps) {
    const a = lo.alpha;
    const b = hi.alpha;
    const width = Math.abs(b - a);
    if (width <= 1e-15 * Math.max(1, Math.abs(b))) break;
    let trial = Number.NaN;
    if (Number.isFinite(hi.value) && Number.isFinite(hi.slope)) {
      trial = cubicMinimizer(a, lo.value, lo.slope, b, hi.value, hi.slope);
    } else if (Number.isFinite(hi.value)) {
      // Quadratic through (a, f_lo) with slope f'_lo and (b, f_hi).
      const delta = b - a;
      const curvature2 = hi.value - lo.value - lo.slope * delta;
      if (curvature2 > 0) trial = a - (lo.slope * delta * delta) / (2 * curvature2);
    }
    const lowEnd = Math.min(a, b) + 0.1 * width;
    const highEnd = Math.max(a, b) - 0.1 * width;
    // Safeguards: a non-finite end shrinks the step fast; an interpolated step is kept at
    // least a tenth of the bracket away from its ends (clamped, not bisected: the minimizer is
    // often close to one end).
    if (!Number.isFinite(hi.value)) trial = a + 0.2 * (b - a);
    else if (Number.isNaN(trial)) trial = 0.5 * (a + b);
    else trial = Math.min(highEnd, Math.max(lowEnd, trial));
    const e = at(trial);
    steps++;
    if (!sufficient(e) || e.value >= lo.value) {
      hi = e;
    } else {
      best = e;
      if (curvature(e)) return e;
      if (e.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
      lo = e;
    }
  }
  return best;
}
