/**
 * Optimizers by name, learning-rate schedules, and a callback that applies a schedule
 * at the start of every epoch.
 */
import * as tf from "@tensorflow/tfjs";
import { InvalidArgumentError } from "../../errors/index.js";
import { type EpochLogs, resolveLogs } from "./logs.js";

/** Optimizers `makeOptimizer` builds. */
export type OptimizerName = "adam" | "sgd" | "rmsprop" | "adagrad" | "adamax";

/** Options of `makeOptimizer`. */
export interface OptimizerOptions {
  /** Momentum of "sgd" (0: plain SGD; > 0: heavy-ball momentum) and "rmsprop". Default 0. */
  momentum?: number;
  /** Nesterov momentum for "sgd". Default false. */
  nesterov?: boolean;
  /** Adam / Adamax first-moment decay. Default 0.9. */
  beta1?: number;
  /** Adam / Adamax second-moment decay. Default 0.999. */
  beta2?: number;
  /** RMSProp decay of the squared-gradient average. Default 0.9. */
  rho?: number;
  /** Numerical fuzz; default TF.js's backend epsilon. */
  epsilon?: number;
}

/**
 * A TF.js optimizer by name: "adam", "sgd" (with `momentum` > 0: `tf.train.momentum`),
 * "rmsprop", "adagrad" or "adamax", with this learning rate.
 */
export function makeOptimizer(
  name: OptimizerName,
  learningRate: number,
  options: OptimizerOptions = {},
): tf.Optimizer {
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new InvalidArgumentError(`makeOptimizer: learningRate must be > 0, got ${learningRate}.`);
  }
  const momentum = options.momentum ?? 0;
  if (!(momentum >= 0 && momentum < 1)) {
    throw new InvalidArgumentError(`makeOptimizer: momentum must be in [0, 1), got ${momentum}.`);
  }
  switch (name) {
    case "adam":
      return tf.train.adam(
        learningRate,
        options.beta1 ?? 0.9,
        options.beta2 ?? 0.999,
        options.epsilon,
      );
    case "sgd":
      return momentum > 0
        ? tf.train.momentum(learningRate, momentum, options.nesterov ?? false)
        : tf.train.sgd(learningRate);
    case "rmsprop":
      return tf.train.rmsprop(learningRate, options.rho ?? 0.9, momentum, options.epsilon);
    case "adagrad":
      return tf.train.adagrad(learningRate);
    case "adamax":
      return tf.train.adamax(
        learningRate,
        options.beta1 ?? 0.9,
        options.beta2 ?? 0.999,
        options.epsilon,
      );
    default:
      throw new InvalidArgumentError(
        `makeOptimizer: unknown optimizer ${JSON.stringify(name)}; use "adam", "sgd", "rmsprop", "adagrad" or "adamax".`,
      );
  }
}

interface WithLearningRate {
  learningRate?: number;
  setLearningRate?: (lr: number) => void;
}

/** The learning rate an optimizer uses now. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as WithLearningRate).learningRate;
  if (typeof lr !== "number") {
    throw new InvalidArgumentError(
      `${optimizer.getClassName()} has no learning rate that can be read or changed.`,
    );
  }
  return lr;
}

/**
 * Changes an optimizer's learning rate for the next steps. SGD and momentum keep it in a
 * cached tensor (changed through their `setLearningRate`); Adam, RMSProp, Adagrad and Adamax
 * read their `learningRate` field at each step.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as WithLearningRate;
  getLearningRate(optimizer); // throws for optimizers without one
  if (typeof target.setLearningRate === "function") target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/** A learning rate for each epoch (0-based). */
export type LearningRateSchedule = (epoch: number) => number;

/** The same learning rate every epoch. */
export function constantLr(learningRate: number): LearningRateSchedule {
  return () => learningRate;
}

/** Options of `cosineLr`. */
export interface CosineLrOptions {
  /** Peak learning rate (after warmup). */
  learningRate: number;
  /** Total epochs of training; the rate reaches about `minLearningRate` at the last one. */
  epochs: number;
  /** Epochs of linear warmup from learningRate / warmupEpochs up to learningRate. Default 0. */
  warmupEpochs?: number;
  /** Floor of the decay. Default 0. */
  minLearningRate?: number;
}

/**
 * Cosine decay from `learningRate` to `minLearningRate` over `epochs` (SGDR without restarts,
 * Loshchilov & Hutter 2017), after an optional linear warmup:
 * `lr(e) = min + (lr - min) · (1 + cos(π · (e - w) / (epochs - w))) / 2` for e ≥ w.
 */
export function cosineLr(options: CosineLrOptions): LearningRateSchedule {
  const { learningRate, epochs } = options;
  const warmup = options.warmupEpochs ?? 0;
  const floor = options.minLearningRate ?? 0;
  if (!(Number.isInteger(epochs) && epochs >= 1 && warmup >= 0 && warmup < epochs)) {
    throw new InvalidArgumentError(
      `cosineLr: need epochs >= 1 and 0 <= warmupEpochs < epochs, got epochs ${epochs}, warmupEpochs ${warmup}.`,
    );
  }
  return (epoch) => {
    if (epoch < warmup) return (learningRate * (epoch + 1)) / warmup;
    const t = Math.min(1, (epoch - warmup) / (epochs - warmup));
    return floor + ((learningRate - floor) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/** Options of `stepLr`. */
export interface StepLrOptions {
  learningRate: number;
  /** Multiply the rate by `factor` every `every` epochs. */
  every: number;
  /** Default 0.1. */
  factor?: number;
}

/** Step decay: `learningRate · factor^floor(epoch / every)`. */
export function stepLr(options: StepLrOptions): LearningRateSchedule {
  const factor = options.factor ?? 0.1;
  if (!(Number.isInteger(options.every) && options.every >= 1)) {
    throw new InvalidArgumentError(`stepLr: every must be an integer >= 1, got ${options.every}.`);
  }
  return (epoch) => options.learningRate * factor ** Math.floor(epoch / options.every);
}

/**
 * Sets the model's optimizer learning rate from a schedule at the start of each epoch and
 * adds it to the epoch logs as `lr` (as Keras's LearningRateScheduler). `rates` lists the
 * rates set, epoch by epoch.
 */
export class LearningRateScheduler extends tf.Callback {
  readonly schedule: LearningRateSchedule;
  readonly rates: number[] = [];
  private current = Number.NaN;

  constructor(schedule: LearningRateSchedule) {
    super();
    this.schedule = schedule;
  }

  override async onTrainBegin(): Promise<void> {
    this.rates.length = 0;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const lr = this.schedule(epoch);
    if (!(lr >= 0 && Number.isFinite(lr))) {
      throw new InvalidArgumentError(
        `learningRateScheduler: epoch ${epoch} got learning rate ${lr}.`,
      );
    }
    const optimizer = this.model.optimizer;
    if (optimizer == null) {
      throw new InvalidArgumentError("learningRateScheduler: compile the model before fit.");
    }
    setLearningRate(optimizer, lr);
    this.current = lr;
    this.rates.push(lr);
  }

  override async onEpochEnd(_epoch: number, logs?: EpochLogs): Promise<void> {
    if (logs != null) {
      await resolveLogs(logs);
      logs["lr"] = this.current;
    }
  }
}

/** A `LearningRateScheduler` callback for `model.fit`. */
export function learningRateScheduler(schedule: LearningRateSchedule): LearningRateScheduler {
  return new LearningRateScheduler(schedule);
}
