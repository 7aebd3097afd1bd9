/**
 * Hypervolume of a set of points (minimization): the measure of the region they dominate
 * bounded by a reference point. Two objectives by one sweep (O(n log n)); three by sweeping
 * the third objective over two-dimensional fronts (O(n² log n)); more by the same slicing,
 * recursively. Meant for the small sets of samplers (tens to hundreds of points).
 *
 * Points are rows of a Float64Array (n × m, row-major).
 */

/** Rows that dominate the reference strictly in every objective (the others add nothing). */
function insideRows(
  points: Float64Array,
  n: number,
  m: number,
  reference: ArrayLike<number>,
): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    let inside = true;
    for (let j = 0; j < m; j++) {
      if (!(points[i * m + j]! < reference[j]!)) {
        inside = false;
        break;
      }
    }
    if (inside) rows.push(i);
  }
  return rows;
}

/** Two objectives (columns c0, c1) of the given rows. */
function hv2(
  points: Float64Array,
  m: number,
  rows: number[],
  reference: ArrayLike<number>,
): number {
  const sorted = [...rows].sort(
    (a, b) => points[a * m]! - points[b * m]! || points[a * m + 1]! - points[b * m + 1]!,
  );
  const r0 = reference[0]!;
  let floor = reference[1]!;
  let volume = 0;
  for (const i of sorted) {
    const y = points[i * m + 1]!;
    if (y < floor) {
      volume += (r0 - points[i * m]!) * (floor - y);
      floor = y;
    }
  }
  return volume;
}

/** Objectives 0..d-1 of the given rows, slicing on objective d-1. */
function hvRecursive(
  points: Float64Array,
  m: number,
  d: number,
  rows: number[],
  reference: ArrayLike<number>,
): number {
  if (rows.length === 0) return 0;
  if (d === 1) {
    let best = reference[0]!;
    for (const i of rows) best = Math.min(best, points[i * m]!);
    return reference[0]! - best;
  }
  if (d === 2) return hv2(points, m, rows, reference);
  const last = d - 1;
  const sorted = [...rows].sort((a, b) => points[a * m + last]! - points[b * m + last]!);
  let volume = 0;
  const active: number[] = [];
  for (let r = 0; r < sorted.length; r++) {
    active.push(sorted[r]!);
    const z = points[sorted[r]! * m + last]!;
    const next = r + 1 < sorted.length ? points[sorted[r + 1]! * m + last]! : reference[last]!;
    if (next > z) volume += hvRecursive(points, m, last, active, reference) * (next - z);
  }
  return volume;
}

/** The hypervolume of n points of m objectives (rows of `points`) bounded by `reference`. */
export function hypervolume(
  points: Float64Array,
  n: number,
  m: number,
  reference: ArrayLike<number>,
): number {
  const rows = insideRows(points, n, m, reference);
  return hvRecursive(points, m, m, rows, reference);
}

/**
 * Each point's exclusive contribution: hypervolume(all) − hypervolume(all but that point).
 * Duplicated points contribute 0 each.
 */
export function hypervolumeContributions(
  points: Float64Array,
  n: number,
  m: number,
  reference: ArrayLike<number>,
): Float64Array {
  const rows = insideRows(points, n, m, reference);
  const total = hvRecursive(points, m, m, rows, reference);
  const contributions = new Float64Array(n);
  for (const i of rows) {
    const others = rows.filter((r) => r !== i);
    contributions[i] = Math.max(0, total - hvRecursive(points, m, m, others, reference));
  }
  return contributions;
}

/** Points given as arrays of numbers, as the rows of one Float64Array. */
export function toRows(values: readonly (readonly number[])[]): Float64Array {
  const m = values[0]?.length ?? 0;
  const out = new Float64Array(values.length * m);
  for (let i = 0; i < values.length; i++) out.set(values[i]!, i * m);
  return out;
}
