/**
 * Reading metrics from the logs `model.fit` passes to callbacks.
 */
import type * as tf from "@tensorflow/tfjs";
import { InvalidArgumentError } from "../../errors/index.js";

/** What TF.js passes to `onEpochEnd`: numbers, or scalar tensors not yet read back. */
export type EpochLogs = Record<string, number | tf.Scalar>;

/** Names a metric may be asked by that TF.js logs under another name. */
const ALIASES: Record<string, string> = {
  accuracy: "acc",
  val_accuracy: "val_acc",
  valAcc: "val_acc",
  valLoss: "val_loss",
  valAccuracy: "val_acc",
};

/**
 * Replaces scalar tensors in `logs` by their values and disposes them, as TF.js's own
 * `CustomCallback` does, so callbacks later in the list (and `History`) see numbers.
 */
export async function resolveLogs(logs: EpochLogs | undefined): Promise<Record<string, number>> {
  if (logs == null) return {};
  const keys = Object.keys(logs).filter((k) => typeof logs[k] !== "number");
  if (keys.length > 0) {
    const values = await Promise.all(keys.map((k) => (logs[k] as tf.Scalar).data()));
    keys.forEach((k, i) => {
      const tensor = logs[k] as tf.Scalar;
      logs[k] = values[i]![0]!;
      tensor.dispose();
    });
  }
  return logs as Record<string, number>;
}

/** The name under which TF.js logs `monitor` (e.g. "val_accuracy" is logged as "val_acc"). */
export function logKey(monitor: string, logs: Record<string, unknown>): string | undefined {
  if (monitor in logs) return monitor;
  const alias = ALIASES[monitor];
  return alias !== undefined && alias in logs ? alias : undefined;
}

/** The value of `monitor` in resolved logs, or a clear error listing what is there. */
export function readMonitor(monitor: string, logs: Record<string, number>, who: string): number {
  const key = logKey(monitor, logs);
  if (key === undefined) {
    const available = Object.keys(logs);
    const hint =
      monitor.startsWith("val_") && !available.some((k) => k.startsWith("val_"))
        ? " Validation metrics appear only when fit gets validationData or validationSplit."
        : " Compile the model with the metric, or monitor one of these.";
    throw new InvalidArgumentError(
      `${who}: metric "${monitor}" is not in the epoch logs (${available.length > 0 ? available.join(", ") : "none"}).${hint}`,
    );
  }
  return logs[key]!;
}

/** Whether larger is better for a metric name (accuracy-like), for `mode: "auto"`. */
export function isMaximized(monitor: string): boolean {
  return /acc|auc|precision|recall|f1|r2/i.test(monitor);
}
