/** Trials of small synthetic objectives whose importances are known, and the evaluators to run. */
import {
  type Distribution,
  FloatDistribution,
  type ParamValue,
} from "../../src/distributions/index.js";
import {
  FanovaImportanceEvaluator,
  type ImportanceEvaluator,
  MeanDecreaseImpurityImportanceEvaluator,
  PedAnovaImportanceEvaluator,
} from "../../src/importance/index.js";
import { Rng } from "../../src/math/rng.js";
import type { StudySnapshot } from "../../src/study/snapshot.js";
import { createTrial, type FrozenTrial } from "../../src/trial/frozen.js";
import { snapshotOf } from "./reference.js";

/** Every evaluator by name, seeded where it is random, for `describe.each`. */
export const evaluators: [string, () => ImportanceEvaluator][] = [
  ["PED-ANOVA", () => new PedAnovaImportanceEvaluator()],
  ["fANOVA", () => new FanovaImportanceEvaluator({ seed: 0 })],
  ["MDI", () => new MeanDecreaseImpurityImportanceEvaluator({ seed: 0 })],
];

/** `n` trials with uniform values of `space`, valued by `f`. */
export function uniformTrials(
  space: Record<string, Distribution>,
  f: (p: Record<string, ParamValue>) => number,
  n: number,
  seed = 0,
): FrozenTrial[] {
  const rng = new Rng(seed);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params: Record<string, ParamValue> = {};
    for (const [name, d] of Object.entries(space)) {
      if (d.kind === "categorical") params[name] = d.choices[rng.integer(0, d.choices.length - 1)]!;
      else if (d.kind === "int") params[name] = rng.integer(d.low, d.high);
      else params[name] = rng.uniform(d.low, d.high);
    }
    trials.push(createTrial({ value: f(params), params, distributions: { ...space } }));
  }
  return trials;
}

/** A unit box of float parameters x0..x{d−1}. */
export function unitBox(d: number): Record<string, Distribution> {
  const unit = new FloatDistribution(0, 1);
  return Object.fromEntries(Array.from({ length: d }, (_, j) => [`x${j}`, unit]));
}

/** A study of `n` uniform trials on the unit box of `d` parameters, valued by `f`. */
export function unitStudy(
  d: number,
  f: (x: readonly number[]) => number,
  n: number,
  seed = 0,
): StudySnapshot {
  const trials = uniformTrials(
    unitBox(d),
    (p) => f(Array.from({ length: d }, (_, j) => p[`x${j}`] as number)),
    n,
    seed,
  );
  return snapshotOf(trials);
}
