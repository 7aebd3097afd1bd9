/**
 * Parameter importance time (issue 14): fANOVA, PED-ANOVA and mean decrease in impurity on
 * uniform random studies of 1,000 trials × 8 floats and 10,000 × 32, timed through
 * `computeParamImportances` (the trials are already in memory). Reports the first call (it
 * includes the JIT's warm-up, what a dashboard pays once) and the median of 3 more, wall and
 * CPU (the machine is shared: CPU time shows the work when other processes hold the cores).
 * Optuna runs the same evaluators on the same trials in the same run: fANOVA and MDI in
 * Optuna 3.1 with scikit-learn (/usr/bin/python3), PED-ANOVA in Optuna 5.0 (the venv that
 * SKIPJACK_TEST_PYTHON names). Optuna 3.1's fANOVA on 10,000 × 32 is stopped after 5 minutes.
 */
import { loadavg } from "node:os";
import { FloatDistribution } from "../src/distributions/index.js";
import {
  computeParamImportances,
  FanovaImportanceEvaluator,
  type ImportanceEvaluator,
  MeanDecreaseImpurityImportanceEvaluator,
  PedAnovaImportanceEvaluator,
} from "../src/importance/index.js";
import { Rng } from "../src/math/rng.js";
import type { StudySnapshot } from "../src/study/snapshot.js";
import { createTrial, type FrozenTrial } from "../src/trial/frozen.js";
import {
  OPTUNA31_PYTHON,
  optunaImportances,
  pedAnovaPython,
  snapshotOf,
} from "../test/importance/reference.js";

export interface ImportanceRow {
  evaluator: string;
  size: string;
  firstMs: number;
  wallMs: number;
  cpuMs: number;
  /** Optuna's time per call (ms), a note when it was not run or was stopped. */
  optuna: number | string;
  optunaVersion: string;
  target: string;
}

/**
 * `n` uniform trials of `d` floats on [0, 1]: a weighted sum of squares, decreasing weights,
 * plus an interaction, so that importances differ and the trees grow deep.
 */
export function benchStudy(n: number, d: number, seed = 0): StudySnapshot {
  const rng = new Rng(seed, "importance-bench");
  const unit = new FloatDistribution(0, 1);
  const distributions = Object.fromEntries(Array.from({ length: d }, (_, j) => [`x${j}`, unit]));
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params: Record<string, number> = {};
    let value = 0;
    for (let j = 0; j < d; j++) {
      const x = rng.random();
      params[`x${j}`] = x;
      value += ((x - 0.5) * (x - 0.5)) / (j + 1);
    }
    value += params["x0"]! * params["x1"]!;
    trials.push(createTrial({ value, params, distributions }));
  }
  return snapshotOf(trials);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(study: StudySnapshot, evaluator: ImportanceEvaluator, repeats: number) {
  const t0 = performance.now();
  computeParamImportances(study, { evaluator });
  const firstMs = performance.now() - t0;
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    computeParamImportances(study, { evaluator });
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return { firstMs, wallMs: median(walls), cpuMs: median(cpus) };
}

interface Case {
  evaluator: string;
  n: number;
  d: number;
  make: () => ImportanceEvaluator;
  /** Optuna's evaluator, the Python that has it, and a time limit; null: not run. */
  optuna: { kind: "fanova" | "ped-anova" | "mdi"; python: string | null; limitMs: number } | null;
  target: string;
}

/**
 * Runs the cases; --quick runs the small sizes once and Optuna's PED-ANOVA only. `load` is the
 * machine's 1-minute load average before and after, to read the wall times by.
 */
export async function measureImportance(
  quick: boolean,
): Promise<{ rows: ImportanceRow[]; load: string }> {
  const loadBefore = loadavg()[0]!;
  const ped = pedAnovaPython();
  const fanova = () => new FanovaImportanceEvaluator({ seed: 0 });
  const mdi = () => new MeanDecreaseImpurityImportanceEvaluator({ seed: 0 });
  const pedAnova = () => new PedAnovaImportanceEvaluator();
  const sklearn = (kind: "fanova" | "mdi", limitMs: number) =>
    quick ? null : { kind, python: OPTUNA31_PYTHON, limitMs };
  const cases: Case[] = [
    {
      evaluator: "fANOVA",
      n: 1000,
      d: 8,
      make: fanova,
      optuna: sklearn("fanova", 600_000),
      target: "<= 0.5 s",
    },
    {
      evaluator: "fANOVA",
      n: 10_000,
      d: 32,
      make: fanova,
      optuna: sklearn("fanova", 300_000),
      target: "<= 5 s",
    },
    {
      evaluator: "PED-ANOVA",
      n: 1000,
      d: 8,
      make: pedAnova,
      optuna: { kind: "ped-anova", python: ped, limitMs: 120_000 },
      target: "-",
    },
    {
      evaluator: "PED-ANOVA",
      n: 10_000,
      d: 32,
      make: pedAnova,
      optuna: quick ? null : { kind: "ped-anova", python: ped, limitMs: 300_000 },
      target: "<= 0.05 s",
    },
    { evaluator: "MDI", n: 1000, d: 8, make: mdi, optuna: sklearn("mdi", 300_000), target: "-" },
    { evaluator: "MDI", n: 10_000, d: 32, make: mdi, optuna: sklearn("mdi", 600_000), target: "-" },
  ];
  const studies = new Map<string, StudySnapshot>();
  const studyOf = (n: number, d: number) => {
    const key = `${n}x${d}`;
    if (!studies.has(key)) studies.set(key, benchStudy(n, d));
    return studies.get(key)!;
  };
  const rows: ImportanceRow[] = [];
  for (const c of cases) {
    if (quick && c.n > 1000 && c.evaluator !== "PED-ANOVA") continue;
    const study = studyOf(c.n, c.d);
    const ours = time(study, c.make(), quick ? 1 : 3);
    let optuna: number | string = "not run (quick)";
    let optunaVersion = "-";
    if (c.optuna !== null && c.optuna.python === null) optuna = "not installed";
    else if (c.optuna !== null) {
      try {
        const [result] = await optunaImportances(
          c.optuna.python!,
          [{ study, kind: c.optuna.kind, seed: 0 }],
          c.optuna.limitMs,
        );
        optuna = result!.seconds * 1000;
        optunaVersion = result!.version;
      } catch {
        optuna = `> ${c.optuna.limitMs / 1000} s (stopped)`;
      }
    }
    rows.push({
      evaluator: c.evaluator,
      size: `${c.n.toLocaleString("en-US")} × ${c.d}`,
      ...ours,
      optuna,
      optunaVersion,
      target: c.target,
    });
  }
  return { rows, load: `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}` };
}
