/**
 * Multi-fidelity benchmark on LCBench (issue 5): the resource is the epoch. An objective trains
 * a configuration epoch by epoch (the surrogate's epochs 2..52; epoch 1 is the untrained
 * network), reports val_accuracy at step = epoch and asks `shouldPrune` after every epoch but
 * the last (throwing `TrialPruned`). Every reported epoch costs 1, so a full trial costs 51
 * epochs (the 5,200 for 100 full trials counts 52 per trial; we count 51, so random
 * search's 100 full trials cost 5,100 epochs here).
 *
 * A run goes on until it has spent `budget` epochs (default 5,200). Its incumbent at a budget
 * B is the best val_accuracy at epoch 52 among the trials that reached epoch 52 within B epochs
 * (a pruned trial's partial accuracy does not count). Regret is the clipped normalized regret
 * (surrogate.ts). Per task, the median over seeds; then the mean over the tasks (as issue 4).
 *
 * The reference regret is random search's after 100 full trials (no pruning). For each method
 * the benchmark reports the epochs its aggregate curve needs to reach that regret, the median
 * (over seeds) epochs per task to reach that task's reference, and the regret at 1,040 and
 * 5,200 epochs.
 */

import { TrialPruned } from "../../src/errors/index.js";
import { getVerbosity, setVerbosity, Verbosity } from "../../src/logging/index.js";
import { NopPruner, type Pruner } from "../../src/pruners/pruner.js";
import type { Sampler } from "../../src/samplers/sampler.js";
import { createStudy } from "../../src/study/create.js";
import { TrialState } from "../../src/trial/state.js";
import { median } from "./samplers.js";
import {
  aboveMax,
  clippedRegret,
  EPOCHS,
  LCBENCH_TASKS,
  type LcbenchSurrogate,
  loadLcbench,
  suggestLcbenchConfig,
} from "./surrogate.js";

/** Epochs one full trial costs (epochs 2..52). */
export const EPOCHS_PER_FULL_TRIAL = EPOCHS.length;
/** Budgets at which regret is reported (the issue's: 20 and 100 trials of 52 epochs). */
export const EPOCH_CHECKPOINTS = [1040, 5200] as const;
/** Full trials of the random-search reference. */
export const REFERENCE_TRIALS = 100;

/** A sampler and a pruner, built fresh for each run. */
export interface MultiFidelityMethod {
  sampler: (seed: number) => Sampler;
  /** Default: no pruning. */
  pruner?: (seed: number) => Pruner;
  /** Epochs per run for this method, if fewer than the benchmark's (for slow methods). */
  budget?: number;
}

/** Options of `runMultiFidelityBenchmark`. */
export interface MultiFidelityOptions {
  /** 2 seeds instead of 10. */
  quick: boolean;
  /** Methods to compare, by display name; the reference (random, no pruning) is added first. */
  methods: Record<string, MultiFidelityMethod>;
  /** Tasks (OpenML ids). Default: 3945, 7593, 34539. */
  tasks?: readonly number[];
  seeds?: number;
  /** Epochs per run (the reference runs at least its 100 full trials). Default 5,200. */
  budget?: number;
}

/** One run: when each full trial finished and what it reached. */
interface RunTrace {
  /** Cumulative epochs when the i-th full trial finished, ascending. */
  fullAt: number[];
  /** Its val_accuracy at epoch 52. */
  fullValue: number[];
  trials: number;
  pruned: number;
  epochs: number;
}

/** One method over the tasks and seeds. */
export interface MultiFidelityRow {
  method: string;
  /** Mean over tasks of the per-task median regret at each of EPOCH_CHECKPOINTS (NaN beyond the budget). */
  regretAt: Record<(typeof EPOCH_CHECKPOINTS)[number], number>;
  /** Epochs the aggregate (mean over tasks of median) curve needs to reach the reference; Infinity if never. */
  epochsToReference: number;
  /** Per task: median over seeds of the epochs to reach that task's reference (Infinity: never). */
  epochsToReferenceByTask: Record<number, number>;
  /** Median over runs of the trials started and of the share pruned. */
  trials: number;
  prunedShare: number;
  /** Median over runs of the full (epoch-52) trials. */
  fullTrials: number;
  /** Runs whose incumbent at the end lies above the data's max. */
  runsAboveMax: number;
  runs: number;
  seconds: number;
}

export interface MultiFidelityResult {
  seeds: number;
  budget: number;
  tasks: readonly number[];
  /** Random search after 100 full trials: mean over tasks of the per-task median regret. */
  referenceRegret: number;
  referenceByTask: Record<number, number>;
  rows: MultiFidelityRow[];
}

/** Name of the reference method. */
export const REFERENCE_METHOD = "Random, no pruning (reference)";

async function runOnce(
  surrogate: LcbenchSurrogate,
  task: number,
  method: MultiFidelityMethod,
  seed: number,
  budget: number,
): Promise<RunTrace> {
  const study = await createStudy({
    // A fixed name: Hyperband assigns brackets by hashing it, so runs repeat exactly.
    studyName: `lcbench-${task}-seed-${seed}`,
    sampler: method.sampler(seed),
    pruner: method.pruner?.(seed) ?? new NopPruner(),
    direction: "maximize",
  });
  const trace: RunTrace = { fullAt: [], fullValue: [], trials: 0, pruned: 0, epochs: 0 };
  await study.optimize(
    async (trial) => {
      const config = suggestLcbenchConfig(trial);
      const curve = await surrogate.curve(task, config);
      for (let i = 0; i < curve.length; i++) {
        trace.epochs++;
        await trial.report(curve[i]!, EPOCHS[i]!);
        if (i < curve.length - 1 && (await trial.shouldPrune())) throw new TrialPruned();
      }
      const value = curve[curve.length - 1]!;
      trace.fullAt.push(trace.epochs);
      trace.fullValue.push(value);
      return value;
    },
    {
      showProgressBar: false,
      handleSigint: false,
      callbacks: [
        (s, frozen) => {
          trace.trials++;
          if (frozen.state === TrialState.PRUNED) trace.pruned++;
          if (trace.epochs >= budget) s.stop();
        },
      ],
    },
  );
  return trace;
}

/** Clipped regret after each epoch 1..budget (index B − 1): the best full trial so far. */
function regretByEpoch(
  trace: RunTrace,
  stats: { min: number; max: number },
  budget: number,
): Float64Array {
  const out = new Float64Array(budget).fill(Number.POSITIVE_INFINITY);
  let best = Number.NEGATIVE_INFINITY;
  let k = 0;
  for (let b = 1; b <= budget; b++) {
    while (k < trace.fullAt.length && trace.fullAt[k]! <= b) {
      best = Math.max(best, trace.fullValue[k]!);
      k++;
    }
    if (best > Number.NEGATIVE_INFINITY) out[b - 1] = clippedRegret(stats, best);
  }
  return out;
}

/** First budget B (1-based) with curve[B − 1] <= target; Infinity when never. */
function firstReach(curve: ArrayLike<number>, target: number): number {
  for (let i = 0; i < curve.length; i++) if (curve[i]! <= target) return i + 1;
  return Number.POSITIVE_INFINITY;
}

/**
 * Runs random search (the reference, 100 full trials and the same budget) and every method on
 * every task for 10 seeds (quick: 2).
 */
export async function runMultiFidelityBenchmark(
  options: MultiFidelityOptions,
): Promise<MultiFidelityResult> {
  const previous = getVerbosity();
  setVerbosity(Verbosity.WARNING);
  try {
    const { RandomSampler } = await import("../../src/samplers/random/random-sampler.js");
    const surrogate = await loadLcbench();
    const tasks = options.tasks ?? LCBENCH_TASKS;
    const nSeeds = options.seeds ?? (options.quick ? 2 : 10);
    const referenceEpochs = REFERENCE_TRIALS * EPOCHS_PER_FULL_TRIAL;
    // Methods run `budget` epochs; the reference at least its 100 full trials.
    const budget = options.budget ?? 5200;
    const methods: Record<string, MultiFidelityMethod> = {
      [REFERENCE_METHOD]: { sampler: (seed) => new RandomSampler({ seed }) },
      ...options.methods,
    };

    // Per method, per task: the median-over-seeds regret curve, and the per-seed curves.
    const medianCurves = new Map<string, Map<number, Float64Array>>();
    const seedCurves = new Map<string, Map<number, Float64Array[]>>();
    const partial = new Map<
      string,
      Omit<MultiFidelityRow, "epochsToReference" | "regretAt" | "epochsToReferenceByTask">
    >();
    for (const [name, method] of Object.entries(methods)) {
      const started = performance.now();
      const runBudget =
        name === REFERENCE_METHOD
          ? Math.max(budget, referenceEpochs)
          : Math.min(budget, method.budget ?? budget);
      const byTask = new Map<number, Float64Array>();
      const seedsByTask = new Map<number, Float64Array[]>();
      const traces: RunTrace[] = [];
      let runsAboveMax = 0;
      for (const task of tasks) {
        const stats = surrogate.stats(task);
        const curves: Float64Array[] = [];
        for (let seed = 0; seed < nSeeds; seed++) {
          const trace = await runOnce(surrogate, task, method, seed, runBudget);
          traces.push(trace);
          curves.push(regretByEpoch(trace, stats, runBudget));
          if (trace.fullValue.some((v) => aboveMax(stats, v))) runsAboveMax++;
        }
        const med = new Float64Array(runBudget);
        const column = new Array<number>(curves.length);
        for (let b = 0; b < runBudget; b++) {
          for (let s = 0; s < curves.length; s++) column[s] = curves[s]![b]!;
          med[b] = median(column);
        }
        byTask.set(task, med);
        seedsByTask.set(task, curves);
      }
      medianCurves.set(name, byTask);
      seedCurves.set(name, seedsByTask);
      partial.set(name, {
        method: name,
        trials: median(traces.map((t) => t.trials)),
        prunedShare: median(traces.map((t) => t.pruned / t.trials)),
        fullTrials: median(traces.map((t) => t.fullAt.length)),
        runsAboveMax,
        runs: traces.length,
        seconds: (performance.now() - started) / 1000,
      });
    }

    const aggregate = (name: string): Float64Array => {
      const curves = [...medianCurves.get(name)!.values()];
      const out = new Float64Array(curves[0]!.length);
      for (const curve of curves) {
        for (let b = 0; b < out.length; b++) out[b] += curve[b]! / tasks.length;
      }
      return out;
    };
    const referenceByTask: Record<number, number> = {};
    for (const task of tasks) {
      referenceByTask[task] = medianCurves.get(REFERENCE_METHOD)!.get(task)![referenceEpochs - 1]!;
    }
    const referenceRegret = aggregate(REFERENCE_METHOD)[referenceEpochs - 1]!;

    const rows: MultiFidelityRow[] = [];
    for (const name of Object.keys(methods)) {
      const curve = aggregate(name);
      const regretAt = {} as MultiFidelityRow["regretAt"];
      for (const b of EPOCH_CHECKPOINTS)
        regretAt[b] = b <= curve.length ? curve[b - 1]! : Number.NaN;
      const epochsToReferenceByTask: Record<number, number> = {};
      for (const task of tasks) {
        const perSeed = seedCurves
          .get(name)!
          .get(task)!
          .map((c) => firstReach(c, referenceByTask[task]!));
        epochsToReferenceByTask[task] = median(perSeed);
      }
      rows.push({
        ...partial.get(name)!,
        regretAt,
        epochsToReference: firstReach(curve, referenceRegret),
        epochsToReferenceByTask,
      });
    }
    return { seeds: nSeeds, budget, tasks, referenceRegret, referenceByTask, rows };
  } finally {
    setVerbosity(previous);
  }
}
