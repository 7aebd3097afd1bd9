import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FloatDistribution } from "../../src/distributions/float.js";
import { distributionToJson, jsonToDistribution } from "../../src/distributions/json.js";
import { InvalidDistributionError } from "../../src/errors/index.js";
import { adjustSteppedHigh, rangeBelowStep } from "../../src/math/decimal.js";

// [low, high, step, _adjust_discrete_uniform_high(low, high, step)] from Optuna 3.1.
// biome-ignore format: table
const HAND: [number, number, number, number][] = [
  [0, 1, 0.3, 0.9],
  [0, 1, 0.1, 1],
  [0.1, 1.05, 0.2, 0.9],
  [0, 10, 3, 9.0],
  [-1, 1, 0.3, 0.8],
  [0, 1, 0.25, 1],
  [0.05, 0.95, 0.1, 0.95],
  [1e-05, 0.001, 3e-05, 0.001],
  [-5.5, 5.5, 1.1, 5.5],
  [-10, -1, 4, -2.0],
  [0, 10000000000.0, 3, 9999999999.0],
  [0.1, 0.7, 0.2, 0.7],
  [1.5, 3.7, 0.55, 3.7],
  [0, 0.3, 0.1, 0.3],
  [0.2, 0.3, 0.1, 0.3],
  [100, 200.5, 7.7, 200.1],
  [0.001, 0.01, 0.0007, 0.0094],
  [-0.3, 0.3, 0.1, 0.3],
  [0, 1, 0.001, 1],
  [0, 1, 0.7, 0.7],
  [3, 3, 0.5, 3],
  [0, 5, 10, 0.0],
  [1.1, 2.2, 0.11, 2.2],
  [0, 123456789.123, 0.001, 123456789.123],
  [1e-15, 1e15, 0.7, 999999999999999.6],
  [0.123456789012345, 1e14, 0.1, 99999999999999.92],
  [5e-324, 1, 0.3, 0.9],
  [0, 1e-300, 3e-301, 9e-301],
  [1e-10, 1e10, 3, 9999999999.0],
];

// Random short decimals, same source.
// biome-ignore format: table
const RANDOM: [number, number, number, number][] = [
  [13.84, 53.95, 0.6, 53.44],
  [55.555, 89.659, 4.4675, 86.8275],
  [-64.484, -59.656, 0.59, -59.764],
  [85.44694, 99.00093, 0.9116, 98.20934],
  [73.0, 112.4, 7.757, 111.785],
  [29.89, 66.66, 3.661, 66.5],
  [-91.568, -50.584, 1.9, -51.668],
  [25.4, 68.1, 4.41, 65.09],
  [16.555, 65.391, 2.6, 63.355],
  [55.7534, 73.555, 1.981, 71.6014],
  [78.65, 96.03, 7.373, 93.396],
  [-9.53, -7.34, 1.6, -7.93],
  [-6.2837, 16.9904, 0.802, 16.9743],
  [32.001, 53.835, 2.2796, 52.5174],
  [-58.8, -40.0, 9.7052, -49.0948],
  [91.079, 119.972, 4.36, 117.239],
  [11.7973, 34.409, 3.8041, 30.8178],
  [-21.09292, -11.65984, 8.87, -12.22292],
  [-72.9483, -49.8452, 3.9, -53.4483],
  [-13.12463, 13.16287, 1.121, 12.65837],
  [8.2713, 37.5102, 3.096, 36.1353],
  [-4.78, 33.19, 0.1928, 33.0088],
  [94.1, 114.62, 6.8, 114.5],
  [11.0892, 16.1597, 5.09, 11.0892],
  [90.9, 103.4, 6.8238, 97.7238],
  [50.6, 72.7, 9.5315, 69.663],
  [-6.6757, 32.8422, 7.8, 32.3243],
  [76.99, 114.39, 2.37, 112.54],
  [47.21, 77.79, 3.78, 77.45],
  [-63.4, -54.6, 6.6346, -56.7654],
  [38.98716, 53.07174, 3.6, 49.78716],
  [-30.89, -1.89, 7.523, -8.321],
  [26.89, 44.12, 9.439, 36.329],
  [8.34385, 52.81961, 8.3364, 50.02585],
  [8.5797, 34.0942, 7.15, 30.0297],
  [-6.149, 29.017, 6.017, 23.936],
  [-52.119, -6.367, 2.4137, -8.6724],
  [-0.336, 38.7, 9.6, 38.064],
  [44.47315, 72.32472, 6.6458, 71.05635],
  [-17.8145, 25.6171, 8.71, 17.0255],
];

describe("adjustSteppedHigh matches Optuna's _adjust_discrete_uniform_high", () => {
  it.each(HAND)("[%s, %s] step %s → %s", (low, high, step, expected) => {
    expect(adjustSteppedHigh(low, high, step)).toBe(expected);
  });

  it("on random decimal ranges", () => {
    const wrong = RANDOM.filter(([l, h, s, e]) => adjustSteppedHigh(l, h, s) !== e);
    expect(wrong).toEqual([]);
  });

  it("differs from naive binary arithmetic where Optuna's decimal one does", () => {
    // In binary, 1 % 0.1 and 0.3 - 0.2 < 0.1 would say "not divisible".
    expect(adjustSteppedHigh(0, 1, 0.1)).toBe(1);
    expect(adjustSteppedHigh(0.2, 0.3, 0.1)).toBe(0.3);
    expect(adjustSteppedHigh(0.1, 0.7, 0.2)).toBe(0.7);
  });

  it("never goes above high nor more than a step below it, and is a fixed point", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 1e5 }),
        (l, w, s) => {
          const low = l / 1000;
          const high = (l + w) / 1000;
          const step = s / 1000;
          const adjusted = adjustSteppedHigh(low, high, step);
          expect(adjusted).toBeLessThanOrEqual(high);
          expect(adjusted).toBeGreaterThanOrEqual(low);
          expect(rangeBelowStep(adjusted, high, step)).toBe(true);
          // Exact integer arithmetic in thousandths gives the expected value.
          expect(adjusted).toBe((l + Math.floor(w / s) * s) / 1000);
          expect(adjustSteppedHigh(low, adjusted, step)).toBe(adjusted);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("rangeBelowStep (Decimal(str(high)) - Decimal(str(low)) < Decimal(str(step)))", () => {
  // Expected values computed with Python's decimal module.
  it.each([
    [0, 0.3, 0.1, false],
    [0, 0.09999, 0.1, true],
    [0.2, 0.3, 0.1, false],
    [0.1, 0.15, 0.1, true],
    [1, 1.5, 0.5, false],
    [1, 1.49, 0.5, true],
    [0, 1, 0.3, false],
    [-0.3, -0.2, 0.1, false],
    [0.7, 0.9, 0.3, true],
    [5, 5, 1, true],
  ])("[%s, %s] step %s → %s", (low, high, step, expected) => {
    expect(rangeBelowStep(low, high, step)).toBe(expected);
  });
});

describe("Python's 28-digit decimal context, as Optuna 3.1", () => {
  // [low, high, step, _adjust_discrete_uniform_high or "error" (DivisionImpossible), single()]
  const CASES = JSON.parse(
    readFileSync(new URL("./fixtures/decimal-optuna.json", import.meta.url), "utf8"),
  ) as [number, number, number, number | "error", boolean | null][];

  it("keeps high 1.0 for [1e-30, 1] step 0.1 (1 - 1e-30 rounds to 1)", () => {
    expect(adjustSteppedHigh(1e-30, 1, 0.1)).toBe(1);
    expect(adjustSteppedHigh(1e-20, 1, 0.1)).toBe(0.9);
    expect(new FloatDistribution(1e-30, 1, { step: 0.1 }).high).toBe(1);
  });

  it("on ranges from 1e-35 to 1e20, including ranges with more than 10^28 steps", () => {
    const wrong: unknown[] = [];
    for (const [low, high, step, expected, single] of CASES) {
      if (expected === "error") {
        if (!throws(() => adjustSteppedHigh(low, high, step))) wrong.push([low, high, step]);
        continue;
      }
      const adjusted = adjustSteppedHigh(low, high, step);
      const below = adjusted === low || rangeBelowStep(low, adjusted, step);
      if (adjusted !== expected || below !== single) {
        wrong.push([low, high, step, adjusted, below]);
      }
    }
    expect(wrong).toEqual([]);
    expect(CASES.filter((c) => c[3] === "error").length).toBeGreaterThan(10);
  });

  it("reading a distribution's JSON back keeps high as written (no second adjustment)", () => {
    const moved: unknown[] = [];
    for (const [low, high, step, expected] of CASES) {
      if (expected === "error") continue;
      const written = distributionToJson(new FloatDistribution(low, high, { step }));
      const read = jsonToDistribution(written);
      if (read.kind !== "float" || read.high !== expected || read.low !== low) {
        moved.push([low, high, step, expected, read]);
      }
    }
    expect(moved).toEqual([]);
  });
});

function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (error) {
    return error instanceof InvalidDistributionError;
  }
}
