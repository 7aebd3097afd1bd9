import { describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  copyStudy,
  createStudy,
  createTrial,
  DuplicatedStudyError,
  deleteStudy,
  FixedTrial,
  FloatDistribution,
  getAllStudyNames,
  getAllStudySummaries,
  InMemoryStorage,
  IntDistribution,
  InvalidArgumentError,
  loadStudy,
  NotFoundError,
  RandomSampler,
  setVerbosity,
  type Trial,
  TrialState,
  Verbosity,
} from "../../src/index.js";

setVerbosity(Verbosity.ERROR);
const quiet = { showProgressBar: false, handleSigint: false } as const;

function objective(trial: Trial): number {
  const x = trial.suggestFloat("x", -5, 5);
  const n = trial.suggestInt("n", 1, 8);
  const c = trial.suggestCategorical("c", ["a", "b", "c"]);
  return x * x + n + (c === "a" ? 0 : 1);
}

describe("ask and tell", () => {
  it("gives the same trials as optimize with the same seeded sampler", async () => {
    const viaOptimize = await createStudy({ sampler: new RandomSampler({ seed: 3 }) });
    await viaOptimize.optimize(objective, { nTrials: 8, ...quiet });
    const viaAsk = await createStudy({ sampler: new RandomSampler({ seed: 3 }) });
    for (let i = 0; i < 8; i++) {
      const trial = await viaAsk.ask();
      await viaAsk.tell(trial, objective(trial));
    }
    const a = await viaOptimize.trials();
    const b = await viaAsk.trials();
    expect(b.map((t) => t.params)).toEqual(a.map((t) => t.params));
    expect(b.map((t) => t.values)).toEqual(a.map((t) => t.values));
    expect(await viaAsk.bestValue()).toBe(await viaOptimize.bestValue());
  });

  it("samples fixed distributions at ask time", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    const trial = await study.ask({
      lr: new FloatDistribution(1e-4, 1e-1, { log: true }),
      layers: new IntDistribution(1, 4),
      opt: new CategoricalDistribution(["adam", "sgd"]),
    });
    expect(Object.keys(trial.params)).toEqual(["lr", "layers", "opt"]);
    expect(trial.suggestFloat("lr", 1e-4, 1e-1, { log: true })).toBe(trial.params["lr"]);
    await study.tell(trial, 0.5);
    const stored = (await study.trials())[0]!;
    expect(stored.params).toEqual(trial.params);
    expect(stored.value).toBe(0.5);
  });

  it("tells by number, with a state, and refuses to tell twice", async () => {
    const study = await createStudy();
    const a = await study.ask();
    const b = await study.ask();
    const c = await study.ask();
    await a.report(3, 1);
    await study.tell(a.number, TrialState.PRUNED);
    await study.tell(b, { state: TrialState.FAIL });
    await study.tell(c, Number.NaN);
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["PRUNED", "FAIL", "FAIL"]);
    expect(trials[0]!.value).toBe(3);
    expect(trials[2]!.systemAttrs["fail_reason"]).toMatch(/NaN/);
    await expect(study.tell(b, 1)).rejects.toThrow(/already FAIL/);
    const skipped = await study.tell(b, { values: 1, skipIfFinished: true });
    expect(skipped.state).toBe("FAIL");
    await expect(study.tell(99, 1)).rejects.toThrow(NotFoundError);
    const d = await study.ask();
    await expect(study.tell(d, { state: TrialState.RUNNING })).rejects.toThrow(
      /COMPLETE, PRUNED or FAIL/,
    );
    await expect(study.tell(d, { state: TrialState.COMPLETE })).rejects.toThrow(/needs values/);
  });

  it("supports several objectives and their Pareto front", async () => {
    const study = await createStudy({ directions: ["minimize", "maximize"] });
    const points = [
      [1, 1],
      [2, 3],
      [3, 3], // dominated by [2, 3]
      [0, 0],
      [2, 2], // dominated by [2, 3]
      [5, 9],
    ];
    for (const p of points) {
      const t = await study.ask();
      await study.tell(t, p);
    }
    const front = await study.bestTrials();
    expect(front.map((t) => t.number).sort()).toEqual([0, 1, 3, 5]);
    await expect(study.bestTrial()).rejects.toThrow(/single-objective/);
    const bad = await study.ask();
    await study.tell(bad, 1);
    expect((await study.trials())[6]!.state).toBe("FAIL");
    expect(() => study.direction).toThrow(/single-objective/);
  });
});

describe("best trial", () => {
  it("follows the direction and throws before any completed trial", async () => {
    for (const direction of ["minimize", "maximize"] as const) {
      const study = await createStudy({ direction });
      await expect(study.bestTrial()).rejects.toThrow(NotFoundError);
      for (const v of [3, -2, 7, 0]) await study.tell(await study.ask(), v);
      const best = await study.bestTrial();
      expect(best.value).toBe(direction === "minimize" ? -2 : 7);
      expect(await study.bestValue()).toBe(best.value);
      expect(await study.bestParams()).toEqual(best.params);
    }
  });
});

describe("enqueueTrial", () => {
  it("runs enqueued parameters first, samples the others and keeps user attributes", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 2 }) });
    await study.enqueueTrial({ x: 1.5, n: 3 }, { userAttrs: { source: "manual" } });
    await study.enqueueTrial({ x: -2 });
    await study.optimize(objective, { nTrials: 3, ...quiet });
    const [first, second, third] = await study.trials();
    expect(first!.params).toMatchObject({ x: 1.5, n: 3 });
    expect(first!.userAttrs).toEqual({ source: "manual" });
    expect(second!.params["x"]).toBe(-2);
    expect(second!.params["n"]).toBeGreaterThanOrEqual(1);
    expect(third!.systemAttrs["fixed_params"]).toBeUndefined();
  });

  it("skips duplicates with skipIfExists", async () => {
    const study = await createStudy();
    await study.enqueueTrial({ x: 1 });
    await study.enqueueTrial({ x: 1 }, { skipIfExists: true });
    await study.enqueueTrial({ x: 2 }, { skipIfExists: true });
    expect(await study.getTrials({ states: [TrialState.WAITING] })).toHaveLength(2);
    await study.optimize((t) => t.suggestFloat("x", 0, 5), { nTrials: 2, ...quiet });
    await study.enqueueTrial({ x: 2 }, { skipIfExists: true });
    expect(await study.getTrials({ states: [TrialState.WAITING] })).toHaveLength(0);
  });

  it("pops each waiting trial exactly once under concurrency", async () => {
    const study = await createStudy();
    for (let i = 0; i < 20; i++) await study.enqueueTrial({ i });
    await study.optimize(
      async (t) => {
        await new Promise((r) => setTimeout(r, 1));
        return t.suggestInt("i", 0, 100);
      },
      { nTrials: 20, concurrency: 8, ...quiet },
    );
    const values = (await study.trials())
      .map((t) => t.params["i"])
      .sort((a, b) => Number(a) - Number(b));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe("addTrial and createTrial", () => {
  it("adds validated trials that samplers and best trial see", async () => {
    const study = await createStudy();
    await study.addTrial(
      createTrial({
        params: { x: 2 },
        distributions: { x: new FloatDistribution(0, 10) },
        value: -1,
        intermediateValues: { 0: 4, 1: 2 },
        userAttrs: { note: "imported" },
      }),
    );
    const best = await study.bestTrial();
    expect(best.params).toEqual({ x: 2 });
    expect([...best.intermediateValues]).toEqual([
      [0, 4],
      [1, 2],
    ]);
    expect(best.userAttrs).toEqual({ note: "imported" });
    expect(() =>
      createTrial({
        params: { x: 20 },
        distributions: { x: new FloatDistribution(0, 10) },
        value: 1,
      }),
    ).toThrow(/outside its distribution/);
    expect(() => createTrial({ params: { x: 1 }, distributions: {} })).toThrow(/needs both/);
    expect(() => createTrial({})).toThrow(/COMPLETE trial needs value/);
    expect(() => createTrial({ state: TrialState.FAIL, value: 1 })).toThrow(/cannot have values/);
    await expect(study.addTrial(createTrial({ values: [1, 2] }))).rejects.toThrow(/2 values/);
  });
});

describe("studies in a storage", () => {
  it("creates, loads, lists, copies and deletes studies", async () => {
    const storage = new InMemoryStorage();
    const a = await createStudy({ studyName: "a", storage, direction: "maximize" });
    await a.setUserAttr("dataset", "digits");
    await a.optimize(objective, { nTrials: 3, ...quiet });
    await expect(createStudy({ studyName: "a", storage })).rejects.toThrow(DuplicatedStudyError);
    const again = await createStudy({
      studyName: "a",
      storage,
      direction: "maximize",
      loadIfExists: true,
    });
    expect(await again.trials()).toHaveLength(3);
    await expect(
      createStudy({ studyName: "a", storage, direction: "minimize", loadIfExists: true }),
    ).rejects.toThrow(/directions/);
    const loaded = await loadStudy({ storage });
    expect(loaded.studyName).toBe("a");
    expect(loaded.direction).toBe("maximize");
    expect(await loaded.userAttrs()).toEqual({ dataset: "digits" });

    const other = new InMemoryStorage();
    const copy = await copyStudy({ fromStudyName: "a", fromStorage: storage, toStorage: other });
    expect((await copy.trials()).map((t) => t.params)).toEqual(
      (await a.trials()).map((t) => t.params),
    );
    expect(await copy.userAttrs()).toEqual({ dataset: "digits" });

    await createStudy({ studyName: "b", storage, directions: ["minimize", "minimize"] });
    await expect(loadStudy({ storage })).rejects.toThrow(/pass studyName/);
    expect(await getAllStudyNames(storage)).toEqual(["a", "b"]);
    const summaries = await getAllStudySummaries(storage);
    expect(summaries.map((s) => [s.studyName, s.nTrials, s.bestTrial?.number ?? null])).toEqual([
      ["a", 3, (await a.bestTrial()).number],
      ["b", 0, null],
    ]);
    await deleteStudy({ studyName: "a", storage });
    expect(await getAllStudyNames(storage)).toEqual(["b"]);
    await expect(loadStudy({ studyName: "a", storage })).rejects.toThrow(NotFoundError);
  });

  it("validates directions", async () => {
    await expect(createStudy({ direction: "minimize", directions: ["minimize"] })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(createStudy({ direction: "down" as "minimize" })).rejects.toThrow(/"down"/);
    await expect(createStudy({ directions: [] })).rejects.toThrow(/at least one/);
    await expect(createStudy({ storage: "redis://localhost" })).rejects.toThrow(/redis/);
  });

  it("generates a unique name when none is given", async () => {
    const a = await createStudy();
    const b = await createStudy();
    expect(a.studyName).toMatch(/^no-name-/);
    expect(a.studyName).not.toBe(b.studyName);
  });
});

describe("export", () => {
  it("writes trials as CSV and JSON rows with Optuna's column names", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 5 }) });
    await study.optimize(
      (t) => {
        t.setUserAttr("note", 'has "quotes", commas');
        return objective(t);
      },
      { nTrials: 2, ...quiet },
    );
    const rows = await study.trialsDataframe();
    expect(Object.keys(rows[0]!)).toEqual([
      "number",
      "value",
      "datetime_start",
      "datetime_complete",
      "duration",
      "params_c",
      "params_n",
      "params_x",
      "user_attrs_note",
      "state",
    ]);
    const csv = await study.exportTrials("csv");
    const lines = csv.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      "number,value,datetime_start,datetime_complete,duration,params_c,params_n,params_x,user_attrs_note,state",
    );
    expect(lines[1]).toContain('"has ""quotes"", commas"');
    expect(lines[1]!.endsWith(",COMPLETE")).toBe(true);
    const json = JSON.parse(await study.exportTrials("json")) as Record<string, unknown>[];
    expect(json[1]!["params_x"]).toBe((await study.trials())[1]!.params["x"]);
  });
});

describe("FixedTrial", () => {
  it("runs an objective with given parameters", async () => {
    expect(objective(new FixedTrial({ x: 2, n: 3, c: "a" }))).toBe(7);
    expect(() => objective(new FixedTrial({ x: 2 }))).toThrow(/no value for parameter "n"/);
    const trial = new FixedTrial({ x: 1 });
    await trial.report(0.5, 0);
    expect(await trial.shouldPrune()).toBe(false);
    expect(trial.intermediateValues.get(0)).toBe(0.5);
  });
});

describe("attributes", () => {
  it("stores user attributes of trials and studies as JSON", async () => {
    const study = await createStudy();
    await study.optimize(
      (t) => {
        t.setUserAttr("nested", { a: [1, "two", null], b: true });
        return 0;
      },
      { nTrials: 1, ...quiet },
    );
    expect((await study.trials())[0]!.userAttrs).toEqual({
      nested: { a: [1, "two", null], b: true },
    });
    await study.setUserAttr("k", [1, 2]);
    expect(await study.userAttrs()).toEqual({ k: [1, 2] });
  });
});
