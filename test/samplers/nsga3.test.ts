import { describe, expect, it } from "vitest";
import {
  createStudy,
  InMemoryStorage,
  loadStudy,
  NopPruner,
  NSGAIIISampler,
  RandomSampler,
  type Sampler,
  setVerbosity,
  type Trial,
  Verbosity,
} from "../../src/index.js";
import { hypervolume, toRows } from "../../src/math/hypervolume.js";
import { Rng } from "../../src/math/rng.js";
import { dasDennisPoints } from "../../src/samplers/nsga3/reference-points.js";
import { normalize, selectNsga3 } from "../../src/samplers/nsga3/selection.js";

setVerbosity(Verbosity.ERROR);

const quiet = { showProgressBar: false, handleSigint: false } as const;

/** DTLZ2 (Deb, Thiele, Laumanns & Zitzler 2002) with 3 objectives and 7 variables. */
function dtlz2(t: Trial): number[] {
  const x: number[] = [];
  for (let i = 0; i < 7; i++) x.push(t.suggestFloat(`x${i}`, 0, 1));
  let g = 0;
  for (let i = 2; i < 7; i++) g += (x[i]! - 0.5) ** 2;
  const a = (x[0]! * Math.PI) / 2;
  const b = (x[1]! * Math.PI) / 2;
  return [
    (1 + g) * Math.cos(a) * Math.cos(b),
    (1 + g) * Math.cos(a) * Math.sin(b),
    (1 + g) * Math.sin(a),
  ];
}

async function dtlz2Hypervolume(sampler: Sampler): Promise<number> {
  const study = await createStudy({
    sampler,
    pruner: new NopPruner(),
    directions: ["minimize", "minimize", "minimize"],
  });
  await study.optimize(dtlz2, { nTrials: 500, ...quiet });
  const front = (await study.bestTrials()).map((t) => [...t.values!]);
  return hypervolume(toRows(front), front.length, 3, [1.1, 1.1, 1.1]);
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

describe("Das–Dennis reference points", () => {
  it("are the C(m+p−1, p) points of the simplex grid", () => {
    const { points, count } = dasDennisPoints(3, 4);
    expect(count).toBe(15);
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const row = Array.from(points.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (const v of row) expect(Math.abs(v * 4 - Math.round(v * 4))).toBeLessThan(1e-12);
      seen.add(row.map((v) => Math.round(v * 4)).join());
    }
    expect(seen.size).toBe(15);
    expect(dasDennisPoints(2, 3).count).toBe(4);
    expect(dasDennisPoints(1, 5).count).toBe(1);
    expect(() => dasDennisPoints(0, 3)).toThrow(RangeError);
  });
});

describe("NSGA-III selection", () => {
  it("normalizes by the hyperplane through the extreme points", () => {
    // Points on the plane x/2 + y/4 = 1 (shifted by the ideal point (1, 1)).
    const f = Float64Array.from([1, 5, 3, 1, 2, 3]);
    const out = normalize(f, 3, 2);
    expect(Array.from(out).map((v) => Number(v.toFixed(9)))).toEqual([0, 1, 1, 0, 0.5, 0.5]);
  });

  it("fills the least represented reference directions of the last front", () => {
    // One front of 7 points on x + y = 1; keep 3 with references at 0°, 45°, 90° directions.
    const pts = [0, 0.1, 0.2, 0.5, 0.55, 0.9, 1].flatMap((x) => [x, 1 - x]);
    const reference = Float64Array.from([1, 0, 0.5, 0.5, 0, 1]);
    const chosen = selectNsga3(Float64Array.from(pts), 7, 2, 3, null, reference, 3, new Rng(1));
    // The closest point to each reference direction: x = 1 (index 6), x = 0.5 (3), x = 0 (0).
    expect([...chosen].sort()).toEqual([0, 3, 6]);
  });

  it("keeps whole better fronts and is seeded", () => {
    const pts = [0, 0, 1, 1, 2, 2, 0.5, 3, 3, 0.5];
    const reference = dasDennisPoints(2, 3);
    const a = selectNsga3(Float64Array.from(pts), 5, 2, 2, null, reference.points, 4, new Rng(2));
    expect(a[0]).toBe(0);
    expect(a).toHaveLength(2);
    const again = selectNsga3(
      Float64Array.from(pts),
      5,
      2,
      2,
      null,
      reference.points,
      4,
      new Rng(2),
    );
    expect(again).toEqual(a);
  });
});

describe("NSGAIIISampler", () => {
  it("beats RandomSampler on 3-objective DTLZ2 (500 trials, median over 3 seeds)", async () => {
    const nsga: number[] = [];
    const random: number[] = [];
    for (const seed of [1, 2, 3]) {
      nsga.push(await dtlz2Hypervolume(new NSGAIIISampler({ seed })));
      random.push(await dtlz2Hypervolume(new RandomSampler({ seed })));
    }
    expect(median(nsga)).toBeGreaterThan(median(random) + 0.08);
  });

  it("stores nsga3 generations that a new instance continues", async () => {
    const storage = new InMemoryStorage();
    const objective = (t: Trial) => [t.suggestFloat("x", 0, 1), t.suggestFloat("y", 0, 1)];
    const study = await createStudy({
      storage,
      studyName: "n3",
      sampler: new NSGAIIISampler({ seed: 1, populationSize: 6 }),
      directions: ["minimize", "maximize"],
    });
    await study.optimize(objective, { nTrials: 14, ...quiet });
    const again = await loadStudy({
      storage,
      studyName: "n3",
      sampler: new NSGAIIISampler({
        seed: 1,
        populationSize: 6,
        referencePoints: [
          [1, 0],
          [0, 1],
        ],
      }),
    });
    await again.optimize(objective, { nTrials: 10, ...quiet });
    const generations = (await again.trials()).map((t) => t.systemAttrs["nsga3:generation"]);
    expect(generations).toEqual(Array.from({ length: 24 }, (_, i) => Math.floor(i / 6)));
  });

  it("rejects bad reference settings", () => {
    expect(() => new NSGAIIISampler({ dividingParameter: 0 })).toThrow(/dividingParameter/);
    expect(() => new NSGAIIISampler({ referencePoints: [[1, 0], [1]] })).toThrow(/referencePoints/);
  });
});
