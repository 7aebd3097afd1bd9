/**
 * GPSampler timing: the whole trial's wall time (ask, objective, tell: what a user waits for)
 * on Hartmann6 (6 floats, objective free), skipjack and Optuna's GPSampler in the same run.
 *
 * Each repeat runs one skipjack study (seed r) and, where a Python with Optuna >= 3.6 and torch
 * is found, one Optuna study per PyTorch thread setting (seed r), one after the other, so that
 * the machine's load falls on both sides alike. A window's figure is the mean wall time of its
 * trials; the table gives the median over repeats. Optuna's GP is cubic in the trials and is
 * timed up to trial 300 only.
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { NopPruner } from "../src/pruners/pruner.js";
import { GPSampler } from "../src/samplers/gp/gp-sampler.js";
import { createStudy } from "../src/study/create.js";
import { runOptunaScript } from "./optuna/run.js";
import { hartmann6 } from "./problems/synthetic.js";

/** A window [from, to) of trial numbers. */
export type TrialWindow = readonly [number, number];

/** What bench/optuna/gp_overhead.py prints. */
interface OptunaGpRun {
  version: string;
  torch: string;
  threads: number;
  greenlet: boolean;
  windows: number[];
}

/** One window's medians over the repeats, in milliseconds per trial. */
export interface GpTimingRow {
  from: number;
  to: number;
  skipjack: number;
  /** Optuna per thread setting ("1", "default"); absent where not run. */
  optuna: Record<string, number>;
}

/** What `measureGpTrialTimes` returns. */
export interface GpTimingResult {
  repeats: number;
  rows: GpTimingRow[];
  /** Optuna's version, torch's and greenlet's presence; null when Optuna was not run. */
  optuna: {
    version: string;
    torch: string;
    greenlet: boolean;
    threads: Record<string, number>;
  } | null;
  /** The 1-minute load average before and after the measurement. */
  load: [number, number];
}

/** The Python with Optuna >= 3.6 and torch: the first of these that exists. */
export function optunaGpPython(): string | null {
  const candidates = [
    process.env.SKIPJACK_BENCH_OPTUNA_GP_PYTHON,
    process.env.SKIPJACK_TEST_PYTHON,
    // Where .ci/run installs torch and Optuna 5.0.
    "/tmp/skipjack-ci-torch/bin/python",
  ];
  for (const path of candidates) if (path !== undefined && existsSync(path)) return path;
  return null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Mean whole-trial wall time over each window of one skipjack study of `trials` trials. */
export async function timeSkipjackStudy(
  seed: number,
  trials: number,
  windows: readonly TrialWindow[],
): Promise<number[]> {
  const study = await createStudy({ sampler: new GPSampler({ seed }), pruner: new NopPruner() });
  const ms = new Float64Array(trials);
  for (let i = 0; i < trials; i++) {
    const start = performance.now();
    const trial = await study.ask();
    const x = hartmann6.space.map((p) => trial.suggestFloat(p.name, p.low, p.high));
    await study.tell(trial, hartmann6.evaluate(x));
    ms[i] = performance.now() - start;
  }
  return windows.map(([from, to]) => {
    let total = 0;
    for (let i = from; i < to; i++) total += ms[i]!;
    return total / (to - from);
  });
}

/**
 * Full: 3 repeats; skipjack to 1,000 trials (windows 90–100, 290–300, 990–1,000), Optuna to 300
 * with 1 thread and with PyTorch's default. Quick: 1 repeat of 40 trials (window 30–40), Optuna
 * with 1 thread only.
 */
export async function measureGpTrialTimes(quick: boolean): Promise<GpTimingResult> {
  const repeats = quick ? 1 : 3;
  const windows: TrialWindow[] = quick
    ? [[30, 40]]
    : [
        [90, 100],
        [290, 300],
        [990, 1000],
      ];
  const trials = windows.at(-1)![1];
  const optunaTrials = quick ? 40 : 300;
  const optunaWindows = windows.filter(([, to]) => to <= optunaTrials);
  const threadSettings = quick ? ["1"] : ["1", "default"];
  const python = optunaGpPython();
  const load0 = loadavg()[0]!;
  const ours: number[][] = windows.map(() => []);
  const theirs = new Map<string, number[][]>();
  let info: GpTimingResult["optuna"] = null;
  for (let r = 0; r < repeats; r++) {
    const times = await timeSkipjackStudy(r, trials, windows);
    times.forEach((t, w) => {
      ours[w]!.push(t);
    });
    if (python === null) continue;
    for (const threads of threadSettings) {
      const args = [
        String(optunaTrials),
        String(r),
        threads,
        ...optunaWindows.map((w) => w.join("-")),
      ];
      const run = runOptunaScript<OptunaGpRun>("gp_overhead.py", args, python);
      if (run === null) continue;
      info ??= { version: run.version, torch: run.torch, greenlet: run.greenlet, threads: {} };
      info.threads[threads] = run.threads;
      const samples = theirs.get(threads) ?? optunaWindows.map(() => []);
      run.windows.forEach((t, w) => {
        samples[w]!.push(t);
      });
      theirs.set(threads, samples);
    }
  }
  const rows = windows.map(([from, to], w): GpTimingRow => {
    const optuna: Record<string, number> = {};
    const o = optunaWindows.findIndex(([a, b]) => a === from && b === to);
    if (o >= 0) for (const [threads, samples] of theirs) optuna[threads] = median(samples[o]!);
    return { from, to, skipjack: median(ours[w]!), optuna };
  });
  return { repeats, rows, optuna: info, load: [load0, loadavg()[0]!] };
}
