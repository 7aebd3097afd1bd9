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
 * Factorizes A (+ jitter I) into `out` (n × n, lower triangle; the strict upper triangle is
 * zeroed). Returns false when a pivot is not positive or not finite. No allocation: for hot
 * loops that reuse their buffers; `cholesky` adds jitter retries on top.
 */
export function factorize(a: Float64Array, n: number, jitter: number, out: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // Two accumulators break the dependency chain of the dot product.
      let s0 = a[ri + j];
      if (i === j) s0 += jitter;
      let s1 = 0;
      let k = 0;
      for (; k + 1 < j; k += 2) {
        s0 -= out[ri + k] * out[rj + k];
        s1 -= out[ri + k + 1] * out[rj + k + 1];
      }
      if (k < j) s0 -= out[ri + k] * out[rj + k];
      const sum = s0 + s1;
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return false;
        out[ri + i] = Math.sqrt(sum);
      } else {
        out[ri + j] = sum / out[rj + j];
      }
    }
    for (let j = i + 1; j < n; j++) out[ri + j] = 0;
  }
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

/**
 * L⁻¹ of a lower-triangular L, packed by rows: row i (i + 1 entries) starts at i(i + 1)/2.
 * Packing keeps each row contiguous for the fast mat-vec `packedLowerMatVec`. `inv` and the
 * scratch `x` (length n) may be passed to avoid allocating.
 */
export function invertLowerPacked(
  l: Float64Array,
  n: number,
  inv: Float64Array = new Float64Array((n * (n + 1)) / 2),
  x: Float64Array = new Float64Array(n),
): Float64Array {
  // Column by column: solve L x = e_j; x is zero above j.
  for (let j = 0; j < n; j++) {
    x.fill(0, 0, n);
    x[j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s0 = 0;
      let s1 = 0;
      let k = j;
      for (; k + 1 < i; k += 2) {
        s0 -= l[ri + k] * x[k];
        s1 -= l[ri + k + 1] * x[k + 1];
      }
      if (k < i) s0 -= l[ri + k] * x[k];
      x[i] = (s0 + s1) / l[ri + i];
    }
    for (let i = j; i < n; i++) inv[(i * (i + 1)) / 2 + j] = x[i];
  }
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
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
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
  }
  return out;
}
