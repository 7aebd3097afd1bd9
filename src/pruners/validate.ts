import { InvalidArgumentError } from "../errors/index.js";

/** Throws unless `value` is an integer ≥ `min`; the message names the option and the fix. */
export function checkInteger(owner: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(
      `${owner}: ${name} must be an integer >= ${min}, got ${String(value)}.`,
    );
  }
  return value;
}

/** Throws unless `value` is a finite number ≥ `min`. */
export function checkNumber(owner: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(
      `${owner}: ${name} must be a finite number >= ${min}, got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * Whether `step` is the first reported step at or after the latest pruning checkpoint
 * (n_warmup_steps + k · interval_steps), as Optuna's `_is_first_in_interval_step`.
 */
export function isFirstInIntervalStep(
  step: number,
  steps: Iterable<number>,
  nWarmupSteps: number,
  intervalSteps: number,
): boolean {
  const checkpoint =
    Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
  let previous = -1;
  for (const s of steps) if (s !== step && s > previous) previous = s;
  return previous < checkpoint;
}

/**
 * The step a pruner judges now: the trial's last reported step when it is past the warm-up and
 * the first report at or after a pruning checkpoint; null otherwise (no decision this time).
 */
export function checkpointStep(
  trial: {
    readonly lastStep: number | null;
    readonly intermediateValues: ReadonlyMap<number, number>;
  },
  nWarmupSteps: number,
  intervalSteps: number,
): number | null {
  const step = trial.lastStep;
  if (step === null || step < nWarmupSteps) return null;
  const first = isFirstInIntervalStep(
    step,
    trial.intermediateValues.keys(),
    nWarmupSteps,
    intervalSteps,
  );
  return first ? step : null;
}

/** Reported steps and values of a trial in ascending step order. */
export function sortedSteps(values: ReadonlyMap<number, number>): [number, number][] {
  const entries = [...values];
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]![0] < entries[i - 1]![0]) return entries.sort((a, b) => a[0] - b[0]);
  }
  return entries;
}
