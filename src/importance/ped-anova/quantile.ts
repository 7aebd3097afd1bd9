/**
 * The trials in the best `quantile` of their losses (Optuna's PED-ANOVA quantile filter): the
 * cutoff is the ⌈quantile·n⌉-th smallest loss, and every trial at or below it is kept, ties
 * included.
 */
export function topQuantile(losses: Float64Array, quantile: number): Uint8Array {
  const n = losses.length;
  const keep = new Uint8Array(n);
  if (quantile >= 1) {
    keep.fill(1);
    return keep;
  }
  const sorted = Float64Array.from(losses).sort();
  const cutoff = sorted[Math.max(0, Math.ceil(quantile * n) - 1)]!;
  for (let i = 0; i < n; i++) if (losses[i]! <= cutoff) keep[i] = 1;
  return keep;
}
