import { describe, expect, it } from "vitest";
import {
  HALTON_MAX_DIMENSION,
  HaltonEngine,
  type QmcEngine,
  SOBOL_MAX_DIMENSION,
  SobolEngine,
  sobolDirection,
} from "../../src/math/qmc/index.js";

/** Points as plain arrays, for readable equality checks. */
function rows(points: Float64Array[]): number[][] {
  return points.map((p) => Array.from(p));
}

/** True when each of the `strata` equal cells of [0, 1) holds coordinate j of one point. */
function oneInEachStratum(points: Float64Array[], j: number, strata: number): boolean {
  const hits = new Uint32Array(strata);
  for (const p of points) hits[Math.floor(p[j] * strata)]++;
  return hits.every((h) => h === 1);
}

/**
 * Checks that the points, projected on coordinates (j, k), form a (t, m, 2)-net in base 2:
 * every box [x/2^a, (x+1)/2^a) x [y/2^b, (y+1)/2^b) with a + b = m - t holds 2^t points.
 */
function isNet(points: Float64Array[], j: number, k: number, t: number, m: number): boolean {
  for (let a = 0; a <= m - t; a++) {
    const b = m - t - a;
    const counts = new Uint32Array(2 ** (m - t));
    for (const p of points)
      counts[Math.floor(p[j] * 2 ** a) * 2 ** b + Math.floor(p[k] * 2 ** b)]++;
    if (!counts.every((c) => c === 2 ** t)) return false;
  }
  return true;
}

function allInUnitCube(points: Float64Array[]): boolean {
  return points.every((p) => p.every((x) => x >= 0 && x < 1));
}

describe("Joe–Kuo direction numbers", () => {
  it("match the first rows of new-joe-kuo-6.21201", () => {
    expect(sobolDirection(2)).toEqual({ s: 1, a: 0, m: [1] });
    expect(sobolDirection(3)).toEqual({ s: 2, a: 1, m: [1, 3] });
    expect(sobolDirection(4)).toEqual({ s: 3, a: 1, m: [1, 3, 1] });
    expect(sobolDirection(5)).toEqual({ s: 3, a: 2, m: [1, 1, 1] });
    expect(sobolDirection(6)).toEqual({ s: 4, a: 1, m: [1, 1, 3, 3] });
    expect(sobolDirection(7)).toEqual({ s: 4, a: 4, m: [1, 3, 5, 13] });
    expect(sobolDirection(8)).toEqual({ s: 5, a: 2, m: [1, 1, 5, 5, 17] });
    expect(sobolDirection(10)).toEqual({ s: 5, a: 7, m: [1, 1, 7, 11, 19] });
    expect(sobolDirection(21)).toEqual({ s: 7, a: 4, m: [1, 3, 7, 13, 13, 15, 69] });
  });

  it("end with the last polynomial of degree 13 (row 1111)", () => {
    expect(SOBOL_MAX_DIMENSION).toBe(1111);
    expect(sobolDirection(1111)).toEqual({
      s: 13,
      a: 4094,
      m: [1, 1, 5, 15, 19, 1, 7, 211, 157, 603, 403, 1387, 1583],
    });
    expect(() => sobolDirection(1)).toThrow(RangeError);
    expect(() => sobolDirection(1112)).toThrow(RangeError);
  });
});

describe("SobolEngine, unscrambled", () => {
  it("gives the standard 2-D sequence", () => {
    const engine = new SobolEngine(2, { scramble: false });
    expect(rows(engine.draw(8))).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
      [0.125, 0.625],
    ]);
  });

  it("gives the standard 10-D sequence", () => {
    // scipy.stats.qmc.Sobol(10, scramble=False).random(8) * 256. By hand, dimension 3
    // (s=2, a=1, m=1,3) has m_3 = 2*3 ^ 4*1 ^ 1 = 3, so v = 1/2, 3/4, 3/8, and point 4
    // (Gray code 110) is v_2 ^ v_3 = 0.110 ^ 0.011 = 0.101 = 160/256.
    const expected = [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [128, 128, 128, 128, 128, 128, 128, 128, 128, 128],
      [192, 64, 64, 64, 192, 192, 64, 192, 192, 192],
      [64, 192, 192, 192, 64, 64, 192, 64, 64, 64],
      [96, 96, 160, 224, 96, 32, 96, 224, 224, 160],
      [224, 224, 32, 96, 224, 160, 224, 96, 96, 32],
      [160, 32, 224, 160, 160, 224, 32, 32, 32, 96],
      [32, 160, 96, 32, 32, 96, 160, 160, 160, 224],
    ];
    const points = new SobolEngine(10, { scramble: false }).draw(8);
    expect(rows(points).map((p) => p.map((x) => x * 256))).toEqual(expected);
  });

  it("matches scipy in all 1111 dimensions over 2^14 points", () => {
    // FNV-1a over the integers 2^14 * x of the first 2^14 points, computed from
    // scipy.stats.qmc.Sobol(1111, scramble=False, bits=32).random_base2(14).
    const engine = new SobolEngine(SOBOL_MAX_DIMENSION, { scramble: false });
    let hash = 0x811c9dc5;
    for (let i = 0; i < 2 ** 14; i++) {
      for (const x of engine.next()) hash = Math.imul(hash ^ (x * 2 ** 14), 0x01000193);
    }
    expect(hash >>> 0).toBe(173854149);
  });

  it("matches scipy far into the sequence, past the tabulated direction numbers", () => {
    // scipy.stats.qmc.Sobol(1111, scramble=False, bits=32) after fast_forward(1000003).
    const engine = new SobolEngine(SOBOL_MAX_DIMENSION, { scramble: false });
    engine.fastForward(1000003);
    const point = Array.from(engine.next(), (x) => x * 2 ** 32);
    expect(point.slice(0, 3)).toEqual([1187450880, 2413424640, 334991360]);
    expect(point.slice(-5)).toEqual([3384840192, 1667706880, 890998784, 2659799040, 665669632]);
  });

  it("is in 1-D a permutation of i / 2^k over 2^k points", () => {
    for (const k of [1, 4, 10]) {
      const values = new SobolEngine(1, { scramble: false })
        .draw(2 ** k)
        .map((p) => p[0] * 2 ** k)
        .sort((x, y) => x - y);
      expect(values).toEqual(Array.from({ length: 2 ** k }, (_, i) => i));
    }
  });

  it("makes the first two dimensions a (0, m, 2)-net for every m", () => {
    for (let m = 1; m <= 12; m++) {
      const points = new SobolEngine(2, { scramble: false }).draw(2 ** m);
      expect(isNet(points, 0, 1, 0, m), `m = ${m}`).toBe(true);
    }
  });

  it("stops after 2^32 points", () => {
    const engine = new SobolEngine(2, { scramble: false });
    engine.fastForward(2 ** 32 - 1);
    // Point 2^32 - 1 has Gray code 2^31: the last direction number, v_32 = 2^-32 in dimension 1.
    expect(engine.next()[0]).toBe(2 ** -32);
    expect(() => engine.next()).toThrow(/exhausted/);
    expect(() => new SobolEngine(1).fastForward(2 ** 32 + 1)).toThrow(RangeError);
  });
});

describe("SobolEngine, both kinds", () => {
  const kinds = [
    { name: "unscrambled", options: { scramble: false } },
    { name: "scrambled", options: { seed: 7 } },
  ];

  for (const { name, options } of kinds) {
    it(`keeps every coordinate in [0, 1) (${name})`, () => {
      expect(allInUnitCube(new SobolEngine(40, options).draw(3000))).toBe(true);
    });

    it(`has the (t, m, 2)-net property of Sobol's theory in dimensions 1..21 (${name})`, () => {
      // Coordinates j, k of a Sobol sequence form a (t, 2)-sequence in base 2 with
      // t = (deg p_j - 1) + (deg p_k - 1) (Sobol 1967; Niederreiter 1988), dimension 1 having
      // degree 1; so the first 2^m points are a (t, m, 2)-net whenever t <= m.
      const degree = (d: number) => (d === 1 ? 1 : sobolDirection(d).s);
      for (const m of [6, 10, 12]) {
        const points = new SobolEngine(21, options).draw(2 ** m);
        for (let j = 1; j <= 21; j++) {
          for (let k = j + 1; k <= 21; k++) {
            const t = degree(j) + degree(k) - 2;
            if (t > m) continue;
            expect(isNet(points, j - 1, k - 1, t, m), `dims ${j}, ${k}, m = ${m}`).toBe(true);
          }
        }
      }
    });

    it(`fast-forwards to the same points it would draw (${name})`, () => {
      const all = new SobolEngine(5, options).draw(200);
      for (const n of [0, 1, 2, 7, 64, 127, 199]) {
        const engine = new SobolEngine(5, options);
        engine.fastForward(n);
        expect(Array.from(engine.next())).toEqual(Array.from(all[n]));
      }
      const engine = new SobolEngine(5, options);
      engine.draw(10);
      engine.fastForward(90);
      expect(rows(engine.draw(3))).toEqual(rows(all.slice(100, 103)));
    });
  }
});

describe("SobolEngine, scrambled", () => {
  it("is reproducible from its seed and differs between seeds", () => {
    const a = rows(new SobolEngine(6, { seed: 123 }).draw(64));
    const b = rows(new SobolEngine(6, { seed: 123 }).draw(64));
    const c = rows(new SobolEngine(6, { seed: 124 }).draw(64));
    const plain = rows(new SobolEngine(6, { scramble: false }).draw(64));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(plain);
    expect(a[0].some((x) => x !== 0)).toBe(true);
  });

  it("scrambles by default, with a fresh seed each time", () => {
    const a = rows(new SobolEngine(3).draw(4));
    const b = rows(new SobolEngine(3).draw(4));
    expect(a).not.toEqual(b);
  });

  it("stays a low-discrepancy set: one point in each of the 1024 strata", () => {
    const points = new SobolEngine(40, { seed: 2024 }).draw(1024);
    for (let j = 0; j < 40; j++) {
      const mean = points.reduce((sum, p) => sum + p[j], 0) / points.length;
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
      expect(oneInEachStratum(points, j, 1024), `dimension ${j + 1}`).toBe(true);
    }
  });
});

describe("HaltonEngine", () => {
  it("gives the radical inverses in bases 2 and 3", () => {
    const points = rows(new HaltonEngine(2, { scramble: false }).draw(7));
    const expected = [
      [0, 0],
      [1 / 2, 1 / 3],
      [1 / 4, 2 / 3],
      [3 / 4, 1 / 9],
      [1 / 8, 4 / 9],
      [5 / 8, 7 / 9],
      [3 / 8, 2 / 9],
    ];
    points.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(expected[i][0], 14);
      expect(p[1]).toBeCloseTo(expected[i][1], 14);
    });
  });

  it("uses the first primes as bases", () => {
    // Point 1 is 1/b in every base b.
    const point = new HaltonEngine(10, { scramble: false }).draw(2)[1];
    const bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29];
    expect(Array.from(point, (x) => 1 / x)).toEqual(bases.map((b) => expect.closeTo(b, 10)));
  });

  it("is reproducible from its seed and differs between seeds", () => {
    const a = rows(new HaltonEngine(5, { seed: 9 }).draw(50));
    const b = rows(new HaltonEngine(5, { seed: 9 }).draw(50));
    const c = rows(new HaltonEngine(5, { seed: 10 }).draw(50));
    const plain = rows(new HaltonEngine(5, { scramble: false }).draw(50));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(plain);
    expect(rows(new HaltonEngine(2).draw(3))).not.toEqual(rows(new HaltonEngine(2).draw(3)));
  });

  it("keeps every coordinate in [0, 1), scrambled or not", () => {
    expect(allInUnitCube(new HaltonEngine(30, { seed: 1 }).draw(2000))).toBe(true);
    expect(allInUnitCube(new HaltonEngine(30, { scramble: false }).draw(2000))).toBe(true);
  });

  it("keeps one point per stratum of b^k after scrambling", () => {
    const engine = new HaltonEngine(3, { seed: 5 });
    const points = engine.draw(5 ** 4);
    expect(oneInEachStratum(points.slice(0, 2 ** 9), 0, 2 ** 9)).toBe(true);
    expect(oneInEachStratum(points.slice(0, 3 ** 5), 1, 3 ** 5)).toBe(true);
    expect(oneInEachStratum(points, 2, 5 ** 4)).toBe(true);
  });

  it("fast-forwards to the same points it would draw", () => {
    for (const options of [{ scramble: false }, { seed: 3 }]) {
      const all = new HaltonEngine(4, options).draw(100);
      for (const n of [0, 1, 8, 26, 99]) {
        const engine = new HaltonEngine(4, options);
        engine.fastForward(n);
        expect(Array.from(engine.next())).toEqual(Array.from(all[n]));
      }
    }
  });

  it("works in its highest dimension", () => {
    expect(HALTON_MAX_DIMENSION).toBe(1111);
    // The 1111th prime is 8933; point 1 is 1 / base in every coordinate.
    const plain = new HaltonEngine(HALTON_MAX_DIMENSION, { scramble: false }).draw(2)[1];
    expect(plain[HALTON_MAX_DIMENSION - 1]).toBeCloseTo(1 / 8933, 15);
    const points = new HaltonEngine(HALTON_MAX_DIMENSION, { seed: 1 }).draw(3);
    expect(points[2].length).toBe(HALTON_MAX_DIMENSION);
    expect(allInUnitCube(points)).toBe(true);
  });
});

describe("engine arguments", () => {
  it("rejects bad dimensions with a RangeError", () => {
    for (const dimension of [0, -1, 1.5, Number.NaN, SOBOL_MAX_DIMENSION + 1]) {
      expect(() => new SobolEngine(dimension)).toThrow(RangeError);
    }
    expect(() => new SobolEngine(0)).toThrow(/Sobol dimension must be an integer from 1 to 1111/);
    for (const dimension of [0, 2.5, HALTON_MAX_DIMENSION + 1]) {
      expect(() => new HaltonEngine(dimension)).toThrow(RangeError);
    }
  });

  it("rejects bad counts with a RangeError", () => {
    const engines: QmcEngine[] = [new SobolEngine(2), new HaltonEngine(2)];
    for (const engine of engines) {
      expect(() => engine.draw(-1)).toThrow(RangeError);
      expect(() => engine.fastForward(1.5)).toThrow(RangeError);
      expect(engine.draw(0)).toEqual([]);
      expect(engine.next().length).toBe(2);
    }
  });
});
