import { describe, expect, it } from "vitest";
import {
  createStudy,
  IncompatibleDistributionError,
  NopPruner,
  RandomSampler,
  type Study,
  setVerbosity,
  TrialPruned,
  TrialState,
  Verbosity,
} from "../../src/index.js";

setVerbosity(Verbosity.ERROR);

const quiet = { showProgressBar: false, handleSigint: false } as const;

function newStudy(options: Parameters<typeof createStudy>[0] = {}): Promise<Study> {
  return createStudy({
    sampler: new RandomSampler({ seed: 7 }),
    pruner: new NopPruner(),
    ...options,
  });
}

describe("objective outcomes", () => {
  it("completes trials with the returned number", async () => {
    const study = await newStudy();
    await study.optimize((t) => t.suggestFloat("x", -1, 1) ** 2, { nTrials: 5, ...quiet });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(Array(5).fill(TrialState.COMPLETE));
    for (const t of trials) expect(t.value).toBeCloseTo((t.params["x"] as number) ** 2, 12);
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    ["NaN", () => Number.NaN, /NaN/],
    ["a string", () => "1.5" as unknown as number, /must return a number/],
    ["nothing", () => undefined as unknown as number, /undefined/],
    ["too many values", () => [1, 2], /2 value\(s\) but the study has 1/],
  ])(
    "marks the trial FAIL with the reason when the objective returns %s, and goes on",
    async (_, objective, reason) => {
      const study = await newStudy();
      await study.optimize(objective, { nTrials: 3, ...quiet });
      const trials = await study.trials();
      expect(trials).toHaveLength(3);
      for (const t of trials) {
        expect(t.state).toBe(TrialState.FAIL);
        expect(t.values).toBeNull();
        expect(String(t.systemAttrs["fail_reason"])).toMatch(reason);
      }
    },
  );

  it("rethrows an objective's error after marking the trial FAIL", async () => {
    const study = await newStudy();
    let calls = 0;
    await expect(
      study.optimize(
        () => {
          calls++;
          throw new RangeError("boom");
        },
        { nTrials: 10, ...quiet },
      ),
    ).rejects.toThrow("boom");
    expect(calls).toBe(1);
    const [trial] = await study.trials();
    expect(trial!.state).toBe(TrialState.FAIL);
    expect(trial!.systemAttrs["fail_reason"]).toBe("RangeError: boom");
  });

  it("goes on after errors that match `catch` (classes or a predicate)", async () => {
    for (const matcher of [[RangeError], (e: unknown) => e instanceof RangeError] as const) {
      const study = await newStudy();
      await study.optimize(
        (t) => {
          if (t.number % 2 === 0) throw new RangeError("even");
          return t.number;
        },
        { nTrials: 6, catch: matcher, ...quiet },
      );
      const states = (await study.trials()).map((t) => t.state);
      expect(states).toEqual(["FAIL", "COMPLETE", "FAIL", "COMPLETE", "FAIL", "COMPLETE"]);
    }
  });

  it("does not catch other errors", async () => {
    const study = await newStudy();
    await expect(
      study.optimize(
        () => {
          throw new TypeError("other");
        },
        { nTrials: 3, catch: [RangeError], ...quiet },
      ),
    ).rejects.toThrow(TypeError);
  });

  it("prunes on TrialPruned and keeps the last reported value", async () => {
    const study = await newStudy();
    await study.optimize(
      async (t) => {
        await t.report(10 + t.number, 0);
        await t.report(20 + t.number, 3);
        throw new TrialPruned();
      },
      { nTrials: 2, ...quiet },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([TrialState.PRUNED, TrialState.PRUNED]);
    expect(trials.map((t) => t.value)).toEqual([20, 21]);
    expect([...trials[1]!.intermediateValues]).toEqual([
      [0, 11],
      [3, 21],
    ]);
  });

  it("accepts async objectives", async () => {
    const study = await newStudy();
    await study.optimize(
      async (t) => {
        await new Promise((r) => setTimeout(r, 1));
        return t.suggestInt("n", 0, 3);
      },
      { nTrials: 3, ...quiet },
    );
    expect((await study.trials()).every((t) => t.state === "COMPLETE")).toBe(true);
  });
});

describe("suggestions", () => {
  it("returns the same value for the same name and rejects an incompatible distribution", async () => {
    const study = await newStudy();
    const seen: unknown[] = [];
    await expect(
      study.optimize(
        (t) => {
          const a = t.suggestFloat("x", 0, 1);
          const b = t.suggestFloat("x", 0, 2); // another range: allowed, same value
          seen.push(a, b);
          t.suggestInt("x", 0, 1);
          return a;
        },
        { nTrials: 1, ...quiet },
      ),
    ).rejects.toThrow(IncompatibleDistributionError);
    expect(seen[0]).toBe(seen[1]);
    expect((await study.trials())[0]!.state).toBe(TrialState.FAIL);
  });

  it("types categorical choices and stores parameters with their distributions", async () => {
    const study = await newStudy();
    await study.optimize(
      (t) => {
        const optimizer = t.suggestCategorical("optimizer", ["adam", "sgd"]);
        const flag = t.suggestCategorical("flag", [true, false, null]);
        const units = t.suggestInt("units", 16, 512, { log: true });
        const dropout = t.suggestFloat("dropout", 0, 0.5, { step: 0.1 });
        expect(["adam", "sgd"]).toContain(optimizer);
        expect([true, false, null]).toContain(flag);
        expect(Number.isInteger(units)).toBe(true);
        return units * dropout;
      },
      { nTrials: 20, ...quiet },
    );
    const trial = (await study.trials())[0]!;
    expect(Object.keys(trial.params)).toEqual(["optimizer", "flag", "units", "dropout"]);
    expect(trial.distributions["units"]).toMatchObject({
      kind: "int",
      low: 16,
      high: 512,
      log: true,
    });
  });

  it("gives a single-valued distribution its only value without sampling", async () => {
    const study = await newStudy();
    await study.optimize((t) => t.suggestFloat("x", 2, 2) + t.suggestInt("n", 5, 6, { step: 2 }), {
      nTrials: 3,
      ...quiet,
    });
    for (const t of await study.trials()) expect(t.params).toEqual({ x: 2, n: 5 });
  });

  it("refuses to change a finished trial", async () => {
    const study = await newStudy();
    let kept: import("../../src/index.js").Trial | undefined;
    await study.optimize(
      (t) => {
        kept = t;
        return 1;
      },
      { nTrials: 1, ...quiet },
    );
    expect(() => kept!.suggestFloat("late", 0, 1)).toThrow(/already finished as COMPLETE/);
    await expect(kept!.report(1, 0)).rejects.toThrow(/already finished/);
    const stored = (await study.trials())[0]!;
    await expect(study.storage.updateTrial(stored.trialId, { state: "FAIL" })).rejects.toThrow(
      /already COMPLETE/,
    );
  });
});

describe("budget and concurrency", () => {
  it("runs up to `concurrency` trials at once and no more", async () => {
    const study = await newStudy();
    let running = 0;
    let peak = 0;
    await study.optimize(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return 0;
      },
      { nTrials: 24, concurrency: 4, ...quiet },
    );
    expect(peak).toBe(4);
    expect(await study.trials()).toHaveLength(24);
  });

  it("starts no trial after the timeout and lets running trials finish", async () => {
    const study = await newStudy();
    const started = Date.now();
    await study.optimize(
      async () => {
        await new Promise((r) => setTimeout(r, 40));
        return 0;
      },
      { timeout: 0.2, concurrency: 2, ...quiet },
    );
    const elapsed = Date.now() - started;
    const trials = await study.trials();
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(2000);
    expect(trials.length).toBeGreaterThanOrEqual(4);
    expect(trials.every((t) => t.state === TrialState.COMPLETE)).toBe(true);
  });

  it("stops when a callback calls study.stop()", async () => {
    const study = await newStudy();
    await study.optimize(() => 1, {
      nTrials: 100,
      callbacks: [(s, trial) => (trial.number === 4 ? s.stop() : undefined)],
      ...quiet,
    });
    expect(await study.trials()).toHaveLength(5);
    // A new optimize call starts again after a stop.
    await study.optimize(() => 1, { nTrials: 2, ...quiet });
    expect(await study.trials()).toHaveLength(7);
  });

  it("passes finished trials to callbacks in order of completion", async () => {
    const study = await newStudy();
    const numbers: number[] = [];
    await study.optimize(() => 0, {
      nTrials: 4,
      callbacks: [(_, t) => void numbers.push(t.number)],
      ...quiet,
    });
    expect(numbers).toEqual([0, 1, 2, 3]);
  });

  it("rejects bad options with a clear error", async () => {
    const study = await newStudy();
    await expect(study.optimize(() => 0, { nTrials: -1 })).rejects.toThrow(/nTrials/);
    await expect(study.optimize(() => 0, { concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(study.optimize(() => 0, { timeout: -3 })).rejects.toThrow(/timeout/);
  });
});

describe("pruning through the study's pruner", () => {
  it("MedianPruner prunes trials worse than the median of completed ones", async () => {
    const { MedianPruner } = await import("../../src/index.js");
    const study = await createStudy({
      sampler: new RandomSampler({ seed: 1 }),
      pruner: new MedianPruner({ nStartupTrials: 3 }),
    });
    await study.optimize(
      async (t) => {
        // Trials 0-2 are good (value 0 every step); later ones are bad (value 10).
        const value = t.number < 3 ? 0 : 10;
        for (let step = 0; step < 5; step++) {
          await t.report(value, step);
          if (await t.shouldPrune()) throw new TrialPruned();
        }
        return value;
      },
      { nTrials: 6, ...quiet },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([
      "COMPLETE",
      "COMPLETE",
      "COMPLETE",
      "PRUNED",
      "PRUNED",
      "PRUNED",
    ]);
    expect(trials[3]!.lastStep).toBe(0);
  });
});
