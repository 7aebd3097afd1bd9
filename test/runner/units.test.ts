import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { HyperbandPruner } from "../../src/pruners/hyperband.js";
import { PatientPruner } from "../../src/pruners/patient.js";
import { NopPruner } from "../../src/pruners/pruner.js";
import { prunerByName, samplerByName } from "../../src/runner/choices.js";
import { ConsecutiveFailures, quoteArgv, Tail } from "../../src/runner/failures.js";
import { MetricReader } from "../../src/runner/metrics.js";
import { parseEnqueue } from "../../src/runner/run.js";
import { SlotPool } from "../../src/runner/slots.js";
import { parseSpaceText, readSpace } from "../../src/runner/space.js";
import { checkTemplate, expandTemplate } from "../../src/runner/template.js";
import { GridSampler } from "../../src/samplers/grid/grid-sampler.js";
import { TPESampler } from "../../src/samplers/tpe/tpe-sampler.js";

const ctx = { trialNumber: 7, trialDir: "/tmp/t/7", studyName: "mlp" };

describe("argv templates", () => {
  it("substitutes placeholders inside arguments, {args} as a whole argument, and {{ }}", () => {
    const argv = [
      "train",
      "--lr={lr}",
      "{args}",
      "--out",
      "{trial_dir}/ckpt",
      "{{lr}}",
      "{study_name}-{trial_number}",
    ];
    checkTemplate(argv, ["lr", "act"]);
    expect(expandTemplate(argv, { lr: 0.001, act: "relu" }, ctx)).toEqual([
      "train",
      "--lr=0.001",
      "--lr=0.001",
      "--act=relu",
      "--out",
      "/tmp/t/7/ckpt",
      "{lr}",
      "mlp-7",
    ]);
  });

  it("leaves a hostile value exactly as it is", () => {
    const value = `a b 'c' "d" $(touch x); rm -rf / \`id\` ünï ✓`;
    expect(expandTemplate(["--v", "{v}"], { v: value }, ctx)).toEqual(["--v", value]);
  });

  it("refuses an unknown placeholder, naming the known ones", () => {
    expect(() => checkTemplate(["python", "--lr", "{learning_rate}"], ["lr"])).toThrow(
      /names \{learning_rate\}, which is not a parameter.*\{lr\}/,
    );
    expect(() => checkTemplate(["python", "{x}"], null)).toThrow(InvalidArgumentError);
    expect(() => checkTemplate(["python", "{args}"], null)).toThrow(/static search space/);
    expect(() => checkTemplate([], [])).toThrow(/No command given/);
    // JSON in an argument is not a placeholder.
    expect(() => checkTemplate(["prog", '{"a": 1}'], [])).not.toThrow();
  });
});

describe("search space files", () => {
  it("reads the short form from YAML and Optuna's JSON, with the same result", () => {
    const yaml = parseSpaceText(
      "lr: {type: float, low: 1.0e-4, high: 0.1, log: true}\nlayers: {type: int, low: 1, high: 4}\nact:\n  type: categorical\n  choices: [relu, tanh]\n",
      "--space s.yaml",
      true,
    );
    const json = parseSpaceText(
      JSON.stringify({
        lr: { name: "FloatDistribution", attributes: { low: 1e-4, high: 0.1, log: true } },
        layers: { name: "IntDistribution", attributes: { low: 1, high: 4 } },
        act: { name: "CategoricalDistribution", attributes: { choices: ["relu", "tanh"] } },
      }),
      "--space",
      false,
    );
    expect(yaml).toEqual(json);
    expect(Object.keys(yaml)).toEqual(["lr", "layers", "act"]);
  });

  it("reads a file by its extension and says which file and field is wrong", () => {
    const dir = mkdtempSync(join(tmpdir(), "sj-space-"));
    writeFileSync(join(dir, "s.yml"), "x: {type: float, low: 1, high: 0}\n");
    expect(() => readSpace(join(dir, "s.yml"))).toThrow(/^--space .*s\.yml: parameter "x"/);
    writeFileSync(join(dir, "s.json"), '{"x": {"type": "int", "low": 0, "high": 3}}');
    expect(readSpace(join(dir, "s.json"))["x"]?.kind).toBe("int");
    expect(() => readSpace(join(dir, "missing.yaml"))).toThrow(/no such file/);
    expect(() => parseSpaceText("x: [", "--space s.yaml", true)).toThrow(/is not YAML/);
    expect(readSpace('{"x": {"type": "categorical", "choices": [1, "a"]}}')["x"]?.kind).toBe(
      "categorical",
    );
  });
});

describe("metric lines", () => {
  it("reads JSON objects with the key; step from step or epoch, else a counter", () => {
    const reader = new MetricReader(["loss"], ["minimize"]);
    expect(reader.read("hello")).toBeNull();
    expect(reader.read('{"acc": 1}')).toBeNull();
    expect(reader.read("{not json}")).toBeNull();
    expect(reader.read('{"loss": 3}')).toEqual({ step: 0, values: new Map([["loss", 3]]) });
    expect(reader.read('  {"loss": 1, "epoch": 5} ')?.step).toBe(5);
    expect(reader.read('{"loss": "2.5", "step": 9}')).toEqual({
      step: 9,
      values: new Map([["loss", 2.5]]),
    });
    expect(reader.read('{"loss": 4}')?.step).toBe(3);
    expect(reader.values("last")).toEqual([4]);
    expect(reader.values("best")).toEqual([1]);
  });

  it("keeps one value per key for several objectives, and names a missing key", () => {
    const reader = new MetricReader(["loss", "acc"], ["minimize", "maximize"]);
    reader.read('{"loss": 0.5}');
    expect(reader.values("last")).toBe("no line with key acc on standard output");
    reader.read('{"acc": 0.9, "loss": 0.4}');
    reader.read('{"acc": 0.8, "loss": NaN}');
    expect(reader.values("best")).toEqual([0.4, 0.9]);
    const last = reader.values("last") as number[];
    expect(Number.isNaN(last[0])).toBe(true);
    expect(last[1]).toBe(0.8);
  });
});

describe("slots, failures, enqueue", () => {
  it("gives each slot its GPU and never one slot to two trials", () => {
    const pool = new SlotPool(4, ["0", "1"]);
    const a = pool.acquire();
    const b = pool.acquire();
    expect([a.index, b.index]).toEqual([0, 1]);
    expect(SlotPool.env(b)).toEqual({ CUDA_VISIBLE_DEVICES: "1" });
    expect(SlotPool.env(pool.acquire())).toEqual({ CUDA_VISIBLE_DEVICES: "0" });
    pool.release(a);
    expect(pool.acquire().index).toBe(0);
    pool.acquire();
    expect(() => pool.acquire()).toThrow(/No free slot/);
    expect(SlotPool.env(new SlotPool(1, null).acquire())).toEqual({});
  });

  it("counts failures in a row and keeps the last lines of standard error", () => {
    const failures = new ConsecutiveFailures(2);
    expect(failures.record(true, "a")).toBe(false);
    expect(failures.record(false, undefined)).toBe(false);
    expect(failures.record(true, "b")).toBe(false);
    expect(failures.record(true, "c")).toBe(true);
    expect(failures.error(["python", "t.py", "--lr", "{lr}"]).message).toMatch(
      /2 trials failed in a row.*Command: python t\.py --lr \{lr\}\. Last error: c/,
    );
    const tail = new Tail(2);
    for (const line of ["1", "2", "3"]) tail.push(line);
    expect(tail.text()).toBe("2\n3");
    expect(quoteArgv(["a b", "it's"])).toBe(`'a b' 'it'\\''s'`);
  });

  it("reads --enqueue as an object or a list", () => {
    expect(parseEnqueue('{"lr": 0.1}')).toEqual([{ lr: 0.1 }]);
    expect(parseEnqueue('[{"lr": 0.1}, {"lr": 0.2}]')).toHaveLength(2);
    expect(() => parseEnqueue("[1]")).toThrow(/object of parameters/);
    expect(() => parseEnqueue("{")).toThrow(/not JSON/);
  });
});

describe("samplers and pruners by name", () => {
  it("takes short names and Optuna's class names, kwargs in snake_case", async () => {
    expect(await samplerByName("tpe", '{"n_startup_trials": 3, "seed": 1}', null)).toBeInstanceOf(
      TPESampler,
    );
    expect(await samplerByName("TPESampler", undefined, null)).toBeInstanceOf(TPESampler);
    await expect(samplerByName("simplex", undefined, null)).rejects.toThrow(
      /Unknown sampler "simplex"/,
    );
    expect(
      await prunerByName("hyperband", '{"min_resource": 1, "max_resource": 9}'),
    ).toBeInstanceOf(HyperbandPruner);
    expect(await prunerByName("none", undefined)).toBeInstanceOf(NopPruner);
    expect(await prunerByName("patient", '{"patience": 2}')).toBeInstanceOf(PatientPruner);
    await expect(prunerByName("early", undefined)).rejects.toThrow(/Unknown pruner "early"/);
    await expect(prunerByName(undefined, "{}")).rejects.toThrow(/without --pruner/);
  });

  it("builds the grid of a static space for --sampler grid", async () => {
    const space = parseSpaceText(
      '{"n": {"type": "int", "low": 1, "high": 3}, "act": {"type": "categorical", "choices": ["a", "b"]}}',
      "--space",
      false,
    );
    expect(await samplerByName("grid", undefined, space)).toBeInstanceOf(GridSampler);
    const float = parseSpaceText('{"x": {"type": "float", "low": 0, "high": 1}}', "--space", false);
    await expect(samplerByName("grid", undefined, float)).rejects.toThrow(/no finite grid/);
  });
});
