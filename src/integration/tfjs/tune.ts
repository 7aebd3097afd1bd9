/**
 * A Keras-Tuner-style entry point: give a function that builds a compiled model from a
 * trial, and the data; get back the best model, its parameters and the study.
 */
import * as tf from "@tensorflow/tfjs";
import type { Params } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { type CreateStudyOptions, createStudy } from "../../study/create.js";
import type { OptimizeOptions } from "../../study/optimize.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { type StudyDirection, TrialState } from "../../trial/state.js";
import type { Trial } from "../../trial/trial.js";
import { concatDatasets, type Dataset } from "../data/dataset.js";
import { type SplitOptions, trainValidationTestSplit } from "../data/split.js";
import { Standardizer } from "../data/standardizer.js";
import { EarlyStoppingCallback, type EarlyStoppingOptions } from "./early-stopping.js";
import {
  type BuildModel,
  type EvaluationResult,
  type FitCallbacks,
  retrainAndEvaluate,
} from "./evaluate.js";
import { isMaximized, logKey } from "./logs.js";
import { disposeModel } from "./mlp.js";
import { type LearningRateSchedule, LearningRateScheduler } from "./optimizers.js";
import { PruningCallback } from "./pruning.js";
import { type TensorData, toTensors } from "./tensors.js";
import { withEventLoopTurns } from "./yield.js";

/** Data for `tune`: tensors, ready-made Dataset parts, or one Dataset to split. */
export type TuneData =
  | { x: tf.Tensor; y: tf.Tensor; validation: TensorData; test?: TensorData }
  | {
      train: Dataset;
      validation: Dataset;
      test?: Dataset;
      /** Standardize with training statistics only. Default true. */
      standardize?: boolean;
      /** One-hot labels (for categoricalCrossentropy). Default false: class indices. */
      oneHot?: boolean;
    }
  | {
      dataset: Dataset;
      /** How to split it (seeded, stratified for classes). Default 60/20/20 with seed 0. */
      split?: SplitOptions;
      standardize?: boolean;
      oneHot?: boolean;
    };

/** How each trial's model is trained. */
export interface TuneFitOptions {
  /** Maximum epochs per trial. Default 10. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Default true. */
  shuffle?: boolean;
  /** A learning-rate schedule per trial (e.g. from suggested parameters). */
  schedule?: (trial: Trial) => LearningRateSchedule | undefined;
  /** More callbacks per trial. */
  callbacks?: (trial: Trial) => FitCallbacks;
}

/** Options of `tune`. */
export interface TuneOptions {
  /** Builds a compiled model from the trial's suggestions (e.g. with `buildMlp`). */
  buildModel: BuildModel;
  data: TuneData;
  fit?: TuneFitOptions;
  /** The validation metric each trial is scored by and pruned on. Default "val_loss". */
  monitor?: string;
  /** Default: "maximize" for accuracy-like metrics, else "minimize". */
  direction?: StudyDirection;
  /** A study to continue; by default a new one is made from `studyOptions`. */
  study?: Study;
  /** Sampler, pruner, storage, name... of the new study (Default: RandomSampler, MedianPruner, in memory). */
  studyOptions?: Omit<CreateStudyOptions, "direction" | "directions">;
  /** Trials to run. Default 20 (unlimited when only `timeout` is given). */
  nTrials?: number;
  /** Seconds after which no trial starts. */
  timeout?: number;
  /** Other options of `study.optimize` (callbacks, concurrency, progress bar...). */
  optimize?: Omit<OptimizeOptions, "nTrials" | "timeout">;
  /**
   * Early stopping inside each trial, on `monitor`. Default `{ patience: 3, restoreBestWeights: true }`;
   * false turns it off. With restoreBestWeights the trial's value is its best epoch's.
   */
  earlyStopping?: EarlyStoppingOptions | false;
  /** Report each epoch and stop trials the pruner rejects. Default true. */
  pruning?: boolean;
  /** Retrain the best configuration on train + validation and evaluate it on the test data. Default: when there is test data. */
  evaluateOnTest?: boolean;
}

/** A short account of the search. */
export interface TuneSummary {
  nTrials: number;
  nComplete: number;
  nPruned: number;
  nFailed: number;
  bestTrialNumber: number;
  bestValue: number;
  monitor: string;
  direction: StudyDirection;
  seconds: number;
  backend: string;
  /** Ctrl-C ended the search; the test evaluation was then skipped. */
  interrupted: boolean;
}

/** What `tune` returns. */
export interface TuneResult {
  study: Study;
  bestTrial: FrozenTrial;
  bestParams: Params;
  bestValue: number;
  /**
   * The best model of this run, trained on the training rows (with its best epoch's weights
   * when early stopping restores them). Every other trial's model was disposed; dispose this
   * one when done (`disposeModel`). Undefined when the study's best trial came from an
   * earlier run.
   */
  bestModel: tf.LayersModel | undefined;
  /** The retrained model and its test metrics, when evaluated on test data. */
  test?: EvaluationResult;
  /** For Dataset input with standardize: the statistics `bestModel` was trained with. */
  standardizer?: Standardizer;
  summary: TuneSummary;
}

type RetrainRows = Pick<Parameters<typeof retrainAndEvaluate>[0], "train" | "test">;

interface Prepared {
  train: TensorData;
  validation: TensorData;
  /** Tensors made here for the search, disposed after it. */
  owned: tf.Tensor[];
  /** For the final evaluation: the rows to retrain on (train + validation) and the test rows. */
  final?: () => RetrainRows & { owned: tf.Tensor[] };
  standardize: boolean;
  oneHot: boolean;
  standardizer?: Standardizer;
}

function prepare(data: TuneData): Prepared {
  if ("x" in data) {
    const { test } = data;
    return {
      train: { x: data.x, y: data.y },
      validation: data.validation,
      owned: [],
      ...(test !== undefined
        ? {
            final: () => {
              const x = tf.concat([data.x, data.validation.x]);
              const y = tf.concat([data.y, data.validation.y]);
              return { train: { x, y }, test, owned: [x, y] };
            },
          }
        : {}),
      standardize: false,
      oneHot: false,
    };
  }
  let train: Dataset;
  let validation: Dataset;
  let test: Dataset | undefined;
  if ("dataset" in data) {
    const split = trainValidationTestSplit(data.dataset, data.split);
    train = split.train;
    validation = split.validation;
    test = split.test.labels.length > 0 ? split.test : undefined;
  } else {
    ({ train, validation, test } = data);
  }
  const standardize = data.standardize ?? true;
  const oneHot = data.oneHot ?? false;
  let standardizer: Standardizer | undefined;
  let trainRows = train;
  let validationRows = validation;
  if (standardize) {
    standardizer = new Standardizer().fit(train);
    trainRows = standardizer.transform(train);
    validationRows = standardizer.transform(validation);
  }
  const trainTensors = toTensors(trainRows, { oneHot });
  const validationTensors = toTensors(validationRows, { oneHot });
  return {
    train: trainTensors,
    validation: validationTensors,
    owned: [trainTensors.x, trainTensors.y, validationTensors.x, validationTensors.y],
    // Raw rows: retrainAndEvaluate standardizes them again with train + validation statistics.
    ...(test !== undefined
      ? { final: () => ({ train: concatDatasets(train, validation), test, owned: [] }) }
      : {}),
    standardize,
    oneHot,
    ...(standardizer !== undefined ? { standardizer } : {}),
  };
}

function better(a: number, b: number | undefined, direction: StudyDirection): boolean {
  if (Number.isNaN(a)) return false;
  if (b === undefined) return true;
  return direction === "maximize" ? a > b : a < b;
}

/**
 * Searches hyperparameters of a TF.js model: each trial builds a model with
 * `buildModel(trial)`, trains it on the training rows with pruning and early stopping on the
 * validation `monitor`, and scores it by that metric. Only the best model so far is kept in
 * memory; every other one is disposed as its trial ends. With test data, the best
 * configuration is then retrained on train + validation and evaluated once on the test rows
 * (`result.test`), see `retrainAndEvaluate`.
 *
 * ```ts
 * const result = await tune({
 *   buildModel: (trial) => buildMlp(trial, { inputShape: 64, nClasses: 10 }),
 *   data: { dataset: digits },            // split 60/20/20, standardized on the train part
 *   monitor: "val_acc",
 *   fit: { epochs: 30, batchSize: 64 },
 *   nTrials: 40,
 * });
 * console.log(result.bestParams, result.bestValue, result.test?.metrics);
 * ```
 */
export async function tune(options: TuneOptions): Promise<TuneResult> {
  const started = Date.now();
  const monitor = options.monitor ?? "val_loss";
  const direction = options.direction ?? (isMaximized(monitor) ? "maximize" : "minimize");
  const epochs = options.fit?.epochs ?? 10;
  const batchSize = options.fit?.batchSize ?? 32;
  if (!(Number.isInteger(epochs) && epochs >= 1)) {
    throw new InvalidArgumentError(`tune: fit.epochs must be an integer >= 1, got ${epochs}.`);
  }
  const study =
    options.study ?? (await createStudy({ ...(options.studyOptions ?? {}), direction }));
  if (study.directions.length !== 1 || study.direction !== direction) {
    throw new InvalidArgumentError(
      `tune: the study's direction [${study.directions.join(", ")}] does not match "${direction}" for monitor "${monitor}".`,
    );
  }
  const earlyStoppingOptions =
    options.earlyStopping === false
      ? undefined
      : { patience: 3, restoreBestWeights: true, ...(options.earlyStopping ?? {}) };
  const pruning = options.pruning ?? true;
  const prepared = prepare(options.data);
  let best: { model: tf.LayersModel; value: number; number: number } | undefined;

  const objective = async (trial: Trial): Promise<number> => {
    const model = await options.buildModel(trial);
    let kept = false;
    const pruner = pruning ? new PruningCallback(trial, { monitor }) : undefined;
    const stopper =
      earlyStoppingOptions !== undefined
        ? new EarlyStoppingCallback({
            monitor,
            mode: direction === "maximize" ? "max" : "min",
            ...earlyStoppingOptions,
          })
        : undefined;
    try {
      const schedule = options.fit?.schedule?.(trial);
      const callbacks: tf.Callback[] = [];
      if (schedule !== undefined) callbacks.push(new LearningRateScheduler(schedule));
      if (stopper !== undefined) callbacks.push(stopper);
      if (pruner !== undefined) callbacks.push(pruner);
      const extra = options.fit?.callbacks?.(trial);
      const all: FitCallbacks =
        extra === undefined
          ? callbacks
          : [...callbacks, ...(Array.isArray(extra) ? extra : [extra])];
      const history = await model.fit(prepared.train.x, prepared.train.y, {
        epochs,
        batchSize,
        shuffle: options.fit?.shuffle ?? true,
        validationData: [prepared.validation.x, prepared.validation.y],
        // Timers and Ctrl-C run during training; an interrupted trial stops at its next batch.
        callbacks: withEventLoopTurns(all, trial.signal),
        verbose: 0,
      });
      pruner?.throwIfPruned();
      const values = history.history as Record<string, number[]>;
      const key = logKey(monitor, values);
      const curve = key !== undefined ? values[key]! : [];
      if (curve.length === 0) {
        throw new InvalidArgumentError(
          `tune: metric "${monitor}" is not in the training history (${Object.keys(values).join(", ")}).`,
        );
      }
      let value = curve[curve.length - 1]!;
      let bestEpoch = curve.length - 1;
      if (stopper?.restoreBestWeights && stopper.bestEpoch !== undefined) {
        value = stopper.bestValue;
        bestEpoch = stopper.bestEpoch;
      }
      trial.setUserAttr("best_epoch", bestEpoch);
      trial.setUserAttr("epochs_trained", curve.length);
      if (better(value, best?.value, direction)) {
        if (best !== undefined) disposeModel(best.model);
        best = { model, value, number: trial.number };
        kept = true;
      }
      return value;
    } finally {
      stopper?.dispose(); // the best-weights copy, if fit failed before its end
      if (!kept) disposeModel(model);
    }
  };

  // Ctrl-C ends the search (optimize marks the running trial FAIL and returns); the test set
  // is then left untouched, so that a continued study can still evaluate its winner once.
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  const watchSigint = options.optimize?.handleSigint ?? true;
  if (watchSigint) process.on("SIGINT", onSigint);
  try {
    await study.optimize(objective, {
      ...(options.optimize ?? {}),
      ...(options.nTrials !== undefined || options.timeout === undefined
        ? { nTrials: options.nTrials ?? 20 }
        : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    });
  } catch (error) {
    if (best !== undefined) disposeModel(best.model);
    throw error;
  } finally {
    if (watchSigint) process.off("SIGINT", onSigint);
    for (const t of prepared.owned) t.dispose();
  }

  const bestTrial = await study.bestTrial();
  let bestModel = best?.model;
  if (best !== undefined && best.number !== bestTrial.number) {
    // The study's best comes from an earlier run; this run's best model is not it.
    disposeModel(best.model);
    bestModel = undefined;
  }
  let test: EvaluationResult | undefined;
  if (prepared.final !== undefined && !interrupted && (options.evaluateOnTest ?? true)) {
    const rows = prepared.final();
    try {
      test = await retrainAndEvaluate({
        buildModel: options.buildModel,
        study,
        train: rows.train,
        test: rows.test,
        fit: {
          batchSize,
          ...(options.fit?.shuffle !== undefined ? { shuffle: options.fit.shuffle } : {}),
        },
        standardize: prepared.standardize,
        oneHot: prepared.oneHot,
      });
    } finally {
      for (const t of rows.owned) t.dispose();
    }
  }
  const trials = await study.trials();
  const count = (state: TrialState): number => trials.filter((t) => t.state === state).length;
  return {
    study,
    bestTrial,
    bestParams: bestTrial.params,
    bestValue: bestTrial.value!,
    bestModel,
    ...(test !== undefined ? { test } : {}),
    ...(prepared.standardizer !== undefined ? { standardizer: prepared.standardizer } : {}),
    summary: {
      nTrials: trials.length,
      nComplete: count(TrialState.COMPLETE),
      nPruned: count(TrialState.PRUNED),
      nFailed: count(TrialState.FAIL),
      bestTrialNumber: bestTrial.number,
      bestValue: bestTrial.value!,
      monitor,
      direction,
      seconds: (Date.now() - started) / 1000,
      interrupted,
      backend: tf.getBackend(),
    },
  };
}
