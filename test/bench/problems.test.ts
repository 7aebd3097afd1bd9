import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { syntheticProblems } from "../../bench/problems/synthetic.js";

interface Reference {
  name: string;
  dim: number;
  default_budget: number;
  space: { name: string; low: number; high: number }[];
  optimum_value: number;
  optimum_x: Record<string, number>[];
  test_vectors: { params: Record<string, number>; value: number }[];
}

const reference = JSON.parse(
  readFileSync(new URL("../../bench/problems/functions.json", import.meta.url), "utf8"),
) as { problems: Reference[] };

describe("synthetic benchmark problems", () => {
  it("covers every problem of functions.json", () => {
    expect(syntheticProblems.map((p) => p.name)).toEqual(reference.problems.map((p) => p.name));
  });

  for (const ref of reference.problems) {
    const problem = syntheticProblems.find((p) => p.name === ref.name)!;
    describe(ref.name, () => {
      it("has the reference search space, budget and optimum", () => {
        expect(problem.dim).toBe(ref.dim);
        expect(problem.budget).toBe(ref.default_budget);
        expect(problem.optimumValue).toBe(ref.optimum_value);
        expect(problem.space).toEqual(
          ref.space.map(({ name, low, high }) => ({ name, low, high })),
        );
      });

      it("reproduces every test vector", () => {
        for (const { params, value } of ref.test_vectors) {
          const x = problem.space.map((p) => params[p.name]!);
          const got = problem.evaluate(x);
          // Bit for bit but for libm's last digit (exp, cos).
          expect(Math.abs(got - value)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(value)));
        }
      });

      it("reaches its optimum value at the optimum", () => {
        for (const at of ref.optimum_x) {
          const got = problem.evaluate(problem.space.map((p) => at[p.name]!));
          expect(got - problem.optimumValue).toBeLessThan(1e-9);
        }
      });
    });
  }
});
