import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CmaEsSampler,
  type CmaEsSamplerOptions,
  createStudy,
  type Distribution,
  FloatDistribution,
  type FrozenTrial,
  InMemoryStorage,
  IntDistribution,
  loadStudy,
  NopPruner,
  type ParamValue,
  RandomSampler,
  type Sampler,
  type Study,
  type StudySnapshot,
  setVerbosity,
  Verbosity,
} from "../../src/index.js";
import { setLogSink } from "../../src/logging/index.js";
import type { Trial } from "../../src/trial/trial.js";

setVerbosity(Verbosity.ERROR);

const quiet = { showProgressBar: false, handleSigint: false } as const;

function studyWith(
  sampler: Sampler,
  extra: Parameters<typeof createStudy>[0] = {},
): Promise<Study> {
  return createStudy({ sampler, pruner: new NopPruner(), ...extra });
}

function quadratic5(t: Trial): number {
  let s = 0;
  for (let i = 0; i < 5; i++) {
    const x = t.suggestFloat(`x${i}`, -5, 5);
    s += (i + 1) * (x - 1.5 + 0.3 * i) ** 2;
  }
  return s;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function bestOf(sampler: Sampler, objective: (t: Trial) => number, nTrials: number) {
  const study = await studyWith(sampler);
  await study.optimize(objective, { nTrials, ...quiet });
  return study.bestValue();
}

function stateOf(trial: FrozenTrial): Record<string, unknown> | null {
  let text = "";
  for (let i = 0; ; i++) {
    const chunk = trial.systemAttrs[`cma:state:${i}`];
    if (typeof chunk !== "string") break;
    text += chunk;
  }
  return text === "" ? null : (JSON.parse(text) as Record<string, unknown>);
}

describe("CmaEsSampler", () => {
  it("beats RandomSampler on a 5-D quadratic after 200 trials (median over 3 seeds)", async () => {
    const cma: number[] = [];
    const random: number[] = [];
    for (const seed of [1, 2, 3]) {
      cma.push(await bestOf(new CmaEsSampler({ seed }), quadratic5, 200));
      random.push(await bestOf(new RandomSampler({ seed }), quadratic5, 200));
    }
    expect(median(cma)).toBeLessThan(median(random) / 10);
    expect(median(cma)).toBeLessThan(0.2);
  });

  it("separable CMA-ES also optimizes the 5-D quadratic, with a diagonal covariance", async () => {
    const study = await studyWith(new CmaEsSampler({ seed: 4, separable: true }));
    await study.optimize(quadratic5, { nTrials: 200, ...quiet });
    expect(await study.bestValue()).toBeLessThan(0.1);
    const trials = await study.trials();
    const state = stateOf(trials.findLast((t) => stateOf(t) !== null)!)!;
    const es = state["es"] as { separable: boolean; cov: number[] };
    expect(es.separable).toBe(true);
    expect(es.cov).toHaveLength(5);
  });

  it("is reproducible with a seed and writes generations to trial system attributes", async () => {
    const run = async () => {
      const study = await studyWith(new CmaEsSampler({ seed: 123 }));
      await study.optimize(quadratic5, { nTrials: 40, ...quiet });
      return study.trials();
    };
    const [a, b] = [await run(), await run()];
    expect(a.map((t) => t.params)).toEqual(b.map((t) => t.params));
    expect(a[0]!.systemAttrs["cma:generation"]).toBeUndefined(); // startup trial
    expect(a[1]!.systemAttrs["cma:generation"]).toBe(0);
    expect(a[1]!.systemAttrs["cma:n_restarts"]).toBe(0);
    // popsize for 5 dimensions is 8: trials 1..8 form generation 0, trial 9 tells it.
    expect(a.slice(1, 9).every((t) => t.systemAttrs["cma:generation"] === 0)).toBe(true);
    expect(a[9]!.systemAttrs["cma:generation"]).toBe(1);
    expect(stateOf(a[9]!)).not.toBeNull();
    expect(stateOf(a[8]!)).toBeNull();
  });

  it("continues after a restart of the process exactly as an uninterrupted run", async () => {
    const options: CmaEsSamplerOptions = { seed: 77 };
    const objective = (t: Trial) =>
      (t.suggestFloat("x", -3, 3) - 1) ** 2 +
      10 * (t.suggestFloat("y", 1e-3, 10, { log: true }) - 0.5) ** 2 +
      (t.suggestInt("k", 0, 50) - 30) ** 2 / 100;

    const uninterrupted = await studyWith(new CmaEsSampler(options));
    await uninterrupted.optimize(objective, { nTrials: 60, ...quiet });

    const storage = new InMemoryStorage();
    const first = await studyWith(new CmaEsSampler(options), { storage, studyName: "s" });
    await first.optimize(objective, { nTrials: 30, ...quiet });
    const second = await loadStudy({
      storage,
      studyName: "s",
      sampler: new CmaEsSampler(options),
      pruner: new NopPruner(),
    });
    await second.optimize(objective, { nTrials: 30, ...quiet });

    const expected = await uninterrupted.trials();
    const actual = await second.trials();
    expect(actual).toHaveLength(60);
    expect(actual.map((t) => t.params)).toEqual(expected.map((t) => t.params));
    expect(actual.map((t) => t.systemAttrs["cma:generation"])).toEqual(
      expected.map((t) => t.systemAttrs["cma:generation"]),
    );
    expect(actual[59]!.systemAttrs["cma:generation"]).toBeGreaterThan(3);
  });

  it("stores large optimizers in chunks that fit Optuna's attribute column", async () => {
    const study = await studyWith(new CmaEsSampler({ seed: 1 }));
    const objective = (t: Trial) => {
      let s = 0;
      for (let i = 0; i < 30; i++) s += t.suggestFloat(`p${String(i).padStart(2, "0")}`, 0, 1) ** 2;
      return s;
    };
    await study.optimize(objective, { nTrials: 17, ...quiet }); // popsize 14
    const trials = await study.trials();
    const holder = trials.find((t) => stateOf(t) !== null)!;
    const chunks = Object.entries(holder.systemAttrs).filter(([k]) => k.startsWith("cma:state:"));
    expect(chunks.length).toBeGreaterThan(3);
    for (const [, v] of chunks) expect(JSON.stringify(v).length).toBeLessThanOrEqual(2047);
    expect((stateOf(holder)!["es"] as { n: number }).n).toBe(30);
  });

  it("samples every value inside its distribution and on its step (property)", async () => {
    const distribution = fc.oneof(
      fc
        .tuple(
          fc.double({ min: -100, max: 100, noNaN: true }),
          fc.double({ min: 1e-3, max: 50, noNaN: true }),
        )
        .map(([low, width]) => new FloatDistribution(low, low + width) as Distribution),
      fc
        .tuple(
          fc.double({ min: 1e-4, max: 10, noNaN: true }),
          fc.double({ min: 1.5, max: 1e4, noNaN: true }),
        )
        .map(
          ([low, ratio]) => new FloatDistribution(low, low * ratio, { log: true }) as Distribution,
        ),
      fc
        .tuple(
          fc.integer({ min: -20, max: 20 }),
          fc.integer({ min: 1, max: 30 }),
          fc.constantFrom(0.1, 0.25, 0.5, 2),
        )
        .map(
          ([low, k, step]) => new FloatDistribution(low, low + k * step, { step }) as Distribution,
        ),
      fc
        .tuple(
          fc.integer({ min: -50, max: 50 }),
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 4 }),
        )
        .map(
          ([low, k, step]) => new IntDistribution(low, low + k * step, { step }) as Distribution,
        ),
      fc
        .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2000 }))
        .map(
          ([low, width]) => new IntDistribution(low, low + width, { log: true }) as Distribution,
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(distribution, { minLength: 1, maxLength: 4 }),
        fc.record({
          seed: fc.integer({ min: 0, max: 1000 }),
          separable: fc.boolean(),
          withMargin: fc.boolean(),
          popsize: fc.constantFrom(undefined, 3),
        }),
        async (dists, options) => {
          const sampler = new CmaEsSampler({
            seed: options.seed,
            separable: options.separable,
            withMargin: options.withMargin,
            ...(options.popsize !== undefined ? { popsize: options.popsize } : {}),
            sigma0: 0.6, // wide: many samples fall near and beyond the bounds
          });
          const study = await studyWith(sampler);
          await study.optimize(
            (t) => {
              let s = 0;
              dists.forEach((d, i) => {
                const v =
                  d.kind === "int"
                    ? t.suggestInt(`p${i}`, d.low, d.high, { log: d.log, step: d.step })
                    : d.kind === "float"
                      ? t.suggestFloat(`p${i}`, d.low, d.high, { log: d.log, step: d.step })
                      : 0;
                s += Math.sin(v * (i + 1));
              });
              return s;
            },
            { nTrials: 14, ...quiet },
          );
          for (const trial of await study.trials()) {
            for (const [name, value] of Object.entries(trial.params)) {
              const d = trial.distributions[name]!;
              expect(d.contains(d.toInternalRepr(value))).toBe(true);
              if (d.kind === "int") expect(Number.isInteger(value)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 25, seed: 2024 },
    );
  });

  it("sends categorical parameters to the independent sampler, warning once", async () => {
    const calls: string[] = [];
    const independent: Sampler = {
      inferRelativeSearchSpace: () => ({}),
      sampleRelative: () => ({}),
      sampleIndependent(
        study: StudySnapshot,
        trial: FrozenTrial,
        name: string,
        d: Distribution,
      ): ParamValue {
        calls.push(`${trial.number}:${name}`);
        return new RandomSampler({ seed: 1 }).sampleIndependent(study, trial, name, d);
      },
    };
    const lines: string[] = [];
    const previousSink = setLogSink((line) => lines.push(line));
    setVerbosity(Verbosity.WARNING);
    try {
      const study = await studyWith(new CmaEsSampler({ seed: 3, independentSampler: independent }));
      await study.optimize(
        (t) => {
          const kind = t.suggestCategorical("kind", ["a", "b"]);
          return (
            (t.suggestFloat("x", 0, 1) - 0.3) ** 2 +
            (t.suggestFloat("y", 0, 1) - 0.6) ** 2 +
            (kind === "a" ? 0 : 0.1)
          );
        },
        { nTrials: 12, ...quiet },
      );
      // Trial 0: everything independent (startup); then only the categorical.
      expect(calls.filter((c) => c.startsWith("0:")).sort()).toEqual(["0:kind", "0:x", "0:y"]);
      expect(calls.filter((c) => !c.startsWith("0:")).every((c) => c.endsWith(":kind"))).toBe(true);
      expect(calls.filter((c) => c.endsWith(":kind"))).toHaveLength(12);
      const warnings = lines.filter((l) => l.includes('"kind"') && l.includes("independently"));
      expect(warnings).toHaveLength(1);
    } finally {
      setVerbosity(Verbosity.ERROR);
      setLogSink(previousSink);
    }
  });

  it("starts from x0 with sigma0", async () => {
    const study = await studyWith(new CmaEsSampler({ seed: 5, x0: { x: 8, y: -8 }, sigma0: 0.01 }));
    await study.optimize((t) => t.suggestFloat("x", -10, 10) + t.suggestFloat("y", -10, 10), {
      nTrials: 7,
      ...quiet,
    });
    for (const t of (await study.trials()).slice(1)) {
      expect(Math.abs((t.params["x"] as number) - 8)).toBeLessThan(1.5);
      expect(Math.abs((t.params["y"] as number) + 8)).toBeLessThan(1.5);
    }
  });

  it("warm-starts from the trials of a similar study", async () => {
    const objective = (t: Trial) =>
      (t.suggestFloat("x", 0, 10) - 8.5) ** 2 + (t.suggestFloat("y", 0, 10) - 1.5) ** 2;
    const source = await studyWith(new RandomSampler({ seed: 11 }));
    await source.optimize(objective, { nTrials: 100, ...quiet });
    const sourceTrials = await source.trials();

    const warm = await studyWith(new CmaEsSampler({ seed: 6, sourceTrials }));
    await warm.optimize(objective, { nTrials: 7, ...quiet });
    const firstGeneration = (await warm.trials()).slice(1);
    const meanX = firstGeneration.reduce((s, t) => s + (t.params["x"] as number), 0) / 6;
    const meanY = firstGeneration.reduce((s, t) => s + (t.params["y"] as number), 0) / 6;
    expect(Math.abs(meanX - 8.5)).toBeLessThan(1.5);
    expect(Math.abs(meanY - 1.5)).toBeLessThan(1.5);

    expect(() => new CmaEsSampler({ sourceTrials, x0: { x: 1 } })).toThrow(/x0 or sigma0/);
  });

  it("with margin, finds a 1-D integer optimum far from the start", async () => {
    for (const seed of [1, 2, 3]) {
      const study = await studyWith(new CmaEsSampler({ seed, x0: { k: 2 } })); // margin by default
      await study.optimize((t) => Math.abs(t.suggestInt("k", 0, 20) - 18), {
        nTrials: 100,
        ...quiet,
      });
      expect(await study.bestValue()).toBe(0);
    }
  });

  it("with margin, integer dimensions keep exploring after convergence (plain CMA-ES freezes)", async () => {
    const objective = (t: Trial) =>
      Math.abs(t.suggestInt("k", 0, 20) - 7) / 10 + (t.suggestFloat("x", 0, 1) - 0.3) ** 2;
    const explored = async (withMargin: boolean) => {
      const counts: number[] = [];
      for (const seed of [1, 2, 3]) {
        const study = await studyWith(new CmaEsSampler({ seed, withMargin }));
        await study.optimize(objective, { nTrials: 300, ...quiet });
        const last = (await study.trials()).slice(-100);
        counts.push(last.filter((t) => t.params["k"] !== 7).length);
      }
      return counts;
    };
    for (const c of await explored(true)) expect(c).toBeGreaterThanOrEqual(3);
    for (const c of await explored(false)) expect(c).toBe(0);
  });

  it("IPOP restarts with a doubled population when a run converges", async () => {
    const study = await studyWith(new CmaEsSampler({ seed: 8, restartStrategy: "ipop" }));
    // A flat objective: the function-value history stalls after 10 + ⌈30 n / λ⌉ generations.
    await study.optimize((t) => t.suggestFloat("x", 0, 1) * 0 + t.suggestFloat("y", 0, 1) * 0 + 1, {
      nTrials: 150,
      ...quiet,
    });
    const trials = await study.trials();
    const restarted = trials.filter((t) => t.systemAttrs["cma:n_restarts"] === 1);
    expect(restarted.length).toBeGreaterThan(0);
    const state = stateOf(
      trials.find((t) => t.systemAttrs["cma:n_restarts"] === 1 && stateOf(t) !== null)!,
    )!;
    expect((state["es"] as { popsize: number }).popsize).toBe(12);
  });

  it("BIPOP alternates a small-population run, then a larger population", async () => {
    const study = await studyWith(new CmaEsSampler({ seed: 9, restartStrategy: "bipop" }));
    await study.optimize((t) => t.suggestFloat("x", 0, 1) * 0 + t.suggestFloat("y", 0, 1) * 0 + 1, {
      nTrials: 300,
      ...quiet,
    });
    const trials = await study.trials();
    const states = trials.map(stateOf).filter((s) => s !== null) as Record<string, unknown>[];
    const byRestart = new Map<number, { regime: string; popsize: number; sigma: number }>();
    for (const s of states) {
      const es = s["es"] as { popsize: number; sigma: number };
      byRestart.set(s["restarts"] as number, {
        regime: s["regime"] as string,
        popsize: es.popsize,
        sigma: es.sigma,
      });
    }
    expect(byRestart.get(1)?.regime).toBe("small");
    expect(byRestart.get(1)!.popsize).toBeLessThanOrEqual(6);
    expect(byRestart.get(2)?.regime).toBe("large");
    expect(byRestart.get(2)!.popsize).toBe(12);
  });

  it("restarts when the search space changes", async () => {
    const study = await studyWith(new CmaEsSampler({ seed: 10 }));
    let useZ = true;
    const objective = (t: Trial) =>
      t.suggestFloat("x", 0, 1) ** 2 +
      t.suggestFloat("y", 0, 1) ** 2 +
      (useZ ? t.suggestFloat("z", 0, 1) : 0);
    await study.optimize(objective, { nTrials: 20, ...quiet });
    useZ = false;
    await study.optimize(objective, { nTrials: 20, ...quiet });
    const trials = await study.trials();
    expect(trials[19]!.systemAttrs["cma:n_restarts"]).toBe(0);
    expect(trials[25]!.systemAttrs["cma:n_restarts"]).toBe(1);
    expect(trials[39]!.systemAttrs["cma:generation"]).toBeGreaterThan(0);
  });

  it("rejects multi-objective studies", async () => {
    const study = await studyWith(new CmaEsSampler({ seed: 1 }), {
      directions: ["minimize", "minimize"],
    });
    await expect(
      study.optimize((t) => [t.suggestFloat("x", 0, 1), 1], { nTrials: 2, ...quiet }),
    ).rejects.toThrow(/multi-objective/);
  });
});
