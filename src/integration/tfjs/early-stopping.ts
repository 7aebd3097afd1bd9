/**
 * Early stopping for `model.fit` with `restoreBestWeights` (which TF.js's own
 * `tf.callbacks.earlyStopping` does not support).
 */
import * as tf from "@tensorflow/tfjs";
import { InvalidArgumentError } from "../../errors/index.js";
import { type EpochLogs, isMaximized, logKey, readMonitor, resolveLogs } from "./logs.js";

/** Options of `earlyStopping`. */
export interface EarlyStoppingOptions {
  /** Metric to watch, as TF.js logs it. Default "val_loss". */
  monitor?: string;
  /** Epochs without improvement after which training stops (0 and 1: the first such epoch). Default 0 (as Keras). */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** "min", "max", or "auto" (default): "max" for accuracy-like names, else "min". */
  mode?: "auto" | "min" | "max";
  /** Stop unless the metric beats this value (and keep improving). Default none. */
  baseline?: number;
  /**
   * At the end of training, set the weights of the best epoch back into the model.
   * Default false (as Keras). The copies are disposed, so nothing leaks.
   */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when `monitor` has not improved by more than `minDelta` for `patience`
 * epochs. With `restoreBestWeights`, the model ends with the weights of its best epoch
 * (kept as tensor copies during training, disposed at the end).
 *
 * After `fit`: `bestValue`, `bestEpoch`, `stoppedEpoch` (undefined when it ran all epochs).
 */
export class EarlyStoppingCallback extends tf.Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: "min" | "max";
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  private best = Number.NaN;
  private bestAt: number | undefined;
  private stoppedAt: number | undefined;
  private wait = 0;
  private snapshot: tf.Tensor[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? "val_loss";
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    const mode = options.mode ?? "auto";
    if (mode !== "auto" && mode !== "min" && mode !== "max") {
      throw new InvalidArgumentError(
        `earlyStopping: mode must be "auto", "min" or "max", not ${mode}.`,
      );
    }
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) {
      throw new InvalidArgumentError(
        `earlyStopping: patience must be an integer >= 0, got ${options.patience}.`,
      );
    }
    this.mode = mode === "auto" ? (isMaximized(this.monitor) ? "max" : "min") : mode;
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
  }

  /** The best value of the metric seen in the last `fit` (NaN before any epoch). */
  get bestValue(): number {
    return this.best;
  }

  /** The epoch of `bestValue`. */
  get bestEpoch(): number | undefined {
    return this.bestAt;
  }

  /** The epoch after which training was stopped, or undefined when it ran all its epochs. */
  get stoppedEpoch(): number | undefined {
    return this.stoppedAt;
  }

  private improves(value: number, reference: number): boolean {
    return this.mode === "min"
      ? value < reference - this.minDelta
      : value > reference + this.minDelta;
  }

  override async onTrainBegin(): Promise<void> {
    this.dispose();
    this.best = Number.NaN;
    this.bestAt = undefined;
    this.stoppedAt = undefined;
    this.wait = 0;
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const resolved = await resolveLogs(logs);
    // An epoch cut short by another callback (Ctrl-C) ends without validation metrics.
    if (this.model.stopTraining && logKey(this.monitor, resolved) === undefined) return;
    const value = readMonitor(this.monitor, resolved, "earlyStopping");
    const reference = Number.isNaN(this.best) ? this.baseline : this.best;
    const better =
      !Number.isNaN(value) && (reference === undefined || this.improves(value, reference));
    if (better) {
      this.best = value;
      this.bestAt = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) {
        this.dispose();
        const weights = this.model.getWeights();
        this.snapshot = tf.tidy(() => weights.map((w) => w.clone()));
      }
      return;
    }
    this.wait++;
    if (this.wait >= Math.max(1, this.patience)) {
      this.stoppedAt = epoch;
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.restoreBestWeights && this.snapshot !== undefined) {
      // setWeights assigns each variable the snapshot's data; our copies can then go.
      this.model.setWeights(this.snapshot);
    }
    this.dispose();
  }

  /** Frees the kept copy of the best weights (done at the end of training). */
  dispose(): void {
    if (this.snapshot !== undefined) tf.dispose(this.snapshot);
    this.snapshot = undefined;
  }
}

/** An `EarlyStoppingCallback`; see there. Defaults: val_loss, patience 0, minDelta 0, mode auto. */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStoppingCallback {
  return new EarlyStoppingCallback(options);
}
