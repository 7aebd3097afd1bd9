/**
 * Importances on objectives whose answer is known: every evaluator must rank the parameters
 * right, and fANOVA must recover the analytic variance shares.
 */
import { describe, expect, it } from "vitest";
import { computeParamImportances, FanovaImportanceEvaluator } from "../../src/importance/index.js";
import { evaluators, unitStudy } from "./synthetic.js";

describe.each(evaluators)("%s on known problems", (_, make) => {
  it("a function of x0 only puts x0 first, far ahead", () => {
    const study = unitStudy(3, (x) => (x[0]! - 0.3) ** 2, 300);
    const result = computeParamImportances(study, { evaluator: make() });
    expect(Object.keys(result)[0]).toBe("x0");
    expect(result["x0"]).toBeGreaterThan(0.6);
    expect(result["x0"]! + result["x1"]! + result["x2"]!).toBeCloseTo(1, 12);
  });

  it("x0 ten times x1 ranks x0 above x1 above an unused x2", () => {
    const study = unitStudy(3, (x) => 10 * (x[0]! - 0.5) ** 2 + (x[1]! - 0.5) ** 2, 400);
    const result = computeParamImportances(study, { evaluator: make() });
    expect(Object.keys(result).slice(0, 2)).toEqual(["x0", "x1"]);
    expect(result["x0"]).toBeGreaterThan(3 * result["x1"]!);
  });

  it("an interaction x0·x1 ranks both above an unused x2", () => {
    const study = unitStudy(3, (x) => x[0]! * x[1]!, 400);
    const result = computeParamImportances(study, { evaluator: make() });
    expect(Object.keys(result)[2]).toBe("x2");
    expect(result["x2"]).toBeLessThan(0.5 * Math.min(result["x0"]!, result["x1"]!));
  });
});

describe("fANOVA values", () => {
  it("recovers the variance shares of an additive function (100 : 1)", () => {
    // Var(10·x0) : Var(x1) = 100 : 1 on the unit square: shares 0.990 and 0.010.
    const study = unitStudy(2, (x) => 10 * x[0]! + x[1]!, 500);
    const result = computeParamImportances(study, {
      evaluator: new FanovaImportanceEvaluator({ seed: 1 }),
    });
    expect(result["x0"]).toBeCloseTo(100 / 101, 2);
    expect(result["x1"]).toBeCloseTo(1 / 101, 2);
  });

  it("gives main effects only: an interaction's share is not attributed to x0 or x1", () => {
    // (x0 − ½)(x1 − ½) has no main effect at all; + x2 has a pure main effect. Unnormalized,
    // x2's share is Var(x2)/(Var(x2) + Var(product)) = (1/12)/(1/12 + 1/144) ≈ 0.923.
    const study = unitStudy(3, (x) => (x[0]! - 0.5) * (x[1]! - 0.5) + x[2]!, 600);
    const raw = computeParamImportances(study, {
      evaluator: new FanovaImportanceEvaluator({ seed: 0 }),
      normalize: false,
    });
    expect(raw["x2"]).toBeGreaterThan(0.85);
    expect(raw["x2"]).toBeLessThan(0.97);
    expect(raw["x0"]).toBeLessThan(0.03);
    expect(raw["x1"]).toBeLessThan(0.03);
  });
});
