/**
 * Sampler benchmark: simple regret on the synthetic problems (bench/problems/synthetic.ts)
 * over several seeds, and the sampler's own time per trial late in a long study.
 *
 * `runSamplerBenchmark({ quick, samplers })` runs every (problem, sampler) pair for 10 seeds
 * (quick: 2 seeds and half the trials) with in-memory storage, and measures each sampler's
 * ms per trial over trials 900–1000 of a 1000-trial study on Hartmann6.
 */
import { performance } from "node:perf_hooks";
import { getVerbosity, setVerbosity, Verbosity } from "../src/logging/index.js";
import { NopPruner } from "../src/pruners/pruner.js";
import type { Sampler } from "../src/samplers/sampler.js";
import { createStudy } from "../src/study/create.js";
import type { StudySnapshot } from "../src/study/snapshot.js";
import type { FrozenTrial } from "../src/trial/frozen.js";
import { hartmann6, type SyntheticProblem, syntheticProblems } from "./problems/synthetic.js";

/** Builds a fresh sampler for one run; the seed may be ignored. */
export type SamplerFactory = (seed: number) => Sampler;

/** Options of `runSamplerBenchmark`. */
export interface SamplerBenchmarkOptions {
  /** 2 seeds and half the trials instead of 10 seeds and the full budgets. */
  quick: boolean;
  /** Samplers to compare, by display name. */
  samplers: Record<string, SamplerFactory>;
  /** Problems to run. Default: every synthetic problem. */
  problems?: readonly SyntheticProblem[];
  /** Samplers whose time per trial is measured on a 1000-trial study. Default: all. */
  overhead?: boolean | readonly string[];
}

/** Regret checkpoints reported besides the final one. */
export const REGRET_CHECKPOINTS = [10, 25, 50, 100] as const;

/** Regret of one sampler on one problem over the seeds. */
export interface RegretRow {
  problem: string;
  sampler: string;
  seeds: number;
  trials: number;
  /** Median over seeds of the best value's regret after all trials. */
  finalRegretMedian: number;
  /** Interquartile range (75th − 25th percentile) of the final regret. */
  finalRegretIqr: number;
  /** Median regret after 10/25/50/100 trials; null beyond the run's trials. */
  regretAt: Record<(typeof REGRET_CHECKPOINTS)[number], number | null>;
}

/** The sampler's own time per trial late in a long study. */
export interface OverheadRow {
  problem: string;
  sampler: string;
  trials: number;
  /** Trials [from, to) timed. */
  from: number;
  to: number;
  /** Time spent in the sampler's methods per trial, in milliseconds (median of repeats). */
  msPerTrial: number;
}

/** What `runSamplerBenchmark` returns. */
export interface SamplerBenchmarkResult {
  rows: RegretRow[];
  overhead: OverheadRow[];
}

/** Linear-interpolation quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Wraps a sampler to add the time spent in each of its methods to a per-trial total. */
function timed(sampler: Sampler, spent: Map<number, number>): Sampler {
  const add = (trial: FrozenTrial, since: number): void => {
    spent.set(trial.number, (spent.get(trial.number) ?? 0) + performance.now() - since);
  };
  const wrapper: Sampler = {
    inferRelativeSearchSpace(study: StudySnapshot, trial) {
      const t = performance.now();
      const out = sampler.inferRelativeSearchSpace(study, trial);
      add(trial, t);
      return out;
    },
    sampleRelative(study, trial, space) {
      const t = performance.now();
      const out = sampler.sampleRelative(study, trial, space);
      add(trial, t);
      return out;
    },
    sampleIndependent(study, trial, name, distribution) {
      const t = performance.now();
      const out = sampler.sampleIndependent(study, trial, name, distribution);
      add(trial, t);
      return out;
    },
  };
  if (sampler.reserveTrial) wrapper.reserveTrial = (study) => sampler.reserveTrial!(study);
  if (sampler.beforeTrial) {
    wrapper.beforeTrial = async (study, trial) => {
      const t = performance.now();
      await sampler.beforeTrial!(study, trial);
      add(trial, t);
    };
  }
  if (sampler.afterTrial) {
    wrapper.afterTrial = async (study, trial, state, values) => {
      const t = performance.now();
      await sampler.afterTrial!(study, trial, state, values);
      add(trial, t);
    };
  }
  return wrapper;
}

/** Runs one study; returns the best-so-far value after each trial. */
async function runOnce(
  problem: SyntheticProblem,
  sampler: Sampler,
  nTrials: number,
): Promise<number[]> {
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  const bestSoFar: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  await study.optimize(
    (trial) => {
      const x = problem.space.map((p) => trial.suggestFloat(p.name, p.low, p.high));
      const value = problem.evaluate(x);
      best = Math.min(best, value);
      bestSoFar.push(best);
      return value;
    },
    { nTrials, showProgressBar: false, handleSigint: false },
  );
  return bestSoFar;
}

/**
 * The sampler's own time per trial over each window [from, to) of a `trials`-trial study on
 * `problem`, median over `repeats` studies (seeds 0, 1, …); windows timed on the same studies.
 * With `reruns` > 1 each seeded study runs that many times (a seeded sampler repeats its
 * trials exactly) and each trial counts its fastest run: the time on a quiet machine.
 */
export async function measureWindows(
  factory: SamplerFactory,
  repeats: number,
  problem: SyntheticProblem,
  trials: number,
  windows: readonly (readonly [number, number])[],
  reruns = 1,
): Promise<number[]> {
  const samples: number[][] = windows.map(() => []);
  for (let r = 0; r < repeats; r++) {
    const fastest = new Map<number, number>();
    for (let run = 0; run < reruns; run++) {
      const spent = new Map<number, number>();
      const sampler = timed(factory(r), spent);
      const study = await createStudy({ sampler, pruner: new NopPruner() });
      await study.optimize(
        (trial) =>
          problem.evaluate(problem.space.map((p) => trial.suggestFloat(p.name, p.low, p.high))),
        { nTrials: trials, showProgressBar: false, handleSigint: false },
      );
      for (const [n, ms] of spent) fastest.set(n, Math.min(fastest.get(n) ?? ms, ms));
    }
    windows.forEach(([from, to], w) => {
      let total = 0;
      for (let n = from; n < to; n++) total += fastest.get(n) ?? 0;
      samples[w]!.push(total / (to - from));
    });
  }
  return samples.map(median);
}

/**
 * The sampler's own time per trial over trials [from, trials) of a `trials`-trial study on a
 * problem (default: trials 900-1000 of 1000 on Hartmann6), median over `repeats` studies.
 */
export async function measureOverhead(
  name: string,
  factory: SamplerFactory,
  repeats: number,
  window: { problem?: SyntheticProblem; trials?: number; from?: number } = {},
): Promise<OverheadRow> {
  const problem = window.problem ?? hartmann6;
  const trials = window.trials ?? 1000;
  const from = window.from ?? 900;
  const [msPerTrial] = await measureWindows(factory, repeats, problem, trials, [[from, trials]]);
  return {
    problem: problem.name,
    sampler: name,
    trials,
    from,
    to: trials,
    msPerTrial: msPerTrial!,
  };
}

/**
 * Runs every (problem, sampler) pair for 10 seeds (quick: 2 seeds, half the trials) and
 * returns the regret rows and each sampler's time per trial on a 1000-trial Hartmann6 study.
 */
export async function runSamplerBenchmark(
  options: SamplerBenchmarkOptions,
): Promise<SamplerBenchmarkResult> {
  const previous = getVerbosity();
  setVerbosity(Verbosity.WARNING);
  try {
    const nSeeds = options.quick ? 2 : 10;
    const rows: RegretRow[] = [];
    for (const problem of options.problems ?? syntheticProblems) {
      const nTrials = options.quick ? Math.ceil(problem.budget / 2) : problem.budget;
      for (const [name, factory] of Object.entries(options.samplers)) {
        const curves: number[][] = [];
        for (let seed = 0; seed < nSeeds; seed++) {
          curves.push(await runOnce(problem, factory(seed), nTrials));
        }
        const regretAfter = (t: number): number[] =>
          curves.map((curve) => curve[t - 1]! - problem.optimumValue);
        const final = regretAfter(nTrials).sort((a, b) => a - b);
        const regretAt = {} as RegretRow["regretAt"];
        for (const t of REGRET_CHECKPOINTS)
          regretAt[t] = t <= nTrials ? median(regretAfter(t)) : null;
        rows.push({
          problem: problem.name,
          sampler: name,
          seeds: nSeeds,
          trials: nTrials,
          finalRegretMedian: quantile(final, 0.5),
          finalRegretIqr: quantile(final, 0.75) - quantile(final, 0.25),
          regretAt,
        });
      }
    }
    const overhead: OverheadRow[] = [];
    const timed = options.overhead ?? true;
    for (const [name, factory] of Object.entries(options.samplers)) {
      if (timed === true || (Array.isArray(timed) && timed.includes(name))) {
        overhead.push(await measureOverhead(name, factory, options.quick ? 1 : 3));
      }
    }
    return { rows, overhead };
  } finally {
    setVerbosity(previous);
  }
}
