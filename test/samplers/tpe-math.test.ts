import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  IntDistribution,
} from "../../src/distributions/index.js";
import { createTrial, TrialState } from "../../src/index.js";
import { hypervolume, hypervolumeContributions, toRows } from "../../src/math/hypervolume.js";
import { Rng } from "../../src/math/rng.js";
import {
  erfc,
  erfcx,
  logGaussMass,
  logNdtr,
  ndtri,
  ndtriExp,
} from "../../src/samplers/tpe/gauss.js";
import {
  categoricalKernelWeights,
  clipBandwidths,
  toDimension,
  univariateBandwidths,
} from "../../src/samplers/tpe/kernels.js";
import {
  hypervolumeWeights,
  nonDominationRanks,
  selectByHypervolume,
  splitByDominance,
} from "../../src/samplers/tpe/multi-objective.js";
import {
  ParzenEstimator,
  type ParzenEstimatorParameters,
} from "../../src/samplers/tpe/parzen-estimator.js";
import {
  sampleStandardTruncNorm,
  sampleTruncNorm,
  truncNormLogIntervalMass,
  truncNormLogPdf,
} from "../../src/samplers/tpe/truncnorm.js";
import {
  defaultGamma,
  defaultWeights,
  improvementWeights,
  optunaGamma,
} from "../../src/samplers/tpe/weights.js";

function relativeError(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got / want - 1);
}

/** ∫ f over [a, b] by composite Simpson with n (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, n = 4000): number {
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

// Reference values computed with mpmath at 50 digits.
describe("normal special functions", () => {
  it("erfc and erfcx match high-precision values", () => {
    const erfcRef: [number, number][] = [
      [-5, 1.9999999999984626],
      [-1, 1.8427007929497148],
      [0, 1],
      [0.3, 0.6713732405408726],
      [1, 0.15729920705028513],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
      [20, 5.395865611607901e-176],
      [26, 5.663192408856143e-296],
    ];
    for (const [x, want] of erfcRef) expect(relativeError(erfc(x), want)).toBeLessThan(1e-13);
    const erfcxRef: [number, number][] = [
      [-5, 144009798674.66104],
      [0.5, 0.6156903441929259],
      [1, 0.427583576155807],
      [3.9, 0.14031418160068973],
      [15, 0.03752960638850576],
      [40, 0.014100335983377814],
      [100, 0.005641613782989433],
      [1000, 0.0005641893014533876],
    ];
    for (const [x, want] of erfcxRef) expect(relativeError(erfcx(x), want)).toBeLessThan(1e-13);
  });

  it("log Φ is accurate in both tails", () => {
    const ref: [number, number][] = [
      [-30, -454.3212439563432],
      [-10, -53.23128515051247],
      [-1, -1.8410216450092636],
      [0, -Math.LN2],
      [1.5, -0.06914345561223398],
      [5, -2.866516129637636e-7],
    ];
    for (const [z, want] of ref) expect(relativeError(logNdtr(z), want)).toBeLessThan(1e-13);
  });

  it("log Gaussian masses stay finite and accurate far in the tails", () => {
    const ref: [number, number, number][] = [
      [-40, -39, -765.0831565643775],
      [-10, -9.99, -55.47370917178284],
      [-3, 2, -0.024395187554887347],
      [5, 6, -15.068446096529453],
      [1, 40, -1.8410216450092636],
      [-0.001, 0.001, -7.13354679829352],
      [37, 38, -689.0305855768906],
      [-0.5, 100, -0.3689464152886564],
    ];
    for (const [a, b, want] of ref) {
      expect(relativeError(logGaussMass(a, b), want)).toBeLessThan(1e-11);
    }
    expect(logGaussMass(-50, 50)).toBe(-0);
    expect(logGaussMass(1, 1)).toBe(Number.NEGATIVE_INFINITY);
  });

  it("ndtriExp inverts log Φ, down to log p = −5000", () => {
    const ref: [number, number][] = [
      [-1e-10, 6.361340902411735],
      [-0.1, 1.3096177994584932],
      [-0.69, 0.003950629560280057],
      [-1, -0.33747496376420244],
      [-20, -5.879209356485336],
      [-800, -39.88469483825668],
      [-5000, -99.9447481748411],
    ];
    for (const [lp, want] of ref) {
      expect(Math.abs(ndtriExp(lp) - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
    }
    fc.assert(
      fc.property(fc.double({ min: -37, max: 8, noNaN: true }), (z) => {
        expect(Math.abs(ndtriExp(logNdtr(z)) - z)).toBeLessThan(1e-9 * (1 + Math.abs(z)));
      }),
    );
    expect(ndtri(0.5)).toBeCloseTo(0, 14);
    expect(ndtri(0.975)).toBeCloseTo(1.959963984540054, 12);
  });
});

describe("truncated normal", () => {
  const cases: [number, number, number, number][] = [
    [0, 1, -1, 1],
    [0.3, 0.05, 0, 1],
    [-4, 0.5, -5, 10],
    [0, 1, 5, 7], // both bounds in the upper tail
    [2, 0.2, -1, 1], // the mean far outside the range
    [1e-3, 2, 0, 1],
  ];

  it("log density integrates to 1 over the bounds", () => {
    for (const [mu, sigma, low, high] of cases) {
      const total = simpson((x) => Math.exp(truncNormLogPdf(x, mu, sigma, low, high)), low, high);
      expect(total).toBeCloseTo(1, 6);
    }
  });

  it("interval masses of a partition sum to 1", () => {
    for (const [mu, sigma, low, high] of cases) {
      const edges = Array.from({ length: 11 }, (_, i) => low + ((high - low) * i) / 10);
      let total = 0;
      for (let i = 0; i < 10; i++) {
        total += Math.exp(truncNormLogIntervalMass(edges[i]!, edges[i + 1]!, mu, sigma, low, high));
      }
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it("samples stay in the bounds and follow the distribution function", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, width, u) => {
          const z = sampleStandardTruncNorm(a, a + width, u);
          expect(z).toBeGreaterThanOrEqual(a);
          expect(z).toBeLessThanOrEqual(a + width);
        },
      ),
    );
    // The quantile function is monotone in u and reaches both ends.
    const [mu, sigma, low, high] = [0.2, 0.3, -1, 1];
    let previous = Number.NEGATIVE_INFINITY;
    for (let i = 0; i <= 100; i++) {
      const x = sampleTruncNorm(mu, sigma, low, high, i / 100);
      expect(x).toBeGreaterThanOrEqual(previous);
      previous = x;
    }
    expect(sampleTruncNorm(mu, sigma, low, high, 0)).toBeCloseTo(low, 12);
    expect(sampleTruncNorm(mu, sigma, low, high, 1)).toBeCloseTo(high, 12);
    // The u-quantile has probability u below it.
    for (const u of [0.05, 0.3, 0.5, 0.9]) {
      const x = sampleTruncNorm(mu, sigma, low, high, u);
      expect(Math.exp(truncNormLogIntervalMass(low, x, mu, sigma, low, high))).toBeCloseTo(u, 10);
    }
  });
});

describe("kernels", () => {
  it("maps distributions to kernel supports (step widening, log space)", () => {
    expect(toDimension(new FloatDistribution(0, 1))).toMatchObject({ lower: 0, upper: 1, step: 0 });
    expect(toDimension(new IntDistribution(0, 10, { step: 2 }))).toMatchObject({
      lower: -1,
      upper: 11,
      step: 2,
    });
    const logInt = toDimension(new IntDistribution(1, 100, { log: true }));
    expect(logInt).toMatchObject({ log: true, step: 1 });
    if (logInt.kind === "numerical") {
      expect(logInt.lower).toBeCloseTo(Math.log(0.5), 15);
      expect(logInt.upper).toBeCloseTo(Math.log(100.5), 15);
    }
    expect(toDimension(new CategoricalDistribution(["a", "b"]))).toEqual({
      kind: "categorical",
      nChoices: 2,
    });
  });

  it("univariate bandwidths use the farther neighbour, prior mean and bounds included", () => {
    // Sorted with the prior mean 5 and bounds 0, 10: 0 | 1 2 5 9 | 10.
    const mus = Float64Array.of(2, 9, 1);
    const out = new Float64Array(3);
    univariateBandwidths(mus, 3, 0, 10, true, out);
    expect(Array.from(out)).toEqual([3, 4, 1]);
    // Without endpoints, the outermost kernels look inwards only.
    univariateBandwidths(mus, 3, 0, 10, false, out);
    expect(Array.from(out)).toEqual([3, 4, 1]);
    const edge = Float64Array.of(0.5, 9.9);
    const two = new Float64Array(2);
    univariateBandwidths(edge, 2, 0, 10, false, two);
    expect(Array.from(two)).toEqual([4.5, 4.9]);
  });

  it("univariate bandwidths match a stable-sort reference, ties included", () => {
    const reference = (
      mus: number[],
      lower: number,
      upper: number,
      endpoints: boolean,
    ): number[] => {
      const values = [...mus, (lower + upper) / 2];
      const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
      const sorted = [lower, ...order.map((i) => values[i]!), upper];
      const m = values.length;
      const out = new Array<number>(mus.length);
      order.forEach((index, r) => {
        let sigma = Math.max(sorted[r + 1]! - sorted[r]!, sorted[r + 2]! - sorted[r + 1]!);
        if (!endpoints && m + 2 >= 4 && r === 0) sigma = sorted[2]! - sorted[1]!;
        else if (!endpoints && m + 2 >= 4 && r === m - 1) sigma = sorted[m]! - sorted[m - 1]!;
        if (index < mus.length) out[index] = sigma;
      });
      return out;
    };
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 30 }),
        fc.boolean(),
        (values, endpoints) => {
          const out = new Float64Array(values.length);
          univariateBandwidths(Float64Array.from(values), values.length, -0.5, 8.5, endpoints, out);
          expect(Array.from(out)).toEqual(reference(values, -0.5, 8.5, endpoints));
        },
      ),
    );
  });

  it("the magic clip floors bandwidths at range / min(100, n + 2)", () => {
    const sigmas = Float64Array.of(1e-9, 0.5, 50);
    clipBandwidths(sigmas, 3, 10, true);
    expect(Array.from(sigmas)).toEqual([2, 2, 10]);
    const many = new Float64Array(500).fill(1e-9);
    clipBandwidths(many, 500, 10, true);
    expect(many[0]).toBeCloseTo(0.1, 15);
  });

  it("categorical kernel rows are distributions, the prior's uniform", () => {
    const rows = categoricalKernelWeights([0, 2, 2], 3, 3, 1);
    for (let k = 0; k < 4; k++) {
      const row = rows.subarray(k * 3, k * 3 + 3);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    }
    // Observation 0 picked choice 0: (1 + 1/4) / (1 + 3/4).
    expect(rows[0]).toBeCloseTo(1.25 / 1.75, 15);
    expect(Array.from(rows.subarray(9))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});

describe("gamma and weights", () => {
  it("splits 20% (skipjack) or 10% (Optuna) of the trials, at most 25", () => {
    expect([10, 11, 50, 124, 126, 1000].map(defaultGamma)).toEqual([2, 3, 10, 25, 25, 25]);
    expect([10, 11, 50, 249, 1000].map(optunaGamma)).toEqual([1, 2, 5, 25, 25]);
  });

  it("ramps the weights of old observations from 25 on", () => {
    expect(Array.from(defaultWeights(3))).toEqual([1, 1, 1]);
    expect(Array.from(defaultWeights(25))).toEqual(new Array(25).fill(1));
    const w = defaultWeights(100);
    expect(w[0]).toBeCloseTo(1 / 100, 15);
    expect(w[74]).toBeCloseTo(1, 15);
    expect(w.subarray(75).every((v) => v === 1)).toBe(true);
    for (let i = 1; i < 75; i++) expect(w[i]!).toBeGreaterThan(w[i - 1]!);
  });
});

describe("Parzen estimator", () => {
  const parameters = (multivariate: boolean): ParzenEstimatorParameters => ({
    priorWeight: 1,
    considerMagicClip: true,
    considerEndpoints: false,
    multivariate,
    bandwidthFactor: 0.2,
  });

  /** n observations of a distribution, drawn uniformly in its own space. */
  function observe(distribution: Distribution, n: number, seed: number): Float64Array {
    const rng = new Rng(seed);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.random();
      if (distribution.kind === "categorical") out[i] = Math.floor(u * distribution.choices.length);
      else if (distribution.kind === "int") {
        out[i] = distribution.low + Math.floor(u * (distribution.high - distribution.low + 1));
      } else out[i] = distribution.low + u * (distribution.high - distribution.low);
    }
    return out;
  }

  it("normalizes the mixture weights (observations + prior) to 1", () => {
    const d = new FloatDistribution(-5, 5);
    for (const n of [0, 1, 7, 40]) {
      const pe = new ParzenEstimator(
        [toDimension(d)],
        observe(d, n, n),
        n,
        defaultWeights(n),
        parameters(false),
      );
      expect(pe.nKernels).toBe(n + 1);
      expect(pe.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    }
  });

  it("its density integrates to 1 (continuous, log, both bandwidth rules)", () => {
    for (const multivariate of [false, true]) {
      const d = new FloatDistribution(-2, 3);
      const pe = new ParzenEstimator(
        [toDimension(d)],
        observe(d, 30, 1),
        30,
        defaultWeights(30),
        parameters(multivariate),
      );
      const out = new Float64Array(1);
      const density = (x: number): number => {
        pe.logPdf(Float64Array.of(x), 1, out);
        return Math.exp(out[0]!);
      };
      expect(simpson(density, -2, 3)).toBeCloseTo(1, 6);
      // A log range: the density is over log x.
      const logD = new FloatDistribution(1e-3, 10, { log: true });
      const logPe = new ParzenEstimator(
        [toDimension(logD)],
        observe(logD, 12, 2),
        12,
        defaultWeights(12),
        parameters(multivariate),
      );
      const logDensity = (t: number): number => {
        logPe.logPdf(Float64Array.of(Math.exp(t)), 1, out);
        return Math.exp(out[0]!);
      };
      // (exp(log x) may round just outside [low, high], where the density is 0.)
      expect(simpson(logDensity, Math.log(1e-3) + 1e-12, Math.log(10) - 1e-12)).toBeCloseTo(1, 6);
    }
  });

  it("its probabilities sum to 1 over a grid (int, stepped float, log int, categorical)", () => {
    const grids: [Distribution, number[]][] = [
      [new IntDistribution(-3, 12), Array.from({ length: 16 }, (_, i) => i - 3)],
      [new IntDistribution(0, 20, { step: 4 }), [0, 4, 8, 12, 16, 20]],
      [new FloatDistribution(0, 1, { step: 0.25 }), [0, 0.25, 0.5, 0.75, 1]],
      [new IntDistribution(1, 40, { log: true }), Array.from({ length: 40 }, (_, i) => i + 1)],
      [new CategoricalDistribution(["a", "b", "c"]), [0, 1, 2]],
    ];
    for (const [d, grid] of grids) {
      // Observations on the grid (choice indices for the categorical).
      const rng = new Rng(3);
      const obs = Float64Array.from({ length: 9 }, () => grid[rng.integer(0, grid.length - 1)]!);
      for (const multivariate of [false, true]) {
        const pe = new ParzenEstimator(
          [toDimension(d)],
          obs,
          9,
          defaultWeights(9),
          parameters(multivariate),
        );
        const out = new Float64Array(grid.length);
        pe.logPdf(Float64Array.from(grid), grid.length, out);
        expect(out.reduce((sum, lp) => sum + Math.exp(lp), 0)).toBeCloseTo(1, 10);
      }
    }
  });

  it("samples stay in the space and on the grid", () => {
    const space: Distribution[] = [
      new FloatDistribution(-1, 1),
      new FloatDistribution(1e-4, 1, { log: true }),
      new IntDistribution(0, 9, { step: 3 }),
      new IntDistribution(1, 1000, { log: true }),
      new FloatDistribution(0, 2, { step: 0.5 }),
      new CategoricalDistribution([true, false, null]),
    ];
    const n = 20;
    const obs = new Float64Array(n * space.length);
    const rng = new Rng(5);
    for (let i = 0; i < n; i++) {
      obs.set(
        [rng.uniform(-1, 1), 0.01, 3 * rng.integer(0, 3), rng.integer(1, 1000), 1.5, 2],
        i * 6,
      );
    }
    const pe = new ParzenEstimator(
      space.map(toDimension),
      obs,
      n,
      defaultWeights(n),
      parameters(true),
    );
    const out = new Float64Array(500 * 6);
    pe.sample(new Rng(9), 500, out);
    for (let s = 0; s < 500; s++) {
      space.forEach((d, j) => {
        expect(d.contains(out[s * 6 + j]!)).toBe(true);
      });
    }
  });

  it("concentrates l(x) where the good observations are", () => {
    const d = new FloatDistribution(0, 10);
    const pe = new ParzenEstimator(
      [toDimension(d)],
      Float64Array.of(2, 2.1, 1.9, 2.05),
      4,
      defaultWeights(4),
      parameters(true),
    );
    const out = new Float64Array(2);
    pe.logPdf(Float64Array.of(2, 8), 2, out);
    expect(out[0]!).toBeGreaterThan(out[1]! + 2);
  });
});

describe("hypervolume and MOTPE selection", () => {
  it("computes 2-D and 3-D hypervolumes", () => {
    const two = toRows([
      [1, 3],
      [2, 2],
      [3, 1],
      [4, 4], // dominated
    ]);
    expect(hypervolume(two, 4, 2, [4, 4])).toBeCloseTo(6, 12);
    const three = toRows([
      [0, 0, 1],
      [1, 1, 0],
    ]);
    // 2·2·1 + 1·1·2 − overlap 1·1·1.
    expect(hypervolume(three, 2, 3, [2, 2, 2])).toBeCloseTo(5, 12);
    expect(hypervolume(toRows([[5, 5]]), 1, 2, [4, 4])).toBe(0);
    // Four objectives: a single box.
    expect(hypervolume(toRows([[0, 0, 0, 0]]), 1, 4, [1, 2, 3, 4])).toBe(24);
  });

  it("exclusive contributions", () => {
    const points = toRows([
      [1, 3],
      [2, 2],
      [3, 1],
    ]);
    expect(Array.from(hypervolumeContributions(points, 3, 2, [4, 4]))).toEqual([1, 1, 1]);
    // MOTPE's reference point: 1.1 × the worst values, (3.3, 3.3).
    const weights = hypervolumeWeights(points, 3, 2);
    expect(weights[0]).toBeCloseTo(0.3, 12);
    expect(weights[1]).toBe(1);
    expect(weights[2]).toBeCloseTo(0.3, 12);
  });

  it("ranks by non-domination and breaks the last rank by hypervolume", () => {
    const losses = toRows([
      [1, 5],
      [5, 1],
      [3, 3],
      [2, 4.5],
      [6, 6],
    ]);
    expect(Array.from(nonDominationRanks(losses, 5, 2))).toEqual([0, 0, 0, 0, 1]);
    // Two of the four front points: (3, 3) has the largest box, then (1, 5) and (5, 1) add
    // 3.2 each (the earlier wins the tie) and (2, 4.5) only 2.1.
    const chosen = selectByHypervolume(losses, 2, [0, 1, 2, 3], 2, [6.6, 6.6]);
    expect(chosen).toEqual([2, 0]);
    expect(Array.from(splitByDominance(losses, 5, 2, 4))).toEqual([1, 1, 1, 1, 0]);
    expect(Array.from(splitByDominance(losses, 5, 2, 2)).filter((b) => b === 1)).toHaveLength(2);
  });

  it("greedy selection is exact on a brute-force check for one point", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          {
            minLength: 2,
            maxLength: 12,
          },
        ),
        (points) => {
          const rows = toRows(points);
          const reference = [1.1, 1.1];
          const indices = points.map((_, i) => i);
          const [best] = selectByHypervolume(rows, 2, indices, 1, reference);
          const volumes = points.map((p) => (1.1 - p[0]) * (1.1 - p[1]));
          expect(volumes[best!]).toBeCloseTo(Math.max(...volumes), 12);
        },
      ),
    );
  });
});

describe("improvement weights", () => {
  it("weigh good trials by their improvement over the best COMPLETE bad trial, never a pruned one", () => {
    const complete = (value: number) => createTrial({ value });
    const pruned = (value: number) => createTrial({ state: TrialState.PRUNED, value });
    const good = [complete(1), complete(3)];
    // A pruned trial's partial value (0.5) must not become the threshold.
    const weights = improvementWeights(good, [complete(4), pruned(0.5), complete(6)], "minimize");
    expect(Array.from(weights!)).toEqual([3, 1]);
    expect(improvementWeights(good, [pruned(5)], "minimize")).toBeNull();
    expect(Array.from(improvementWeights([complete(9)], [complete(4)], "maximize")!)).toEqual([5]);
  });
});
