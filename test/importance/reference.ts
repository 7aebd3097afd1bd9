/**
 * Test and benchmark helpers: trials of the shared benchmark problems, and the importances
 * Optuna computes for the same trials (through test/importance/optuna_reference.py).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SyntheticProblem } from "../../bench/problems/synthetic.js";
import { distributionToJson, FloatDistribution } from "../../src/distributions/index.js";
import { Rng } from "../../src/math/rng.js";
import { makeSnapshot, type StudySnapshot } from "../../src/study/snapshot.js";
import { createTrial, type FrozenTrial } from "../../src/trial/frozen.js";

/** Python with Optuna 3.1 and scikit-learn (Debian's python3-optuna, python3-sklearn). */
export const OPTUNA31_PYTHON = "/usr/bin/python3";

/** The script that runs Optuna's evaluators. */
export const REFERENCE_SCRIPT = fileURLToPath(new URL("./optuna_reference.py", import.meta.url));

/** Numbers trials as a study would. */
export function numbered(trials: readonly FrozenTrial[]): FrozenTrial[] {
  return trials.map((trial, i) => trial.with({ number: i, trialId: i }));
}

/** A single-objective minimization snapshot of `trials`. */
export function snapshotOf(
  trials: readonly FrozenTrial[],
  directions: readonly ("minimize" | "maximize")[] = ["minimize"],
): StudySnapshot {
  return makeSnapshot("importance", directions, numbered(trials));
}

/** `n` uniformly random trials of a benchmark problem. */
export function problemTrials(problem: SyntheticProblem, n: number, seed: number): FrozenTrial[] {
  const rng = new Rng(seed, problem.name);
  const distributions = Object.fromEntries(
    problem.space.map((p) => [p.name, new FloatDistribution(p.low, p.high)]),
  );
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const x = problem.space.map((p) => rng.uniform(p.low, p.high));
    const params = Object.fromEntries(problem.space.map((p, j) => [p.name, x[j]!]));
    trials.push(createTrial({ value: problem.evaluate(x), params, distributions }));
  }
  return numbered(trials);
}

/** What Optuna returns for the same trials. */
export interface OptunaImportances {
  readonly importances: Record<string, number>;
  /** Mean seconds per call. */
  readonly seconds: number;
  readonly version: string;
}

/** Runs Optuna's evaluator `kind` on `study`'s trials with `python`. */
export function optunaImportances(
  python: string,
  study: StudySnapshot,
  kind: "fanova" | "ped-anova" | "mdi",
  options: {
    seed?: number;
    params?: readonly string[];
    targetIndex?: number;
    repeat?: number;
    normalize?: boolean;
    /** PED-ANOVA's options, in Python's names (target_quantile...). */
    pedAnova?: Record<string, number | boolean>;
  } = {},
): OptunaImportances {
  const spec = {
    directions: study.directions,
    trials: study.trials.map((t) => ({
      params: t.params,
      distributions: Object.fromEntries(
        Object.entries(t.distributions).map(([k, d]) => [k, distributionToJson(d)]),
      ),
      values: t.values,
    })),
    evaluator: kind,
    seed: options.seed ?? 0,
    params: options.params ?? null,
    target_index: options.targetIndex ?? null,
    repeat: options.repeat ?? 1,
    normalize: options.normalize ?? true,
    options: options.pedAnova ?? {},
  };
  const out = execFileSync(python, [REFERENCE_SCRIPT], {
    input: JSON.stringify(spec),
    maxBuffer: 64 * 1024 * 1024,
    encoding: "utf8",
  });
  return JSON.parse(out) as OptunaImportances;
}
