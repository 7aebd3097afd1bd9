import { describe, expect, it } from "vitest";
import { SkipjackError } from "../../src/errors/index.js";
import {
  cholesky,
  choleskyLogDet,
  choleskySolve,
  factorize,
  inverseFromPackedInverseFactor,
  invertLowerPacked,
  NotPositiveDefiniteError,
  packedLowerMatVec,
  packedLowerTransposedMatVec,
} from "../../src/math/linalg/cholesky.js";
import { Rng } from "../../src/math/rng.js";

/** A random symmetric positive-definite matrix A = B Bᵀ + n I. */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
      a[i * n + j] = s;
    }
  }
  return a;
}

function matVec(a: Float64Array, n: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += a[i * n + j] * x[j];
  return y;
}

describe("cholesky", () => {
  it("factorizes and solves symmetric positive-definite systems", () => {
    for (const n of [1, 2, 5, 17]) {
      const a = randomSpd(n, n);
      const f = cholesky(a, n);
      expect(f.jitter).toBe(0);
      // L Lᵀ = A
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += f.l[i * n + k] * f.l[j * n + k];
          expect(s).toBeCloseTo(a[i * n + j], 9);
        }
      }
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const solved = choleskySolve(f, matVec(a, n, x));
      for (let i = 0; i < n; i++) expect(solved[i]).toBeCloseTo(x[i], 10);
    }
  });

  it("computes log det, L⁻¹ products and the inverse", () => {
    const a = Float64Array.of(4, 2, 2, 3); // det 8
    const f = cholesky(a, 2);
    expect(choleskyLogDet(f)).toBeCloseTo(Math.log(8), 14);
    const n = 9;
    const b = randomSpd(n, 3);
    const g = cholesky(b, n);
    const linv = invertLowerPacked(g.l, n);
    const inv = inverseFromPackedInverseFactor(linv, n);
    for (let i = 0; i < n; i++) {
      const row = matVec(
        b,
        n,
        Float64Array.from({ length: n }, (_, j) => inv[j * n + i]),
      );
      for (let j = 0; j < n; j++) expect(row[j]).toBeCloseTo(i === j ? 1 : 0, 10);
    }
    // L⁻¹ (L v) = v and (L⁻¹)ᵀ w agrees with the dense product.
    const v = Float64Array.from({ length: n }, (_, i) => i - 4);
    const lv = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) lv[i] += g.l[i * n + k] * v[k];
    const back = packedLowerMatVec(linv, n, lv, new Float64Array(n));
    for (let i = 0; i < n; i++) expect(back[i]).toBeCloseTo(v[i], 10);
    const t = packedLowerTransposedMatVec(linv, n, v, new Float64Array(n));
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = i; k < n; k++) s += linv[(k * (k + 1)) / 2 + i] * v[k];
      expect(t[i]).toBeCloseTo(s, 12);
    }
  });

  it("agrees with the textbook formulas for every size parity (blocked loops)", () => {
    for (let n = 1; n <= 12; n++) {
      const a = randomSpd(n, 10 + n);
      const l = new Float64Array(n * n);
      expect(factorize(a, n, 0, l)).toBe(true);
      // Cholesky–Banachiewicz, one entry at a time.
      const ref = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let sum = a[i * n + j];
          for (let k = 0; k < j; k++) sum -= ref[i * n + k] * ref[j * n + k];
          ref[i * n + j] = i === j ? Math.sqrt(sum) : sum / ref[j * n + j];
        }
      }
      for (let i = 0; i < n * n; i++) expect(l[i]).toBeCloseTo(ref[i], 12);
      const linv = invertLowerPacked(l, n);
      const inv = inverseFromPackedInverseFactor(linv, n);
      for (let i = 0; i < n; i++) {
        const row = matVec(
          a,
          n,
          Float64Array.from({ length: n }, (_, j) => inv[j * n + i]),
        );
        for (let j = 0; j < n; j++) expect(row[j]).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
  });

  it("adds jitter to a positive semi-definite matrix", () => {
    // Rank one: [1 1; 1 1].
    const f = cholesky(Float64Array.of(1, 1, 1, 1), 2);
    expect(f.jitter).toBeGreaterThan(0);
    expect(f.jitter).toBeLessThan(1e-4);
  });

  it("throws a typed error for an indefinite matrix after its retries", () => {
    const indefinite = Float64Array.of(1, 2, 2, 1); // eigenvalues 3 and −1
    let caught: unknown;
    try {
      cholesky(indefinite, 2, { maxRetries: 3 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotPositiveDefiniteError);
    expect(caught).toBeInstanceOf(SkipjackError);
    expect((caught as NotPositiveDefiniteError).jitter).toBeCloseTo(1e-8, 15);
    expect((caught as Error).message).toMatch(/not positive definite/);
    expect(() => cholesky(Float64Array.of(Number.NaN), 1)).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(Float64Array.of(-1), 1, { maxRetries: 0 })).toThrow(
      NotPositiveDefiniteError,
    );
  });
});
