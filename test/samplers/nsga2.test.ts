import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CategoricalChoice,
  CategoricalDistribution,
  type CrossoverName,
  createStudy,
  type Distribution,
  FloatDistribution,
  type FrozenTrial,
  InMemoryStorage,
  IntDistribution,
  loadStudy,
  NopPruner,
  NSGAIISampler,
  type NSGAIISamplerOptions,
  type StudyDirection,
  setVerbosity,
  type Trial,
  Verbosity,
} from "../../src/index.js";
import { Rng } from "../../src/math/rng.js";
import { fromUnitClipped, makeCrossover, toUnit } from "../../src/samplers/nsga2/crossover.js";
import { nsga2Elite } from "../../src/samplers/nsga2/nsga2-sampler.js";
import { PopulationTracker } from "../../src/samplers/nsga2/population.js";
import {
  constrainedDominates,
  crowdingDistance,
  nonDominatedSort,
  selectElite,
  totalViolation,
} from "../../src/samplers/nsga2/sort.js";
import { makeSnapshot } from "../../src/study/snapshot.js";

setVerbosity(Verbosity.ERROR);

const quiet = { showProgressBar: false, handleSigint: false } as const;
const CROSSOVERS: CrossoverName[] = ["uniform", "blxalpha", "sbx", "vsbx", "spx", "undx"];

function rows(points: number[][]): Float64Array {
  return Float64Array.from(points.flat());
}

function generation(t: FrozenTrial): unknown {
  return t.systemAttrs["nsga2:generation"];
}

async function run(
  options: NSGAIISamplerOptions,
  objective: (t: Trial) => number | number[],
  nTrials: number,
  directions: StudyDirection[] = ["minimize", "minimize"],
) {
  const study = await createStudy({
    sampler: new NSGAIISampler(options),
    pruner: new NopPruner(),
    directions,
  });
  await study.optimize(objective, { nTrials, ...quiet });
  return study;
}

function twoObjectives(t: Trial): number[] {
  const x = t.suggestFloat("x", 0, 1);
  const y = t.suggestFloat("y", 0, 1);
  return [x + y, (1 - x) ** 2 + y];
}

describe("non-dominated sorting", () => {
  it("layers hand-made fronts", () => {
    // Front 0: (1,4) (2,2) (4,1); front 1: (2,4) (3,3) (5,2); front 2: (5,5).
    const points = [
      [3, 3],
      [1, 4],
      [5, 5],
      [2, 2],
      [2, 4],
      [4, 1],
      [5, 2],
    ];
    const { fronts, rank } = nonDominatedSort(rows(points), points.length, 2);
    expect(fronts.map((f) => Array.from(f))).toEqual([[1, 3, 5], [0, 4, 6], [2]]);
    expect(Array.from(rank)).toEqual([1, 0, 2, 0, 1, 0, 1]);
  });

  it("keeps duplicates in the same front and handles one objective", () => {
    const dup = nonDominatedSort(
      rows([
        [1, 1],
        [1, 1],
        [2, 2],
      ]),
      3,
      2,
    );
    expect(dup.fronts.map((f) => Array.from(f))).toEqual([[0, 1], [2]]);
    const single = nonDominatedSort(Float64Array.from([3, 1, 2, 1]), 4, 1);
    expect(Array.from(single.rank)).toEqual([2, 0, 1, 0]);
  });

  it("every front is non-dominated and dominated by the front before it (random sets)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 30,
        }),
        (m, raw) => {
          const points = raw.map((p) => p.slice(0, m));
          const values = rows(points);
          const { fronts, rank } = nonDominatedSort(values, points.length, m);
          expect(fronts.reduce((s, f) => s + f.length, 0)).toBe(points.length);
          for (let i = 0; i < points.length; i++) {
            for (let j = 0; j < points.length; j++) {
              if (constrainedDominates(values, m, i, j)) expect(rank[i]).toBeLessThan(rank[j]!);
            }
            if (rank[i]! > 0) {
              const before = fronts[rank[i]! - 1]!;
              expect(Array.from(before).some((j) => constrainedDominates(values, m, j, i))).toBe(
                true,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("crowding distance", () => {
  it("matches a hand computation", () => {
    // Sorted by f1: A(0,10) B(1,6) C(3,3) D(6,1) E(10,0); ranges 10 and 10.
    const points = [
      [3, 3],
      [0, 10],
      [10, 0],
      [1, 6],
      [6, 1],
    ];
    const d = crowdingDistance(rows(points), 2, [0, 1, 2, 3, 4]);
    expect(d[1]).toBe(Number.POSITIVE_INFINITY);
    expect(d[2]).toBe(Number.POSITIVE_INFINITY);
    expect(d[3]).toBeCloseTo((3 - 0) / 10 + (10 - 3) / 10, 12); // B
    expect(d[0]).toBeCloseTo((6 - 1) / 10 + (6 - 1) / 10, 12); // C
    expect(d[4]).toBeCloseTo((10 - 3) / 10 + (3 - 0) / 10, 12); // D
  });

  it("ignores an objective on which all rows are equal and works on a subset of rows", () => {
    const points = [
      [9, 9],
      [1, 5],
      [2, 5],
      [4, 5],
    ];
    const d = crowdingDistance(rows(points), 2, [1, 2, 3]);
    expect(Array.from(d)).toEqual([Number.POSITIVE_INFINITY, 1, Number.POSITIVE_INFINITY]);
  });

  it("elite selection keeps whole fronts, then the least crowded of the last one", () => {
    const points = [
      [0, 10],
      [10, 0],
      [5, 5],
      [4.9, 5.1], // crowded next to (5,5)
      [1, 9.5],
      [11, 11], // front 1
    ];
    const elite = selectElite(rows(points), points.length, 2, 4);
    expect(elite.slice(0, 2).sort()).toEqual([0, 1]);
    expect(elite).toHaveLength(4);
    expect(elite).not.toContain(5);
    // (0,10) and (10,0) are extreme; of the three interior points the most isolated stay.
    expect(new Set(elite).has(4)).toBe(true);
    expect(selectElite(rows(points), 6, 2, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(selectElite(rows(points), 6, 2, 6)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("constrained domination (Deb 2000)", () => {
  const values = rows([
    [1, 1], // 0 infeasible, violation 2
    [5, 5], // 1 feasible
    [6, 6], // 2 feasible
    [0, 0], // 3 infeasible, violation 0.5
    [0, 0], // 4 no constraints
  ]);
  const violation = Float64Array.from([2, 0, 0, 0.5, Number.POSITIVE_INFINITY]);

  it("feasible beats infeasible, smaller violation beats larger, Pareto among feasible", () => {
    expect(constrainedDominates(values, 2, 1, 0, violation)).toBe(true);
    expect(constrainedDominates(values, 2, 0, 1, violation)).toBe(false);
    expect(constrainedDominates(values, 2, 3, 0, violation)).toBe(true);
    expect(constrainedDominates(values, 2, 0, 3, violation)).toBe(false);
    expect(constrainedDominates(values, 2, 1, 2, violation)).toBe(true);
    expect(constrainedDominates(values, 2, 3, 4, violation)).toBe(true);
    expect(constrainedDominates(values, 2, 4, 4, violation)).toBe(false);
  });

  it("sorts feasible trials first, then infeasible ones by violation", () => {
    const { fronts } = nonDominatedSort(values, 5, 2, violation);
    expect(fronts.map((f) => Array.from(f))).toEqual([[1], [2], [3], [0], [4]]);
  });

  it("total violation sums the positive values; unusable constraints count as infinite", () => {
    expect(totalViolation([-1, 0, 0.5, 2])).toBe(2.5);
    expect(totalViolation([-1, 0])).toBe(0);
    expect(totalViolation(null)).toBe(Number.POSITIVE_INFINITY);
    expect(totalViolation(undefined)).toBe(Number.POSITIVE_INFINITY);
    expect(totalViolation([1, "x"])).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("crossover operators", () => {
  it("bounded ones keep children in the unit cube; all are seeded", () => {
    for (const name of CROSSOVERS) {
      const op = makeCrossover(name, 0.5);
      const parents = Array.from({ length: op.nParents }, (_, k) =>
        Float64Array.from([0.1 + 0.3 * k, 0.9 - 0.4 * k, 0.5, 0.02 * k]),
      );
      const a = new Float64Array(4);
      const b = new Float64Array(4);
      for (let s = 0; s < 200; s++) {
        op.cross(parents, new Rng(s, name), a, { multiObjective: true });
        op.cross(parents, new Rng(s, name), b, { multiObjective: true });
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(a.every(Number.isFinite)).toBe(true);
        if (op.bounded) expect(a.every((x) => x >= 0 && x <= 1)).toBe(true);
      }
    }
  });

  it("SBX children centre on the parents and tighten with a larger eta", () => {
    const parents = [Float64Array.from([0.4]), Float64Array.from([0.6])];
    const spread = (eta: number) => {
      const op = makeCrossover({ name: "sbx", eta }, 0.5);
      const child = new Float64Array(1);
      let sum = 0;
      for (let s = 0; s < 4000; s++) {
        op.cross(parents, new Rng(s), child, { multiObjective: true });
        sum += Math.abs(child[0]! - 0.5);
      }
      return sum / 4000;
    };
    expect(spread(20)).toBeLessThan(spread(2));
    expect(spread(20)).toBeGreaterThan(0);
  });

  it("unit mapping round-trips numeric values", () => {
    const cases: [Distribution, number][] = [
      [new FloatDistribution(-2, 3), 1.25],
      [new FloatDistribution(1e-5, 1, { log: true }), 0.003],
      [new FloatDistribution(0, 1, { step: 0.1 }), 0.7],
      [new IntDistribution(-3, 12), 5],
      [new IntDistribution(2, 1024, { log: true }), 37],
      [new IntDistribution(0, 100, { step: 5 }), 35],
    ];
    for (const [d, v] of cases) {
      const u = toUnit(d, v);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThanOrEqual(1);
      expect(fromUnitClipped(d, u)).toBeCloseTo(v, 9);
    }
  });

  it("rejects unknown operators and bad settings", () => {
    expect(() => makeCrossover("nope" as CrossoverName, 0.5)).toThrow(/unknown crossover/);
    expect(() => makeCrossover({ name: "sbx", eta: -1 }, 0.5)).toThrow(/eta/);
    expect(() => new NSGAIISampler({ populationSize: 1 })).toThrow(/populationSize/);
    expect(() => new NSGAIISampler({ populationSize: 2, crossover: "undx" })).toThrow(/3 parents/);
    expect(() => new NSGAIISampler({ mutationProb: 1.5 })).toThrow(/mutationProb/);
    expect(() => new NSGAIISampler({ crossoverProb: -0.1 })).toThrow(/crossoverProb/);
  });
});

describe("NSGAIISampler generations", () => {
  it("advance every populationSize completed trials, and only COMPLETE trials count", async () => {
    let calls = 0;
    const study = await run(
      { seed: 1, populationSize: 10 },
      (t) => {
        calls++;
        const v = twoObjectives(t);
        // FAIL trials (NaN values) do not fill a generation.
        return calls % 7 === 0 ? [Number.NaN, 0] : v;
      },
      40,
    );
    const trials = await study.trials();
    let expected = 0;
    let completeInGeneration = 0;
    for (const t of trials) {
      expect(generation(t)).toBe(expected);
      if (t.state === "COMPLETE") completeInGeneration++;
      if (completeInGeneration === 10) {
        expected++;
        completeInGeneration = 0;
      }
    }
    expect(expected).toBeGreaterThanOrEqual(3);
  });

  it("a new sampler instance on the same storage continues the generations", async () => {
    const storage = new InMemoryStorage();
    const first = await createStudy({
      storage,
      studyName: "restart",
      sampler: new NSGAIISampler({ seed: 3, populationSize: 8 }),
      directions: ["minimize", "minimize"],
    });
    await first.optimize(twoObjectives, { nTrials: 20, ...quiet });
    const second = await loadStudy({
      storage,
      studyName: "restart",
      sampler: new NSGAIISampler({ seed: 3, populationSize: 8 }),
    });
    await second.optimize(twoObjectives, { nTrials: 20, ...quiet });
    const generations = (await second.trials()).map(generation);
    expect(generations).toEqual(Array.from({ length: 40 }, (_, i) => Math.floor(i / 8)));

    // The same snapshot gives the same child and generation to any instance (workers agree).
    const snapshot = await second.snapshot();
    const next = (await second.trials())[39]!.with({ number: 40, trialId: 9999, params: {} });
    const space = new NSGAIISampler({ seed: 5 }).inferRelativeSearchSpace(snapshot, next);
    expect(Object.keys(space)).toEqual(["x", "y"]);
    const a = new NSGAIISampler({ seed: 5, populationSize: 8 });
    const b = new NSGAIISampler({ seed: 5, populationSize: 8 });
    expect(a.sampleRelative(snapshot, next, space)).toEqual(
      b.sampleRelative(snapshot, next, space),
    );
    const copy = makeSnapshot(snapshot.studyName, snapshot.directions, [...snapshot.trials]);
    expect(a.sampleRelative(copy, next, space)).toEqual(b.sampleRelative(snapshot, next, space));
  });

  it("is reproducible with a seed and differs across seeds", async () => {
    const params = async (seed: number) =>
      (await (await run({ seed, populationSize: 6 }, twoObjectives, 30)).trials()).map(
        (t) => t.params,
      );
    expect(await params(11)).toEqual(await params(11));
    expect(await params(11)).not.toEqual(await params(12));
  });

  it("children take their parameters from parents (no mutation): numeric and categorical", async () => {
    const study = await run(
      { seed: 2, populationSize: 6, mutationProb: 0, crossoverProb: 1 },
      (t) => {
        const x = t.suggestFloat("x", 0, 1);
        const c = t.suggestCategorical("c", ["a", "b", "c", "d", "e", "f", "g"]);
        const k = t.suggestInt("k", 0, 1000);
        return [x + (c === "a" ? 0 : 1), k / 1000 - x];
      },
      30,
    );
    const trials = await study.trials();
    const seen = { x: new Set<unknown>(), c: new Set<unknown>(), k: new Set<unknown>() };
    for (const t of trials.slice(0, 6)) {
      for (const name of ["x", "c", "k"] as const) seen[name].add(t.params[name]);
    }
    for (const t of trials.slice(6)) {
      for (const name of ["x", "c", "k"] as const)
        expect(seen[name].has(t.params[name])).toBe(true);
    }
  });

  it("with concurrency, every trial gets a generation and the run completes", async () => {
    const study = await createStudy({
      sampler: new NSGAIISampler({ seed: 4, populationSize: 10 }),
      directions: ["minimize", "maximize"],
    });
    await study.optimize(
      async (t) => {
        const v = twoObjectives(t);
        await new Promise((r) => setTimeout(r, 0));
        return [v[0]!, -v[1]!];
      },
      { nTrials: 60, concurrency: 4, ...quiet },
    );
    const gens = (await study.trials()).map((t) => generation(t) as number);
    expect(gens.every((g) => Number.isInteger(g))).toBe(true);
    for (let i = 1; i < gens.length; i++) expect(gens[i]!).toBeGreaterThanOrEqual(gens[i - 1]! - 1);
    expect(Math.max(...gens)).toBeGreaterThanOrEqual(3);
  });

  it("works as a genetic algorithm for one objective", async () => {
    const sphere = (t: Trial) => {
      let s = 0;
      for (let i = 0; i < 3; i++) s += (t.suggestFloat(`x${i}`, -5, 5) - 1) ** 2;
      return s;
    };
    const study = await run({ seed: 7, populationSize: 20, crossover: "sbx" }, sphere, 300, [
      "minimize",
    ]);
    const trials = await study.trials();
    const best = (from: number, to: number) =>
      Math.min(...trials.slice(from, to).map((t) => t.values![0]!));
    expect(best(200, 300)).toBeLessThan(best(0, 20));
    expect(await study.bestValue()).toBeLessThan(0.5);
  });
});

describe("NSGAIISampler constraints", () => {
  it("stores constraint values and converges to a feasible front", async () => {
    // Minimize (x, y) on [0,1]² subject to x + y >= 1 (constraint 1 − x − y <= 0).
    const study = await run(
      {
        seed: 8,
        populationSize: 20,
        constraintsFunc: (t) => [1 - (t.params["x"] as number) - (t.params["y"] as number)],
      },
      (t) => [t.suggestFloat("x", 0, 1), t.suggestFloat("y", 0, 1)],
      200,
    );
    const trials = (await study.trials()).filter((t) => t.state === "COMPLETE");
    for (const t of trials) {
      expect(t.systemAttrs["constraints"]).toEqual([
        1 - (t.params["x"] as number) - (t.params["y"] as number),
      ]);
    }
    const feasible = (t: FrozenTrial) => (t.systemAttrs["constraints"] as number[])[0]! <= 0;
    // The last complete population (the parents of new trials) is entirely feasible.
    const tracker = new PopulationTracker(20, nsga2Elite(true), true);
    const parents = tracker.parents(await study.snapshot())!;
    expect(parents.generation).toBe(9);
    expect(parents.trials.every(feasible)).toBe(true);
    expect(trials.slice(-40).filter(feasible).length).toBeGreaterThan(20);
    // The feasible front approaches x + y = 1.
    const closest = Math.min(
      ...trials.filter(feasible).map((t) => t.values![0]! + t.values![1]! - 1),
    );
    expect(closest).toBeLessThan(0.02);
  });

  it("a throwing constraints function marks the trial infeasible (null)", async () => {
    const study = await run(
      {
        seed: 9,
        populationSize: 4,
        constraintsFunc: () => {
          throw new Error("no");
        },
      },
      twoObjectives,
      6,
    );
    for (const t of await study.trials()) expect(t.systemAttrs["constraints"]).toBeNull();
  });
});

describe("NSGAIISampler samples", () => {
  type Spec =
    | { kind: "float"; low: number; width: number; log: boolean; step: number | null }
    | { kind: "int"; low: number; width: number; log: boolean; step: number }
    | { kind: "cat"; n: number };

  const spec: fc.Arbitrary<Spec> = fc.oneof(
    fc.record({
      kind: fc.constant("float" as const),
      low: fc.double({ min: -100, max: 100, noNaN: true }),
      width: fc.double({ min: 1e-3, max: 1000, noNaN: true }),
      log: fc.constant(false),
      step: fc.constant(null),
    }),
    fc.record({
      kind: fc.constant("float" as const),
      low: fc.double({ min: 1e-6, max: 10, noNaN: true }),
      width: fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
      log: fc.constant(true),
      step: fc.constant(null),
    }),
    fc.record({
      kind: fc.constant("float" as const),
      low: fc.integer({ min: -50, max: 50 }),
      width: fc.integer({ min: 1, max: 40 }),
      log: fc.constant(false),
      step: fc.constantFrom(0.1, 0.25, 0.5, 3),
    }),
    fc.record({
      kind: fc.constant("int" as const),
      low: fc.integer({ min: -100, max: 100 }),
      width: fc.integer({ min: 1, max: 200 }),
      log: fc.constant(false),
      step: fc.integer({ min: 1, max: 7 }),
    }),
    fc.record({
      kind: fc.constant("int" as const),
      low: fc.integer({ min: 1, max: 100 }),
      width: fc.integer({ min: 1, max: 5000 }),
      log: fc.constant(true),
      step: fc.constant(1),
    }),
    fc.record({ kind: fc.constant("cat" as const), n: fc.integer({ min: 2, max: 6 }) }),
  );

  function distribution(s: Spec): Distribution {
    if (s.kind === "cat") {
      const choices: CategoricalChoice[] = Array.from({ length: s.n }, (_, i) =>
        i % 3 === 0 ? `c${i}` : i % 3 === 1 ? i : i === 2,
      );
      return new CategoricalDistribution(choices);
    }
    if (s.kind === "float") {
      return new FloatDistribution(s.low, s.low + s.width, {
        log: s.log,
        ...(s.step !== null ? { step: s.step } : {}),
      });
    }
    return new IntDistribution(s.low, s.low + s.width * (s.log ? 1 : s.step), {
      log: s.log,
      step: s.step,
    });
  }

  function suggest(t: Trial, name: string, d: Distribution): unknown {
    if (d.kind === "categorical") return t.suggestCategorical(name, d.choices);
    if (d.kind === "float") {
      return t.suggestFloat(name, d.low, d.high, { log: d.log, step: d.step });
    }
    return t.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
  }

  it("every sample lies inside its distribution and on its step, for every crossover", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...CROSSOVERS),
        fc.integer({ min: 0, max: 1000 }),
        async (specs, crossover, seed) => {
          const space = specs.map(distribution);
          const study = await run(
            { seed, populationSize: 4, crossover, crossoverProb: 1 },
            (t) => {
              let a = 0;
              let b = 0;
              space.forEach((d, i) => {
                const v = suggest(t, `p${i}`, d);
                const internal = d.toInternalRepr(v);
                if (!d.contains(internal)) throw new Error(`p${i}=${String(v)} outside`);
                a += i % 2 === 0 ? internal : -internal;
                b += internal * (i + 1);
              });
              return [a, -b];
            },
            16,
          );
          const trials = await study.trials();
          expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
          expect(generation(trials[15]!)).toBe(3);
        },
      ),
      { numRuns: 40 },
    );
  });
});
