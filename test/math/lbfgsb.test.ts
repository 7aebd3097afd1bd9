import { describe, expect, it } from "vitest";
import { minimizeLbfgsb } from "../../src/math/optimize/lbfgsb.js";

/** The n-dimensional Rosenbrock function and its gradient. */
function rosenbrock(x: Float64Array): [number, Float64Array] {
  const n = x.length;
  const g = new Float64Array(n);
  let f = 0;
  for (let i = 0; i < n - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return [f, g];
}

/**
 * Checks the KKT conditions of a box-constrained minimum: the gradient vanishes on free
 * variables, points outward (g ≥ 0 at a lower bound, g ≤ 0 at an upper bound) on active ones.
 */
function expectKkt(
  x: Float64Array,
  g: Float64Array,
  lower: number[],
  upper: number[],
  tol: number,
): void {
  for (let i = 0; i < x.length; i++) {
    expect(x[i]).toBeGreaterThanOrEqual(lower[i]);
    expect(x[i]).toBeLessThanOrEqual(upper[i]);
    const atLower = x[i] === lower[i];
    const atUpper = x[i] === upper[i];
    if (atLower) expect(g[i]).toBeGreaterThan(-tol);
    else if (atUpper) expect(g[i]).toBeLessThan(tol);
    else expect(Math.abs(g[i])).toBeLessThan(tol);
  }
}

describe("minimizeLbfgsb", () => {
  it("finds the minimum of the unbounded Rosenbrock function", () => {
    for (const n of [2, 5, 10]) {
      const x0 = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
      const r = minimizeLbfgsb(rosenbrock, x0, { pgtol: 1e-8, ftol: 0 });
      expect(r.converged).toBe(true);
      for (const v of r.x) expect(v).toBeCloseTo(1, 5);
      expect(r.value).toBeLessThan(1e-10);
      expectKkt(r.x, r.gradient, Array(n).fill(-Infinity), Array(n).fill(Infinity), 1e-6);
    }
  });

  it("stops at the constrained minimum of Rosenbrock with active bounds (KKT)", () => {
    // The unconstrained minimum (1, 1, ...) lies outside the box: x_0 ≤ 0.5 is active.
    const lower = [-2, -2, -2, -2];
    const upper = [0.5, 2, 2, 2];
    const r = minimizeLbfgsb(rosenbrock, [-1.2, 1, -1.2, 1], {
      lower,
      upper,
      pgtol: 1e-6,
      ftol: 0,
    });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBe(0.5);
    expect(r.gradient[0]).toBeLessThan(0);
    expectKkt(r.x, r.gradient, lower, upper, 1e-6);
    expect(r.projectedGradientNorm).toBeLessThanOrEqual(1e-6);
    // The reduced problem in (x1, x2, x3) with x0 = 0.5 fixed has x1 = 0.2622... (checked by
    // an independent run from another start).
    const again = minimizeLbfgsb(rosenbrock, [0.5, 0, 0, 0], { lower, upper, pgtol: 1e-6 });
    for (let i = 0; i < 4; i++) expect(again.x[i]).toBeCloseTo(r.x[i], 4);
  });

  it("solves a bound-constrained quadratic exactly with active lower and upper bounds", () => {
    // f(x) = ½ Σ a_i (x_i − c_i)² + Σ_{i<n-1} 0.1 x_i x_{i+1}: a coupled convex quadratic.
    const c = [3, -3, 0.2, 5, -0.4];
    const a = [1, 2, 3, 4, 5];
    const n = c.length;
    const fun = (x: Float64Array): [number, Float64Array] => {
      const g = new Float64Array(n);
      let f = 0;
      for (let i = 0; i < n; i++) {
        f += 0.5 * a[i] * (x[i] - c[i]) ** 2;
        g[i] += a[i] * (x[i] - c[i]);
      }
      for (let i = 0; i < n - 1; i++) {
        f += 0.1 * x[i] * x[i + 1];
        g[i] += 0.1 * x[i + 1];
        g[i + 1] += 0.1 * x[i];
      }
      return [f, g];
    };
    const lower = [-1, -1, -1, -1, -1];
    const upper = [1, 1, 1, 1, 1];
    const r = minimizeLbfgsb(fun, [0, 0, 0, 0, 0], { lower, upper, pgtol: 1e-7, ftol: 0 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBe(1);
    expect(r.x[1]).toBe(-1);
    expect(r.x[3]).toBe(1);
    // Free coordinates solve their stationarity equations:
    // 3 (x2 − 0.2) + 0.1 (x1 + x3) = 0 → x2 = 0.2; 5 (x4 + 0.4) + 0.1 x3 = 0 → x4 = −0.42.
    expect(r.x[2]).toBeCloseTo(0.2, 6);
    expect(r.x[4]).toBeCloseTo(-0.42, 6);
    expectKkt(r.x, r.gradient, lower, upper, 1e-6);
    expect(r.iterations).toBeLessThan(20);
  });

  it("handles one-sided bounds, fixed variables and a start outside the box", () => {
    const fun = (x: Float64Array): [number, Float64Array] => [
      (x[0] + 2) ** 2 + (x[1] - 3) ** 2 + x[2] ** 2,
      Float64Array.of(2 * (x[0] + 2), 2 * (x[1] - 3), 2 * x[2]),
    ];
    const r = minimizeLbfgsb(fun, [10, -10, 7], {
      lower: [0, Number.NEGATIVE_INFINITY, 7],
      upper: [Number.POSITIVE_INFINITY, 1, 7],
    });
    expect(Array.from(r.x)).toEqual([0, 1, 7]);
    expect(r.converged).toBe(true);
  });

  it("backs off from non-finite values and respects evaluation limits", () => {
    // log barrier: infinite for x ≤ 0; the minimum of x − log x is at 1.
    const fun = (x: Float64Array): [number, Float64Array] =>
      x[0] > 0
        ? [x[0] - Math.log(x[0]), Float64Array.of(1 - 1 / x[0])]
        : [Infinity, Float64Array.of(Number.NaN)];
    const r = minimizeLbfgsb(fun, [5], { pgtol: 1e-9 });
    expect(r.x[0]).toBeCloseTo(1, 6);
    const limited = minimizeLbfgsb(rosenbrock, [-1.2, 1], { maxEvaluations: 5 });
    expect(limited.evaluations).toBeLessThanOrEqual(6);
    expect(limited.converged).toBe(false);
  });

  it("uses a cheaper value function in the line search and warm-starts from corrections", () => {
    let gradientCalls = 0;
    const counted = (x: Float64Array): [number, Float64Array] => {
      gradientCalls++;
      return rosenbrock(x);
    };
    const value = (x: Float64Array) => rosenbrock(x)[0];
    const x0 = [-1.2, 1, -1.2, 1];
    const withValue = minimizeLbfgsb(counted, x0, { value, pgtol: 1e-7, ftol: 0 });
    expect(withValue.converged).toBe(true);
    for (const v of withValue.x) expect(v).toBeCloseTo(1, 5);
    expect(gradientCalls).toBeLessThanOrEqual(withValue.evaluations);

    // A slightly shifted problem converges faster from the previous curvature pairs.
    const shifted = (x: Float64Array): [number, Float64Array] => {
      const y = x.map((v) => v - 0.01);
      return rosenbrock(y);
    };
    const cold = minimizeLbfgsb(shifted, withValue.x, { pgtol: 1e-7, ftol: 0 });
    const warm = minimizeLbfgsb(shifted, withValue.x, {
      pgtol: 1e-7,
      ftol: 0,
      initialCorrections: withValue.corrections,
      maxStep: 0.5,
    });
    expect(warm.converged).toBe(true);
    for (let i = 0; i < 4; i++) expect(warm.x[i]).toBeCloseTo(1.01, 5);
    expect(warm.evaluations).toBeLessThan(cold.evaluations);
  });
});
