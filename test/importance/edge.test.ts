/** Edge cases and errors of the importance API, with every evaluator. */
import { describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
} from "../../src/distributions/index.js";
import { InvalidArgumentError } from "../../src/errors/index.js";
import {
  computeParamImportances,
  FanovaImportanceEvaluator,
  getParamImportances,
  MeanDecreaseImpurityImportanceEvaluator,
  PedAnovaImportanceEvaluator,
} from "../../src/importance/index.js";
import { createStudy } from "../../src/study/create.js";
import { createTrial } from "../../src/trial/frozen.js";
import { snapshotOf } from "./reference.js";
import { evaluators, uniformTrials, unitBox, unitStudy } from "./synthetic.js";

describe.each(evaluators)("%s edge cases", (_, make) => {
  it("gives nothing for a study without COMPLETE trials", () => {
    const failed = createTrial({ state: "FAIL", params: { x0: 1 }, distributions: unitBox(1) });
    expect(computeParamImportances(snapshotOf([]), { evaluator: make() })).toEqual({});
    expect(computeParamImportances(snapshotOf([failed]), { evaluator: make() })).toEqual({});
  });

  it("gives equal shares for one trial, and zeros unnormalized", () => {
    const study = unitStudy(2, (x) => x[0]!, 1);
    expect(computeParamImportances(study, { evaluator: make() })).toEqual({ x1: 0.5, x0: 0.5 });
    const raw = computeParamImportances(study, { evaluator: make(), normalize: false });
    expect(raw).toEqual({ x1: 0, x0: 0 });
  });

  it("gives equal shares for a constant objective", () => {
    const study = unitStudy(3, () => 4.2, 50);
    const result = computeParamImportances(study, { evaluator: make() });
    for (const name of ["x0", "x1", "x2"]) expect(result[name]).toBeCloseTo(1 / 3, 12);
  });

  it("gives 0 to a parameter with a single value, listed last", () => {
    const space = { ...unitBox(2), k: new IntDistribution(3, 3) };
    const study = snapshotOf(uniformTrials(space, (p) => (p["x0"] as number) ** 2, 100));
    const result = computeParamImportances(study, { evaluator: make() });
    expect(result["k"]).toBe(0);
    expect(Object.keys(result)).toEqual(["x0", "x1", "k"]);
  });

  it("ranks a categorical that decides the objective first", () => {
    const space = { ...unitBox(2), c: new CategoricalDistribution(["a", "b", "c", "d", "e"]) };
    const offsets: Record<string, number> = { a: 0, b: 3, c: 1, d: 5, e: 2 };
    const study = snapshotOf(uniformTrials(space, (p) => offsets[p["c"] as string]!, 300));
    const result = computeParamImportances(study, { evaluator: make() });
    expect(Object.keys(result)[0]).toBe("c");
    expect(result["c"]).toBeGreaterThan(0.5);
  });

  it("leaves conditional parameters out unless named", () => {
    const study = conditionalStudy();
    const result = computeParamImportances(study, { evaluator: make() });
    expect(Object.keys(result).sort()).toEqual(["kind", "x"]);
    const named = computeParamImportances(study, { evaluator: make(), params: ["x", "y"] });
    expect(Object.keys(named).sort()).toEqual(["x", "y"]);
    expect(named["y"]).toBeGreaterThan(named["x"]!);
  });

  it("asks for a target on a multi-objective study, and uses it", () => {
    const trials = uniformTrials(unitBox(2), () => 0, 120).map((t) => {
      const x0 = t.params["x0"] as number;
      const x1 = t.params["x1"] as number;
      return t.with({ values: [x0 * x0, x1 * x1] });
    });
    const study = snapshotOf(trials, ["minimize", "minimize"]);
    expect(() => computeParamImportances(study, { evaluator: make() })).toThrow(
      InvalidArgumentError,
    );
    expect(() => computeParamImportances(study, { evaluator: make() })).toThrow(/target/);
    const first = computeParamImportances(study, {
      evaluator: make(),
      target: (t) => t.values![0]!,
    });
    const second = computeParamImportances(study, {
      evaluator: make(),
      target: (t) => t.values![1]!,
    });
    expect(Object.keys(first)[0]).toBe("x0");
    expect(Object.keys(second)[0]).toBe("x1");
  });

  it("assesses COMPLETE trials with a finite target only", () => {
    const good = uniformTrials(unitBox(2), (p) => (p["x0"] as number) ** 2, 150);
    // Trials that would make x1 look important if they were counted.
    const noise = uniformTrials(unitBox(2), (p) => 100 * (p["x1"] as number), 150, 7);
    const others = noise.map((t, i) =>
      i % 3 === 0
        ? t.with({ state: "FAIL", values: null })
        : i % 3 === 1
          ? t.with({ state: "PRUNED", values: null })
          : t.with({ values: [Number.NaN] }),
    );
    const clean = computeParamImportances(snapshotOf(good), { evaluator: make() });
    const mixed = computeParamImportances(snapshotOf([...good, ...others]), { evaluator: make() });
    expect(mixed).toEqual(clean);
  });

  it("rejects parameters that no COMPLETE trial has", () => {
    const study = unitStudy(2, (x) => x[0]!, 20);
    expect(() => computeParamImportances(study, { evaluator: make(), params: ["nope"] })).toThrow(
      InvalidArgumentError,
    );
    expect(computeParamImportances(study, { evaluator: make(), params: [] })).toEqual({});
  });
});

/** Trials with `kind` deciding whether `y` exists; y matters most where it does. */
function conditionalStudy() {
  const x = new FloatDistribution(0, 1);
  const kind = new CategoricalDistribution(["plain", "deep"]);
  const y = new FloatDistribution(-1, 1);
  const trials = uniformTrials({ x, kind, y }, () => 0, 300).map((t) => {
    const deep = t.params["kind"] === "deep";
    const xv = t.params["x"] as number;
    const yv = t.params["y"] as number;
    const params = deep ? t.params : { x: xv, kind: "plain" };
    const distributions = deep ? t.distributions : { x, kind };
    return createTrial({
      value: 0.1 * xv + (deep ? 10 * yv * yv : 5),
      params: { ...params },
      distributions: { ...distributions },
    });
  });
  return snapshotOf(trials);
}

describe("options and errors", () => {
  it("checks evaluator options", () => {
    expect(
      () => new PedAnovaImportanceEvaluator({ targetQuantile: 0.5, regionQuantile: 0.4 }),
    ).toThrow(InvalidArgumentError);
    expect(() => new PedAnovaImportanceEvaluator({ targetQuantile: 0 })).toThrow(/targetQuantile/);
    expect(() => new FanovaImportanceEvaluator({ nTrees: 0 })).toThrow(/nTrees/);
    expect(() => new MeanDecreaseImpurityImportanceEvaluator({ maxDepth: 1.5 })).toThrow(
      /maxDepth/,
    );
  });

  it("rejects params that are not a list of names", () => {
    const study = unitStudy(2, (x) => x[0]!, 20);
    const params = "x0" as unknown as string[];
    expect(() => computeParamImportances(study, { params })).toThrow(/list of parameter names/);
  });

  it("rejects named parameters whose distribution changes between trials (fANOVA, MDI)", () => {
    const a = uniformTrials({ x: new FloatDistribution(0, 1) }, (p) => p["x"] as number, 10);
    const b = uniformTrials({ x: new FloatDistribution(0, 2) }, (p) => p["x"] as number, 10, 1);
    const study = snapshotOf([...a, ...b]);
    for (const evaluator of [
      new FanovaImportanceEvaluator(),
      new MeanDecreaseImpurityImportanceEvaluator(),
    ]) {
      expect(() => computeParamImportances(study, { evaluator, params: ["x"] })).toThrow(
        /different distributions/,
      );
    }
    // PED-ANOVA assesses each distribution as a regime (Optuna 5).
    const ped = computeParamImportances(study, { params: ["x"] });
    expect(ped).toEqual({ x: 1 });
  });

  it("uses PED-ANOVA by default and accepts a Study as well as a snapshot", async () => {
    const snapshot = unitStudy(3, (x) => (x[1]! - 0.5) ** 2, 200);
    const study = await createStudy();
    await study.addTrials(snapshot.trials);
    const fromStudy = await getParamImportances(study);
    const fromSnapshot = await getParamImportances(snapshot);
    const explicit = computeParamImportances(snapshot, {
      evaluator: new PedAnovaImportanceEvaluator(),
    });
    expect(fromStudy).toEqual(explicit);
    expect(fromSnapshot).toEqual(explicit);
    expect(Object.keys(fromStudy)[0]).toBe("x1");
  });

  it("returns raw importances when normalize is false", () => {
    const study = unitStudy(2, (x) => 10 * x[0]! + x[1]!, 300);
    const evaluator = new FanovaImportanceEvaluator({ seed: 3 });
    const raw = computeParamImportances(study, { evaluator, normalize: false });
    const shares = computeParamImportances(study, { evaluator });
    const sum = raw["x0"]! + raw["x1"]!;
    expect(sum).toBeGreaterThan(0.9);
    expect(sum).toBeLessThanOrEqual(1 + 1e-9);
    expect(shares["x0"]).toBeCloseTo(raw["x0"]! / sum, 12);
  });

  it("orders ties as Optuna does: reverse of the parameters' order", () => {
    const study = unitStudy(3, () => 1, 10);
    expect(Object.keys(computeParamImportances(study))).toEqual(["x2", "x1", "x0"]);
  });

  it("PED-ANOVA looks at the best trials of a maximized objective", () => {
    const trials = uniformTrials(unitBox(2), (p) => -((p["x0"] as number) ** 2), 300);
    // Maximizing −x0² is minimizing x0²: the same top trials, so the same importances.
    const maximized = computeParamImportances(snapshotOf(trials, ["maximize"]));
    const negated = trials.map((t) => t.with({ values: [-t.values![0]!] }));
    expect(maximized).toEqual(computeParamImportances(snapshotOf(negated)));
    // A target is always minimized, as in Optuna.
    const targeted = computeParamImportances(snapshotOf(trials, ["maximize"]), {
      target: (t) => -t.values![0]!,
    });
    expect(targeted).toEqual(maximized);
  });
});

describe("determinism", () => {
  const study = unitStudy(4, (x) => x[0]! ** 2 + 0.5 * x[1]! + 0.1 * x[2]! * x[3]!, 300);
  it.each([
    ["fANOVA", (seed: number) => new FanovaImportanceEvaluator({ seed })],
    ["MDI", (seed: number) => new MeanDecreaseImpurityImportanceEvaluator({ seed })],
  ])("%s gives the same importances for the same seed", (_, make) => {
    const a = computeParamImportances(study, { evaluator: make(11) });
    const b = computeParamImportances(study, { evaluator: make(11) });
    const c = computeParamImportances(study, { evaluator: make(12) });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    for (const name of Object.keys(a)) expect(Math.abs(a[name]! - c[name]!)).toBeLessThan(0.05);
  });
});
