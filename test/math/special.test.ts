import { describe, expect, it } from "vitest";
import { Rng } from "../../src/math/rng.js";
import { EXP_NEGATIVE_LIMIT, expNegative } from "../../src/math/special/exp.js";
import {
  cdfOverPdf,
  erf,
  erfc,
  erfcx,
  logNormCdf,
  normCdf,
  normPdf,
} from "../../src/math/special/normal.js";

/** [x, erf(x), erfc(x), erfcx(x), log Φ(x)] computed with mpmath at 40 digits. */
const REFERENCE: [number, number, number, number, number][] = [
  [-30.0, -1.0, 2.0, Infinity, -454.3212439563432],
  [-10.0, -1.0, 2.0, 5.376234283632271e43, -53.23128515051247],
  [-5.0, -0.9999999999984626, 1.9999999999984626, 144009798674.66104, -15.064998393988725],
  [-3.0, -0.9999779095030014, 1.9999779095030015, 16205.988853999586, -6.607726221510349],
  [-2.5, -0.999593047982555, 1.999593047982555, 1035.814842972623, -5.08164827727869],
  [-2.0, -0.9953222650189527, 1.9953222650189526, 108.94090438997797, -3.783184333682032],
  [-1.0, -0.8427007929497149, 1.842700792949715, 5.008980080762283, -1.8410216450092636],
  [-0.3, -0.3286267594591274, 1.3286267594591274, 1.4537492328427657, -0.9621028181688507],
  [0.0, 0.0, 1.0, 1.0, -Math.LN2],
  [1e-5, 1.1283791670579e-5, 0.9999887162083294, 0.9999887163083283, -0.6931392017461683],
  [0.5, 0.5204998778130465, 0.4795001221869535, 0.6156903441929259, -0.3689464152886564],
  [1.0, 0.8427007929497149, 0.15729920705028513, 0.427583576155807, -0.17275377902344988],
  [1.5, 0.9661051464753108, 0.033894853524689274, 0.3215854164543175, -0.06914345561223398],
  [2.0, 0.9953222650189527, 0.004677734981047266, 0.25539567631050575, -0.023012909328963486],
  [2.5, 0.999593047982555, 0.0004069520174449589, 0.2108063640611436, -0.006229025485860002],
  [3.0, 0.9999779095030014, 2.209049699858544e-5, 0.17900115118138996, -0.0013508099647481938],
  [4.0, 0.9999999845827421, 1.541725790028002e-8, 0.13699945762506138, -3.167174337748927e-5],
  [5.0, 0.9999999999984626, 1.537459794428035e-12, 0.11070463773306863, -2.866516129637636e-7],
  [6.0, 1.0, 2.1519736712498913e-17, 0.09277656780053835, -9.865876455243758e-10],
  [10.0, 1.0, 2.088487583762545e-45, 0.05614099274382259, -7.619853024160525e-24],
  [26.0, 1.0, 5.663192408856143e-296, 0.021683584850562907, -2.4760633155033892e-149],
];

function expectRelative(actual: number, expected: number, tol: number): void {
  if (expected === 0 || !Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tol);
}

describe("error function family", () => {
  it("matches 40-digit references in relative terms, tails included", () => {
    for (const [x, erfRef, erfcRef, erfcxRef, logCdfRef] of REFERENCE) {
      expectRelative(erf(x), erfRef, 1e-14);
      expectRelative(erfc(x), erfcRef, 1e-13);
      // e^{x²} amplifies rounding by its condition number 2x² for negative x.
      expectRelative(erfcx(x), erfcxRef, 5e-13);
      // Far in the upper tail e^{-z²/2} inherits the rounding of z² (≈ 1e-13 at z = 26).
      expectRelative(logNormCdf(x), logCdfRef, 2e-13);
    }
  });

  it("is odd / complementary and handles special inputs", () => {
    for (const x of [0.1, 0.7, 1.9, 2.1, 3.3, 5.5]) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erf(x) + erfc(x)).toBeCloseTo(1, 15);
    }
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfcx(1e300)).toBeGreaterThan(0);
    expect(logNormCdf(-1e4)).toBeCloseTo(-5e7 - Math.log(1e4 * Math.sqrt(2 * Math.PI)), 3);
  });

  it("relates the normal functions to erf", () => {
    expect(normPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(normCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    for (const z of [-30, -5, -1, 0, 2]) {
      expectRelative(cdfOverPdf(z), normCdf(z) / normPdf(z), 1e-12);
    }
    // The Mills ratio stays finite where Φ and φ both underflow.
    expect(cdfOverPdf(-60)).toBeCloseTo(1 / 60 - 1 / 60 ** 3 + 3 / 60 ** 5 - 15 / 60 ** 7, 13);
  });
});

describe("expNegative", () => {
  it("matches Math.exp(−a) within 2 ulp over the table's range", () => {
    const rng = new Rng(11);
    let worst = 0;
    for (let k = 0; k < 200000; k++) {
      const a = k < 100000 ? rng.random() * 40 : rng.random() * EXP_NEGATIVE_LIMIT;
      const exact = Math.exp(-a);
      worst = Math.max(worst, Math.abs(expNegative(a) - exact) / exact);
    }
    expect(worst).toBeLessThan(5e-16);
    expect(expNegative(0)).toBe(1);
    expect(expNegative(1 / 64)).toBeCloseTo(Math.exp(-1 / 64), 16);
    expect(expNegative(707.99)).toBeGreaterThan(0);
  });

  it("is non-increasing, and flushes the subnormal range and NaN to 0", () => {
    let previous = expNegative(0);
    for (let a = 1e-3; a < 30; a += 1e-3) {
      const value = expNegative(a);
      expect(value).toBeLessThanOrEqual(previous);
      previous = value;
    }
    expect(expNegative(EXP_NEGATIVE_LIMIT)).toBe(0);
    expect(expNegative(1e300)).toBe(0);
    expect(expNegative(Number.POSITIVE_INFINITY)).toBe(0);
    expect(expNegative(Number.NaN)).toBe(0);
    expect(expNegative(-2)).toBe(Math.exp(2));
  });
});
