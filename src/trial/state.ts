/** The life cycle of a trial; the names are the ones Optuna stores. */
export const TrialState = {
  RUNNING: "RUNNING",
  COMPLETE: "COMPLETE",
  PRUNED: "PRUNED",
  FAIL: "FAIL",
  WAITING: "WAITING",
} as const;
export type TrialState = (typeof TrialState)[keyof typeof TrialState];

/** COMPLETE, PRUNED and FAIL are final: such a trial never changes again. */
export function isFinished(state: TrialState): boolean {
  return state === "COMPLETE" || state === "PRUNED" || state === "FAIL";
}

/** Which way an objective is optimized. */
export type StudyDirection = "minimize" | "maximize";
