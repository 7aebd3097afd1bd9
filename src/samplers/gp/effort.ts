/**
 * How much work GPSampler spends on a trial as the number n of training points grows.
 *
 * Optuna's GPSampler refits the kernel hyperparameters, refactorizes K (O(n³)), scores 2048
 * quasi-random candidates (O(n²) each, for the posterior variance) and runs 10 local searches
 * (O(n²) per step) on every trial, so a trial at n = 300 costs about 80 times one at n = 30.
 * Once the data pin the hyperparameters down and the posterior is sharp, most of that work no
 * longer changes the suggestion, and skipjack scales it down:
 *
 * - the hyperparameters are refitted on every trial up to `REFIT_EVERY_TRIAL_UNTIL` points,
 *   then whenever n has grown by `REFIT_GROWTH` (10%) since the last fit (every 10 trials at
 *   n = 100, every 100 at n = 1,000); in between, K's factor grows by one row per new point
 *   (`GpPosterior.extend`, O(n²)) and only K⁻¹y is recomputed for the re-standardized targets;
 *   beyond `MAX_FIT_POINTS` points the fit sees that many, evenly spaced over the trials (each
 *   likelihood evaluation is O(n³); a few hundred points pin six lengthscales down well);
 * - the screening scores the full candidate count up to `FULL_EFFORT_UNTIL` points, then
 *   fewer in proportion to 1/n² (its cost is n² per candidate), down to `MIN_SCREENING`;
 * - the local searches run in full up to `FULL_EFFORT_UNTIL` points, then fewer in proportion
 *   to 1/n, down to `MIN_LOCAL_SEARCHES` (the best trial's own start among them).
 */

/** Up to this many training points, the hyperparameters are refitted on every trial. */
export const REFIT_EVERY_TRIAL_UNTIL = 50;
/** Beyond it, a refit when n has grown by this fraction since the last fit. */
export const REFIT_GROWTH = 0.1;
/** The most training points a hyperparameter fit sees. */
export const MAX_FIT_POINTS = 250;
/** Up to this many training points, the screening and local searches run in full. */
export const FULL_EFFORT_UNTIL = 50;
/** Fewest candidates the screening scores. */
export const MIN_SCREENING = 64;
/** Fewest local searches of the acquisition. */
export const MIN_LOCAL_SEARCHES = 2;

/** Whether to refit the hyperparameters at n points, last fitted at `fittedAt` points. */
export function refitDue(n: number, fittedAt: number | null): boolean {
  if (fittedAt === null || n < fittedAt || n <= REFIT_EVERY_TRIAL_UNTIL) return true;
  return n - fittedAt >= Math.ceil(fittedAt * REFIT_GROWTH);
}

/** Candidates to screen at n points, `full` being the count at small n. */
export function screeningSamples(n: number, full: number): number {
  if (n <= FULL_EFFORT_UNTIL) return full;
  const scaled = Math.round(full * (FULL_EFFORT_UNTIL / n) ** 2);
  return Math.min(full, Math.max(MIN_SCREENING, scaled));
}

/** Local searches at n points, `full` being the count at small n. */
export function localSearches(n: number, full: number): number {
  if (n <= FULL_EFFORT_UNTIL) return full;
  const scaled = Math.round((full * FULL_EFFORT_UNTIL) / n);
  return Math.min(full, Math.max(MIN_LOCAL_SEARCHES, scaled));
}

/**
 * The rows a fit at n points uses: all of them up to `MAX_FIT_POINTS`, else that many evenly
 * spaced (row ⌊k n / MAX_FIT_POINTS⌋ for each k), so that early and late trials both count.
 */
export function fitRows(n: number): Int32Array | null {
  if (n <= MAX_FIT_POINTS) return null;
  return Int32Array.from({ length: MAX_FIT_POINTS }, (_, k) =>
    Math.floor((k * n) / MAX_FIT_POINTS),
  );
}
