/**
 * The honest last step of a search: retrain the chosen configuration on train + validation
 * and measure it once on a test set that played no part in choosing it.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Params } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import type { Study } from "../../study/study.js";
import { FixedTrial } from "../../trial/fixed-trial.js";
import type { Trial } from "../../trial/trial.js";
import { concatDatasets, type Dataset } from "../data/dataset.js";
import { Standardizer } from "../data/standardizer.js";
import { disposeModel } from "./mlp.js";
import { type TensorData, toTensors } from "./tensors.js";
import { withEventLoopTurns } from "./yield.js";

/** Builds a compiled model from a trial's (or fixed) parameters. */
export type BuildModel = (trial: Trial) => tf.LayersModel | Promise<tf.LayersModel>;

/** Callbacks as `model.fit` takes them. */
export type FitCallbacks = NonNullable<tf.ModelFitArgs["callbacks"]>;

/** Options of `retrainAndEvaluate`. */
export interface RetrainAndEvaluateOptions {
  /** The same function the search used: it is called with a FixedTrial of the chosen parameters. */
  buildModel: BuildModel;
  /** Take the parameters (and the best epoch) of this study's best trial... */
  study?: Study;
  /** ...or these parameters. */
  params?: Params;
  /** Rows to train on: train and validation together (Datasets are concatenated), or tensors. */
  train: TensorData | Dataset | readonly Dataset[];
  /** The untouched test rows. */
  test: TensorData | Dataset;
  fit?: {
    /**
     * Default: the best trial's `best_epoch` user attribute + 1 (set by `tune`, i.e. the epoch
     * early stopping chose), else 10.
     */
    epochs?: number;
    /** Default 32. */
    batchSize?: number;
    /** Default true. */
    shuffle?: boolean;
    callbacks?: FitCallbacks;
  };
  /** For Datasets: standardize with statistics of the training rows only. Default true. */
  standardize?: boolean;
  /** For Datasets: one-hot labels (see `toTensors`). Default false. */
  oneHot?: boolean;
  /**
   * Record the evaluation in the study's user attributes: "test_metrics" (the metrics),
   * "test_trial" (the number of the trial whose parameters were tested, when they are a
   * trial's), "test_evaluated_trials" (every such trial number) and "test_evaluations" (a
   * count). Default true.
   *
   * Testing the study's best trial is the intended use, also again after the study went on
   * (a new winner is the same procedure, not a choice made by test score). A warning is
   * logged when other parameters are tested in a study whose test set was used before: that
   * is how a test set turns into a second validation set.
   */
  record?: boolean;
  /** Stops the retraining at the end of the current batch; the call then throws `signal.reason`. */
  signal?: AbortSignal;
}

/** What `retrainAndEvaluate` returns. */
export interface EvaluationResult {
  /** The model trained on all training rows. The caller disposes it (`disposeModel`). */
  model: tf.LayersModel;
  /** Test metrics by the model's metric names, e.g. `{ loss: 0.12, acc: 0.97 }`. */
  metrics: Record<string, number>;
  params: Params;
  epochs: number;
  /** For Datasets with `standardize`: apply it to new rows before `model.predict`. */
  standardizer?: Standardizer;
}

function sameParams(a: Params, b: Params): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

/** Records a test evaluation on the study; warns when it tests parameters other than a best trial's. */
async function recordEvaluation(
  study: Study,
  trial: number | undefined,
  metrics: Record<string, number>,
): Promise<void> {
  const attrs = await study.userAttrs();
  const count = typeof attrs["test_evaluations"] === "number" ? attrs["test_evaluations"] : 0;
  const previous = attrs["test_evaluated_trials"];
  const tested = Array.isArray(previous)
    ? previous.filter((n): n is number => typeof n === "number")
    : [];
  if (trial === undefined && count > 0) {
    logger.warn(
      `retrainAndEvaluate: the test set of study "${study.studyName}" has been evaluated ${count} time(s) before, and these parameters are not the study's best trial's; choosing by test score turns the test set into another validation set.`,
    );
  }
  await study.setUserAttr("test_evaluations", count + 1);
  if (trial !== undefined) {
    if (!tested.includes(trial)) tested.push(trial);
    await study.setUserAttr(
      "test_evaluated_trials",
      tested.sort((a, b) => a - b),
    );
  }
  await study.setUserAttr("test_trial", trial ?? null);
  await study.setUserAttr("test_metrics", metrics);
}

function isTensorData(value: unknown): value is TensorData {
  return typeof value === "object" && value !== null && "x" in value && "y" in value;
}

/** `model.evaluate` as named numbers; the scalars are disposed. */
export async function evaluateModel(
  model: tf.LayersModel,
  data: TensorData,
  batchSize = 32,
): Promise<Record<string, number>> {
  const out = model.evaluate(data.x, data.y, { batchSize });
  const scalars = Array.isArray(out) ? out : [out];
  try {
    const values = await Promise.all(scalars.map((s) => s.data()));
    const metrics: Record<string, number> = {};
    model.metricsNames.forEach((name, i) => {
      metrics[name] = values[i]![0]!;
    });
    return metrics;
  } finally {
    for (const s of scalars) s.dispose();
  }
}

/**
 * Retrains the chosen configuration on train + validation and evaluates it once on the test
 * set.
 *
 * Why: the validation score of the best trial is optimistic. It was *chosen* as the best of
 * many noisy scores on the same validation rows, so part of it is luck of the draw on those
 * rows (overfitting the validation set through model selection). The test rows played no part
 * in any choice, so their score is an unbiased estimate of how the model does on new data.
 * Look at it once, at the end: choosing again by test score would make it a second
 * validation set.
 */
export async function retrainAndEvaluate(
  options: RetrainAndEvaluateOptions,
): Promise<EvaluationResult> {
  let params = options.params;
  let bestEpoch: number | undefined;
  /** The trial whose parameters are tested: the study's best, unless other params are given. */
  let testedTrial: number | undefined;
  if (options.study !== undefined) {
    const best = await options.study.bestTrial();
    if (params === undefined || sameParams(params, best.params)) testedTrial = best.number;
    params ??= best.params;
    const attr = best.userAttrs["best_epoch"];
    if (typeof attr === "number") bestEpoch = attr;
  }
  if (params === undefined) {
    throw new InvalidArgumentError("retrainAndEvaluate: pass the study or the params to retrain.");
  }
  const epochs = options.fit?.epochs ?? (bestEpoch !== undefined ? bestEpoch + 1 : 10);
  const batchSize = options.fit?.batchSize ?? 32;

  const owned: tf.Tensor[] = [];
  let standardizer: Standardizer | undefined;
  let train: TensorData;
  let test: TensorData;
  if (isTensorData(options.train)) {
    if (!isTensorData(options.test)) {
      throw new InvalidArgumentError(
        "retrainAndEvaluate: give train and test both as tensors or both as Datasets.",
      );
    }
    train = options.train;
    test = options.test;
  } else {
    if (isTensorData(options.test)) {
      throw new InvalidArgumentError(
        "retrainAndEvaluate: give train and test both as tensors or both as Datasets.",
      );
    }
    const parts = Array.isArray(options.train) ? options.train : [options.train as Dataset];
    let trainRows = parts.length === 1 ? parts[0]! : concatDatasets(...parts);
    let testRows = options.test;
    if (options.standardize ?? true) {
      standardizer = new Standardizer().fit(trainRows);
      trainRows = standardizer.transform(trainRows);
      testRows = standardizer.transform(testRows);
    }
    const oneHot = { oneHot: options.oneHot ?? false };
    train = toTensors(trainRows, oneHot);
    test = toTensors(testRows, oneHot);
    owned.push(train.x, train.y, test.x, test.y);
  }

  const model = await options.buildModel(new FixedTrial(params));
  try {
    await model.fit(train.x, train.y, {
      epochs,
      batchSize,
      shuffle: options.fit?.shuffle ?? true,
      verbose: 0,
      // Timers and Ctrl-C run during the retraining too.
      callbacks: withEventLoopTurns(options.fit?.callbacks, options.signal),
    });
    options.signal?.throwIfAborted();
    const metrics = await evaluateModel(model, test, batchSize);
    if (options.study !== undefined && (options.record ?? true)) {
      await recordEvaluation(options.study, testedTrial, metrics);
    }
    return {
      model,
      metrics,
      params,
      epochs,
      ...(standardizer !== undefined ? { standardizer } : {}),
    };
  } catch (error) {
    disposeModel(model);
    throw error;
  } finally {
    for (const t of owned) t.dispose();
  }
}
