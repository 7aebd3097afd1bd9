/**
 * Test and benchmark helpers: trials of the shared benchmark problems, and the importances
 * Optuna computes for the same trials (through test/importance/optuna_reference.py).
 */
import { execFile as execFileCallback, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { SyntheticProblem } from "../../bench/problems/synthetic.js";
import { distributionToJson, FloatDistribution } from "../../src/distributions/index.js";
import { Rng } from "../../src/math/rng.js";
import { makeSnapshot, type StudySnapshot } from "../../src/study/snapshot.js";
import { createTrial, type FrozenTrial } from "../../src/trial/frozen.js";

const execFile = promisify(execFileCallback);

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

/** One evaluation for Optuna to run. */
export interface OptunaCase {
  readonly study: StudySnapshot;
  readonly kind: "fanova" | "ped-anova" | "mdi";
  readonly seed?: number;
  readonly params?: readonly string[];
  readonly targetIndex?: number;
  readonly repeat?: number;
  readonly normalize?: boolean;
  /** PED-ANOVA's options, in Python's names (target_quantile...). */
  readonly pedAnova?: Record<string, number | boolean>;
}

/**
 * Runs Optuna's evaluators on the cases' trials with `python`, in one process; rejects when it
 * fails or runs past `timeoutMs`.
 */
export async function optunaImportances(
  python: string,
  cases: readonly OptunaCase[],
  timeoutMs = 0,
): Promise<OptunaImportances[]> {
  const specs = cases.map((c) => ({
    directions: c.study.directions,
    trials: c.study.trials.map((t) => ({
      params: t.params,
      distributions: Object.fromEntries(
        Object.entries(t.distributions).map(([k, d]) => [k, distributionToJson(d)]),
      ),
      values: t.values,
    })),
    evaluator: c.kind,
    seed: c.seed ?? 0,
    params: c.params ?? null,
    target_index: c.targetIndex ?? null,
    repeat: c.repeat ?? 1,
    normalize: c.normalize ?? true,
    options: c.pedAnova ?? {},
  }));
  const child = execFile(python, [REFERENCE_SCRIPT], {
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
  });
  child.child.stdin!.end(JSON.stringify(specs));
  const { stdout } = await child;
  return JSON.parse(stdout) as OptunaImportances[];
}

/**
 * The Python with Optuna ≥ 3.6 for PED-ANOVA: SKIPJACK_TEST_PYTHON (CI points it at a venv
 * with Optuna 5.0), else that venv's usual path; null when neither has PED-ANOVA.
 */
export function pedAnovaPython(): string | null {
  const candidates = [process.env["SKIPJACK_TEST_PYTHON"], "/tmp/skipjack-ci-torch/bin/python"];
  for (const python of candidates) {
    if (python === undefined || python === "" || !existsSync(python)) continue;
    try {
      execFileSync(python, ["-c", "from optuna.importance import PedAnovaImportanceEvaluator"], {
        stdio: "ignore",
      });
      return python;
    } catch {
      // Not this one.
    }
  }
  return null;
}
