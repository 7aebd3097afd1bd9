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
  cpuWindows: number[];
}

/** One window's medians over the repeats, in milliseconds per trial. */
export interface GpTimingRow {
  from: number;
  to: number;
  skipjack: number;
  /** Optuna per thread setting ("1", "default"); absent where not run. */
  optuna: Record<string, number>;
  /** The same for the process's CPU time per trial (all threads). */
  skipjackCpu: number;
  optunaCpu: Record<string, number>;
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

/**
 * Mean whole-trial wall time and process CPU time over each window of one skipjack study of
 * `trials` trials: [wall, cpu] per window.
 */
export async function timeSkipjackStudy(
  seed: number,
  trials: number,
  windows: readonly TrialWindow[],
): Promise<[number, number][]> {
  const study = await createStudy({ sampler: new GPSampler({ seed }), pruner: new NopPruner() });
  const ms = new Float64Array(trials);
  const cpu = new Float64Array(trials);
  for (let i = 0; i < trials; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const trial = await study.ask();
    const x = hartmann6.space.map((p) => trial.suggestFloat(p.name, p.low, p.high));
    await study.tell(trial, hartmann6.evaluate(x));
    ms[i] = performance.now() - start;
    const used = process.cpuUsage(startCpu);
    cpu[i] = (used.user + used.system) / 1000;
  }
  const mean = (values: Float64Array, from: number, to: number): number => {
    let total = 0;
    for (let i = from; i < to; i++) total += values[i]!;
    return total / (to - from);
  };
  return windows.map(([from, to]) => [mean(ms, from, to), mean(cpu, from, to)]);
}

/**
 * Full: 3 repeats; skipjack to 1,000 trials (windows 90–100, 290–300, 990–1,000), Optuna to 300
 * with 1 thread, and with PyTorch's default threads in the first repeat. Quick: 1 repeat of 40
 * trials (window 30–40), Optuna with 1 thread only.
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
  // PyTorch's default threads only in the first repeat: slower than one thread on this machine
  // (see gp_overhead.py), and Optuna's studies take most of the section's time.
  const threadSettings = (r: number): string[] => (quick || r > 0 ? ["1"] : ["1", "default"]);
  const python = optunaGpPython();
  const load0 = loadavg()[0]!;
  const ours: number[][] = windows.map(() => []);
  const oursCpu: number[][] = windows.map(() => []);
  const theirs = new Map<string, number[][]>();
  const theirsCpu = new Map<string, number[][]>();
  let info: GpTimingResult["optuna"] = null;
  for (let r = 0; r < repeats; r++) {
    const times = await timeSkipjackStudy(r, trials, windows);
    times.forEach(([wall, cpu], w) => {
      ours[w]!.push(wall);
      oursCpu[w]!.push(cpu);
    });
    if (python === null) continue;
    for (const threads of threadSettings(r)) {
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
      const cpuSamples = theirsCpu.get(threads) ?? optunaWindows.map(() => []);
      run.windows.forEach((t, w) => {
        samples[w]!.push(t);
        cpuSamples[w]!.push(run.cpuWindows[w]!);
      });
      theirs.set(threads, samples);
      theirsCpu.set(threads, cpuSamples);
    }
  }
  const rows = windows.map(([from, to], w): GpTimingRow => {
    const optuna: Record<string, number> = {};
    const optunaCpu: Record<string, number> = {};
    const o = optunaWindows.findIndex(([a, b]) => a === from && b === to);
    if (o >= 0) {
      for (const [threads, samples] of theirs) optuna[threads] = median(samples[o]!);
      for (const [threads, samples] of theirsCpu) optunaCpu[threads] = median(samples[o]!);
    }
    return {
      from,
      to,
      skipjack: median(ours[w]!),
      optuna,
      skipjackCpu: median(oursCpu[w]!),
      optunaCpu,
    };
  });
  return { repeats, rows, optuna: info, load: [load0, loadavg()[0]!] };
}
