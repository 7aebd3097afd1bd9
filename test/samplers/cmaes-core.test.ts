import { describe, expect, it } from "vitest";
import { symmetricEigen } from "../../src/math/linalg/eigen.js";
import { Rng } from "../../src/math/rng.js";
import { CmaEs, type CmaEsOptions, type DiscreteAxis } from "../../src/samplers/cmaes/cma.js";
import { normalCdf, normalQuantile } from "../../src/samplers/cmaes/normal.js";
import { warmStartDistribution } from "../../src/samplers/cmaes/warm-start.js";

function randomSymmetric(n: number, rng: Rng, scale = 1): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = scale * (2 * rng.random() - 1);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

function reconstruct(values: Float64Array, vectors: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
      out[i * n + j] = sum;
    }
  }
  return out;
}

describe("symmetricEigen (Jacobi)", () => {
  it("reconstructs random symmetric matrices, A = Q Λ Qᵀ, with orthonormal Q", () => {
    const rng = new Rng(42);
    for (const n of [1, 2, 3, 5, 8, 13, 30]) {
      for (let rep = 0; rep < 5; rep++) {
        const a = randomSymmetric(n, rng, 10 ** (rep - 2));
        const { values, vectors } = symmetricEigen(a, n);
        const back = reconstruct(values, vectors, n);
        let maxA = 0;
        for (const v of a) maxA = Math.max(maxA, Math.abs(v));
        for (let i = 0; i < n * n; i++)
          expect(Math.abs(back[i]! - a[i]!)).toBeLessThan(1e-10 * Math.max(1, maxA));
        for (let p = 0; p < n; p++) {
          for (let q = 0; q < n; q++) {
            let dot = 0;
            for (let i = 0; i < n; i++) dot += vectors[i * n + p]! * vectors[i * n + q]!;
            expect(Math.abs(dot - (p === q ? 1 : 0))).toBeLessThan(1e-12);
          }
        }
        for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
      }
    }
  });

  it("handles diagonal, repeated and ill-conditioned spectra", () => {
    const n = 4;
    const diag = new Float64Array(n * n);
    [3, -1, 3, 1e-12].forEach((v, i) => {
      diag[i * n + i] = v;
    });
    expect(Array.from(symmetricEigen(diag, n).values)).toEqual([-1, 1e-12, 3, 3]);
    // Q diag(1e8, 1, 1e-8, 1) Qᵀ for a random rotation Q.
    const rng = new Rng(3);
    const { vectors: q } = symmetricEigen(randomSymmetric(n, rng), n);
    const lambda = Float64Array.from([1e8, 1, 1e-8, 1]);
    const a = reconstruct(lambda, q, n);
    const { values } = symmetricEigen(a, n);
    expect(values[3]).toBeCloseTo(1e8, 0);
    expect(Math.abs(values[0]! - 1e-8)).toBeLessThan(1e-7);
    const back = reconstruct(values, symmetricEigen(a, n).vectors, n);
    for (let i = 0; i < n * n; i++) expect(Math.abs(back[i]! - a[i]!)).toBeLessThan(1e-10 * 1e8);
  });
});

describe("normal quantile", () => {
  it("inverts Φ from the far tails to the centre", () => {
    for (const x of [-30, -8, -5, -2.5, -1, -0.1, 0, 0.3, 1.7, 3]) {
      const p = normalCdf(x);
      expect(normalQuantile(p)).toBeCloseTo(x, 9);
    }
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(1 - 1e-3)).toBeCloseTo(3.090232306167813, 12);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });
});

function sphere(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

function rosenbrock(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++)
    s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return s;
}

/** Runs ask/tell until `target` or `budget` evaluations; returns the best value and evaluations. */
function minimize(
  f: (x: ArrayLike<number>) => number,
  options: CmaEsOptions,
  seed: number,
  budget: number,
  target: number,
): { best: number; evals: number; es: CmaEs } {
  const es = new CmaEs(options);
  const rng = new Rng(seed);
  let best = Number.POSITIVE_INFINITY;
  let evals = 0;
  while (evals < budget && best >= target) {
    const solutions = [];
    for (let k = 0; k < es.popsize; k++) {
      const { x, point } = es.ask(rng);
      const value = f(point);
      best = Math.min(best, value);
      evals++;
      solutions.push({ x, value });
    }
    es.tell(solutions);
  }
  return { best, evals, es };
}

describe("CmaEs optimizer", () => {
  it("converges on the 5-D sphere below 1e-6 in a few hundred evaluations", () => {
    for (const seed of [1, 2, 3]) {
      const { best, evals } = minimize(
        sphere,
        { mean: [3, 3, 3, 3, 3], sigma: 1 },
        seed,
        1000,
        1e-6,
      );
      expect(best).toBeLessThan(1e-6);
      expect(evals).toBeLessThan(700);
    }
  });

  it("converges on Rosenbrock 4-D", () => {
    for (const seed of [1, 2]) {
      const { best } = minimize(rosenbrock, { mean: [0, 0, 0, 0], sigma: 0.5 }, seed, 4000, 1e-8);
      expect(best).toBeLessThan(1e-8);
    }
  });

  it("separable CMA-ES is faster than full CMA-ES on a separable ill-conditioned ellipsoid", () => {
    const ellipsoid = (x: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += 1e4 ** (i / (x.length - 1)) * x[i]! ** 2;
      return s;
    };
    const mean = new Array(8).fill(1);
    const full = minimize(ellipsoid, { mean, sigma: 1 }, 5, 20000, 1e-8);
    const sep = minimize(ellipsoid, { mean, sigma: 1, separable: true }, 5, 20000, 1e-8);
    expect(full.best).toBeLessThan(1e-8);
    expect(sep.best).toBeLessThan(1e-8);
    expect(sep.evals).toBeLessThan(full.evals);
  });

  it("keeps samples inside the bounds (resampling, then clipping)", () => {
    const es = new CmaEs({ mean: [0.99, 0.01], sigma: 0.5, lower: [0, 0], upper: [1, 1] });
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const { point } = es.ask(rng);
      for (const v of point) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });

  it("continues identically after a JSON round trip", () => {
    const run = (roundTrip: boolean) => {
      let es = new CmaEs({ mean: [1, 2, 3], sigma: 0.7 });
      const rng = new Rng(11);
      const values: number[] = [];
      for (let g = 0; g < 15; g++) {
        const solutions = [];
        for (let k = 0; k < es.popsize; k++) {
          const { x } = es.ask(rng);
          solutions.push({ x, value: rosenbrock(x) });
          values.push(solutions[k]!.value);
        }
        es.tell(solutions);
        if (roundTrip) es = CmaEs.fromJSON(JSON.parse(JSON.stringify(es.toJSON())));
      }
      return values;
    };
    expect(run(true)).toEqual(run(false));
  });

  it("uses the tutorial's default population size and weights", () => {
    expect(new CmaEs({ mean: new Array(10).fill(0), sigma: 1 }).popsize).toBe(10);
    expect(new CmaEs({ mean: [0, 0], sigma: 1 }).popsize).toBe(6);
  });
});

/** The integers 0..K−1 at positions k / (K − 1). */
function integerAxis(count: number): DiscreteAxis {
  return { count, position: (k) => k / (count - 1) };
}

describe("CMA-ES with margin", () => {
  it("finds a 1-D integer optimum far from the start (plain CMA-ES stalls on the plateau)", () => {
    // f(k) = |k − 17| on k ∈ {0..19}; start at k = 2 with a tiny step size.
    const axis = integerAxis(20);
    const f = (p: ArrayLike<number>) => Math.abs(Math.round(p[0]! * 19) - 17);
    let found = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const { best } = minimize(
        f,
        { mean: [2 / 19], sigma: 0.002, lower: [0], upper: [1], discrete: [axis] },
        seed,
        600,
        0.5,
      );
      if (best === 0) found++;
    }
    expect(found).toBe(5);
    // Without the margin, the distribution collapses inside the start cell.
    const plain = minimize(
      (p) => Math.abs(Math.round(p[0]! * 19) - 17),
      { mean: [2 / 19], sigma: 0.002, lower: [0], upper: [1] },
      1,
      600,
      0.5,
    );
    expect(plain.best).toBeGreaterThan(0);
  });

  it("keeps the probability of leaving the mean's cell at least the margin", () => {
    const axis = integerAxis(5);
    const es = new CmaEs({
      mean: [0.5, 0.5],
      sigma: 0.3,
      lower: [0, 0],
      upper: [1, 1],
      discrete: [axis, null],
    });
    const rng = new Rng(9);
    // A constant objective on the integer: only the continuous coordinate matters.
    for (let g = 0; g < 120; g++) {
      const solutions = [];
      for (let k = 0; k < es.popsize; k++) {
        const { x, point } = es.ask(rng);
        solutions.push({ x, value: (point[1]! - 0.3) ** 2 + (point[0] === 0.5 ? 0 : 1) });
      }
      es.tell(solutions);
    }
    // Sample many points: the integer still moves off 2 in about α = 1 / (n λ) of them or more.
    let moved = 0;
    const total = 4000;
    for (let i = 0; i < total; i++) if (es.ask(rng).point[0] !== 0.5) moved++;
    const alpha = 1 / (2 * es.popsize);
    expect(moved / total).toBeGreaterThan(alpha * 0.5);
    expect(es.getSigma()).toBeLessThan(0.05);
  });
});

describe("warm start", () => {
  it("centres the initial distribution on the best source solutions", () => {
    const rng = new Rng(5);
    const solutions = [];
    for (let i = 0; i < 200; i++) {
      const x = [rng.random(), rng.random()];
      solutions.push({ x, value: (x[0]! - 0.2) ** 2 + (x[1]! - 0.7) ** 2 });
    }
    const { mean, sigma, cov } = warmStartDistribution(solutions);
    expect(mean[0]).toBeCloseTo(0.2, 1);
    expect(mean[1]).toBeCloseTo(0.7, 1);
    expect(sigma).toBeGreaterThan(0.05);
    expect(sigma).toBeLessThan(0.2);
    const det = cov[0]! * cov[3]! - cov[1]! * cov[2]!;
    expect(det).toBeCloseTo(1, 10);
  });
});
