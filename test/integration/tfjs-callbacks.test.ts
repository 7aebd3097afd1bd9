import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createStudy,
  FixedTrial,
  InvalidArgumentError,
  NopPruner,
  RandomSampler,
  setVerbosity,
  type Trial,
  TrialState,
  Verbosity,
} from "../../src/index.js";
import type { EpochLogs } from "../../src/integration/tfjs/index.js";
import {
  buildMlp,
  constantLr,
  cosineLr,
  disposeModel,
  earlyStopping,
  getLearningRate,
  learningRateScheduler,
  makeOptimizer,
  pruningCallback,
  stepLr,
  toTensors,
  useWasmBackend,
} from "../../src/integration/tfjs/index.js";
import { blobs, pruneAfterStep1 } from "./helpers.js";

const data = blobs(20); // 60 rows, 3 classes, 4 features
let x: tf.Tensor;
let y: tf.Tensor;

beforeAll(async () => {
  setVerbosity(Verbosity.WARNING);
  expect(await useWasmBackend()).toBe("wasm");
  ({ x, y } = toTensors(data));
});

afterAll(() => {
  tf.dispose([x, y]);
});

/** Records what happens at each epoch, for assertions. */
class Recorder extends tf.Callback {
  readonly epochs: number[] = [];
  readonly rates: number[] = [];
  readonly logs: Record<string, number>[] = [];
  override async onEpochBegin(epoch: number): Promise<void> {
    this.epochs.push(epoch);
    this.rates.push(getLearningRate(this.model.optimizer));
  }
  override async onEpochEnd(_epoch: number, logs?: EpochLogs): Promise<void> {
    this.logs.push({ ...(logs as Record<string, number>) });
  }
}

/** Writes a scripted value of "score" into the logs, and keeps a copy of the weights after each epoch. */
class Scripted extends tf.Callback {
  readonly snapshots: tf.Tensor[][] = [];
  constructor(private readonly scores: number[]) {
    super();
  }
  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    if (logs) logs["score"] = this.scores[epoch]!;
    this.snapshots.push(this.model.getWeights().map((w) => w.clone()));
  }
}

const small = {
  inputShape: 4,
  nClasses: 3,
  layers: 1,
  units: 8,
  dropout: 0,
  weightDecay: 0,
  seed: 3,
  compile: { learningRate: 0.01 },
};

describe("backend", () => {
  it("uses the wasm backend and keeps it on a second call", async () => {
    expect(tf.getBackend()).toBe("wasm");
    expect(await useWasmBackend()).toBe("wasm");
  });
});

describe("pruningCallback", () => {
  it("stops model.fit when the pruner says so, and the trial ends PRUNED", async () => {
    const study = await createStudy({
      direction: "minimize",
      sampler: new RandomSampler({ seed: 1 }),
      pruner: pruneAfterStep1,
    });
    const epochsRun: number[] = [];
    await study.optimize(
      async (trial) => {
        const model = buildMlp(trial, {
          ...small,
          compile: { learningRate: { low: 1e-3, high: 1e-2, log: true } },
        });
        const recorder = new Recorder();
        const pruning = pruningCallback(trial, { monitor: "val_loss" });
        try {
          await model.fit(x, y, {
            epochs: 10,
            batchSize: 16,
            validationData: [x, y],
            callbacks: [recorder, pruning],
            verbose: 0,
          });
          epochsRun.push(recorder.epochs.length);
          expect(pruning.pruned).toBe(true);
          expect(pruning.prunedStep).toBe(1);
          pruning.throwIfPruned();
          return 0;
        } finally {
          disposeModel(model);
        }
      },
      { nTrials: 2, showProgressBar: false },
    );
    expect(epochsRun).toEqual([2, 2]); // of 10
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([TrialState.PRUNED, TrialState.PRUNED]);
    expect([...trials[0]!.intermediateValues.keys()]).toEqual([0, 1]);
    expect(trials[0]!.value).toBe(trials[0]!.intermediateValues.get(1));
  });

  it("reports every epoch when nothing prunes, with metric aliases and a step offset", async () => {
    const trial = new FixedTrial({});
    const model = buildMlp({}, small);
    const pruning = pruningCallback(trial, { monitor: "val_accuracy", stepOffset: 10 });
    await model.fit(x, y, { epochs: 3, validationData: [x, y], callbacks: [pruning], verbose: 0 });
    disposeModel(model);
    expect([...trial.intermediateValues.keys()]).toEqual([10, 11, 12]);
    expect(pruning.pruned).toBe(false);
    expect(() => pruning.throwIfPruned()).not.toThrow();
    const v = trial.intermediateValues.get(12)!;
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  });

  it("says which metrics exist when the monitored one is missing", async () => {
    const model = buildMlp({}, small);
    const pruning = pruningCallback(new FixedTrial({}));
    await expect(model.fit(x, y, { epochs: 1, callbacks: [pruning], verbose: 0 })).rejects.toThrow(
      /"val_loss" is not in the epoch logs \(.*loss.*\).*validationData/,
    );
    expect(new InvalidArgumentError("x")).toBeInstanceOf(Error);
    disposeModel(model);
  });
});

describe("training lets the event loop run", () => {
  /** A trial whose signal the test aborts, as Ctrl-C does. */
  function abortableTrial() {
    const controller = new AbortController();
    const trial = {
      signal: controller.signal,
      report: async () => undefined,
      shouldPrune: async () => false,
    } as unknown as Trial;
    return { trial, controller };
  }

  class BatchCounter extends tf.Callback {
    batches = 0;
    epochs = 0;
    override async onBatchEnd(): Promise<void> {
      this.batches++;
    }
    override async onEpochEnd(): Promise<void> {
      this.epochs++;
    }
  }

  it("runs timers during model.fit and stops within the epoch once the trial is ended", async () => {
    const model = buildMlp({}, small);
    const { trial, controller } = abortableTrial();
    const counter = new BatchCounter();
    let batchesAtTimer = -1;
    // Due at once; without turns of the event loop it would run only after fit.
    const timer = setTimeout(() => {
      batchesAtTimer = counter.batches;
      controller.abort();
    }, 0);
    await model.fit(x, y, {
      epochs: 50,
      batchSize: 1, // 60 batches an epoch
      validationData: [x, y],
      callbacks: [
        counter,
        pruningCallback(trial, { monitor: "val_acc" }),
        earlyStopping({ monitor: "val_acc" }),
      ],
      verbose: 0,
    });
    clearTimeout(timer);
    disposeModel(model);
    expect(batchesAtTimer).toBeGreaterThanOrEqual(0);
    expect(batchesAtTimer).toBeLessThan(60 * 50);
    // The timer ran in the turn after a batch (counted first); that batch was the last. The
    // epoch cut short (no validation metrics) ends without an error from either callback.
    expect(counter.batches).toBe(batchesAtTimer);
    expect(counter.epochs).toBe(Math.floor(batchesAtTimer / 60) + 1);
  });
});

describe("earlyStopping", () => {
  it("stops after `patience` epochs without improvement and restores the best weights", async () => {
    const before = tf.memory().numTensors;
    const model = buildMlp({}, { ...small, compile: { learningRate: 0.05 } });
    const scripted = new Scripted([1, 3, 2, 2.5, 0, 0, 0, 0]);
    const stopper = earlyStopping({ monitor: "score", patience: 2, restoreBestWeights: true });
    const recorder = new Recorder();
    await model.fit(x, y, {
      epochs: 8,
      batchSize: 8,
      callbacks: [recorder, scripted, stopper],
      verbose: 0,
    });
    expect(stopper.mode).toBe("min"); // "score" is not accuracy-like
    // min mode: 1 at epoch 0 is best; 3 and 2 are worse, so with patience 2 it stops at epoch 2
    expect(stopper.bestEpoch).toBe(0);
    expect(stopper.stoppedEpoch).toBe(2);
    expect(recorder.epochs).toEqual([0, 1, 2]);
    const weights = model.getWeights();
    const best = scripted.snapshots[0]!;
    const last = scripted.snapshots[2]!;
    weights.forEach((w, i) => {
      expect(Array.from(w.dataSync())).toEqual(Array.from(best[i]!.dataSync()));
    });
    expect(Array.from(weights[0]!.dataSync())).not.toEqual(Array.from(last[0]!.dataSync()));
    for (const s of scripted.snapshots) tf.dispose(s);
    // the weights survive the disposal of the callback's copies
    expect(model.getWeights()[0]!.isDisposed).toBe(false);
    tf.tidy(() => {
      expect((model.predict(x) as tf.Tensor).shape).toEqual([60, 3]);
    });
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("max mode, minDelta and keeping the last weights", async () => {
    const model = buildMlp({}, small);
    const scripted = new Scripted([0.5, 0.6, 0.605, 0.61, 0.9, 0.1]);
    const stopper = earlyStopping({ monitor: "score", mode: "max", patience: 2, minDelta: 0.05 });
    await model.fit(x, y, { epochs: 6, callbacks: [scripted, stopper], verbose: 0 });
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.bestValue).toBe(0.6);
    expect(stopper.stoppedEpoch).toBe(3);
    // without restoreBestWeights the model keeps its last weights
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(
      Array.from(scripted.snapshots[3]![0]!.dataSync()),
    );
    for (const s of scripted.snapshots) tf.dispose(s);
    disposeModel(model);
    expect(() => earlyStopping({ patience: -1 })).toThrow(/patience/);
    expect(earlyStopping({ monitor: "val_acc" }).mode).toBe("max");
  });
});

describe("learning-rate schedules", () => {
  it("compute constant, step and cosine rates", () => {
    expect(constantLr(0.1)(7)).toBe(0.1);
    const step = stepLr({ learningRate: 1, every: 2, factor: 0.5 });
    expect([0, 1, 2, 3, 4].map(step)).toEqual([1, 1, 0.5, 0.5, 0.25]);
    const cos = cosineLr({ learningRate: 1, epochs: 4 });
    expect([0, 1, 2, 3].map(cos).map((v) => Number(v.toFixed(4)))).toEqual([
      1, 0.8536, 0.5, 0.1464,
    ]);
    const warm = cosineLr({ learningRate: 1, epochs: 6, warmupEpochs: 2, minLearningRate: 0.1 });
    expect(warm(0)).toBe(0.5);
    expect(warm(1)).toBe(1);
    expect(warm(2)).toBe(1);
    expect(warm(4)).toBeCloseTo(0.55);
    expect(() => cosineLr({ learningRate: 1, epochs: 3, warmupEpochs: 3 })).toThrow(/warmupEpochs/);
  });

  it("set the optimizer's learning rate at every epoch (sgd, momentum, adam, rmsprop)", async () => {
    const schedule = stepLr({ learningRate: 0.1, every: 2, factor: 0.5 });
    for (const [name, momentum] of [
      ["sgd", 0],
      ["sgd", 0.9],
      ["adam", 0],
      ["rmsprop", 0],
    ] as const) {
      const model = buildMlp({}, { ...small, compile: false });
      model.compile({
        optimizer: makeOptimizer(name, 0.3, { momentum }),
        loss: "sparseCategoricalCrossentropy",
      });
      const scheduler = learningRateScheduler(schedule);
      const recorder = new Recorder();
      await model.fit(x, y, { epochs: 5, callbacks: [scheduler, recorder], verbose: 0 });
      expect(recorder.rates).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
      expect(scheduler.rates).toEqual(recorder.rates);
      expect(recorder.logs.map((l) => l["lr"])).toEqual(recorder.rates);
      // SGD-family optimizers step with a cached -lr scalar: it must follow the schedule too.
      const c = (model.optimizer as unknown as { c?: tf.Scalar }).c;
      if (name === "sgd") expect(c!.dataSync()[0]).toBeCloseTo(-0.025);
      disposeModel(model);
    }
  });

  it("makeOptimizer builds the named optimizers", () => {
    const names = [
      makeOptimizer("adam", 0.01),
      makeOptimizer("sgd", 0.01),
      makeOptimizer("sgd", 0.01, { momentum: 0.9 }),
      makeOptimizer("rmsprop", 0.01),
      makeOptimizer("adagrad", 0.01),
      makeOptimizer("adamax", 0.01),
    ].map((o) => {
      const name = o.getClassName();
      o.dispose();
      return name;
    });
    expect(names).toEqual(["Adam", "SGD", "Momentum", "RMSProp", "Adagrad", "Adamax"]);
    expect(() => makeOptimizer("adam", 0)).toThrow(/learningRate/);
    expect(() => makeOptimizer("nadam" as "adam", 0.1)).toThrow(/unknown optimizer/);
  });
});

describe("buildMlp", () => {
  it("builds the requested layers, units, activation, dropout and L2", () => {
    const model = buildMlp(
      {
        n_layers: 2,
        n_units_l0: 32,
        n_units_l1: 16,
        dropout: 0.25,
        weight_decay: 1e-3,
        learning_rate: 0.01,
      },
      { inputShape: 64, nClasses: 10, activation: "tanh" },
    );
    const layers = model.layers.map((l) => l.getClassName());
    expect(layers).toEqual(["Dense", "Dropout", "Dense", "Dropout", "Dense"]);
    const configs = model.layers.map((l) => l.getConfig());
    expect(configs[0]!["units"]).toBe(32);
    expect(configs[0]!["activation"]).toBe("tanh");
    expect(configs[1]!["rate"]).toBe(0.25);
    expect(configs[2]!["units"]).toBe(16);
    expect(configs[4]!["units"]).toBe(10);
    expect(configs[4]!["activation"]).toBe("softmax");
    const l2 = configs[0]!["kernelRegularizer"] as { config: { l2: number } };
    expect(l2.config.l2).toBeCloseTo(1e-3);
    expect(model.inputs[0]!.shape).toEqual([null, 64]);
    expect(model.optimizer.getClassName()).toBe("Adam");
    expect(getLearningRate(model.optimizer)).toBe(0.01);
    disposeModel(model);
  });

  it("suggests its parameters from a trial, and rebuilds from them", async () => {
    const study = await createStudy({
      sampler: new RandomSampler({ seed: 4 }),
      pruner: new NopPruner(),
    });
    const trial = await study.ask();
    const options = {
      inputShape: [2, 2],
      nClasses: 0,
      activation: ["relu", "elu"],
      compile: { optimizer: ["sgd", "rmsprop"], momentum: { low: 0.5, high: 0.9 } },
    } as const;
    const model = buildMlp(trial, options);
    const names = Object.keys(trial.params).sort();
    const expected = [
      "activation",
      "dropout",
      "learning_rate",
      "momentum",
      "n_layers",
      "optimizer",
      "weight_decay",
    ];
    for (let i = 0; i < (trial.params["n_layers"] as number); i++) expected.push(`n_units_l${i}`);
    expect(names).toEqual(expected.sort());
    expect(model.layers[0]!.getClassName()).toBe("Flatten");
    expect(model.layers.at(-1)!.getConfig()["units"]).toBe(1); // regression head
    const again = buildMlp(trial.params, options);
    expect(again.countParams()).toBe(model.countParams());
    disposeModel(model);
    disposeModel(again);
    const bare = buildMlp({}, { ...small, dropout: 0, compile: false });
    expect(bare.layers.map((l) => l.getClassName())).toEqual(["Dense", "Dense"]);
    bare.dispose();
    expect(() => buildMlp({}, { ...small, nClasses: -1 })).toThrow(/nClasses/);
  });
});

describe("backend fallback", () => {
  it('falls back to "cpu" with a warning when the wasm binaries cannot be loaded', () => {
    const script = fileURLToPath(new URL("./fixtures/backend-fallback.ts", import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", script], {
      encoding: "utf8",
      env: { ...process.env, SKIPJACK_LOG_LEVEL: "WARNING" },
      timeout: 20_000,
    });
    const last = result.stdout.trim().split("\n").at(-1)!;
    expect(JSON.parse(last)).toEqual({ backend: "cpu", active: "cpu" });
    expect(result.stderr).toMatch(
      /useWasmBackend: the wasm backend failed to initialize; using the slower "cpu" backend/,
    );
  });
});
