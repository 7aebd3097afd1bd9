/**
 * Importances as an ordered record, as Optuna returns them: a stable sort by increasing
 * importance, reversed, so ties come out in the reverse of their input order.
 */
export function sortByImportance(
  importances: ReadonlyArray<readonly [string, number]>,
): Record<string, number> {
  const ascending = importances
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry[1] - b.entry[1] || a.index - b.index);
  const out: Record<string, number> = {};
  for (let i = ascending.length - 1; i >= 0; i--) {
    const [name, value] = ascending[i]!.entry;
    out[name] = value;
  }
  return out;
}

/** Scales importances to sum to 1, or to equal shares when they sum to 0 (Optuna's rule). */
export function normalizeImportances(importances: Record<string, number>): Record<string, number> {
  const names = Object.keys(importances);
  let sum = 0;
  for (const name of names) sum += importances[name]!;
  const out: Record<string, number> = {};
  for (const name of names) out[name] = sum === 0 ? 1 / names.length : importances[name]! / sum;
  return out;
}
