/**
 * Cholesky factorization of symmetric positive-definite matrices and the triangular solves
 * around it. Matrices are dense, row-major `Float64Array`s of n × n; only the lower triangle
 * of the input is read.
 */

import { SkipjackError } from "../../errors/index.js";

/** The matrix is not positive definite, even after adding the largest jitter tried. */
export class NotPositiveDefiniteError extends SkipjackError {
  /** The jitter (added to the diagonal) of the last attempt. */
  readonly jitter: number;

  constructor(message: string, jitter: number) {
    super(message);
    this.jitter = jitter;
  }
}

/** Options of `cholesky`. */
export interface CholeskyOptions {
  /**
   * How many times to retry with a larger diagonal jitter when a pivot is not positive
   * (default 5). The first retry adds 1e-10 × the mean diagonal, each next one 10× more.
   */
  maxRetries?: number;
  /** Jitter of the first retry relative to the mean diagonal (default 1e-10). */
  initialJitter?: number;
}

/** A lower-triangular factor L with A + jitter I = L Lᵀ. */
export interface CholeskyFactor {
  /** n × n row-major; the strict upper triangle is zero. */
  readonly l: Float64Array;
  readonly n: number;
  /** What was added to the diagonal to make the factorization succeed (0 when nothing). */
  readonly jitter: number;
}

/**
 * A − Σ_{k<j} L_ik L_jk (+ jitter when i = j) for row offsets ri = i n, rj = j n: two
 * accumulators (even and odd k) break the dependency chain of the dot product.
 */
function reducedEntry(
  a: Float64Array,
  out: Float64Array,
  ri: number,
  rj: number,
  j: number,
  jitter: number,
): number {
  let s0 = a[ri + j] + jitter;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < j; k += 2) {
    s0 -= out[ri + k] * out[rj + k];
    s1 -= out[ri + k + 1] * out[rj + k + 1];
  }
  if (k < j) s0 -= out[ri + k] * out[rj + k];
  return s0 + s1;
}

/** Row i of the factor from entry `from` on (the entries before it are done). */
function factorRow(
  a: Float64Array,
  n: number,
  i: number,
  from: number,
  jitter: number,
  out: Float64Array,
): boolean {
  const ri = i * n;
  for (let j = from; j < i; j++)
    out[ri + j] = reducedEntry(a, out, ri, j * n, j, 0) / out[j * n + j];
  const sum = reducedEntry(a, out, ri, ri, i, jitter);
  if (!(sum > 0) || !Number.isFinite(sum)) return false;
  out[ri + i] = Math.sqrt(sum);
  for (let j = i + 1; j < n; j++) out[ri + j] = 0;
  return true;
}

/**
 * Factorizes A (+ jitter I) into `out` (n × n, lower triangle; the strict upper triangle is
 * zeroed). Returns false when a pivot is not positive or not finite. No allocation: for hot
 * loops that reuse their buffers; `cholesky` adds jitter retries on top.
 *
 * Row by row (Cholesky–Banachiewicz), two rows at a time below the diagonal: the entries
 * (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1) share their loads, which makes the loop
 * bound by arithmetic rather than by loads and latency. Each entry's sum is accumulated in
 * the same order as one row at a time (`factorRow`), so the factor is the same.
 */
export function factorize(a: Float64Array, n: number, jitter: number, out: Float64Array): boolean {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ri = i * n;
    const rh = ri + n;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const rj = j * n;
      const rg = rj + n;
      // (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1): even-k and odd-k accumulators.
      let a0 = a[ri + j];
      let a1 = 0;
      let b0 = a[ri + j + 1];
      let b1 = 0;
      let c0 = a[rh + j];
      let c1 = 0;
      let e0 = a[rh + j + 1];
      let e1 = 0;
      for (let k = 0; k < j; k += 2) {
        const li0 = out[ri + k];
        const li1 = out[ri + k + 1];
        const lh0 = out[rh + k];
        const lh1 = out[rh + k + 1];
        const lj0 = out[rj + k];
        const lj1 = out[rj + k + 1];
        const lg0 = out[rg + k];
        const lg1 = out[rg + k + 1];
        a0 -= li0 * lj0;
        a1 -= li1 * lj1;
        b0 -= li0 * lg0;
        b1 -= li1 * lg1;
        c0 -= lh0 * lj0;
        c1 -= lh1 * lj1;
        e0 -= lh0 * lg0;
        e1 -= lh1 * lg1;
      }
      // j is even: (i, j) has no odd tail; (i, j + 1) has the tail k = j.
      const lij = (a0 + a1) / out[rj + j];
      const lhj = (c0 + c1) / out[rj + j];
      out[ri + j] = lij;
      out[rh + j] = lhj;
      b0 -= lij * out[rg + j];
      e0 -= lhj * out[rg + j];
      out[ri + j + 1] = (b0 + b1) / out[rg + j + 1];
      out[rh + j + 1] = (e0 + e1) / out[rg + j + 1];
    }
    // j = i: the diagonal of row i, then the rest of row i + 1.
    if (!factorRow(a, n, i, i, jitter, out)) return false;
    if (!factorRow(a, n, i + 1, i, jitter, out)) return false;
  }
  if (i < n && !factorRow(a, n, i, 0, jitter, out)) return false;
  return true;
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix (Cholesky–Banachiewicz, row by
 * row). When a pivot fails, retries with growing jitter on the diagonal; throws
 * `NotPositiveDefiniteError` when every retry fails.
 */
export function cholesky(
  a: Float64Array,
  n: number,
  options: CholeskyOptions = {},
): CholeskyFactor {
  if (a.length < n * n)
    throw new RangeError(`cholesky: expected ${n * n} entries, got ${a.length}.`);
  const maxRetries = options.maxRetries ?? 5;
  const l = new Float64Array(n * n);
  if (factorize(a, n, 0, l)) return { l, n, jitter: 0 };
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += Math.abs(a[i * n + i]);
  meanDiagonal = n > 0 && meanDiagonal > 0 ? meanDiagonal / n : 1;
  let jitter = (options.initialJitter ?? 1e-10) * meanDiagonal;
  for (let attempt = 0; attempt < maxRetries; attempt++) {
    if (factorize(a, n, jitter, l)) return { l, n, jitter };
    if (attempt + 1 < maxRetries) jitter *= 10;
  }
  throw new NotPositiveDefiniteError(
    `The ${n}×${n} matrix is not positive definite, even with ${jitter.toExponential(2)} added ` +
      "to its diagonal; check it is symmetric and free of NaN, or raise the noise/jitter.",
    jitter,
  );
}

/** Solves L x = b (forward substitution) in place of `b`; L lower-triangular n × n. */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[ri + k] * b[k];
    b[i] = sum / l[ri + i];
  }
  return b;
}

/** Solves Lᵀ x = b (back substitution) in place of `b`; L lower-triangular n × n. */
export function solveLowerTransposed(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    const xi = b[i] / l[i * n + i];
    b[i] = xi;
    // Subtract column i of Lᵀ (row i of L) from the rows above.
    const ri = i * n;
    for (let k = 0; k < i; k++) b[k] -= l[ri + k] * xi;
  }
  return b;
}

/** Solves (L Lᵀ) x = b, returning a new array. */
export function choleskySolve(factor: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  solveLower(factor.l, factor.n, x);
  solveLowerTransposed(factor.l, factor.n, x);
  return x;
}

/** log det(L Lᵀ) = 2 Σ log L_ii. */
export function choleskyLogDet(factor: CholeskyFactor): number {
  let sum = 0;
  for (let i = 0; i < factor.n; i++) sum += Math.log(factor.l[i * factor.n + i]);
  return 2 * sum;
}

/** Scratch for the second column of `invertLowerPacked` (JavaScript runs one call at a time). */
let secondColumn = new Float64Array(0);

/**
 * L⁻¹ of a lower-triangular L, packed by rows: row i (i + 1 entries) starts at i(i + 1)/2.
 * Packing keeps each row contiguous for the fast mat-vec `packedLowerMatVec`. `inv` and the
 * scratch `x` (length n) may be passed to avoid allocating.
 *
 * Column by column (solve L x = e_j; x is zero above j), two columns at a time so that each
 * load of L feeds two sums; each sum runs in the same order as for one column alone.
 */
export function invertLowerPacked(
  l: Float64Array,
  n: number,
  inv: Float64Array = new Float64Array((n * (n + 1)) / 2),
  x: Float64Array = new Float64Array(n),
): Float64Array {
  if (secondColumn.length < n) secondColumn = new Float64Array(n);
  const y = secondColumn;
  let j = 0;
  for (; j + 1 < n; j += 2) {
    // Columns j (in x) and j + 1 (in y); two accumulators each, by the parity of k − column.
    const j1 = j + 1;
    x[j] = 1 / l[j * n + j];
    x[j1] = (0 - l[j1 * n + j] * x[j] + 0) / l[j1 * n + j1];
    y[j1] = 1 / l[j1 * n + j1];
    for (let i = j + 2; i < n; i++) {
      const ri = i * n;
      let s0 = 0;
      let s1 = 0;
      let t0 = 0;
      let t1 = 0;
      s0 -= l[ri + j] * x[j];
      let k = j1;
      for (; k + 1 < i; k += 2) {
        const a = l[ri + k];
        const b = l[ri + k + 1];
        s1 -= a * x[k];
        s0 -= b * x[k + 1];
        t0 -= a * y[k];
        t1 -= b * y[k + 1];
      }
      if (k < i) {
        const a = l[ri + k];
        s1 -= a * x[k];
        t0 -= a * y[k];
      }
      const d = l[ri + i];
      x[i] = (s0 + s1) / d;
      y[i] = (t0 + t1) / d;
    }
    for (let i = j; i < n; i++) inv[(i * (i + 1)) / 2 + j] = x[i];
    for (let i = j1; i < n; i++) inv[(i * (i + 1)) / 2 + j1] = y[i];
  }
  if (j < n) inv[(j * (j + 1)) / 2 + j] = 1 / l[j * n + j];
  return inv;
}

/** y = M v for a lower-triangular M packed by rows (see `invertLowerPacked`). */
export function packedLowerMatVec(
  m: Float64Array,
  n: number,
  v: ArrayLike<number>,
  y: Float64Array,
): Float64Array {
  let p = 0;
  for (let i = 0; i < n; i++) {
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    for (; k + 1 <= i; k += 2) {
      s0 += m[p + k] * v[k];
      s1 += m[p + k + 1] * v[k + 1];
    }
    if (k <= i) s0 += m[p + k] * v[k];
    y[i] = s0 + s1;
    p += i + 1;
  }
  return y;
}

/** y = Mᵀ v for a lower-triangular M packed by rows. */
export function packedLowerTransposedMatVec(
  m: Float64Array,
  n: number,
  v: ArrayLike<number>,
  y: Float64Array,
): Float64Array {
  y.fill(0, 0, n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const vi = v[i];
    for (let k = 0; k <= i; k++) y[k] += m[p + k] * vi;
    p += i + 1;
  }
  return y;
}

/** Entry (i, j ≤ i) of L⁻ᵀL⁻¹ from the columns of L⁻¹ in `t`, into out (both triangles). */
function inverseEntry(t: Float64Array, n: number, i: number, j: number, out: Float64Array): void {
  const ri = i * n;
  const rj = j * n;
  let s0 = 0;
  let s1 = 0;
  let k = i;
  for (; k + 1 < n; k += 2) {
    s0 += t[ri + k] * t[rj + k];
    s1 += t[ri + k + 1] * t[rj + k + 1];
  }
  if (k < n) s0 += t[ri + k] * t[rj + k];
  const v = s0 + s1;
  out[ri + j] = v;
  out[rj + i] = v;
}

/**
 * (L Lᵀ)⁻¹ as a dense symmetric n × n row-major matrix, from L⁻¹ packed by rows:
 * A⁻¹ = L⁻ᵀ L⁻¹, entry (i, j) = Σ_{k ≥ max(i, j)} L⁻¹_ki L⁻¹_kj. `out` and the scratch `t`
 * (both n × n) may be passed to avoid allocating.
 */
export function inverseFromPackedInverseFactor(
  linv: Float64Array,
  n: number,
  out: Float64Array = new Float64Array(n * n),
  t: Float64Array = new Float64Array(n * n),
): Float64Array {
  // Columns of L⁻¹ as contiguous rows: t[i n + k] = L⁻¹_ki (zero for k < i).
  let p = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i <= k; i++) t[i * n + k] = linv[p + i];
    p += k + 1;
  }
  // Rows i, i + 1 against rows j, j + 1 < i: four sums sharing their loads. Each keeps the
  // two accumulators of `inverseEntry` (by the parity of k − row), so the result is the same.
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ri = i * n;
    const rh = ri + n;
    for (let j = 0; j + 1 < i; j += 2) {
      const rj = j * n;
      const rg = rj + n;
      // Row i: k ≡ i → a0/b0, k ≡ i + 1 → a1/b1; row i + 1 the other way round.
      let a0 = 0;
      let a1 = 0;
      let b0 = 0;
      let b1 = 0;
      let c0 = 0;
      let c1 = 0;
      let e0 = 0;
      let e1 = 0;
      const ti = t[ri + i];
      a0 += ti * t[rj + i];
      b0 += ti * t[rg + i];
      let k = i + 1;
      for (; k + 1 < n; k += 2) {
        const p0 = t[ri + k];
        const p1 = t[ri + k + 1];
        const q0 = t[rh + k];
        const q1 = t[rh + k + 1];
        const u0 = t[rj + k];
        const u1 = t[rj + k + 1];
        const w0 = t[rg + k];
        const w1 = t[rg + k + 1];
        a1 += p0 * u0;
        a0 += p1 * u1;
        b1 += p0 * w0;
        b0 += p1 * w1;
        c0 += q0 * u0;
        c1 += q1 * u1;
        e0 += q0 * w0;
        e1 += q1 * w1;
      }
      if (k < n) {
        const p0 = t[ri + k];
        const q0 = t[rh + k];
        a1 += p0 * t[rj + k];
        b1 += p0 * t[rg + k];
        c0 += q0 * t[rj + k];
        e0 += q0 * t[rg + k];
      }
      const vij = a0 + a1;
      const vig = b0 + b1;
      const vhj = c0 + c1;
      const vhg = e0 + e1;
      out[ri + j] = vij;
      out[rj + i] = vij;
      out[ri + j + 1] = vig;
      out[rg + i] = vig;
      out[rh + j] = vhj;
      out[rj + i + 1] = vhj;
      out[rh + j + 1] = vhg;
      out[rg + i + 1] = vhg;
    }
    inverseEntry(t, n, i, i, out);
    inverseEntry(t, n, i + 1, i, out);
    inverseEntry(t, n, i + 1, i + 1, out);
  }
  if (i < n) for (let j = 0; j <= i; j++) inverseEntry(t, n, i, j, out);
  return out;
}
