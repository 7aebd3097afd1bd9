import { InvalidArgumentError } from "../errors/index.js";
import { checkInteger, checkNumber } from "../pruners/validate.js";
import type { StudyCallback } from "../study/optimize.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { StudyDirection } from "../trial/state.js";
import { isFinished, TrialState } from "../trial/state.js";
import { type StopDecision, type Stopper, stopperCallback } from "./stopper.js";

/** Options of `NoImprovementStopper`. */
export interface NoImprovementStopperOptions {
  /** Finished trials in a row without improvement that stop the study. Required (≥ 1). */
  patience: number;
  /** An improvement of the best value by this much or less does not count. Default 0. */
  minDelta?: number;
  /** Which way is better; default: the study's direction. */
  direction?: StudyDirection;
}

/**
 * Stops a study when its best value has not improved by more than `minDelta` during the last
 * `patience` finished trials (COMPLETE, PRUNED or FAIL, in trial-number order): early stopping
 * for the study as a whole, like Keras' EarlyStopping for epochs. An improvement of `minDelta`
 * or less neither resets the count nor moves the reference value.
 *
 * Use it with `optimize({ callbacks: [new NoImprovementStopper({ patience: 50 }).callback] })`.
 */
export class NoImprovementStopper implements Stopper {
  readonly patience: number;
  readonly minDelta: number;
  readonly direction: StudyDirection | undefined;
  /** The `optimize` callback. */
  readonly callback: StudyCallback;

  constructor(options: NoImprovementStopperOptions) {
    const owner = "NoImprovementStopper";
    this.patience = checkInteger(owner, "patience", options?.patience, 1);
    this.minDelta = checkNumber(owner, "minDelta", options.minDelta ?? 0, 0);
    const direction = options.direction;
    if (direction !== undefined && direction !== "minimize" && direction !== "maximize") {
      throw new InvalidArgumentError(
        `${owner}: direction must be "minimize" or "maximize", got ${String(direction)}.`,
      );
    }
    this.direction = direction;
    this.callback = stopperCallback(this, owner);
  }

  shouldStop(study: StudySnapshot): StopDecision {
    if (study.directions.length !== 1) {
      throw new InvalidArgumentError(
        "NoImprovementStopper is for single-objective studies; this study has " +
          `${study.directions.length} objectives.`,
      );
    }
    const maximize = (this.direction ?? study.directions[0]) === "maximize";
    let best: number | null = null;
    let bestNumber = -1;
    let since = 0;
    for (const t of study.trials) {
      if (!isFinished(t.state)) continue;
      const v = t.state === TrialState.COMPLETE ? t.values?.[0] : undefined;
      if (v !== undefined && !Number.isNaN(v)) {
        const improves =
          best === null || (maximize ? v - this.minDelta > best : v + this.minDelta < best);
        if (improves) {
          best = v;
          bestNumber = t.number;
          since = 0;
          continue;
        }
      }
      since++;
    }
    if (best === null || since < this.patience) {
      return { stop: false, reason: `${since} finished trial(s) without improvement.` };
    }
    const delta = this.minDelta > 0 ? ` by more than ${this.minDelta}` : "";
    return {
      stop: true,
      reason:
        `the best value ${best} (trial ${bestNumber}) has not improved${delta} in the last ` +
        `${since} finished trials (patience ${this.patience}).`,
    };
  }
}
