/**
 * The LCBench surrogate of YAHPO Gym (Pfisterer et al., AutoML 2022; data: Zimmer, Lindauer,
 * Hutter 2021): an ONNX model that predicts, for an OpenML task, a configuration of a funnel
 * MLP trained with SGD and an epoch, the validation accuracy and five other outputs. The files
 * it needs ship in bench/lcbench/data/ (see its README for the credit and licences).
 *
 * - `loadLcbench()` loads the model once per process (one ONNX session, one thread: the
 *   predictions are deterministic and the benchmark's runs stay sequential).
 * - `suggestLcbenchConfig(trial)` is the search space (7 hyperparameters).
 * - `normalizedRegret(taskId, valAccuracy)` is (max − best) / (max − min) with the task's min
 *   and max val_accuracy over 0.5M random configurations (instance_target_statistics.csv). The
 *   surrogate predicts more than that max at some corners of the box, so regret can be < 0:
 *   `clippedRegret` clips at 0, and `aboveMax` says when a value lies above the data's max.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from "onnxruntime-node";
import type { Trial } from "../../src/trial/trial.js";

/** The tasks of the benchmark (issue 4 and 5). */
export const LCBENCH_TASKS = [3945, 7593, 34539] as const;

/** The first epoch with a trained network (epoch 1 is the untrained one). */
export const FIRST_EPOCH = 2;
/** The last epoch of the surrogate's learning curves. */
export const LAST_EPOCH = 52;

/** One configuration of the LCBench search space (raw values; integers are integers). */
export interface LcbenchConfig {
  batch_size: number;
  learning_rate: number;
  momentum: number;
  weight_decay: number;
  num_layers: number;
  max_units: number;
  max_dropout: number;
}

/** The order of the model's continuous inputs after `epoch`. */
export const CONFIG_KEYS = [
  "batch_size",
  "learning_rate",
  "momentum",
  "weight_decay",
  "num_layers",
  "max_units",
  "max_dropout",
] as const satisfies readonly (keyof LcbenchConfig)[];

/** The surrogate's six outputs for one (configuration, epoch). */
export interface LcbenchResult {
  /** Training time so far, seconds. */
  time: number;
  /** Validation accuracy, percent (0..100). */
  valAccuracy: number;
  valCrossEntropy: number;
  /** 0..1. */
  valBalancedAccuracy: number;
  testCrossEntropy: number;
  /** 0..1. */
  testBalancedAccuracy: number;
}

/** The min and max of val_accuracy over the data's random configurations, for one task. */
export interface TaskStatistics {
  min: number;
  max: number;
}

/**
 * The search space: batch_size int log 16..512; learning_rate float log 1e-4..1e-1; momentum
 * 0.1..0.99; weight_decay 1e-5..0.1; num_layers int 1..5; max_units int log 64..1024;
 * max_dropout 0..1 (YAHPO's config_space.json).
 */
export function suggestLcbenchConfig(trial: Trial): LcbenchConfig {
  return {
    batch_size: trial.suggestInt("batch_size", 16, 512, { log: true }),
    learning_rate: trial.suggestFloat("learning_rate", 1e-4, 1e-1, { log: true }),
    momentum: trial.suggestFloat("momentum", 0.1, 0.99),
    weight_decay: trial.suggestFloat("weight_decay", 1e-5, 0.1),
    num_layers: trial.suggestInt("num_layers", 1, 5),
    max_units: trial.suggestInt("max_units", 64, 1024, { log: true }),
    max_dropout: trial.suggestFloat("max_dropout", 0, 1),
  };
}

/** Where the model and its tables live. */
export const LCBENCH_DATA_DIR = new URL("./data/", import.meta.url);

/** val_accuracy's min and max per task, from instance_target_statistics.csv. */
export function readTaskStatistics(
  csv: string = readFileSync(new URL("instance_target_statistics.csv", LCBENCH_DATA_DIR), "utf8"),
): Map<number, TaskStatistics> {
  const lines = csv.trim().split(/\r?\n/);
  const header = lines[0]!.split(",");
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`instance_target_statistics.csv: no column "${name}"`);
    return i;
  };
  const [iMetric, iStatistic, iValue, iInstance] = [
    col("metric"),
    col("statistic"),
    col("value"),
    col("instance"),
  ];
  const partial = new Map<number, Partial<TaskStatistics>>();
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    if (cells[iMetric] !== "val_accuracy") continue;
    const statistic = cells[iStatistic];
    if (statistic !== "min" && statistic !== "max") continue;
    const task = Number(cells[iInstance]);
    const entry = partial.get(task) ?? {};
    entry[statistic] = Number(cells[iValue]);
    partial.set(task, entry);
  }
  const out = new Map<number, TaskStatistics>();
  for (const [task, { min, max }] of partial) {
    if (min !== undefined && max !== undefined) out.set(task, { min, max });
  }
  return out;
}

/** (max − value) / (max − min) for the task; below 0 when `value` beats the data's max. */
export function normalizedRegret(stats: TaskStatistics, valAccuracy: number): number {
  return (stats.max - valAccuracy) / (stats.max - stats.min);
}

/** Normalized regret clipped at 0 (what methods are compared on). */
export function clippedRegret(stats: TaskStatistics, valAccuracy: number): number {
  return Math.max(0, normalizedRegret(stats, valAccuracy));
}

/** Whether a value lies above the data's max (a corner where the surrogate extrapolates). */
export function aboveMax(stats: TaskStatistics, valAccuracy: number): boolean {
  return valAccuracy > stats.max;
}

type Ort = typeof import("onnxruntime-node");

/** The loaded surrogate: batched predictions and each task's statistics. */
export class LcbenchSurrogate {
  /** OpenML task id → the integer code of the model's categorical input. */
  readonly encoding: ReadonlyMap<number, number>;
  /** val_accuracy's min and max per task. */
  readonly statistics: ReadonlyMap<number, TaskStatistics>;

  constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    encoding: ReadonlyMap<number, number>,
    statistics: ReadonlyMap<number, TaskStatistics>,
  ) {
    this.encoding = encoding;
    this.statistics = statistics;
  }

  /** The task's val_accuracy statistics; throws for a task the data does not cover. */
  stats(taskId: number): TaskStatistics {
    const s = this.statistics.get(taskId);
    if (s === undefined) throw new Error(`LCBench: no statistics for task ${taskId}`);
    return s;
  }

  /**
   * Predicts configs[i] at epochs[i] for every i, in one batch (`epochs` may also be one
   * epoch for all). Epochs 2..52 are trained networks; 1 is the untrained one.
   */
  async evaluate(
    taskId: number,
    configs: readonly LcbenchConfig[],
    epochs: readonly number[] | number,
  ): Promise<LcbenchResult[]> {
    const code = this.encoding.get(taskId);
    if (code === undefined) throw new Error(`LCBench: unknown task ${taskId}`);
    const n = configs.length;
    if (typeof epochs !== "number" && epochs.length !== n) {
      throw new Error(`LCBench: ${n} configurations but ${epochs.length} epochs`);
    }
    if (n === 0) return [];
    const xCat = new Int32Array(n).fill(code);
    const width = 1 + CONFIG_KEYS.length;
    const xCont = new Float32Array(n * width);
    for (let i = 0; i < n; i++) {
      const config = configs[i]!;
      xCont[i * width] = typeof epochs === "number" ? epochs : epochs[i]!;
      CONFIG_KEYS.forEach((key, j) => {
        xCont[i * width + 1 + j] = config[key];
      });
    }
    const { Tensor } = this.ort;
    const feeds: Record<string, OrtTensor> = {
      x_cat: new Tensor("int32", xCat, [n, 1]),
      x_cont: new Tensor("float32", xCont, [n, width]),
    };
    const outputs = await this.session.run(feeds);
    const data = outputs[this.session.outputNames[0]!]!.data as Float32Array;
    const out: LcbenchResult[] = [];
    for (let i = 0; i < n; i++) {
      const row = data.subarray(i * 6, i * 6 + 6);
      out.push({
        time: row[0]!,
        valAccuracy: row[1]!,
        valCrossEntropy: row[2]!,
        valBalancedAccuracy: row[3]!,
        testCrossEntropy: row[4]!,
        testBalancedAccuracy: row[5]!,
      });
    }
    return out;
  }

  /** val_accuracy of one configuration at each epoch of `epochs` (default 2..52), one batch. */
  async curve(
    taskId: number,
    config: LcbenchConfig,
    epochs: readonly number[] = EPOCHS,
  ): Promise<number[]> {
    const results = await this.evaluate(
      taskId,
      epochs.map(() => config),
      epochs,
    );
    return results.map((r) => r.valAccuracy);
  }
}

/** Epochs 2..52, the trained networks' learning curve. */
export const EPOCHS: readonly number[] = Array.from(
  { length: LAST_EPOCH - FIRST_EPOCH + 1 },
  (_, i) => FIRST_EPOCH + i,
);

let loading: Promise<LcbenchSurrogate> | null = null;

/** The surrogate, loaded on the first call (model, encoding and statistics). */
export function loadLcbench(): Promise<LcbenchSurrogate> {
  loading ??= (async () => {
    // onnxruntime-node is CommonJS with a native addon; require keeps tsx and vitest happy.
    const ort = createRequire(import.meta.url)("onnxruntime-node") as Ort;
    const model = readFileSync(new URL("model.onnx", LCBENCH_DATA_DIR));
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const encodingJson = JSON.parse(
      readFileSync(new URL("encoding.json", LCBENCH_DATA_DIR), "utf8"),
    ) as { OpenML_task_id: Record<string, number> };
    const encoding = new Map<number, number>();
    for (const [task, code] of Object.entries(encodingJson.OpenML_task_id)) {
      if (task !== "#na#") encoding.set(Number(task), code);
    }
    return new LcbenchSurrogate(ort, session, encoding, readTaskStatistics());
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
