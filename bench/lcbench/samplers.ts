/**
 * Sampler benchmark on LCBench (issue 4, real-world part): maximize the surrogate's
 * val_accuracy at epoch 52 over the 7 hyperparameters on tasks 3945, 7593 and 34539; 100
 * trials and 10 seeds (quick: 30 trials, 2 seeds). For each sampler: per task, the median over
 * seeds of the clipped normalized regret of the best trial after 10/25/50/100 trials; then the
 * mean of those medians over the tasks. Also counts the runs whose best value lies above the
 * data's max (the surrogate extrapolating at a corner of the box, where regret is clipped to 0).
 */
import { getVerbosity, setVerbosity, Verbosity } from "../../src/logging/index.js";
import { NopPruner } from "../../src/pruners/pruner.js";
import { createStudy } from "../../src/study/create.js";
import { REGRET_CHECKPOINTS, type SamplerFactory } from "../samplers.js";
import {
  aboveMax,
  clippedRegret,
  LAST_EPOCH,
  LCBENCH_TASKS,
  type LcbenchSurrogate,
  loadLcbench,
  suggestLcbenchConfig,
  type TaskStatistics,
} from "./surrogate.js";

/** Options of `runLcbenchSamplerBenchmark`. */
export interface LcbenchSamplerBenchmarkOptions {
  /** 2 seeds and 30 trials instead of 10 seeds and 100 trials. */
  quick: boolean;
  /** Samplers to compare, by display name. */
  samplers: Record<string, SamplerFactory>;
  /** Tasks (OpenML ids). Default: 3945, 7593, 34539. */
  tasks?: readonly number[];
  /** Override the number of seeds / trials. */
  seeds?: number;
  trials?: number;
}

type Checkpoint = (typeof REGRET_CHECKPOINTS)[number];

/** One sampler on one task over the seeds. */
export interface LcbenchTaskRow {
  task: number;
  sampler: string;
  seeds: number;
  trials: number;
  /** Median over seeds of the clipped normalized regret after t trials; null beyond the run. */
  regretAt: Record<Checkpoint, number | null>;
  /** Median over seeds of the unclipped normalized regret at the end (may be < 0). */
  finalRawRegret: number;
  /** Runs whose best value is above the data's max. */
  runsAboveMax: number;
  /** Trials (over all seeds) whose value is above the data's max. */
  trialsAboveMax: number;
}

/** One sampler: the per-task medians averaged over the tasks. */
export interface LcbenchSummaryRow {
  sampler: string;
  /** Mean over tasks of the per-task median clipped normalized regret; null beyond the run. */
  meanRegretAt: Record<Checkpoint, number | null>;
  runsAboveMax: number;
  runs: number;
  /** Wall-clock seconds for all of this sampler's runs. */
  seconds: number;
}

export interface LcbenchSamplerBenchmarkResult {
  seeds: number;
  trials: number;
  tasks: readonly number[];
  rows: LcbenchTaskRow[];
  summary: LcbenchSummaryRow[];
}

/** Linear-interpolation quantile of sorted values (as bench/samplers.ts). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  if (lo === hi || sorted[lo] === sorted[hi]) return sorted[lo]!;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** One study on one task; returns each trial's val_accuracy at epoch 52, in trial order. */
async function runOnce(
  surrogate: LcbenchSurrogate,
  task: number,
  factory: SamplerFactory,
  seed: number,
  nTrials: number,
): Promise<number[]> {
  const study = await createStudy({
    sampler: factory(seed),
    pruner: new NopPruner(),
    direction: "maximize",
  });
  const values: number[] = [];
  await study.optimize(
    async (trial) => {
      const config = suggestLcbenchConfig(trial);
      const [result] = await surrogate.evaluate(task, [config], LAST_EPOCH);
      values.push(result!.valAccuracy);
      return result!.valAccuracy;
    },
    { nTrials, showProgressBar: false, handleSigint: false },
  );
  return values;
}

/** Best-so-far clipped regret after each trial. */
function regretCurve(stats: TaskStatistics, values: readonly number[]): number[] {
  let best = Number.NEGATIVE_INFINITY;
  return values.map((v) => {
    best = Math.max(best, v);
    return clippedRegret(stats, best);
  });
}

/** Runs every (task, sampler, seed) and returns per-task rows and the per-sampler summary. */
export async function runLcbenchSamplerBenchmark(
  options: LcbenchSamplerBenchmarkOptions,
): Promise<LcbenchSamplerBenchmarkResult> {
  const previous = getVerbosity();
  setVerbosity(Verbosity.WARNING);
  try {
    const surrogate = await loadLcbench();
    const tasks = options.tasks ?? LCBENCH_TASKS;
    const nSeeds = options.seeds ?? (options.quick ? 2 : 10);
    const nTrials = options.trials ?? (options.quick ? 30 : 100);
    const rows: LcbenchTaskRow[] = [];
    const summary: LcbenchSummaryRow[] = [];
    for (const [name, factory] of Object.entries(options.samplers)) {
      const started = performance.now();
      const mine: LcbenchTaskRow[] = [];
      for (const task of tasks) {
        const stats = surrogate.stats(task);
        const runs: number[][] = [];
        for (let seed = 0; seed < nSeeds; seed++) {
          runs.push(await runOnce(surrogate, task, factory, seed, nTrials));
        }
        const curves = runs.map((values) => regretCurve(stats, values));
        const regretAt = {} as LcbenchTaskRow["regretAt"];
        for (const t of REGRET_CHECKPOINTS) {
          regretAt[t] = t <= nTrials ? median(curves.map((c) => c[t - 1]!)) : null;
        }
        const bests = runs.map((values) => Math.max(...values));
        mine.push({
          task,
          sampler: name,
          seeds: nSeeds,
          trials: nTrials,
          regretAt,
          finalRawRegret: median(bests.map((b) => (stats.max - b) / (stats.max - stats.min))),
          runsAboveMax: bests.filter((b) => aboveMax(stats, b)).length,
          trialsAboveMax: runs.flat().filter((v) => aboveMax(stats, v)).length,
        });
      }
      const meanRegretAt = {} as LcbenchSummaryRow["meanRegretAt"];
      for (const t of REGRET_CHECKPOINTS) {
        meanRegretAt[t] =
          t <= nTrials ? mine.reduce((s, r) => s + r.regretAt[t]!, 0) / mine.length : null;
      }
      rows.push(...mine);
      summary.push({
        sampler: name,
        meanRegretAt,
        runsAboveMax: mine.reduce((s, r) => s + r.runsAboveMax, 0),
        runs: nSeeds * tasks.length,
        seconds: (performance.now() - started) / 1000,
      });
    }
    return { seeds: nSeeds, trials: nTrials, tasks, rows, summary };
  } finally {
    setVerbosity(previous);
  }
}
