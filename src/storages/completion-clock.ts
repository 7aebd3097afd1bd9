let last = 0;

/**
 * The current time, strictly after every time returned before in this process, to stamp a
 * trial's completion. Trials that finish one after the other within a millisecond keep their
 * order, so that on a tie the best trial is the first to complete, as in Optuna.
 */
export function completionTime(): Date {
  const now = Date.now();
  last = now > last ? now : last + 1;
  return new Date(last);
}
