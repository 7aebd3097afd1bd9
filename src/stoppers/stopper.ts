import { logger } from "../logging/index.js";
import type { StudyCallback } from "../study/optimize.js";
import type { StudySnapshot } from "../study/snapshot.js";

/** Whether to stop, and why (a sentence for the log). */
export interface StopDecision {
  readonly stop: boolean;
  readonly reason: string;
}

/** Decides from the study's trials whether the optimization should stop. */
export interface Stopper {
  shouldStop(study: StudySnapshot): StopDecision;
}

/**
 * A callback for `study.optimize({ callbacks })` that asks `stopper` after every finished trial
 * and calls `study.stop()` (running trials finish, no new one starts) with the reason logged.
 */
export function stopperCallback(stopper: Stopper, name: string): StudyCallback {
  return async (study) => {
    // Already stopping (e.g. several trials finishing at once): say it once.
    if (study.stopped) return;
    const decision = stopper.shouldStop(await study.snapshot());
    if (!decision.stop) return;
    logger.info(`${name}: ${decision.reason} The study stops.`);
    study.stop();
  };
}
