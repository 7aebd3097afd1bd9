/**
 * The ranking half of NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast and elitist
 * multiobjective genetic algorithm: NSGA-II", IEEE TEVC 6(2)): fast non-dominated sorting,
 * crowding distance, and the constrained domination of Deb (2000, "An efficient constraint
 * handling method for genetic algorithms", CMAME 186).
 *
 * A population is n rows of m objective values to MINIMIZE (row-major Float64Array; negate the
 * columns of maximized objectives first) and, optionally, one total constraint violation per
 * row (0 when feasible, > 0 when not, +Infinity when unknown).
 */

/**
 * Whether row `a` (Pareto-)dominates row `b`: no worse on every objective, better on one.
 * With violations (Deb 2000): a feasible row dominates an infeasible one; of two infeasible
 * rows the one with the smaller violation dominates; two feasible rows compare by Pareto.
 */
export function constrainedDominates(
  values: Float64Array,
  m: number,
  a: number,
  b: number,
  violation: Float64Array | null = null,
): boolean {
  if (violation !== null) {
    const va = violation[a]!;
    const vb = violation[b]!;
    if (va > 0 || vb > 0) return va < vb;
  }
  let better = false;
  const oa = a * m;
  const ob = b * m;
  for (let k = 0; k < m; k++) {
    const x = values[oa + k]!;
    const y = values[ob + k]!;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** Fronts (row indices, ascending within a front) and the rank (0-based front) of each row. */
export interface Fronts {
  fronts: Int32Array[];
  rank: Int32Array;
}

/**
 * Fast non-dominated sorting (Deb et al. 2002, §III-A): O(m n²) comparisons. Front 0 is the
 * non-dominated set; front k+1 is non-dominated once fronts 0..k are removed. With
 * `violation`, domination is Deb's constrained domination, so every feasible row comes before
 * every infeasible one and infeasible rows are layered by increasing violation.
 */
export function nonDominatedSort(
  values: Float64Array,
  n: number,
  m: number,
  violation: Float64Array | null = null,
): Fronts {
  const dominatedBy = new Int32Array(n); // how many rows dominate row i
  const dominated: number[][] = Array.from({ length: n }, () => []); // rows that i dominates
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (constrainedDominates(values, m, i, j, violation)) {
        dominated[i]!.push(j);
        dominatedBy[j]!++;
      } else if (constrainedDominates(values, m, j, i, violation)) {
        dominated[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const rank = new Int32Array(n);
  const fronts: Int32Array[] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  while (current.length > 0) {
    const front = Int32Array.from(current).sort();
    const r = fronts.length;
    fronts.push(front);
    const next: number[] = [];
    for (const i of front) {
      rank[i] = r;
      for (const j of dominated[i]!) {
        if (--dominatedBy[j]! === 0) next.push(j);
      }
    }
    current = next;
  }
  return { fronts, rank };
}

/**
 * Crowding distance of the given rows (Deb et al. 2002, §III-B), in the order of `rows`: per
 * objective, the gap between the two neighbours of a row, divided by the objective's range, summed
 * over objectives. The extreme rows of each objective get +Infinity; an objective on which all
 * rows are equal adds nothing. Infinite values are allowed: the range uses finite values only,
 * and a gap between two equal infinities is 0.
 */
export function crowdingDistance(
  values: Float64Array,
  m: number,
  rows: ArrayLike<number>,
): Float64Array {
  const size = rows.length;
  const distance = new Float64Array(size);
  if (size === 0) return distance;
  const order = new Int32Array(size);
  const column = new Float64Array(size);
  for (let k = 0; k < m; k++) {
    for (let p = 0; p < size; p++) {
      order[p] = p;
      column[p] = values[rows[p]! * m + k]!;
    }
    order.sort((a, b) => column[a]! - column[b]! || a - b);
    const lowest = column[order[0]!]!;
    const highest = column[order[size - 1]!]!;
    if (lowest === highest) continue;
    let finiteMin = Number.POSITIVE_INFINITY;
    let finiteMax = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < size; p++) {
      const v = column[p]!;
      if (Number.isFinite(v)) {
        if (v < finiteMin) finiteMin = v;
        if (v > finiteMax) finiteMax = v;
      }
    }
    let width = finiteMax - finiteMin;
    if (!(width > 0) || !Number.isFinite(width)) width = 1;
    for (let p = 0; p < size; p++) {
      const below = p === 0 ? Number.NEGATIVE_INFINITY : column[order[p - 1]!]!;
      const above = p === size - 1 ? Number.POSITIVE_INFINITY : column[order[p + 1]!]!;
      const gap = above === below ? 0 : above - below;
      distance[order[p]!]! += gap / width;
    }
  }
  return distance;
}

/**
 * Indices (into `rows`) ordered by decreasing crowding distance, ties by position: the
 * "crowded comparison" order within one front.
 */
export function byCrowding(distance: Float64Array): number[] {
  const order = Array.from({ length: distance.length }, (_, i) => i);
  order.sort((a, b) => {
    const da = distance[a]!;
    const db = distance[b]!;
    if (da === db) return a - b;
    return da > db ? -1 : 1;
  });
  return order;
}

/**
 * NSGA-II environmental selection: the best `size` rows by front, the last front that does not
 * fit entirely cut by decreasing crowding distance. Returns row indices, best fronts first.
 */
export function selectElite(
  values: Float64Array,
  n: number,
  m: number,
  size: number,
  violation: Float64Array | null = null,
): number[] {
  if (size >= n) return Array.from({ length: n }, (_, i) => i);
  const { fronts } = nonDominatedSort(values, n, m, violation);
  const elite: number[] = [];
  for (const front of fronts) {
    if (elite.length + front.length <= size) {
      for (const i of front) elite.push(i);
      if (elite.length === size) break;
      continue;
    }
    const distance = crowdingDistance(values, m, front);
    for (const p of byCrowding(distance)) {
      if (elite.length === size) break;
      elite.push(front[p]!);
    }
    break;
  }
  return elite;
}

/** Total violation of constraint values (sum of the positive ones); +Infinity when unusable. */
export function totalViolation(constraints: unknown): number {
  if (!Array.isArray(constraints)) return Number.POSITIVE_INFINITY;
  let total = 0;
  for (const c of constraints) {
    if (typeof c !== "number" || Number.isNaN(c)) return Number.POSITIVE_INFINITY;
    if (c > 0) total += c;
  }
  return total;
}
