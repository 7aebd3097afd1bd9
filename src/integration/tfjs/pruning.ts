/**
 * A `model.fit` callback that reports a metric to the trial after every epoch and stops
 * training when the pruner says the trial should stop (Optuna's TFKerasPruningCallback).
 */
import * as tf from "@tensorflow/tfjs";
import { TrialPruned } from "../../errors/index.js";
import type { Trial } from "../../trial/trial.js";
import { type EpochLogs, readMonitor, resolveLogs } from "./logs.js";
import { EventLoopTurns } from "./yield.js";

/** Options of `pruningCallback`. */
export interface PruningCallbackOptions {
  /**
   * The metric reported each epoch, as TF.js logs it: "val_loss" (default), "val_acc"
   * ("val_accuracy" works too), "loss", "acc", or a custom metric name. It must go in the
   * study's direction (maximize for accuracy, minimize for a loss).
   */
  monitor?: string;
  /** Added to the epoch number to make the step, for several `fit` calls in one trial. Default 0. */
  stepOffset?: number;
}

/**
 * Reports `monitor` after each epoch with `await trial.report(value, epoch)` and asks
 * `trial.shouldPrune()`; when it says yes, sets `model.stopTraining = true` and remembers
 * it. After `fit` returns, call `throwIfPruned()` so the trial ends PRUNED:
 *
 * ```ts
 * const pruning = pruningCallback(trial, { monitor: "val_acc" });
 * await model.fit(x, y, { epochs: 20, validationData: [xVal, yVal], callbacks: [pruning] });
 * pruning.throwIfPruned(); // throws TrialPruned when training was cut short
 * ```
 *
 * Training also stops when the trial's `signal` is aborted (Ctrl-C, a stopped study), at the
 * end of the current batch: the callback gives the event loop a turn every few milliseconds
 * (TF.js does not for callback objects), so signal handlers, timers and progress bars run
 * during synchronous training.
 */
export class PruningCallback extends tf.Callback {
  readonly trial: Trial;
  readonly monitor: string;
  readonly stepOffset: number;
  private prunedAt: number | undefined;
  private lastValue: number | undefined;
  private readonly turns = new EventLoopTurns();

  constructor(trial: Trial, options: PruningCallbackOptions = {}) {
    super();
    this.trial = trial;
    this.monitor = options.monitor ?? "val_loss";
    this.stepOffset = options.stepOffset ?? 0;
  }

  /** Whether training was stopped because the trial should be pruned. */
  get pruned(): boolean {
    return this.prunedAt !== undefined;
  }

  /** The step at which the pruner stopped training, if it did. */
  get prunedStep(): number | undefined {
    return this.prunedAt;
  }

  /** The last value reported. */
  get lastReported(): number | undefined {
    return this.lastValue;
  }

  override async onTrainBegin(): Promise<void> {
    this.prunedAt = undefined;
  }

  override async onBatchEnd(): Promise<void> {
    await this.turns.maybeYield();
    if (this.trial.signal.aborted) this.model.stopTraining = true;
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    await this.turns.maybeYield();
    // Ended from outside (Ctrl-C): nothing more to report, and an epoch cut short has no
    // validation metrics.
    if (this.trial.signal.aborted) {
      this.model.stopTraining = true;
      return;
    }
    const resolved = await resolveLogs(logs);
    const value = readMonitor(this.monitor, resolved, "pruningCallback");
    const step = epoch + this.stepOffset;
    this.lastValue = value;
    await this.trial.report(value, step);
    if (this.trial.signal.aborted) {
      this.model.stopTraining = true;
      return;
    }
    if (await this.trial.shouldPrune()) {
      this.prunedAt = step;
      this.model.stopTraining = true;
    }
  }

  /** Throws `TrialPruned` when this callback stopped training; call it after `fit`. */
  throwIfPruned(): void {
    if (this.prunedAt !== undefined) {
      throw new TrialPruned(`Trial was pruned at epoch ${this.prunedAt}.`);
    }
  }
}

/** A `PruningCallback` for `model.fit`; see there. Default monitor "val_loss". */
export function pruningCallback(
  trial: Trial,
  options: PruningCallbackOptions = {},
): PruningCallback {
  return new PruningCallback(trial, options);
}
