/**
 * Eigen-decomposition of real symmetric matrices by the cyclic Jacobi method
 * (Golub & Van Loan, "Matrix Computations", §8.5): a sequence of plane rotations, each
 * zeroing one off-diagonal element, until the off-diagonal part is negligible. Slower than
 * Householder + QL for large matrices but very accurate (small relative errors even for tiny
 * eigenvalues), simple, and fast enough for the dimensions of hyperparameter spaces.
 *
 * Matrices are dense, row-major `Float64Array`s of n × n.
 */

/** The result of `symmetricEigen`: A = V diag(values) Vᵀ. */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Orthonormal eigenvectors as columns, row-major n × n: `vectors[i * n + k]` is component i of vector k. */
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of the symmetric n × n matrix `a`
 * (row-major; only the upper triangle is read, so a nearly symmetric input is fine).
 * `a` is not modified.
 */
export function symmetricEigen(a: Float64Array | readonly number[], n: number): SymmetricEigen {
  if (a.length !== n * n) {
    throw new RangeError(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  }
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j]!;
      if (!Number.isFinite(v))
        throw new RangeError("symmetricEigen: matrix has non-finite entries");
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! * m[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    }
    if (off === 0 || off <= 1e-30 * diag) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Zero elements already negligible next to both diagonal entries (after a few sweeps).
        const g = 100 * Math.abs(apq);
        if (
          sweep > 3 &&
          Math.abs(app) + g === Math.abs(app) &&
          Math.abs(aqq) + g === Math.abs(aqq)
        ) {
          m[p * n + q] = 0;
          m[q * n + p] = 0;
          continue;
        }
        // Rotation angle: t = tan(θ) is the smaller root of t² + 2τt − 1 = 0.
        const tau = (aqq - app) / (2 * apq);
        const t =
          tau >= 0 ? 1 / (tau + Math.sqrt(1 + tau * tau)) : -1 / (-tau + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        // A ← Jᵀ A J, rows/columns p and q.
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        // V ← V J.
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  // Sort ascending, permuting the eigenvector columns alongside.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => m[i * n + i]! - m[j * n + j]! || i - j,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const src = order[k]!;
    values[k] = m[src * n + src]!;
    for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + src]!;
  }
  return { values, vectors };
}
