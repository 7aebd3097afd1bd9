import { describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
} from "../../src/distributions/index.js";
import { Rng } from "../../src/math/rng.js";
import { normCdf, normPdf } from "../../src/math/special/normal.js";
import { setWasmKernelsEnabled, wasmKernels } from "../../src/math/wasm/kernels.js";
import {
  LogEi,
  LogPi,
  logEi,
  logH,
  logHDerivative,
  SumAcquisition,
} from "../../src/samplers/gp/acquisition.js";
import {
  fitRows,
  localSearches,
  MAX_FIT_POINTS,
  MIN_LOCAL_SEARCHES,
  MIN_SCREENING,
  refitDue,
  screeningSamples,
} from "../../src/samplers/gp/effort.js";
import {
  fitGp,
  fitKernelParams,
  type GpData,
  GpPosterior,
  logMarginalLikelihood,
} from "../../src/samplers/gp/gp.js";
import {
  type KernelParams,
  kernelGradientLogParams,
  kernelGradientX,
  kernelMatrix,
  matern52,
  matern52Derivative,
} from "../../src/samplers/gp/kernel.js";
import { optimizeAcquisition } from "../../src/samplers/gp/optimize-acquisition.js";
import { defaultLogPrior } from "../../src/samplers/gp/prior.js";
import { GpSearchSpace } from "../../src/samplers/gp/search-space.js";

const PARAMS: KernelParams = {
  inverseSquaredLengthscales: Float64Array.of(2.5, 0.7, 1.3),
  kernelScale: 1.7,
  noiseVar: 0.05,
};
const IS_CATEGORICAL = Uint8Array.of(0, 0, 1);

function randomData(n: number, seed: number, d = 3, categorical = IS_CATEGORICAL): GpData {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) x[i * d + c] = categorical[c] ? rng.integer(0, 2) : rng.random();
    y[i] = Math.sin(5 * x[i * d]) + x[i * d + 1] ** 2 + 0.3 * x[i * d + d - 1] + 0.1 * rng.normal();
  }
  return { x, y, n, d, isCategorical: categorical };
}

describe("Matérn-5/2 kernel", () => {
  it("has the closed form and derivative in r²", () => {
    expect(matern52(0)).toBe(1);
    const r = 0.8;
    const a = Math.sqrt(5) * r;
    expect(matern52(r * r)).toBeCloseTo((1 + a + (a * a) / 3) * Math.exp(-a), 15);
    for (const r2 of [0, 1e-6, 0.3, 2, 10]) {
      const h = 1e-7 * Math.max(1, r2);
      const fd =
        (matern52(r2 + h) - matern52(Math.max(0, r2 - h))) / (r2 + h - Math.max(0, r2 - h));
      expect(matern52Derivative(r2)).toBeCloseTo(fd, 5);
    }
  });

  it("uses a Hamming distance on categorical dimensions", () => {
    const xs = Float64Array.of(0.1, 0.2, 0, 0.1, 0.2, 2, 0.1, 0.2, 1);
    const k = kernelMatrix(xs, 3, xs, 3, PARAMS, IS_CATEGORICAL);
    // Different choices are equally far apart, whatever their indices.
    expect(k[1]).toBeCloseTo(k[2], 15);
    expect(k[1]).toBeCloseTo(PARAMS.kernelScale * matern52(1.3), 15);
    expect(k[0]).toBe(PARAMS.kernelScale);
  });

  it("has gradients in x and in the log hyperparameters that match finite differences", () => {
    const xs = Float64Array.of(0.3, 0.6, 1, 0.45, 0.2, 0);
    const x = xs.slice(0, 3);
    const grad = kernelGradientX(x, xs, 1, PARAMS, IS_CATEGORICAL, new Float64Array(3));
    const h = 1e-6;
    for (let c = 0; c < 2; c++) {
      const plus = x.slice();
      plus[c] += h;
      const minus = x.slice();
      minus[c] -= h;
      const fd =
        (kernelMatrix(plus, 1, xs.subarray(3), 1, PARAMS, IS_CATEGORICAL)[0] -
          kernelMatrix(minus, 1, xs.subarray(3), 1, PARAMS, IS_CATEGORICAL)[0]) /
        (2 * h);
      expect(grad[c]).toBeCloseTo(fd, 7);
    }
    expect(grad[2]).toBe(0);
    const gp = kernelGradientLogParams(xs, 0, 1, PARAMS, IS_CATEGORICAL, new Float64Array(4));
    const base = Array.from(PARAMS.inverseSquaredLengthscales, Math.log);
    const kAt = (logs: number[], logScale: number) =>
      kernelMatrix(
        xs.subarray(0, 3),
        1,
        xs.subarray(3),
        1,
        {
          inverseSquaredLengthscales: Float64Array.from(logs, Math.exp),
          kernelScale: Math.exp(logScale),
          noiseVar: 0,
        },
        IS_CATEGORICAL,
      )[0];
    const logScale = Math.log(PARAMS.kernelScale);
    for (let c = 0; c < 3; c++) {
      const plus = [...base];
      plus[c] += h;
      const minus = [...base];
      minus[c] -= h;
      expect(gp[c]).toBeCloseTo((kAt(plus, logScale) - kAt(minus, logScale)) / (2 * h), 7);
    }
    expect(gp[3]).toBeCloseTo((kAt(base, logScale + h) - kAt(base, logScale - h)) / (2 * h), 7);
  });
});

describe("GP marginal likelihood and fit", () => {
  it("has an analytic gradient that matches finite differences (with and without prior)", () => {
    const data = randomData(12, 1);
    const minimumNoise = 1e-6;
    for (const logPrior of [undefined, defaultLogPrior]) {
      for (const deterministic of [false, true]) {
        const params = deterministic ? { ...PARAMS, noiseVar: minimumNoise } : PARAMS;
        const options = { logPrior, minimumNoise, deterministic };
        const { gradient } = logMarginalLikelihood(data, params, options);
        const raw = [
          ...Array.from(params.inverseSquaredLengthscales, Math.log),
          Math.log(params.kernelScale),
          ...(deterministic ? [] : [Math.log(params.noiseVar - minimumNoise)]),
        ];
        const at = (r: number[]) =>
          logMarginalLikelihood(
            data,
            {
              inverseSquaredLengthscales: Float64Array.from(r.slice(0, 3), Math.exp),
              kernelScale: Math.exp(r[3]),
              noiseVar: deterministic ? minimumNoise : Math.exp(r[4]) + minimumNoise,
            },
            options,
          ).value;
        expect(gradient.length).toBe(raw.length);
        const h = 1e-5;
        for (let i = 0; i < raw.length; i++) {
          const plus = [...raw];
          plus[i] += h;
          const minus = [...raw];
          minus[i] -= h;
          const fd = (at(plus) - at(minus)) / (2 * h);
          expect(Math.abs(gradient[i] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      }
    }
  });

  it("fits hyperparameters that raise the posterior above the default start", () => {
    const data = randomData(30, 2);
    const fitted = fitKernelParams(data);
    const start: KernelParams = {
      inverseSquaredLengthscales: new Float64Array(3).fill(1),
      kernelScale: 1,
      noiseVar: 1,
    };
    const score = (p: KernelParams) =>
      logMarginalLikelihood(data, p, { logPrior: defaultLogPrior }).value;
    expect(score(fitted)).toBeGreaterThan(score(start));
    expect(fitted.noiseVar).toBeGreaterThanOrEqual(1e-6);
    const deterministic = fitKernelParams(data, { deterministic: true });
    expect(deterministic.noiseVar).toBe(1e-6);
  });

  it("interpolates noise-free data and has a consistent gradient", () => {
    const d = 2;
    const data = randomData(15, 3, d, new Uint8Array(d));
    const params: KernelParams = {
      inverseSquaredLengthscales: Float64Array.of(3, 3),
      kernelScale: 1,
      noiseVar: 1e-10,
    };
    const post = new GpPosterior(data, params);
    const mean = new Float64Array(data.n);
    const variance = new Float64Array(data.n);
    post.predict(data.x, data.n, mean, variance);
    for (let i = 0; i < data.n; i++) {
      expect(mean[i]).toBeCloseTo(data.y[i], 6);
      expect(variance[i]).toBeLessThan(1e-7);
    }
    // The WebAssembly batch (eight points at a time) gives exactly the JavaScript one-point
    // results, continuous and categorical dimensions, odd and even n, a partial last block,
    // points far enough for e^{−a} to be flushed to 0.
    for (const [batchData, batchParams] of [
      [data, params],
      [randomData(23, 5), PARAMS],
      [randomData(1, 6), PARAMS],
      [
        randomData(40, 7, 6, new Uint8Array(6)),
        { ...PARAMS, inverseSquaredLengthscales: new Float64Array(6).fill(4) },
      ],
    ] as const) {
      const m = 11;
      const dd = batchData.d;
      const points = new Float64Array(m * dd);
      const rng = new Rng(9);
      for (let q = 0; q < m * dd; q++) {
        points[q] = batchData.isCategorical[q % dd] ? rng.integer(0, 2) : rng.random();
      }
      points.fill(1e4, 0, dd);
      const batchPost = new GpPosterior(batchData, batchParams);
      const bm = new Float64Array(m);
      const bv = new Float64Array(m);
      expect(wasmKernels()).not.toBeNull();
      batchPost.predict(points, m, bm, bv);
      const om = new Float64Array(m);
      const ov = new Float64Array(m);
      setWasmKernelsEnabled(false);
      try {
        batchPost.predict(points, m, om, ov);
      } finally {
        setWasmKernelsEnabled(true);
      }
      expect(Array.from(bm)).toEqual(Array.from(om));
      expect(Array.from(bv)).toEqual(Array.from(ov));
      expect(bv[0]).toBe(batchParams.kernelScale);
    }
    // Away from the data the variance grows towards the kernel scale.
    const far = Float64Array.of(30, -30);
    post.predict(far, 1, mean, variance);
    expect(variance[0]).toBeCloseTo(1, 6);
    expect(mean[0]).toBeCloseTo(0, 6);
    // Gradients of mean and variance by finite differences.
    const x = Float64Array.of(0.37, 0.61);
    const gm = new Float64Array(d);
    const gv = new Float64Array(d);
    const [mu, v] = post.predictWithGradient(x, gm, gv);
    const m1 = new Float64Array(1);
    const v1 = new Float64Array(1);
    post.predict(x, 1, m1, v1);
    expect(mu).toBeCloseTo(m1[0], 12);
    expect(v).toBeCloseTo(v1[0], 12);
    const h = 1e-6;
    for (let c = 0; c < d; c++) {
      const plus = x.slice();
      plus[c] += h;
      const minus = x.slice();
      minus[c] -= h;
      const mp = new Float64Array(1);
      const vp = new Float64Array(1);
      const mm = new Float64Array(1);
      const vm = new Float64Array(1);
      post.predict(plus, 1, mp, vp);
      post.predict(minus, 1, mm, vm);
      expect(gm[c]).toBeCloseTo((mp[0] - mm[0]) / (2 * h), 5);
      expect(gv[c]).toBeCloseTo((vp[0] - vm[0]) / (2 * h), 5);
    }
  });
});

describe("GP posterior extended by new points", () => {
  /** The first `n` rows of `data`, with targets `y`. */
  function head(data: GpData, n: number, y = data.y.subarray(0, n)): GpData {
    return { ...data, x: data.x.subarray(0, n * data.d), y, n };
  }

  it("predicts what a posterior factorized afresh predicts, with and without WebAssembly", () => {
    for (const [data, params] of [
      [randomData(60, 11), PARAMS],
      [
        randomData(45, 12, 6, new Uint8Array(6)),
        { ...PARAMS, inverseSquaredLengthscales: new Float64Array(6).fill(4) },
      ],
    ] as const) {
      const probe = randomData(20, 13, data.d, Uint8Array.from(data.isCategorical));
      const [fromOne, fromScratch] = bothWays(() => {
        // Grown from 10 points by 1, 1, then the rest at once, new targets at every step (as
        // the sampler re-standardizes them).
        let post = new GpPosterior(head(data, 10), params);
        for (const n of [11, 12, data.n]) {
          const y = data.y.slice(0, n).map((v) => 2 * v - 0.5);
          post = post.extend(head(data, n, y))!;
          expect(post).not.toBeNull();
        }
        const mean = new Float64Array(probe.n);
        const variance = new Float64Array(probe.n);
        post.predict(probe.x, probe.n, mean, variance);
        const fresh = new GpPosterior({ ...data, y: data.y.map((v) => 2 * v - 0.5) }, params);
        const freshMean = new Float64Array(probe.n);
        const freshVariance = new Float64Array(probe.n);
        fresh.predict(probe.x, probe.n, freshMean, freshVariance);
        return [
          [mean, variance],
          [freshMean, freshVariance],
        ];
      });
      for (const [[mean, variance], [freshMean, freshVariance]] of [fromOne, fromScratch]) {
        for (let q = 0; q < probe.n; q++) {
          expect(mean[q]).toBeCloseTo(freshMean[q], 9);
          expect(variance[q]).toBeCloseTo(freshVariance[q], 9);
        }
      }
    }
  });

  it("refuses a point that makes K singular (a duplicate without noise)", () => {
    const data = randomData(8, 14, 2, new Uint8Array(2));
    const params: KernelParams = {
      ...PARAMS,
      inverseSquaredLengthscales: Float64Array.of(1, 1),
      noiseVar: 0,
    };
    const x = new Float64Array(9 * 2);
    x.set(data.x);
    x.set(data.x.subarray(0, 2), 16);
    const y = Float64Array.from({ length: 9 }, (_, i) => data.y[i % 8]);
    const post = new GpPosterior(data, params);
    expect(post.extend({ ...data, x, y, n: 9 })).toBeNull();
  });
});

describe("GP effort schedule", () => {
  it("refits every trial up to 50 points, then as the data grow by 10%", () => {
    expect(refitDue(10, null)).toBe(true);
    expect(refitDue(50, 49)).toBe(true);
    expect(refitDue(109, 100)).toBe(false);
    expect(refitDue(110, 100)).toBe(true);
    expect(refitDue(1099, 1000)).toBe(false);
    expect(refitDue(1100, 1000)).toBe(true);
    expect(refitDue(90, 100)).toBe(true);
  });

  it("shrinks the acquisition search beyond 50 points, to a floor", () => {
    expect(screeningSamples(50, 2048)).toBe(2048);
    expect(screeningSamples(100, 2048)).toBe(512);
    expect(screeningSamples(1000, 2048)).toBe(MIN_SCREENING);
    expect(screeningSamples(1000, 16)).toBe(16);
    expect(localSearches(50, 10)).toBe(10);
    expect(localSearches(100, 10)).toBe(5);
    expect(localSearches(1000, 10)).toBe(MIN_LOCAL_SEARCHES);
    expect(localSearches(1000, 1)).toBe(1);
  });

  it("fits on at most MAX_FIT_POINTS rows, evenly spaced from the first", () => {
    expect(fitRows(MAX_FIT_POINTS)).toBeNull();
    const rows = fitRows(1000)!;
    expect(rows.length).toBe(MAX_FIT_POINTS);
    expect(rows[0]).toBe(0);
    expect(rows.at(-1)).toBeLessThan(1000);
    expect(new Set(rows).size).toBe(MAX_FIT_POINTS);
    expect(rows[1]! - rows[0]!).toBe(4);
  });
});

/** `run` with the WebAssembly kernels, then with the JavaScript loops. */
function bothWays<T>(run: () => T): [T, T] {
  expect(wasmKernels()).not.toBeNull();
  const wasm = run();
  setWasmKernelsEnabled(false);
  try {
    return [wasm, run()];
  } finally {
    setWasmKernelsEnabled(true);
  }
}

describe("GP WebAssembly kernels", () => {
  // Continuous and categorical dimensions, n odd and even, below and above the SIMD block sizes.
  const cases = [1, 2, 3, 4, 5, 8, 9, 17, 40].flatMap((n) => [
    randomData(n, n, 3),
    randomData(n, 100 + n, 5, new Uint8Array(5)),
  ]);

  it("give the JavaScript likelihood, gradient and fit exactly", () => {
    for (const data of cases) {
      const params = { ...PARAMS, inverseSquaredLengthscales: new Float64Array(data.d).fill(1.7) };
      const [a, b] = bothWays(() =>
        logMarginalLikelihood(data, params, { logPrior: defaultLogPrior }),
      );
      expect(a.value).toBe(b.value);
      expect(Array.from(a.gradient)).toEqual(Array.from(b.gradient));
      const [fa, fb] = bothWays(() => fitGp(data).params);
      expect(fa.kernelScale).toBe(fb.kernelScale);
      expect(fa.noiseVar).toBe(fb.noiseVar);
      expect(Array.from(fa.inverseSquaredLengthscales)).toEqual(
        Array.from(fb.inverseSquaredLengthscales),
      );
    }
  });

  it("give the JavaScript posterior gradients exactly, with posteriors and fits interleaved", () => {
    const rng = new Rng(11);
    for (const data of cases) {
      const { d } = data;
      const params = fitKernelParams(data);
      // Two posteriors share the kernels' memory; a fit in between overwrites it.
      const posteriors = [new GpPosterior(data, params), new GpPosterior(data, PARAMS_FOR(d))];
      for (let t = 0; t < 6; t++) {
        const posterior = posteriors[t % 2];
        const x = new Float64Array(d);
        for (let c = 0; c < d; c++) {
          x[c] = data.isCategorical[c] ? rng.integer(0, 2) : rng.random();
        }
        if (t === 5) x.set(data.x.subarray(0, d)); // at a training point
        if (t === 3) fitKernelParams(randomData(7, 3, d));
        const [[mean, variance, gm, gv], [mean2, variance2, gm2, gv2]] = bothWays(() => {
          const gradMean = new Float64Array(d);
          const gradVariance = new Float64Array(d);
          const [m, v] = posterior.predictWithGradient(x, gradMean, gradVariance);
          return [m, v, Array.from(gradMean), Array.from(gradVariance)] as const;
        });
        expect(mean).toBe(mean2);
        expect(variance).toBe(variance2);
        expect(gm).toEqual(gm2);
        expect(gv).toEqual(gv2);
        for (let c = 0; c < d; c++) {
          if (data.isCategorical[c]) expect(gm[c]).toBe(0);
        }
        // The batch prediction at the same point agrees too, after the one-point kernel.
        const [[bm], [bm2]] = bothWays(() => {
          const m = new Float64Array(1);
          const v = new Float64Array(1);
          posterior.predict(x, 1, m, v);
          return [m[0], v[0]];
        });
        expect(bm).toBe(bm2);
      }
      // A posterior factorized in the kernels equals one factorized in JavaScript.
      const point = data.x.slice((data.n - 1) * d, data.n * d);
      const [fresh, fresh2] = bothWays(() => {
        const gradMean = new Float64Array(d);
        const gradVariance = new Float64Array(d);
        const result = new GpPosterior(data, params).predictWithGradient(
          point,
          gradMean,
          gradVariance,
        );
        return [...result, ...gradMean, ...gradVariance];
      });
      expect(fresh).toEqual(fresh2);
    }
  });

  it("fall back to the jittered JavaScript factorization when K is singular", () => {
    // Repeated points without noise: K is singular, `cholesky` adds jitter.
    const data = randomData(6, 4, 2, new Uint8Array(2));
    data.x.copyWithin(2, 0, 2);
    const params = { ...PARAMS_FOR(2), noiseVar: 0 };
    const point = Float64Array.of(0.3, 0.6);
    const [a, b] = bothWays(() => {
      const posterior = new GpPosterior(data, params);
      const m = new Float64Array(1);
      const v = new Float64Array(1);
      posterior.predict(point, 1, m, v);
      const gradMean = new Float64Array(2);
      const gradVariance = new Float64Array(2);
      return [m[0], v[0], ...posterior.predictWithGradient(point, gradMean, gradVariance)];
    });
    expect(a).toEqual(b);
    expect(a.every(Number.isFinite)).toBe(true);
  });
});

/** Kernel parameters with unequal lengthscales in d dimensions. */
function PARAMS_FOR(d: number): KernelParams {
  const ils = Float64Array.from({ length: d }, (_, c) => 0.5 + c);
  return { inverseSquaredLengthscales: ils, kernelScale: 1.3, noiseVar: 0.02 };
}

describe("log expected improvement", () => {
  it("agrees with the direct formula where that is accurate", () => {
    for (const z of [-5, -2, -1.5, -1, -0.3, 0, 0.5, 2, 6]) {
      const direct = Math.log(normPdf(z) + z * normCdf(z));
      expect(logH(z)).toBeCloseTo(direct, 11);
      expect(logHDerivative(z)).toBeCloseTo(normCdf(z) / (normPdf(z) + z * normCdf(z)), 9);
    }
    // EI = σ h((best − μ)/σ) for a minimization.
    const mean = 0.3;
    const variance = 0.25;
    const best = 0.1;
    const z = (best - mean) / 0.5;
    expect(logEi(mean, variance, best)).toBeCloseTo(
      Math.log(0.5 * (normPdf(z) + z * normCdf(z))),
      12,
    );
  });

  it("stays finite and accurate far in the tail (z = −40 and beyond)", () => {
    // 40-digit references of log h(z) and d log h/dz (mpmath).
    const reference: [number, number, number][] = [
      [-1e4, -50000019.33961931, 10000.000199999993],
      [-1000, -500014.73445209116, 1000.001999994],
      [-200, -20011.515648259738, 200.00999925013122],
      [-199.9, -19991.5196480847, 199.91000425150668],
      [-100, -5010.12957880025, 100.01999400419587],
      [-40, -808.29856835662, 40.04990665764852],
      [-25, -319.86146358149597, 25.07962023426653],
      [-10, -55.55312203612235, 10.194383033412553],
      [-1.0000001, -2.485121216139768, 1.9042713055274623],
      [-1, -2.4851210257126413, 1.9042712333296918],
      [30, 3.4011973816621555, 0.03333333333333333],
    ];
    for (const [z, value, slope] of reference) {
      expect(Number.isFinite(logH(z))).toBe(true);
      expect(Math.abs(logH(z) - value) / Math.abs(value)).toBeLessThan(1e-12);
      expect(Math.abs(logHDerivative(z) - slope) / slope).toBeLessThan(1e-10);
    }
    // The direct formula underflows to −Infinity there.
    expect(Math.log(normPdf(-40) + -40 * normCdf(-40))).toBe(Number.NEGATIVE_INFINITY);
    expect(logEi(50, 1e-6, 0)).toBeLessThan(-1e8);
    expect(Number.isFinite(logEi(50, 1e-6, 0))).toBe(true);
  });

  it("gives acquisition gradients that match finite differences", () => {
    const data = randomData(20, 4);
    const post = new GpPosterior(data, PARAMS);
    const acqs = [
      new LogEi(post, -0.5),
      new LogPi(post, 0.2),
      new SumAcquisition([new LogEi(post, -0.5), new LogPi(post, 0.2)], 3),
    ];
    const x = Float64Array.of(0.4, 0.55, 1);
    for (const acq of acqs) {
      const grad = new Float64Array(3);
      const f = acq.evaluateWithGradient(x, grad);
      const out = new Float64Array(1);
      acq.evaluateBatch(x, 1, out);
      expect(f).toBeCloseTo(out[0], 12);
      const h = 1e-6;
      for (let c = 0; c < 2; c++) {
        const plus = x.slice();
        plus[c] += h;
        const minus = x.slice();
        minus[c] -= h;
        const a = new Float64Array(1);
        const b = new Float64Array(1);
        acq.evaluateBatch(plus, 1, a);
        acq.evaluateBatch(minus, 1, b);
        expect(grad[c]).toBeCloseTo((a[0] - b[0]) / (2 * h), 5);
      }
      expect(grad[2]).toBe(0);
    }
  });
});

describe("acquisition optimizer", () => {
  it("finds the maximizer of a smooth function over a mixed space", () => {
    const space = new GpSearchSpace({
      a: new FloatDistribution(0, 1),
      b: new IntDistribution(0, 40),
      c: new CategoricalDistribution(["x", "y", "z"]),
      d: new IntDistribution(1, 5),
    });
    // Peak at a = 0.3, b = 29 (coordinate (29.5)/41), c = "z" (2), d = 2.
    const target = Float64Array.of(0.3, 29.5 / 41, 2, space.gridCoordinate(3, 1));
    const f = (x: Float64Array, o: number) =>
      -((x[o] - target[0]) ** 2) -
      (x[o + 1] - target[1]) ** 2 -
      (x[o + 2] === 2 ? 0 : 1) -
      (x[o + 3] - target[3]) ** 2;
    const acq = {
      evaluateBatch(points: Float64Array, m: number, out: Float64Array) {
        for (let q = 0; q < m; q++) out[q] = f(points, q * 4);
      },
      evaluateWithGradient(x: Float64Array, grad: Float64Array) {
        grad.fill(0);
        grad[0] = -2 * (x[0] - target[0]);
        return f(x, 0);
      },
    };
    const found = optimizeAcquisition(acq, space, Float64Array.of(1, 1, 1, 1), {
      rng: new Rng(5),
      nPreliminarySamples: 64,
    });
    expect(found.x[0]).toBeCloseTo(0.3, 4);
    expect(space.decode(found.x)).toEqual({ a: expect.closeTo(0.3, 4), b: 29, c: "z", d: 2 });
  });
});
