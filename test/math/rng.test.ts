import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashString, Rng } from "../../src/math/rng.js";

function take(rng: Rng, n: number, draw: (r: Rng) => number = (r) => r.random()): number[] {
  return Array.from({ length: n }, () => draw(rng));
}

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
function chiSquare(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const expected = total / counts.length;
  let stat = 0;
  for (let i = 0; i < counts.length; i++) stat += (counts[i]! - expected) ** 2 / expected;
  return stat;
}

// Upper 0.1% quantiles of chi-square: a fixed seed makes each check deterministic, and a
// correct generator fails a given one with probability 0.001.
const CHI2_999 = { 9: 27.88, 6: 22.46, 19: 43.82, 99: 148.23 } as const;

describe("Rng determinism", () => {
  it("gives the same stream for the same seed and keys", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()),
        fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
        (seed, keys) => {
          const a = new Rng(seed, ...keys);
          const b = new Rng(seed, ...keys);
          expect(take(a, 20, (r) => r.nextUint32())).toEqual(take(b, 20, (r) => r.nextUint32()));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("pins the streams of seeded studies (a change here changes every seeded result)", () => {
    const r = new Rng(42);
    expect(take(r, 3, (g) => g.nextUint32())).toEqual([3039017613, 1482787690, 3325840874]);
    expect(take(new Rng(42, 3, "x"), 2, (g) => g.nextUint32())).toEqual([2543797547, 3597154148]);
  });

  it("differs for different seeds", () => {
    const streams = new Set<string>();
    for (let seed = 0; seed < 200; seed++) streams.add(take(new Rng(seed), 4).join());
    expect(streams.size).toBe(200);
    expect(take(new Rng(0), 4)).not.toEqual(take(new Rng(2 ** 32), 4));
    expect(take(new Rng(1), 4)).not.toEqual(take(new Rng(-1), 4));
    expect(take(new Rng(2 ** 53 - 1), 4)).not.toEqual(take(new Rng(2 ** 53 - 2), 4));
    expect(take(new Rng(0.5), 4)).not.toEqual(take(new Rng(0.25), 4));
    expect(take(new Rng("a"), 4)).not.toEqual(take(new Rng("b"), 4));
  });

  it("differs for different keys and key orders", () => {
    const streams = new Set<string>();
    for (let trial = 0; trial < 50; trial++) {
      for (const name of ["x", "y", "lr", "layers"]) {
        streams.add(take(new Rng(7, trial, name), 3).join());
      }
    }
    expect(streams.size).toBe(200);
    expect(take(new Rng(7, 1, "x"), 3)).not.toEqual(take(new Rng(7, "x", 1), 3));
    // Seed and first key must not commute: (seed 3, trial 5) differs from (seed 5, trial 3).
    expect(take(new Rng(3, 5, "x"), 3)).not.toEqual(take(new Rng(5, 3, "x"), 3));
    expect(take(new Rng(7), 3)).not.toEqual(take(new Rng(7, 0), 3));
  });

  it("hashString is FNV-1a", () => {
    expect(hashString("")).toBe(0x811c9dc5);
    expect(hashString("a")).toBe(0xe40c292c);
    expect(hashString("foobar")).toBe(0xbf9cf968);
  });
});

describe("random()", () => {
  it("stays in [0, 1) with mean 1/2 and variance 1/12", () => {
    const xs = take(new Rng(123), 100_000);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    // Standard error of the mean: sqrt(1/12 / 1e5) ≈ 0.0009.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it("is uniform on 10 bins (chi-square)", () => {
    for (const seed of [1, 2, 3]) {
      const counts = new Uint32Array(10);
      for (const x of take(new Rng(seed), 50_000)) counts[Math.floor(x * 10)]!++;
      expect(chiSquare(counts)).toBeLessThan(CHI2_999[9]);
    }
  });

  it("is uniform on 100 bins and its low bits are random too", () => {
    const counts = new Uint32Array(100);
    const low = new Uint32Array(100);
    for (const x of take(new Rng(99), 100_000)) {
      counts[Math.floor(x * 100)]!++;
      low[Math.floor(((x * 2 ** 20) % 1) * 100)]!++;
    }
    expect(chiSquare(counts)).toBeLessThan(CHI2_999[99]);
    expect(chiSquare(low)).toBeLessThan(CHI2_999[99]);
  });

  it("has no serial correlation between consecutive draws", () => {
    const xs = take(new Rng(5), 50_000);
    let sum = 0;
    for (let i = 1; i < xs.length; i++) sum += (xs[i]! - 0.5) * (xs[i - 1]! - 0.5);
    const correlation = sum / (xs.length - 1) / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(0.02);
  });

  it("uniform(low, high) stays in [low, high)", () => {
    const r = new Rng(8);
    for (let i = 0; i < 1000; i++) {
      const x = r.uniform(-3, 5);
      expect(x).toBeGreaterThanOrEqual(-3);
      expect(x).toBeLessThan(5);
    }
  });
});

describe("integer(low, high)", () => {
  it("covers every value of small ranges, inclusive bounds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 9 }),
        (lo, w) => {
          const r = new Rng(lo * 31 + w);
          const seen = new Set<number>();
          for (let i = 0; i < 400; i++) {
            const v = r.integer(lo, lo + w);
            expect(Number.isInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(lo);
            expect(v).toBeLessThanOrEqual(lo + w);
            seen.add(v);
          }
          expect(seen.size).toBe(w + 1);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("is unbiased (chi-square) for a range that does not divide 2^32", () => {
    // 7 values: the naive modulo would still look fine, but 20 values of a range of
    // 3 * 2^30 (where modulo bias is large) must be uniform too.
    const r = new Rng(2024);
    const counts = new Uint32Array(7);
    for (let i = 0; i < 70_000; i++) counts[r.integer(10, 16) - 10]!++;
    expect(chiSquare(counts)).toBeLessThan(CHI2_999[6]);

    const span = 3 * 2 ** 30;
    const thirds = new Uint32Array(20);
    for (let i = 0; i < 60_000; i++) thirds[Math.floor((r.integer(0, span - 1) / span) * 20)]!++;
    expect(chiSquare(thirds)).toBeLessThan(CHI2_999[19]);
  });

  it("handles ranges wider than 2^32", () => {
    const r = new Rng(3);
    const hi = 2 ** 40;
    let above = 0;
    for (let i = 0; i < 2000; i++) {
      const v = r.integer(0, hi);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(hi);
      if (v > 2 ** 39) above++;
    }
    expect(above / 2000).toBeGreaterThan(0.45);
    expect(above / 2000).toBeLessThan(0.55);
  });

  it("returns the only value of a one-value range and rejects empty ranges", () => {
    expect(new Rng(1).integer(5, 5)).toBe(5);
    expect(() => new Rng(1).integer(5, 4)).toThrow(RangeError);
  });
});

describe("normal()", () => {
  it("has mean 0, variance 1 and normal tails", () => {
    const xs = take(new Rng(77), 100_000, (r) => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    const beyond196 = xs.filter((x) => Math.abs(x) > 1.96).length / xs.length;
    expect(Math.abs(beyond196 - 0.05)).toBeLessThan(0.004);
    const skew = xs.reduce((s, x) => s + x ** 3, 0) / xs.length;
    expect(Math.abs(skew)).toBeLessThan(0.05);
  });

  it("is reproducible, spare included", () => {
    expect(take(new Rng(5), 7, (r) => r.normal())).toEqual(take(new Rng(5), 7, (r) => r.normal()));
  });
});

describe("shuffle()", () => {
  it("returns a permutation of the same array", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
        const copy = [...items];
        const out = new Rng(seed).shuffle(copy);
        expect(out).toBe(copy);
        expect([...out].sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it("puts each element in each position equally often", () => {
    const r = new Rng(11);
    const counts = Array.from({ length: 5 }, () => new Uint32Array(5));
    for (let i = 0; i < 20_000; i++) {
      r.shuffle([0, 1, 2, 3, 4]).forEach((v, pos) => {
        counts[v]![pos]!++;
      });
    }
    for (const row of counts) expect(chiSquare(row)).toBeLessThan(18.47); // chi2(4) 0.1%
  });

  it("reaches all 24 orders of 4 elements", () => {
    const r = new Rng(12);
    const orders = new Set<string>();
    for (let i = 0; i < 2000; i++) orders.add(r.shuffle([1, 2, 3, 4]).join());
    expect(orders.size).toBe(24);
  });
});

describe("derive()", () => {
  it("is reproducible and moves the parent on", () => {
    const a = new Rng(9);
    const b = new Rng(9);
    expect(take(a.derive("x"), 5)).toEqual(take(b.derive("x"), 5));
    expect(take(a, 3)).toEqual(take(b, 3));
    const parent = new Rng(9);
    const c1 = take(parent.derive("x"), 5);
    const c2 = take(parent.derive("x"), 5);
    expect(c1).not.toEqual(c2);
  });

  it("gives children independent of each other and of the parent", () => {
    const parent = new Rng(31);
    const child = parent.derive("child");
    const n = 20_000;
    const xs = take(parent, n);
    const ys = take(child, n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (xs[i]! - 0.5) * (ys[i]! - 0.5);
    expect(Math.abs(sum / n / (1 / 12))).toBeLessThan(0.04);
    const other = new Rng(31).derive("other");
    expect(take(other, 5)).not.toEqual(take(new Rng(31).derive("child"), 5));
    // Joint uniformity of (child, sibling) draws on a 5x5 grid.
    const p2 = new Rng(32);
    const s1 = p2.derive(1);
    const s2 = p2.derive(2);
    const grid = new Uint32Array(25);
    for (let i = 0; i < 25_000; i++) {
      grid[Math.floor(s1.random() * 5) * 5 + Math.floor(s2.random() * 5)]!++;
    }
    expect(chiSquare(grid)).toBeLessThan(51.18); // chi2(24) 0.1%
  });
});

describe("randomSeed()", () => {
  it("gives safe integers that differ", () => {
    const seeds = Array.from({ length: 20 }, () => Rng.randomSeed());
    expect(seeds.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
    expect(new Set(seeds).size).toBe(20);
  });
});
