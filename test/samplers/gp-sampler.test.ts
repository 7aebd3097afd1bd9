import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  IntDistribution,
} from "../../src/distributions/index.js";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import { NopPruner } from "../../src/pruners/pruner.js";
import { GPSampler, type GPSamplerOptions } from "../../src/samplers/gp/gp-sampler.js";
import { RandomSampler } from "../../src/samplers/random/random-sampler.js";
import type { Sampler } from "../../src/samplers/sampler.js";
import { createStudy } from "../../src/study/create.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import type { Trial } from "../../src/trial/trial.js";

/** Small settings keep the tests fast; the algorithm is the same. */
const FAST: GPSamplerOptions = { nPreliminarySamples: 256, nLocalSearch: 4 };

function branin(x0: number, x1: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x1 - b * x0 * x0 + c * x0 - 6) ** 2 + 10 * (1 - t) * Math.cos(x0) + 10;
}
const BRANIN_MIN = 0.39788735772973816;

function braninObjective(trial: Trial): number {
  return branin(trial.suggestFloat("x0", -5, 10), trial.suggestFloat("x1", 0, 15));
}

async function bestOf(sampler: Sampler, nTrials: number): Promise<number> {
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  await study.optimize(braninObjective, { nTrials, showProgressBar: false });
  return study.bestValue();
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

let previousVerbosity: Verbosity;
beforeAll(() => {
  previousVerbosity = Verbosity.INFO;
  setVerbosity(Verbosity.ERROR);
});
afterAll(() => setVerbosity(previousVerbosity));

describe("GPSampler", () => {
  it("suggests values inside their distributions and on their steps (property)", async () => {
    const distributionArb: fc.Arbitrary<Distribution> = fc.oneof(
      fc
        .tuple(
          fc.double({ min: -100, max: 100, noNaN: true }),
          fc.double({ min: 1e-3, max: 50, noNaN: true }),
        )
        .map(([low, width]) => new FloatDistribution(low, low + width)),
      fc
        .tuple(
          fc.double({ min: 1e-4, max: 10, noNaN: true }),
          fc.double({ min: 1.5, max: 1e4, noNaN: true }),
        )
        .map(([low, factor]) => new FloatDistribution(low, low * factor, { log: true })),
      fc
        .tuple(
          fc.integer({ min: -20, max: 20 }),
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 1, max: 30 }),
        )
        .map(
          ([low, step, count]) =>
            new FloatDistribution(low * 0.1, low * 0.1 + step * 0.1 * count, { step: step * 0.1 }),
        ),
      fc
        .tuple(
          fc.integer({ min: -50, max: 50 }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 40 }),
        )
        .map(([low, step, count]) => new IntDistribution(low, low + step * count, { step })),
      fc
        .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 2, max: 1000 }))
        .map(([low, factor]) => new IntDistribution(low, low * factor, { log: true })),
      fc
        .integer({ min: 2, max: 5 })
        .map((k) => new CategoricalDistribution(Array.from({ length: k }, (_, i) => `c${i}`))),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(distributionArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        async (distributions, seed) => {
          const sampler = new GPSampler({
            seed,
            nStartupTrials: 3,
            ...FAST,
            nPreliminarySamples: 64,
          });
          const study = await createStudy({ sampler, pruner: new NopPruner() });
          const space = Object.fromEntries(distributions.map((d, i) => [`p${i}`, d]));
          for (let t = 0; t < 6; t++) {
            const trial = await study.ask(space);
            let value = 0;
            for (const [name, d] of Object.entries(space)) {
              const v = trial.params[name];
              const internal = d.toInternalRepr(v);
              expect(d.contains(internal)).toBe(true);
              value += d.kind === "categorical" ? internal : Math.sin(Number(v));
            }
            await study.tell(trial, value);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it("is reproducible with a seed", async () => {
    const run = async () => {
      const study = await createStudy({
        sampler: new GPSampler({ seed: 7, nStartupTrials: 4, ...FAST }),
        pruner: new NopPruner(),
      });
      await study.optimize(braninObjective, { nTrials: 8, showProgressBar: false });
      return (await study.trials()).map((t) => t.params);
    };
    expect(await run()).toEqual(await run());
  });

  it("past 50 trials (refits spaced out, factor extended), stays reproducible and converges", async () => {
    const run = async () => {
      const study = await createStudy({
        sampler: new GPSampler({ seed: 5, ...FAST }),
        pruner: new NopPruner(),
      });
      await study.optimize(braninObjective, { nTrials: 75, showProgressBar: false });
      return study;
    };
    const [a, b] = [await run(), await run()];
    const params = async (study: Awaited<ReturnType<typeof run>>) =>
      (await study.trials()).map((t) => t.params);
    expect(await params(a)).toEqual(await params(b));
    expect((await a.bestValue()) - BRANIN_MIN).toBeLessThan(1e-3);
    // The last trials still explore: not all of them repeat the best point.
    const late = (await params(a)).slice(-15).map((p) => `${p.x0},${p.x1}`);
    expect(new Set(late).size).toBeGreaterThan(10);
  });

  it("beats random search on Branin after 30 trials (median of 3 seeds)", async () => {
    const gp: number[] = [];
    const random: number[] = [];
    for (const seed of [0, 1, 2]) {
      gp.push((await bestOf(new GPSampler({ seed, ...FAST }), 30)) - BRANIN_MIN);
      random.push((await bestOf(new RandomSampler({ seed }), 30)) - BRANIN_MIN);
    }
    expect(median(gp)).toBeLessThan(0.05);
    expect(median(gp)).toBeLessThan(median(random) / 5);
  });

  it("handles categorical and integer parameters", async () => {
    const study = await createStudy({
      sampler: new GPSampler({ seed: 3, nStartupTrials: 5, ...FAST }),
      pruner: new NopPruner(),
    });
    // Best: kind "b", n = 7, x = 0.25.
    await study.optimize(
      (trial) => {
        const kind = trial.suggestCategorical("kind", ["a", "b", "c"]);
        const n = trial.suggestInt("n", 0, 20);
        const m = trial.suggestInt("m", 2, 64, { step: 2 });
        const x = trial.suggestFloat("x", 0, 1);
        return (kind === "b" ? 0 : 2) + (n - 7) ** 2 / 10 + (x - 0.25) ** 2 + (m - 32) ** 2 / 1000;
      },
      { nTrials: 30, showProgressBar: false },
    );
    const trials = await study.trials();
    for (const t of trials) {
      expect(Number.isInteger(t.params.n)).toBe(true);
      expect((t.params.m as number) % 2).toBe(0);
      expect(["a", "b", "c"]).toContain(t.params.kind);
    }
    const best = await study.bestTrial();
    expect(best.params.kind).toBe("b");
    expect(Math.abs((best.params.n as number) - 7)).toBeLessThanOrEqual(1);
    expect(best.value!).toBeLessThan(0.2);
  });

  it("conditions on running trials so that concurrent suggestions differ", async () => {
    const sampler = new GPSampler({ seed: 11, ...FAST });
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize(braninObjective, { nTrials: 15, showProgressBar: false });
    const first = await study.ask();
    const p1 = [first.suggestFloat("x0", -5, 10), first.suggestFloat("x1", 0, 15)];
    await first.shouldPrune(); // writes the suggestions to the storage
    const second = await study.ask();
    const p2 = [second.suggestFloat("x0", -5, 10), second.suggestFloat("x1", 0, 15)];

    // The same request without the running trial lands next to the first suggestion.
    const snapshot = await study.snapshot();
    const without = makeSnapshot(
      snapshot.studyName,
      snapshot.directions,
      snapshot.trials.filter((t) => t.state !== "RUNNING"),
    );
    const secondFrozen = snapshot.trials[second.number]!;
    const space = sampler.inferRelativeSearchSpace(without);
    const alone = sampler.sampleRelative(without, secondFrozen, space);
    const distance = (a: number[], b: number[]) =>
      Math.hypot((a[0]! - b[0]!) / 15, (a[1]! - b[1]!) / 15);
    const p0 = [alone.x0 as number, alone.x1 as number];
    expect(distance(p0, p1)).toBeLessThan(0.02);
    expect(distance(p2, p1)).toBeGreaterThan(0.05);
  });

  it("learns from pruned trials, so a pruner does not make it retry the pruned region", async () => {
    const { createTrial, FloatDistribution, TrialState } = await import("../../src/index.js");
    const suggestion = async (considerPrunedTrials: boolean): Promise<number> => {
      const study = await createStudy({
        sampler: new GPSampler({ seed: 1, considerPrunedTrials, deterministicObjective: true }),
        pruner: new NopPruner(),
      });
      const x = new FloatDistribution(0, 1);
      // Completed trials away from 0.5 say the minimum of (x - 0.5)^2 is there...
      for (const v of [0, 0.05, 0.1, 0.15, 0.2, 0.8, 0.85, 0.9, 0.95, 1]) {
        await study.addTrial(
          createTrial({ params: { x: v }, distributions: { x }, value: (v - 0.5) ** 2 }),
        );
      }
      // ...but trials there were pruned with bad values.
      for (const v of [0.3, 0.4, 0.5, 0.6, 0.7]) {
        await study.addTrial(
          createTrial({
            state: TrialState.PRUNED,
            params: { x: v },
            distributions: { x },
            value: 1,
            intermediateValues: { 0: 1 },
          }),
        );
      }
      const trial = await study.ask();
      return trial.suggestFloat("x", 0, 1);
    };
    const ignoring = await suggestion(false);
    const learning = await suggestion(true);
    // Ignoring them, the GP goes back to the pruned middle; learning from them, it stays out.
    expect(Math.abs(ignoring - 0.5)).toBeLessThan(0.2);
    expect(Math.abs(learning - 0.5)).toBeGreaterThan(0.25);
  });

  it("steers towards feasible points with constraints", async () => {
    // Minimize x + y subject to x² + y² ≥ 1 (c = 1 − x² − y² ≤ 0) on [0, 2]²: the optimum 1 is
    // at (1, 0) and (0, 1), while the unconstrained one, (0, 0), is infeasible.
    const constraintsFunc = (t: { params: Record<string, unknown> }) => {
      const x = t.params.x as number;
      const y = t.params.y as number;
      return [1 - x * x - y * y];
    };
    const sampler = new GPSampler({ seed: 5, constraintsFunc, ...FAST });
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize((t) => t.suggestFloat("x", 0, 2) + t.suggestFloat("y", 0, 2), {
      nTrials: 30,
      showProgressBar: false,
    });
    const trials = await study.trials();
    for (const t of trials) {
      expect(t.systemAttrs.constraints).toEqual(constraintsFunc(t));
    }
    // Later suggestions hug the feasible region (the optimum is on its boundary).
    const late = trials.slice(15);
    const nearFeasible = late.filter((t) => (t.systemAttrs.constraints as number[])[0]! <= 0.01);
    expect(nearFeasible.length).toBeGreaterThanOrEqual(12);
    const bestFeasible = Math.min(
      ...trials
        .filter((t) => (t.systemAttrs.constraints as number[])[0]! <= 0)
        .map((t) => t.value!),
    );
    expect(bestFeasible).toBeLessThan(1.02);
    // Without the constraint model the sampler heads for the infeasible corner (0, 0).
    const unconstrained = await createStudy({
      sampler: new GPSampler({ seed: 5, ...FAST }),
      pruner: new NopPruner(),
    });
    await unconstrained.optimize((t) => t.suggestFloat("x", 0, 2) + t.suggestFloat("y", 0, 2), {
      nTrials: 20,
      showProgressBar: false,
    });
    expect(await unconstrained.bestValue()).toBeLessThan(0.3);
  });

  it("maximizes (deterministic objective), survives failing constraints, falls back for several objectives", async () => {
    const maximize = await createStudy({
      sampler: new GPSampler({ seed: 2, deterministicObjective: true, ...FAST }),
      pruner: new NopPruner(),
      direction: "maximize",
    });
    await maximize.optimize((t) => -braninObjective(t), { nTrials: 25, showProgressBar: false });
    expect(await maximize.bestValue()).toBeGreaterThan(-1);

    const failing = await createStudy({
      sampler: new GPSampler({
        seed: 2,
        nStartupTrials: 3,
        constraintsFunc: () => [Number.NaN],
        ...FAST,
      }),
      pruner: new NopPruner(),
    });
    await failing.optimize(braninObjective, { nTrials: 6, showProgressBar: false });
    const failed = await failing.trials();
    expect(failed.every((t) => t.state === "COMPLETE" && t.systemAttrs.constraints === null)).toBe(
      true,
    );

    const sampler = new GPSampler({ seed: 2, nStartupTrials: 2, ...FAST });
    const multi = await createStudy({
      sampler,
      pruner: new NopPruner(),
      directions: ["minimize", "maximize"],
    });
    await multi.optimize((t) => [braninObjective(t), t.suggestFloat("z", 0, 1)], {
      nTrials: 4,
      showProgressBar: false,
    });
    expect((await multi.trials()).every((t) => t.state === "COMPLETE")).toBe(true);
  });

  it("samples independently before nStartupTrials and validates options", async () => {
    expect(() => new GPSampler({ nStartupTrials: -1 })).toThrow(/nStartupTrials/);
    const sampler = new GPSampler({ seed: 1, nStartupTrials: 100, ...FAST });
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize(braninObjective, { nTrials: 3, showProgressBar: false });
    const snapshot = await study.snapshot();
    const space = sampler.inferRelativeSearchSpace(snapshot);
    expect(Object.keys(space)).toEqual(["x0", "x1"]);
    expect(sampler.sampleRelative(snapshot, snapshot.trials[2]!, space)).toEqual({});
  });
});
