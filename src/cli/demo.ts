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
import { SeededMathRandom } from "./seeded-random.js";

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
  /**
   * Ctrl-C: when aborted, the search stops (optimize marks the running trial FAIL on SIGINT),
   * the test evaluation is skipped and the result says `interrupted`.
   */
  signal?: AbortSignal;
}

/** What the demo found. */
export interface DemoResult {
  study: Study;
  /** The study's best trial so far; undefined when none has completed. */
  best?: { number: number; params: Params; validationAccuracy: number };
  /** Test accuracy of the best configuration retrained on train+validation; undefined when interrupted. */
  testAccuracy?: number;
  /**
   * Where Ctrl-C stopped the run, if it did: before the search, during it (the running trial
   * is FAIL), or while retraining for the test evaluation. The test evaluation is skipped.
   */
  interrupted: false | "start" | "search" | "evaluation";
  trials: number;
  pruned: number;
  failed: number;
  epochsTrained: number;
  /** Epochs that pruning and early stopping skipped, per trial from its own maximum. */
  epochsSaved: number;
  backend: string;
}

/**
 * What decides the data split and the pruner's budget: recorded on the study, so that a run
 * that continues it uses the same ones.
 */
interface DemoSettings {
  seed: number;
  max_epochs: number;
  validation_size: number;
  test_size: number;
}

const SETTINGS_ATTR = "demo_settings";

const VALIDATION_SIZE = 0.2;
const TEST_SIZE = 0.2;

const DATA = fileURLToPath(new URL("../../data/digits.csv.gz", import.meta.url));

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    String((error as Error).message).includes("@tensorflow/tfjs")
  );
}

async function loadTfjs() {
  try {
    const tf = await import("@tensorflow/tfjs");
    const integration = await import("../integration/tfjs/index.js");
    return { tf, ...integration };
  } catch (error) {
    if (!isMissingPackage(error)) throw error;
    throw new InvalidArgumentError(
      "The demo needs TensorFlow.js, which is not installed: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm",
      { cause: error },
    );
  }
}

/**
 * Records the settings on a new study; refuses to continue a study made with other ones
 * (another seed would silently change the data split, another epoch budget the pruner).
 */
async function checkSettings(study: Study, settings: DemoSettings, storage: string): Promise<void> {
  const recorded = (await study.userAttrs())[SETTINGS_ATTR] as Partial<DemoSettings> | undefined;
  if (recorded === undefined || recorded === null || typeof recorded !== "object") {
    await study.setUserAttr(SETTINGS_ATTR, { ...settings });
    return;
  }
  const differs = (Object.keys(settings) as (keyof DemoSettings)[]).some(
    (key) => recorded[key] !== settings[key],
  );
  if (differs) {
    throw new InvalidArgumentError(
      `Study "${study.studyName}" in ${storage} was made with --seed ${recorded.seed} --epochs ${recorded.max_epochs} ` +
        `(they decide its data split and its pruner): continue it with those, or start another study with --study-name <name>.`,
    );
  }
}

/** Runs the demo search and the final test evaluation. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const seed = options.seed ?? 0;
  const maxEpochs = options.maxEpochs ?? 50;
  const storage = options.storage ?? "sqlite:///skipjack-demo.db";
  const signal = options.signal;

  const study = await createStudy({
    studyName: options.studyName ?? "skipjack-demo",
    storage,
    direction: "maximize",
    // The depth decides which width parameters exist: a conditional space, hence `group`.
    sampler: new TPESampler({ seed, group: true }),
    pruner: new HyperbandPruner({ minResource: 1, maxResource: maxEpochs, reductionFactor: 3 }),
    loadIfExists: true,
  });
  await checkSettings(
    study,
    { seed, max_epochs: maxEpochs, validation_size: VALIDATION_SIZE, test_size: TEST_SIZE },
    storage,
  );

  const t = await loadTfjs();
  const backend = await t.useWasmBackend();
  const random = new SeededMathRandom(seed);
  try {
    let interrupted: DemoResult["interrupted"] = signal?.aborted ? "start" : false;
    // 60% train, 20% validation for the search, 20% test touched once at the end.
    const digits = await loadCsv(DATA);
    const split = trainValidationTestSplit(digits, {
      validationSize: VALIDATION_SIZE,
      testSize: TEST_SIZE,
      seed,
    });

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
            ? t.stepLr({
                learningRate,
                every: Math.max(1, Math.round(maxEpochs / 3)),
                factor: 0.2,
              })
            : t.constantLr(learningRate);
      return { batchSize, scheduler: t.learningRateScheduler(lr) };
    };

    if (!interrupted) {
      const standardized = standardizeSplit(split.train, split.validation);
      const [validation] = standardized.others;
      const trainTensors = t.toTensors(standardized.train);
      const validationTensors = t.toTensors(validation);

      const objective = async (trial: Trial): Promise<number> => {
        // Shuffling and dropout draw from Math.random: the same stream for every trial, so
        // the same parameters give the same network (initializers take the seed directly).
        random.restart("trial");
        trial.setUserAttr("max_epochs", maxEpochs);
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
      interrupted = signal?.aborted ? "search" : false;
    }

    const trials = await study.trials();
    const complete = trials.filter((x) => x.state === "COMPLETE");
    const best = complete.length > 0 ? await study.bestTrial() : undefined;
    let testAccuracy: number | undefined;
    if (!interrupted && best !== undefined) {
      const fixed = new FixedTrial(best.params);
      const { batchSize, scheduler } = fitCallbacks(fixed, best.params["learning_rate"] as number);
      random.restart("retrain");
      try {
        const evaluation = await t.retrainAndEvaluate({
          study,
          buildModel: (trial) => buildModel(trial),
          train: [split.train, split.validation],
          test: split.test,
          fit: { batchSize, callbacks: [scheduler] },
          ...(signal !== undefined ? { signal } : {}),
        });
        t.disposeModel(evaluation.model);
        testAccuracy = evaluation.metrics["acc"] ?? Number.NaN;
      } catch (error) {
        if (!signal?.aborted) throw error;
        interrupted = "evaluation";
      }
    } else if (best === undefined && !interrupted) {
      // Every trial was pruned or failed: bestTrial says so.
      await study.bestTrial();
    }

    let epochsTrained = 0;
    let epochsSaved = 0;
    for (const trial of trials) {
      const epochs = trial.userAttrs["epochs_trained"];
      if (typeof epochs !== "number") continue;
      const budget = trial.userAttrs["max_epochs"];
      epochsTrained += epochs;
      // Each trial against its own budget: trials of older runs may have had another one.
      epochsSaved += Math.max(0, (typeof budget === "number" ? budget : maxEpochs) - epochs);
    }
    return {
      study,
      ...(best !== undefined
        ? {
            best: {
              number: best.number,
              params: best.params,
              validationAccuracy: best.value!,
            },
          }
        : {}),
      ...(testAccuracy !== undefined ? { testAccuracy } : {}),
      interrupted,
      trials: trials.length,
      pruned: trials.filter((x) => x.state === "PRUNED").length,
      failed: trials.filter((x) => x.state === "FAIL").length,
      epochsTrained,
      epochsSaved,
      backend,
    };
  } finally {
    random.restore();
  }
}
