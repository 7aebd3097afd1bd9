import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createStudy,
  type FrozenTrial,
  InvalidArgumentError,
  NopPruner,
  RandomSampler,
  type Study,
  setVerbosity,
  TrialState,
  trainValidationTestSplit,
  Verbosity,
} from "../../src/index.js";
import {
  buildMlp,
  cosineLr,
  disposeModel,
  earlyStopping,
  learningRateScheduler,
  pruningCallback,
  retrainAndEvaluate,
  toTensors,
  tune,
  useWasmBackend,
} from "../../src/integration/tfjs/index.js";
import { setLogSink } from "../../src/logging/index.js";
import { blobs, pruneAfterStep1 } from "./helpers.js";

beforeAll(async () => {
  setVerbosity(Verbosity.WARNING);
  await useWasmBackend();
});

const tiny = (nClasses: number) => ({
  inputShape: 4,
  nClasses,
  layers: 1,
  units: 8,
  dropout: 0,
  weightDecay: 0,
  compile: { learningRate: { low: 1e-3, high: 0.3, log: true } },
});

describe("tensors do not leak", () => {
  it("numTensors is the same after each of 12 trials (pruned or complete)", async () => {
    const split = trainValidationTestSplit(blobs(20), { testSize: 0 });
    const train = toTensors(split.train);
    const validation = toTensors(split.validation);
    const study = await createStudy({
      direction: "maximize",
      sampler: new RandomSampler({ seed: 2 }),
      pruner: { prune: (s, t) => t.number % 3 === 2 && pruneAfterStep1.prune(s, t) },
    });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await study.optimize(
      async (trial) => {
        const model = buildMlp(trial, {
          ...tiny(3),
          compile: { ...tiny(3).compile, optimizer: ["adam", "sgd", "rmsprop"], momentum: 0.5 },
        });
        try {
          const pruning = pruningCallback(trial, { monitor: "val_acc" });
          const stopper = earlyStopping({
            monitor: "val_acc",
            patience: 1,
            restoreBestWeights: true,
          });
          const schedule = learningRateScheduler(
            cosineLr({ learningRate: trial.params["learning_rate"] as number, epochs: 3 }),
          );
          await model.fit(train.x, train.y, {
            epochs: 3,
            batchSize: 16,
            validationData: [validation.x, validation.y],
            callbacks: [schedule, stopper, pruning],
            verbose: 0,
          });
          pruning.throwIfPruned();
          return stopper.bestValue;
        } finally {
          disposeModel(model);
        }
      },
      {
        nTrials: 12,
        showProgressBar: false,
        callbacks: [
          () => {
            counts.push(tf.memory().numTensors);
          },
        ],
      },
    );
    expect(counts).toHaveLength(12);
    expect(new Set(counts)).toEqual(new Set([before]));
    const states = (await study.trials()).map((t) => t.state);
    expect(states).toContain(TrialState.PRUNED);
    expect(states).toContain(TrialState.COMPLETE);
    tf.dispose([train.x, train.y, validation.x, validation.y]);
  });
});

describe("tune", () => {
  it("finds a model better than chance, keeps only the best, evaluates once on test", async () => {
    const data = blobs(40); // 120 rows, 3 classes: chance is 1/3
    const before = tf.memory().numTensors;
    const perTrial: number[] = [];
    const result = await tune({
      buildModel: (trial) => buildMlp(trial, { ...tiny(3), seed: 5 }),
      data: { dataset: data, split: { seed: 1 } },
      monitor: "val_acc",
      fit: { epochs: 6, batchSize: 16 },
      nTrials: 6,
      studyOptions: { sampler: new RandomSampler({ seed: 3 }) },
      optimize: {
        showProgressBar: false,
        callbacks: [() => void perTrial.push(tf.memory().numTensors)],
      },
    });
    expect(result.summary).toMatchObject({ nTrials: 6, monitor: "val_acc", direction: "maximize" });
    expect(result.summary.nComplete + result.summary.nPruned).toBe(6);
    expect(result.summary.backend).toBe("wasm");
    expect(result.bestValue).toBeGreaterThan(0.6);
    expect(Object.keys(result.bestParams)).toEqual(["learning_rate"]);
    expect(result.bestTrial.userAttrs["best_epoch"]).toBeTypeOf("number");
    // the kept model really is that good on the validation rows
    expect(result.bestModel).toBeDefined();
    expect(result.standardizer).toBeDefined();
    // the honest step: retrained on train + validation, evaluated on the 24 test rows
    expect(result.test).toBeDefined();
    expect(result.test!.metrics["acc"]).toBeGreaterThan(0.6);
    expect(result.test!.epochs).toBe((result.bestTrial.userAttrs["best_epoch"] as number) + 1);
    expect((await result.study.userAttrs())["test_evaluations"]).toBe(1);
    // only one trial model alive at a time: the count after each trial varies by at most one model
    const modelTensors = result.bestModel!.getWeights().length + 4; // weights + adam state
    for (const n of perTrial) expect(n - before).toBeLessThanOrEqual(8 + modelTensors + 4);
    disposeModel(result.bestModel!);
    disposeModel(result.test!.model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("takes tensors, a study to continue, and leaves the caller's tensors alone", async () => {
    const split = trainValidationTestSplit(blobs(15, 2), { seed: 4 });
    const [train, validation, test] = [split.train, split.validation, split.test].map((d) =>
      toTensors(d),
    );
    const study: Study = await createStudy({
      direction: "minimize",
      pruner: new NopPruner(),
      sampler: new RandomSampler({ seed: 9 }),
    });
    const before = tf.memory().numTensors;
    const result = await tune({
      buildModel: (trial) => buildMlp(trial, tiny(2)),
      data: { ...train!, validation: validation!, test: test! },
      study,
      nTrials: 3,
      earlyStopping: false,
      fit: { epochs: 2 },
      optimize: { showProgressBar: false },
    });
    expect(result.study).toBe(study);
    expect(result.summary.direction).toBe("minimize");
    const history = [...result.bestTrial.intermediateValues.values()];
    expect(history).toHaveLength(2); // val_loss per epoch, all epochs (no early stopping)
    expect(result.bestValue).toBe(history[1]);
    expect(result.test!.metrics["loss"]).toBeGreaterThan(0);
    disposeModel(result.bestModel!);
    disposeModel(result.test!.model);
    expect(tf.memory().numTensors).toBe(before);
    expect(train!.x.isDisposed).toBe(false);
    await expect(
      tune({
        buildModel: (trial) => buildMlp(trial, tiny(2)),
        data: { ...train!, validation: validation! },
        study,
        monitor: "val_acc",
      }),
    ).rejects.toThrow(/direction/);
    tf.dispose([train!.x, train!.y, validation!.x, validation!.y, test!.x, test!.y]);
  });

  it("prunes trials through the study's pruner and disposes their models", async () => {
    const before = tf.memory().numTensors;
    const result = await tune({
      buildModel: (trial) => buildMlp(trial, tiny(3)),
      data: { dataset: blobs(10), split: { testSize: 0 } },
      studyOptions: {
        pruner: { prune: (_s, t: FrozenTrial) => t.number > 0 && (t.lastStep ?? 0) >= 1 },
      },
      fit: { epochs: 4 },
      nTrials: 3,
      optimize: { showProgressBar: false },
    });
    expect(result.summary.nPruned).toBe(2);
    expect(result.bestTrial.number).toBe(0);
    expect(result.test).toBeUndefined();
    disposeModel(result.bestModel!);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("tune after Ctrl-C", () => {
  it("stops the search, leaves the test set untouched and says it was interrupted", async () => {
    const data = blobs(20);
    const before = tf.memory().numTensors;
    const result = await tune({
      buildModel: (trial) => buildMlp(trial, { ...tiny(3), seed: 5 }),
      data: { dataset: data, split: { seed: 1 } },
      monitor: "val_acc",
      fit: { epochs: 3, batchSize: 16 },
      nTrials: 10,
      earlyStopping: false,
      studyOptions: { sampler: new RandomSampler({ seed: 3 }) },
      optimize: {
        showProgressBar: false,
        // Ctrl-C after the second trial, as a terminal would deliver it.
        callbacks: [(_study, trial) => void (trial.number === 1 && process.emit("SIGINT"))],
      },
    });
    expect(result.summary.interrupted).toBe(true);
    expect(result.summary.nTrials).toBeLessThan(10);
    expect(result.test).toBeUndefined();
    expect((await result.study.userAttrs())["test_evaluations"]).toBeUndefined();
    if (result.bestModel !== undefined) disposeModel(result.bestModel);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("tune when trials fail", () => {
  it("frees every model and copy when fit throws mid-training", async () => {
    const before = tf.memory().numTensors;
    await expect(
      tune({
        buildModel: (trial) => buildMlp(trial, tiny(3)),
        data: { dataset: blobs(10), split: { testSize: 0 } },
        monitor: "val_auc", // never logged: every epoch end throws
        fit: { epochs: 2 },
        nTrials: 2,
        optimize: { showProgressBar: false, catch: [InvalidArgumentError] },
      }),
    ).rejects.toThrow(/no COMPLETE trial/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("retrainAndEvaluate", () => {
  it("uses the best trial's parameters and records each test evaluation; testing the best again is no warning", async () => {
    const split = trainValidationTestSplit(blobs(15), { seed: 2 });
    const study = await createStudy({ direction: "maximize" });
    await study.enqueueTrial({ learning_rate: 0.05 });
    await study.optimize(
      (trial) => {
        trial.suggestFloat("learning_rate", 1e-3, 0.3, { log: true });
        trial.setUserAttr("best_epoch", 2);
        return 0.9;
      },
      { nTrials: 1, showProgressBar: false },
    );
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    try {
      for (let i = 0; i < 2; i++) {
        const before = tf.memory().numTensors;
        const result = await retrainAndEvaluate({
          buildModel: (trial) => buildMlp(trial, tiny(3)),
          study,
          train: [split.train, split.validation],
          test: split.test,
        });
        expect(result.params).toEqual({ learning_rate: 0.05 });
        expect(result.epochs).toBe(3);
        expect(Object.keys(result.metrics)).toEqual(["loss", "acc"]);
        expect(result.standardizer!.mean.length).toBe(4);
        disposeModel(result.model);
        expect(tf.memory().numTensors).toBe(before);
      }
    } finally {
      setLogSink(previous);
    }
    const attrs = await study.userAttrs();
    expect(attrs["test_evaluations"]).toBe(2);
    expect(attrs["test_evaluated_trials"]).toEqual([0]);
    expect(attrs["test_trial"]).toBe(0);
    expect(attrs["test_metrics"]).toHaveProperty("acc");
    expect(lines).toEqual([]);

    // Testing parameters that are not the best trial's, after the test set was used: a warning.
    setLogSink((line) => lines.push(line));
    try {
      const other = await retrainAndEvaluate({
        buildModel: (trial) => buildMlp(trial, tiny(3)),
        study,
        params: { learning_rate: 0.2 },
        train: [split.train, split.validation],
        test: split.test,
        fit: { epochs: 1 },
      });
      disposeModel(other.model);
    } finally {
      setLogSink(previous);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("evaluated 2 time(s) before, and these parameters are not");
    expect((await study.userAttrs())["test_trial"]).toBeNull();
    expect((await study.userAttrs())["test_evaluated_trials"]).toEqual([0]);
    await expect(
      retrainAndEvaluate({
        buildModel: () => buildMlp({}, tiny(3)),
        train: split.train,
        test: split.test,
      }),
    ).rejects.toThrow(/study or the params/);
  });

  it("stops retraining when its signal is aborted (Ctrl-C), records nothing and frees the model", async () => {
    const split = trainValidationTestSplit(blobs(15), { seed: 2 });
    const study = await createStudy({ direction: "maximize" });
    await study.enqueueTrial({ learning_rate: 0.05 });
    await study.optimize(
      (trial) => trial.suggestFloat("learning_rate", 1e-3, 0.3, { log: true }) && 0.9,
      { nTrials: 1, showProgressBar: false },
    );
    const controller = new AbortController();
    let batches = 0;
    const before = tf.memory().numTensors;
    await expect(
      retrainAndEvaluate({
        buildModel: (trial) => buildMlp(trial, tiny(3)),
        study,
        train: [split.train, split.validation],
        test: split.test,
        fit: {
          epochs: 1000,
          batchSize: 1,
          callbacks: {
            onBatchEnd: async () => {
              batches++;
              if (batches === 5) setTimeout(() => controller.abort(new Error("Interrupted")), 0);
            },
          },
        },
        signal: controller.signal,
      }),
    ).rejects.toThrow("Interrupted");
    expect(batches).toBeLessThan(1000);
    expect(tf.memory().numTensors).toBe(before);
    expect(await study.userAttrs()).toEqual({});
  });
});
