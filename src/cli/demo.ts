/**
 * `skipjack demo`: the main job. Tunes an MLP on the shipped digits dataset with TensorFlow.js
 * (TPE + Hyperband, per-epoch pruning), in a SQLite file that a second run continues, then
 * retrains the winner on train+validation and evaluates it once on the held-out test set.
 */
import { fileURLToPath } from "node:url";
import type { Params } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import { loadCsv, standardizeSplit, trainValidationTestSplit } from "../integration/data/index.js";
import { HyperbandPruner } from "../pruners/hyperband.js";
import { TPESampler } from "../samplers/tpe/tpe-sampler.js";
import { createStudy } from "../study/create.js";
import type { Study } from "../study/study.js";
import { FixedTrial } from "../trial/fixed-trial.js";
import type { Trial } from "../trial/trial.js";

/** Options of the demo, as the command line gives them. */
export interface DemoOptions {
  /** Trials to run in this call. Default 150. */
  nTrials?: number;
  /** Seconds after which no new trial starts. Default 210 (the run ends within 5 minutes). */
  timeout?: number;
  /** Trials at once in this process. Default 1. */
  concurrency?: number;
  /** Storage URL. Default: `sqlite:///skipjack-demo.db` in the working directory. */
  storage?: string;
  /** Study name. Default "skipjack-demo". */
  studyName?: string;
  /** Seed of the data split, the sampler and the weight initializers. Default 0. */
  seed?: number;
  /** Maximum epochs of a trial. Default 50. */
  maxEpochs?: number;
  /** Progress bar (default: on a terminal). */
  showProgressBar?: boolean;
}

/** What the demo found. */
export interface DemoResult {
  study: Study;
  bestParams: Params;
  validationAccuracy: number;
  testAccuracy: number;
  trials: number;
  pruned: number;
  epochsTrained: number;
  epochsSaved: number;
  backend: string;
}

const DATA = fileURLToPath(new URL("../../data/digits.csv.gz", import.meta.url));

async function loadTfjs() {
  try {
    const tf = await import("@tensorflow/tfjs");
    const integration = await import("../integration/tfjs/index.js");
    return { tf, ...integration };
  } catch (error) {
    throw new InvalidArgumentError(
      "The demo needs TensorFlow.js: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm",
      { cause: error },
    );
  }
}

/** Runs the demo search and the final test evaluation. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const seed = options.seed ?? 0;
  const maxEpochs = options.maxEpochs ?? 50;
  const t = await loadTfjs();
  const backend = await t.useWasmBackend();

  // 60% train, 20% validation for the search, 20% test touched once at the end.
  const digits = await loadCsv(DATA);
  const split = trainValidationTestSplit(digits, { validationSize: 0.2, testSize: 0.2, seed });
  const standardized = standardizeSplit(split.train, split.validation);
  const train = standardized.train;
  const [validation] = standardized.others;
  const trainTensors = t.toTensors(train);
  const validationTensors = t.toTensors(validation);

  const buildModel = (trial: Trial) =>
    t.buildMlp(trial, {
      inputShape: digits.nFeatures,
      nClasses: digits.nClasses,
      layers: { low: 1, high: 4 },
      units: { low: 16, high: 512, log: true },
      dropout: { low: 0, high: 0.6 },
      weightDecay: { low: 1e-6, high: 1e-2, log: true },
      compile: {
        optimizer: ["adam", "sgd", "rmsprop"],
        learningRate: { low: 1e-4, high: 1e-1, log: true },
        momentum: 0.9,
      },
      seed,
    });

  const fitCallbacks = (trial: Trial, learningRate: number) => {
    const batchSize = trial.suggestInt("batch_size", 16, 256, { log: true });
    const schedule = trial.suggestCategorical("schedule", ["constant", "cosine", "step"]);
    const lr =
      schedule === "cosine"
        ? t.cosineLr({ learningRate, epochs: maxEpochs })
        : schedule === "step"
          ? t.stepLr({ learningRate, every: Math.max(1, Math.round(maxEpochs / 3)), factor: 0.2 })
          : t.constantLr(learningRate);
    return { batchSize, scheduler: t.learningRateScheduler(lr) };
  };

  const objective = async (trial: Trial): Promise<number> => {
    const model = buildModel(trial);
    const learningRate = trial.params["learning_rate"] as number;
    const { batchSize, scheduler } = fitCallbacks(trial, learningRate);
    const pruning = t.pruningCallback(trial, { monitor: "val_acc" });
    const stopping = t.earlyStopping({ monitor: "val_acc", patience: 10, minDelta: 1e-4 });
    try {
      const history = await model.fit(trainTensors.x, trainTensors.y, {
        epochs: maxEpochs,
        batchSize,
        validationData: [validationTensors.x, validationTensors.y],
        callbacks: [scheduler, pruning, stopping],
        verbose: 0,
      });
      const accuracies = (history.history["val_acc"] ?? []) as number[];
      trial.setUserAttr("epochs_trained", accuracies.length);
      pruning.throwIfPruned();
      let best = 0;
      for (let epoch = 1; epoch < accuracies.length; epoch++) {
        if (accuracies[epoch]! > accuracies[best]!) best = epoch;
      }
      trial.setUserAttr("best_epoch", best);
      return accuracies[best] ?? 0;
    } finally {
      t.disposeModel(model);
    }
  };

  const study = await createStudy({
    studyName: options.studyName ?? "skipjack-demo",
    storage: options.storage ?? "sqlite:///skipjack-demo.db",
    direction: "maximize",
    // The depth decides which width parameters exist: a conditional space, hence `group`.
    sampler: new TPESampler({ seed, group: true }),
    pruner: new HyperbandPruner({ minResource: 1, maxResource: maxEpochs, reductionFactor: 3 }),
    loadIfExists: true,
  });
  try {
    await study.optimize(objective, {
      nTrials: options.nTrials ?? 150,
      timeout: options.timeout ?? 210,
      concurrency: options.concurrency ?? 1,
      ...(options.showProgressBar !== undefined
        ? { showProgressBar: options.showProgressBar }
        : {}),
    });
  } finally {
    t.tf.dispose([trainTensors.x, trainTensors.y, validationTensors.x, validationTensors.y]);
  }

  const best = await study.bestTrial();
  const { batchSize } = fitCallbacks(new FixedTrial(best.params), 0);
  const evaluation = await t.retrainAndEvaluate({
    study,
    buildModel: (trial) => buildModel(trial),
    train: [split.train, split.validation],
    test: split.test,
    fit: {
      batchSize,
      callbacks: [
        fitCallbacks(new FixedTrial(best.params), best.params["learning_rate"] as number).scheduler,
      ],
    },
  });
  t.disposeModel(evaluation.model);

  const trials = await study.trials();
  let epochsTrained = 0;
  let finished = 0;
  for (const trial of trials) {
    const epochs = trial.userAttrs["epochs_trained"];
    if (typeof epochs === "number") {
      epochsTrained += epochs;
      finished++;
    }
  }
  return {
    study,
    bestParams: best.params,
    validationAccuracy: best.value!,
    testAccuracy: evaluation.metrics["acc"] ?? Number.NaN,
    trials: trials.length,
    pruned: trials.filter((x) => x.state === "PRUNED").length,
    epochsTrained,
    epochsSaved: finished * maxEpochs - epochsTrained,
    backend,
  };
}
