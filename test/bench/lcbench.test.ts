import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  aboveMax,
  clippedRegret,
  EPOCHS,
  LCBENCH_TASKS,
  type LcbenchConfig,
  type LcbenchSurrogate,
  loadLcbench,
  normalizedRegret,
  readTaskStatistics,
  suggestLcbenchConfig,
} from "../../bench/lcbench/surrogate.js";
import { RandomSampler } from "../../src/samplers/random/random-sampler.js";
import { createStudy } from "../../src/study/create.js";

const dataDir = new URL("../../bench/lcbench/data/", import.meta.url);

/** YAHPO's default configuration (config_space.json's defaults). */
const defaultConfig: LcbenchConfig = {
  batch_size: 91,
  learning_rate: 0.0031622777,
  momentum: 0.545,
  weight_decay: 0.050005,
  num_layers: 3,
  max_units: 256,
  max_dropout: 0.5,
};

/** A few configurations spread over the box (corners included). */
const configs: LcbenchConfig[] = [
  defaultConfig,
  {
    batch_size: 16,
    learning_rate: 1e-4,
    momentum: 0.1,
    weight_decay: 1e-5,
    num_layers: 1,
    max_units: 64,
    max_dropout: 0,
  },
  {
    batch_size: 512,
    learning_rate: 0.1,
    momentum: 0.99,
    weight_decay: 0.1,
    num_layers: 5,
    max_units: 1024,
    max_dropout: 1,
  },
  {
    batch_size: 64,
    learning_rate: 0.02,
    momentum: 0.9,
    weight_decay: 1e-4,
    num_layers: 2,
    max_units: 512,
    max_dropout: 0.1,
  },
  {
    batch_size: 256,
    learning_rate: 3e-4,
    momentum: 0.5,
    weight_decay: 0.01,
    num_layers: 4,
    max_units: 128,
    max_dropout: 0.7,
  },
];

let surrogate: LcbenchSurrogate;
beforeAll(async () => {
  surrogate = await loadLcbench();
});

describe("LCBench surrogate", () => {
  it("loads the model once and knows the benchmark's tasks", async () => {
    expect(await loadLcbench()).toBe(surrogate);
    for (const task of LCBENCH_TASKS) {
      expect(surrogate.encoding.has(task)).toBe(true);
      expect(surrogate.statistics.has(task)).toBe(true);
    }
    await expect(surrogate.evaluate(1, [defaultConfig], 52)).rejects.toThrow(/unknown task/);
  });

  it("predicts outputs in plausible ranges", async () => {
    for (const task of LCBENCH_TASKS) {
      const { min, max } = surrogate.stats(task);
      for (const epoch of [2, 10, 52]) {
        for (const r of await surrogate.evaluate(task, configs, epoch)) {
          expect(r.valAccuracy).toBeGreaterThan(0);
          expect(r.valAccuracy).toBeLessThanOrEqual(100);
          // Within (a little more than) the range of the data's 0.5M random configurations.
          expect(r.valAccuracy).toBeGreaterThan(min - 10);
          expect(r.valAccuracy).toBeLessThan(max + 10);
          for (const v of [r.valBalancedAccuracy, r.testBalancedAccuracy]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
          expect(r.time).toBeGreaterThan(0);
          expect(r.valCrossEntropy).toBeGreaterThan(0);
          expect(r.testCrossEntropy).toBeGreaterThan(0);
        }
      }
    }
    // The default configuration on task 3945 (a sanity anchor: ~93% at epoch 52).
    const [r] = await surrogate.evaluate(3945, [defaultConfig], 52);
    expect(r!.valAccuracy).toBeGreaterThan(90);
    expect(r!.valAccuracy).toBeLessThan(96);
  });

  it("is deterministic, and a batch predicts what its rows predict alone", async () => {
    const epochs = configs.map((_, i) => 2 + 10 * i);
    const a = await surrogate.evaluate(7593, configs, epochs);
    const b = await surrogate.evaluate(7593, configs, epochs);
    expect(b).toEqual(a);
    for (let i = 0; i < configs.length; i++) {
      const [alone] = await surrogate.evaluate(7593, [configs[i]!], [epochs[i]!]);
      expect(alone!.valAccuracy).toBeCloseTo(a[i]!.valAccuracy, 3);
    }
  });

  it("gives learning curves over epochs 2..52 that depend on the configuration", async () => {
    expect(EPOCHS[0]).toBe(2);
    expect(EPOCHS.at(-1)).toBe(52);
    expect(EPOCHS).toHaveLength(51);
    for (const task of LCBENCH_TASKS) {
      const curves = await Promise.all(configs.map((c) => surrogate.curve(task, c)));
      for (const curve of curves) {
        expect(curve).toHaveLength(51);
        // Curves move over the epochs.
        expect(Math.max(...curve) - Math.min(...curve)).toBeGreaterThan(0.01);
      }
      // The default configuration learns: later epochs beat the first one.
      expect(curves[0]!.at(-1)!).toBeGreaterThan(curves[0]![0]!);
      // Different configurations, different curves (and different final accuracies).
      const finals = curves.map((c) => c.at(-1)!);
      expect(new Set(finals.map((v) => v.toFixed(3))).size).toBe(configs.length);
      expect(Math.max(...finals) - Math.min(...finals)).toBeGreaterThan(1);
    }
  });
});

describe("LCBench normalized regret", () => {
  it("reads val_accuracy's min and max per task from the statistics", () => {
    const stats = readTaskStatistics();
    expect(stats.get(3945)).toEqual({ min: 15.986547, max: 99.62601 });
    expect(stats.get(7593)).toEqual({ min: 1.3788147, max: 87.67248 });
    expect(stats.get(34539)).toEqual({ min: 9.049255, max: 99.017525 });
    expect(stats.size).toBe(34);
    const parsed = readTaskStatistics(
      "metric,statistic,value,scenario,instance\n" +
        "val_accuracy,max,90,lcbench,1\ntime,max,5,lcbench,1\nval_accuracy,min,10,lcbench,1\n",
    );
    expect(parsed).toEqual(new Map([[1, { min: 10, max: 90 }]]));
  });

  it("is 0 at the data's max, 1 at its min, clipped above the max", () => {
    for (const task of LCBENCH_TASKS) {
      const s = surrogate.stats(task);
      expect(normalizedRegret(s, s.max)).toBe(0);
      expect(normalizedRegret(s, s.min)).toBe(1);
      expect(normalizedRegret(s, (s.min + s.max) / 2)).toBeCloseTo(0.5, 12);
      expect(normalizedRegret(s, s.max + 1)).toBeCloseTo(-1 / (s.max - s.min), 12);
      expect(clippedRegret(s, s.max + 1)).toBe(0);
      expect(clippedRegret(s, s.min)).toBe(1);
      expect(aboveMax(s, s.max)).toBe(false);
      expect(aboveMax(s, s.max + 1e-3)).toBe(true);
    }
    const s = surrogate.stats(3945);
    expect(normalizedRegret(s, 93.39881134033203)).toBeCloseTo(
      (99.62601 - 93.3988113) / 83.639463,
      6,
    );
  });

  it("counts corners where the surrogate predicts above the data's max (README's example)", async () => {
    const corner: LcbenchConfig = {
      batch_size: 16,
      learning_rate: 0.1,
      momentum: 0.99,
      weight_decay: 1e-5,
      num_layers: 5,
      max_units: 1024,
      max_dropout: 0,
    };
    const s = surrogate.stats(7593);
    const [r] = await surrogate.evaluate(7593, [corner], 52);
    expect(aboveMax(s, r!.valAccuracy)).toBe(true);
    expect(normalizedRegret(s, r!.valAccuracy)).toBeLessThan(0);
    expect(clippedRegret(s, r!.valAccuracy)).toBe(0);
  });
});

describe("suggestLcbenchConfig", () => {
  it("suggests YAHPO's search space", async () => {
    const space = JSON.parse(readFileSync(new URL("config_space.json", dataDir), "utf8")) as {
      hyperparameters: {
        name: string;
        type: string;
        log?: boolean;
        lower?: number;
        upper?: number;
      }[];
    };
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    const trial = await study.ask();
    const config = suggestLcbenchConfig(trial);
    const expected = space.hyperparameters.filter(
      (h) => h.name !== "OpenML_task_id" && h.name !== "epoch",
    );
    expect(Object.keys(config).sort()).toEqual(expected.map((h) => h.name).sort());
    for (const h of expected) {
      const d = trial.distributions[h.name]!;
      expect(d.kind).toBe(h.type === "uniform_int" ? "int" : "float");
      if (d.kind === "categorical") throw new Error("unexpected categorical");
      expect(d.log).toBe(h.log);
      // YAHPO writes 1e-4 and 1e-1 as 0.00010000000000000009 and 0.10000000000000002.
      expect(d.low).toBeCloseTo(h.lower!, 12);
      expect(d.high).toBeCloseTo(h.upper!, 12);
      const v = config[h.name as keyof LcbenchConfig];
      expect(v).toBeGreaterThanOrEqual(d.low);
      expect(v).toBeLessThanOrEqual(d.high);
      if (d.kind === "int") expect(Number.isInteger(v)).toBe(true);
    }
  });
});
