import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  IntDistribution,
  type Params,
  type SearchSpace,
} from "../../src/distributions/index.js";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { getVerbosity, setVerbosity, Verbosity } from "../../src/logging/index.js";
import { hypervolume, toRows } from "../../src/math/hypervolume.js";
import { Rng } from "../../src/math/rng.js";
import { NopPruner } from "../../src/pruners/pruner.js";
import { RandomSampler } from "../../src/samplers/random/random-sampler.js";
import type { Sampler } from "../../src/samplers/sampler.js";
import { splitTrials } from "../../src/samplers/tpe/split.js";
import { TPESampler } from "../../src/samplers/tpe/tpe-sampler.js";
import { improvementWeights } from "../../src/samplers/tpe/weights.js";
import { fromUnit } from "../../src/samplers/unit.js";
import { createStudy } from "../../src/study/create.js";
import { makeSnapshot, type StudySnapshot } from "../../src/study/snapshot.js";
import { createTrial, type FrozenTrial } from "../../src/trial/frozen.js";
import { type StudyDirection, TrialState } from "../../src/trial/state.js";
import type { Trial } from "../../src/trial/trial.js";

let verbosity: Verbosity;
beforeAll(() => {
  verbosity = getVerbosity();
  setVerbosity(Verbosity.ERROR);
});
afterAll(() => setVerbosity(verbosity));

interface Record {
  params?: Params;
  distributions?: SearchSpace;
  values?: number[];
  state?: TrialState;
  intermediate?: { [step: number]: number };
  systemAttrs?: { [key: string]: number[] | null };
}

/** Frozen trials numbered 0, 1, … from records (COMPLETE when values are given). */
function trials(records: Record[]): FrozenTrial[] {
  return records.map((r, i) =>
    createTrial({
      state: r.state ?? (r.values !== undefined ? TrialState.COMPLETE : TrialState.RUNNING),
      ...(r.values !== undefined ? { values: r.values } : {}),
      params: r.params ?? {},
      distributions: r.distributions ?? {},
      ...(r.intermediate !== undefined ? { intermediateValues: r.intermediate } : {}),
      systemAttrs: r.systemAttrs ?? {},
    }).with({ number: i, trialId: i }),
  );
}

/** A snapshot of the records plus a new RUNNING trial (the one being sampled), returned too. */
function snapshotWithNew(
  records: Record[],
  directions: StudyDirection[] = ["minimize"],
): { study: StudySnapshot; trial: FrozenTrial } {
  const list = trials([...records, { state: TrialState.RUNNING }]);
  return { study: makeSnapshot("test", directions, list), trial: list[list.length - 1]! };
}

/** Samples every parameter of `space` for the new trial as a live trial would. */
function sampleAll(
  sampler: Sampler,
  study: StudySnapshot,
  trial: FrozenTrial,
  space: SearchSpace,
): Params {
  const relativeSpace = sampler.inferRelativeSearchSpace(study, trial);
  const relative = sampler.sampleRelative(study, trial, relativeSpace);
  const params: Params = {};
  for (const [name, distribution] of Object.entries(space)) {
    params[name] =
      name in relative
        ? relative[name]!
        : sampler.sampleIndependent(study, trial, name, distribution);
  }
  return params;
}

function inside(distribution: Distribution, value: unknown): boolean {
  const internal = distribution.toInternalRepr(value);
  if (distribution.kind === "int" && !Number.isInteger(internal)) return false;
  return distribution.contains(internal);
}

async function bestOf(
  sampler: Sampler,
  objective: (t: Trial) => number,
  nTrials: number,
): Promise<number> {
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  await study.optimize(objective, { nTrials, showProgressBar: false, handleSigint: false });
  return study.bestValue();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const distributionArbitrary: fc.Arbitrary<Distribution> = fc.oneof(
  fc
    .record({
      low: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      width: fc.double({ min: 1e-6, max: 1e4, noNaN: true }),
    })
    .map(({ low, width }) => new FloatDistribution(low, low + width)),
  fc
    .record({
      low: fc.double({ min: 1e-8, max: 1e3, noNaN: true }),
      ratio: fc.double({ min: 1.001, max: 1e6, noNaN: true }),
    })
    .map(({ low, ratio }) => new FloatDistribution(low, low * ratio, { log: true })),
  fc
    .record({
      low: fc.integer({ min: -1000, max: 1000 }),
      steps: fc.integer({ min: 1, max: 200 }),
      step: fc.constantFrom(0.001, 0.1, 0.25, 1, 2.5),
    })
    .map(
      ({ low, steps, step }) => new FloatDistribution(low / 10, low / 10 + steps * step, { step }),
    ),
  fc
    .record({
      low: fc.integer({ min: -100, max: 100 }),
      span: fc.integer({ min: 1, max: 10000 }),
      step: fc.integer({ min: 1, max: 5 }),
    })
    .map(({ low, span, step }) => new IntDistribution(low, low + span * step, { step })),
  fc
    .record({ low: fc.integer({ min: 1, max: 100 }), span: fc.integer({ min: 1, max: 100000 }) })
    .map(({ low, span }) => new IntDistribution(low, low + span, { log: true })),
  fc
    .integer({ min: 2, max: 6 })
    .map((n) => new CategoricalDistribution(Array.from({ length: n }, (_, i) => `c${i}`))),
);

describe("TPESampler: every sample lies in its distribution, on its step", () => {
  it("holds for random spaces and histories (independent and relative sampling)", () => {
    fc.assert(
      fc.property(
        distributionArbitrary,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (distribution, nPast, seed, multivariate) => {
          const rng = new Rng(seed, "history");
          const other = new FloatDistribution(0, 1);
          const space = { target: distribution, other };
          const records: Record[] = [];
          for (let i = 0; i < nPast; i++) {
            records.push({
              params: { target: fromUnit(distribution, rng.random()), other: rng.random() },
              distributions: space,
              values: [rng.normal()],
            });
          }
          const { study, trial } = snapshotWithNew(records);
          const sampler = new TPESampler({ seed, multivariate, nStartupTrials: 5 });
          const params = sampleAll(sampler, study, trial, space);
          expect(inside(distribution, params.target)).toBe(true);
          expect(inside(other, params.other)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("holds for parameters ranges that changed during the study", () => {
    const wide = new FloatDistribution(-100, 100);
    const narrow = new FloatDistribution(0, 1);
    const records: Record[] = Array.from({ length: 20 }, (_, i) => ({
      params: { x: i * 10 - 100 },
      distributions: { x: wide },
      values: [i],
    }));
    const { study, trial } = snapshotWithNew(records);
    for (let seed = 0; seed < 20; seed++) {
      const x = new TPESampler({ seed }).sampleIndependent(study, trial, "x", narrow);
      expect(inside(narrow, x)).toBe(true);
    }
  });
});

describe("TPESampler: seeds", () => {
  const objective = (t: Trial): number =>
    t.suggestFloat("x", -5, 5) ** 2 +
    (t.suggestInt("n", 1, 64, { log: true }) - 8) ** 2 / 10 +
    (t.suggestCategorical("c", ["a", "b", "c"]) === "b" ? 0 : 1);

  async function paramsOf(sampler: Sampler): Promise<string[]> {
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize(objective, { nTrials: 30, showProgressBar: false, handleSigint: false });
    return (await study.trials()).map((t) => JSON.stringify(t.params));
  }

  it("the same seed gives the same trials; another seed, others", async () => {
    const a = await paramsOf(new TPESampler({ seed: 7 }));
    const b = await paramsOf(new TPESampler({ seed: 7 }));
    const c = await paramsOf(new TPESampler({ seed: 8 }));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it("decisions do not depend on the objective's scale", async () => {
    const scaled = async (factor: number): Promise<string[]> => {
      const study = await createStudy({
        sampler: new TPESampler({ seed: 5 }),
        pruner: new NopPruner(),
      });
      await study.optimize((t) => factor * objective(t), {
        nTrials: 30,
        showProgressBar: false,
        handleSigint: false,
      });
      return (await study.trials()).map((t) => JSON.stringify(t.params));
    };
    expect(await scaled(1024)).toEqual(await scaled(1 / 1024));
  });

  it("the startup trials are RandomSampler's with the same seed", async () => {
    const tpe = await paramsOf(new TPESampler({ seed: 3 }));
    const random = await paramsOf(new RandomSampler({ seed: 3 }));
    expect(tpe.slice(0, 10)).toEqual(random.slice(0, 10));
    expect(tpe.slice(10)).not.toEqual(random.slice(10));
  });
});

describe("TPESampler: optimization", () => {
  it("beats random search clearly on a 2-D quadratic", async () => {
    const quadratic = (t: Trial): number =>
      (t.suggestFloat("x", -10, 10) - 3) ** 2 + (t.suggestFloat("y", -10, 10) + 1) ** 2;
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(await bestOf(new TPESampler({ seed }), quadratic, 60));
      random.push(await bestOf(new RandomSampler({ seed }), quadratic, 60));
    }
    expect(median(tpe)).toBeLessThan(median(random) / 5);
  });

  it("also in Optuna's configuration, univariate", async () => {
    const quadratic = (t: Trial): number =>
      (t.suggestFloat("x", -10, 10) - 3) ** 2 + (t.suggestFloat("y", -10, 10) + 1) ** 2;
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(
        await bestOf(new TPESampler({ ...TPESampler.optunaDefaults(), seed }), quadratic, 60),
      );
      random.push(await bestOf(new RandomSampler({ seed }), quadratic, 60));
    }
    expect(median(tpe)).toBeLessThan(median(random) / 2);
  });

  it("learns the best choice of a categorical parameter", async () => {
    const choices = ["relu", "tanh", "gelu", "sigmoid", "elu"] as const;
    const cost = { relu: 3, tanh: 2, gelu: 0, sigmoid: 4, elu: 1 };
    const study = await createStudy({
      sampler: new TPESampler({ seed: 1 }),
      pruner: new NopPruner(),
    });
    await study.optimize(
      (t) => cost[t.suggestCategorical("act", choices)] + t.suggestFloat("x", 0, 1) * 0.5,
      { nTrials: 60, showProgressBar: false, handleSigint: false },
    );
    const late = (await study.trials()).slice(30);
    const best = late.filter((t) => t.params["act"] === "gelu").length;
    expect(best / late.length).toBeGreaterThan(0.5);
    expect((await study.bestParams())["act"]).toBe("gelu");
  });

  it("handles int, stepped and log parameters", async () => {
    const objective = (t: Trial): number =>
      (t.suggestInt("layers", 1, 10) - 4) ** 2 +
      (t.suggestFloat("dropout", 0, 0.5, { step: 0.05 }) - 0.2) ** 2 * 10 +
      (Math.log10(t.suggestFloat("lr", 1e-5, 1e-1, { log: true })) + 3) ** 2;
    const best = await bestOf(new TPESampler({ seed: 2 }), objective, 80);
    const random = await bestOf(new RandomSampler({ seed: 2 }), objective, 80);
    expect(best).toBeLessThan(random);
    expect(best).toBeLessThan(0.2);
  });
});

describe("TPESampler: conditional search spaces with group", () => {
  const objective = (t: Trial): number => {
    const kind = t.suggestCategorical("kind", ["a", "b"]);
    if (kind === "a") return (t.suggestFloat("x", -10, 10) - 2) ** 2 + 1;
    return (t.suggestInt("y", -10, 10) + 3) ** 2;
  };

  it("samples each group jointly from the trials that have it", async () => {
    const sampler = new TPESampler({ seed: 4, group: true });
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize(objective, { nTrials: 40, showProgressBar: false, handleSigint: false });
    const snapshot = await study.snapshot();
    const next = trials([{ state: TrialState.RUNNING }])[0]!.with({ number: 40, trialId: 999 });
    const space = sampler.inferRelativeSearchSpace(snapshot, next);
    expect(Object.keys(space).sort()).toEqual(["kind", "x", "y"]);
    const params = sampler.sampleRelative(snapshot, next, space);
    expect(Object.keys(params).sort()).toEqual(["kind", "x", "y"]);
    expect(await study.bestValue()).toBeLessThan(1);
  });

  it("without group, the conditional parameters fall back to independent sampling", async () => {
    const sampler = new TPESampler({ seed: 4, warnIndependentSampling: false });
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize(objective, { nTrials: 30, showProgressBar: false, handleSigint: false });
    const snapshot = await study.snapshot();
    const next = trials([{ state: TrialState.RUNNING }])[0]!.with({ number: 30, trialId: 999 });
    expect(Object.keys(sampler.inferRelativeSearchSpace(snapshot, next))).toEqual(["kind"]);
  });

  it("group needs multivariate", () => {
    expect(() => new TPESampler({ group: true, multivariate: false })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe("TPESampler: constant liar", () => {
  const space = { x: new FloatDistribution(-10, 10), y: new FloatDistribution(-10, 10) };
  const finished: Record[] = Array.from({ length: 30 }, (_, i) => {
    const rng = new Rng(11, i);
    const x = rng.uniform(-10, 10);
    const y = rng.uniform(-10, 10);
    return { params: { x, y }, distributions: space, values: [x * x + y * y] };
  });

  it("changes nothing without RUNNING trials", () => {
    const { study, trial } = snapshotWithNew(finished);
    for (let seed = 0; seed < 5; seed++) {
      const on = sampleAll(new TPESampler({ seed, constantLiar: true }), study, trial, space);
      const off = sampleAll(new TPESampler({ seed, constantLiar: false }), study, trial, space);
      expect(on).toEqual(off);
    }
  });

  it("steers away from the point RUNNING trials are already evaluating", () => {
    const { study, trial } = snapshotWithNew(finished);
    for (let seed = 0; seed < 10; seed++) {
      // What a worker would suggest, and three other workers already evaluating it.
      const first = sampleAll(new TPESampler({ seed }), study, trial, space);
      const busy: Record[] = Array.from({ length: 3 }, () => ({
        params: first,
        distributions: space,
        state: TrialState.RUNNING,
      }));
      // The sampled trial keeps its number (30), so every sampler draws the same candidates;
      // the busy ones come after it.
      const list = trials([...finished, { state: TrialState.RUNNING }, ...busy]);
      const next = list[30]!;
      const parallel = makeSnapshot("test", ["minimize"], list);
      const off = sampleAll(new TPESampler({ seed, constantLiar: false }), parallel, next, space);
      const on = sampleAll(new TPESampler({ seed, constantLiar: true }), parallel, next, space);
      expect(off).toEqual(first);
      expect(on).not.toEqual(first);
    }
  });

  it("is on by default for one objective", () => {
    // Other workers evaluating points near the optimum.
    const busy: Record[] = Array.from({ length: 8 }, (_, i) => ({
      params: { x: 0.1 * (i - 4), y: 0.05 * i },
      distributions: space,
      state: TrialState.RUNNING,
    }));
    const { study, trial } = snapshotWithNew([...finished, ...busy]);
    for (let seed = 0; seed < 5; seed++) {
      const byDefault = sampleAll(new TPESampler({ seed }), study, trial, space);
      const on = sampleAll(new TPESampler({ seed, constantLiar: true }), study, trial, space);
      expect(byDefault).toEqual(on);
    }
  });
});

describe("TPESampler: constraints", () => {
  // Minimize x² + y² subject to x + y ≥ 2: the optimum is (1, 1) with value 2.
  const objective = (t: Trial): number => {
    const x = t.suggestFloat("x", -3, 3);
    const y = t.suggestFloat("y", -3, 3);
    t.setUserAttr("c", 2 - x - y);
    return x * x + y * y;
  };
  const constraintsFunc = (t: FrozenTrial): number[] => [t.userAttrs["c"] as number];

  async function run(withConstraints: boolean, seed: number): Promise<FrozenTrial[]> {
    const sampler = new TPESampler({ seed, ...(withConstraints ? { constraintsFunc } : {}) });
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize(objective, { nTrials: 60, showProgressBar: false, handleSigint: false });
    return [...(await study.trials())];
  }

  it("stores the constraint values as Optuna does", async () => {
    const list = await run(true, 0);
    for (const t of list) {
      expect(t.systemAttrs["constraints"]).toEqual([t.userAttrs["c"]]);
    }
  });

  it("leads to feasible best trials", async () => {
    const feasibleShare = (list: FrozenTrial[]): number =>
      list.slice(30).filter((t) => (t.userAttrs["c"] as number) <= 0).length / 30;
    for (const seed of [0, 1]) {
      const constrained = await run(true, seed);
      const free = await run(false, seed);
      expect(feasibleShare(constrained)).toBeGreaterThan(0.4);
      expect(feasibleShare(constrained)).toBeGreaterThan(feasibleShare(free));
      const bestFeasible = Math.min(
        ...constrained.filter((t) => (t.userAttrs["c"] as number) <= 0).map((t) => t.value!),
      );
      expect(bestFeasible).toBeLessThan(2.5);
    }
  });

  it("a failing constraints function makes the trial infeasible, not the study fail", async () => {
    const sampler = new TPESampler({
      seed: 0,
      constraintsFunc: () => {
        throw new Error("boom");
      },
    });
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 3, showProgressBar: false });
    for (const t of await study.trials()) {
      expect(t.state).toBe(TrialState.COMPLETE);
      expect(t.systemAttrs["constraints"]).toBeNull();
    }
  });
});

describe("TPESampler: several objectives (MOTPE)", () => {
  // ZDT1 in 4 dimensions: the Pareto front is f2 = 1 − √f1 at x1..x3 = 0.
  const zdt1 = (t: Trial): [number, number] => {
    const x = Array.from({ length: 4 }, (_, i) => t.suggestFloat(`x${i}`, 0, 1));
    const g = 1 + (9 * (x[1]! + x[2]! + x[3]!)) / 3;
    return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
  };

  async function frontVolume(sampler: Sampler): Promise<number> {
    const study = await createStudy({
      sampler,
      directions: ["minimize", "minimize"],
      pruner: new NopPruner(),
    });
    await study.optimize(zdt1, { nTrials: 60, showProgressBar: false, handleSigint: false });
    const front = (await study.bestTrials()).map((t) => [...t.values!]);
    return hypervolume(toRows(front), front.length, 2, [1.1, 11]);
  }

  it("finds a Pareto front with more hypervolume than random search", async () => {
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 3; seed++) {
      tpe.push(await frontVolume(new TPESampler({ seed })));
      random.push(await frontVolume(new RandomSampler({ seed })));
    }
    expect(median(tpe)).toBeGreaterThan(median(random));
  });

  it("handles maximized objectives and the constant liar off by default", () => {
    const space = { x: new FloatDistribution(0, 1) };
    const records: Record[] = Array.from({ length: 15 }, (_, i) => ({
      params: { x: i / 14 },
      distributions: space,
      values: [i / 14, 1 - i / 14],
    }));
    records.push({ params: { x: 0.5 }, distributions: space, state: TrialState.RUNNING });
    const { study, trial } = snapshotWithNew(records, ["maximize", "minimize"]);
    const x = new TPESampler({ seed: 0 }).sampleIndependent(study, trial, "x", space.x);
    const off = new TPESampler({ seed: 0, constantLiar: false }).sampleIndependent(
      study,
      trial,
      "x",
      space.x,
    );
    expect(x).toBe(off);
    expect(inside(space.x, x)).toBe(true);
  });
});

describe("TPE split of trials", () => {
  const d = { x: new FloatDistribution(0, 1) };
  it("ranks COMPLETE first, then PRUNED by step then value, RUNNING always bad", () => {
    const list = trials([
      { params: { x: 0.1 }, distributions: d, values: [5] },
      { params: { x: 0.2 }, distributions: d, state: TrialState.PRUNED, intermediate: { 1: 0.5 } },
      {
        params: { x: 0.3 },
        distributions: d,
        state: TrialState.PRUNED,
        intermediate: { 1: 9, 3: 7 },
      },
      { params: { x: 0.4 }, distributions: d, values: [1] },
      { params: { x: 0.5 }, distributions: d, state: TrialState.RUNNING },
      { params: { x: 0.6 }, distributions: d, state: TrialState.PRUNED },
    ]);
    const numbers = (n: number): number[][] => {
      const split = splitTrials(list, ["minimize"], n, false);
      return [split.below.map((t) => t.number), split.above.map((t) => t.number)];
    };
    expect(numbers(1)).toEqual([[3], [0, 1, 2, 4, 5]]);
    expect(numbers(2)).toEqual([
      [0, 3],
      [1, 2, 4, 5],
    ]);
    // The pruned trial that reached step 3 ranks before the one that stopped at step 1.
    expect(numbers(3)).toEqual([
      [0, 2, 3],
      [1, 4, 5],
    ]);
    expect(numbers(5)).toEqual([[0, 1, 2, 3, 5], [4]]);
  });

  it("puts feasible trials first, infeasible ones by total violation", () => {
    const list = trials([
      {
        params: { x: 0.1 },
        distributions: d,
        values: [1],
        systemAttrs: { constraints: [0.5, -1] },
      },
      { params: { x: 0.2 }, distributions: d, values: [9], systemAttrs: { constraints: [-1, 0] } },
      {
        params: { x: 0.3 },
        distributions: d,
        values: [0],
        systemAttrs: { constraints: [0.1, 0.1] },
      },
      { params: { x: 0.4 }, distributions: d, values: [0] },
    ]);
    const split = (n: number): number[] =>
      splitTrials(list, ["minimize"], n, true).below.map((t) => t.number);
    expect(split(1)).toEqual([1]);
    expect(split(2)).toEqual([1, 2]);
    expect(split(3)).toEqual([0, 1, 2]);
    // Without constraints, values alone decide.
    expect(splitTrials(list, ["minimize"], 2, false).below.map((t) => t.number)).toEqual([2, 3]);
  });

  it("ignores FAIL trials when sampling", () => {
    const space = { x: new FloatDistribution(0, 1) };
    const good: Record[] = Array.from({ length: 12 }, (_, i) => ({
      params: { x: i / 11 },
      distributions: space,
      values: [Math.abs(i / 11 - 0.3)],
    }));
    const failed: Record[] = Array.from({ length: 12 }, () => ({
      params: { x: 0.95 },
      distributions: space,
      state: TrialState.FAIL,
    }));
    const { study, trial } = snapshotWithNew(good);
    // The same study with failed trials after the sampled one (which keeps its number).
    const withFailures = makeSnapshot(
      "test",
      ["minimize"],
      [...study.trials, ...trials([...good, { state: TrialState.RUNNING }, ...failed]).slice(13)],
    );
    for (let seed = 0; seed < 3; seed++) {
      const x = new TPESampler({ seed }).sampleIndependent(study, trial, "x", space.x);
      const y = new TPESampler({ seed }).sampleIndependent(withFailures, trial, "x", space.x);
      expect(y).toBe(x);
    }
  });
});

describe("improvement weights of the good trials", () => {
  const d = { x: new FloatDistribution(0, 1) };
  const list = trials([
    { params: { x: 0.1 }, distributions: d, values: [1] },
    { params: { x: 0.2 }, distributions: d, values: [2] },
    { params: { x: 0.3 }, distributions: d, values: [3] },
    { params: { x: 0.4 }, distributions: d, values: [5] },
    { params: { x: 0.5 }, distributions: d, state: TrialState.RUNNING },
    { params: { x: 0.6 }, distributions: d, state: TrialState.PRUNED, intermediate: { 0: 0 } },
  ]);
  const [a, b, c, e, running, pruned] = list as [
    FrozenTrial,
    FrozenTrial,
    FrozenTrial,
    FrozenTrial,
    FrozenTrial,
    FrozenTrial,
  ];

  it("weigh each good trial by its improvement over the best bad one", () => {
    expect(Array.from(improvementWeights([a, b], [c, e, running], "minimize")!)).toEqual([2, 1]);
    expect(Array.from(improvementWeights([c, e], [a, b], "maximize")!)).toEqual([1, 3]);
  });

  it("fall back (null) when a good trial has no value or nothing sets the threshold", () => {
    expect(improvementWeights([a, pruned], [c], "minimize")).toBeNull();
    expect(improvementWeights([a], [running], "minimize")).toBeNull();
  });

  it("cope with infinite objective values", async () => {
    const best = await bestOf(
      new TPESampler({ seed: 0 }),
      (t) => {
        const v = t.suggestFloat("x", -1, 1);
        return v < -0.5 ? Number.POSITIVE_INFINITY : v > 0.9 ? Number.NEGATIVE_INFINITY : v;
      },
      30,
    );
    expect(best).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("TPESampler: options", () => {
  it("rejects bad values with an actionable message", () => {
    expect(() => new TPESampler({ nEiCandidates: 0 })).toThrow(/nEiCandidates/);
    expect(() => new TPESampler({ nStartupTrials: -1 })).toThrow(/nStartupTrials/);
    expect(() => new TPESampler({ priorWeight: -1 })).toThrow(/priorWeight/);
    expect(() => new TPESampler({ bandwidthFactor: 0 })).toThrow(/bandwidthFactor/);
  });

  it("checks custom weights", () => {
    const records: Record[] = Array.from({ length: 12 }, (_, i) => ({
      params: { x: i / 11 },
      distributions: { x: new FloatDistribution(0, 1) },
      values: [i],
    }));
    const { study, trial } = snapshotWithNew(records);
    const sampler = new TPESampler({ seed: 0, weights: (n) => new Array(n).fill(-1) });
    expect(() => sampler.sampleIndependent(study, trial, "x", new FloatDistribution(0, 1))).toThrow(
      /non-negative/,
    );
  });
});
