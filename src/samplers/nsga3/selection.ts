/**
 * NSGA-III environmental selection (Deb & Jain 2014, "An evolutionary many-objective
 * optimization algorithm using reference-point-based nondominated sorting approach, Part I",
 * IEEE TEVC 18(4), §IV; constraints as in Part II, Jain & Deb 2014): whole fronts while they fit,
 * then the members of the last front that fill the least crowded reference directions.
 *
 * Objective values are rows to MINIMIZE (row-major, n × m).
 */
import type { Rng } from "../../math/rng.js";
import { nonDominatedSort } from "../nsga2/sort.js";

/** Replaces ±Infinity in each column by a finite value beyond the column's finite range. */
function finiteColumns(values: Float64Array, m: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * m);
  for (let k = 0; k < m; k++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      const v = values[r * m + k]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 0;
    }
    const margin = 3 * (hi - lo > 0 ? hi - lo : 1);
    rows.forEach((r, i) => {
      const v = values[r * m + k]!;
      out[i * m + k] = v === Number.POSITIVE_INFINITY ? hi + margin : v < lo ? lo - margin : v;
    });
  }
  return out;
}

/** Solves the m × m system A x = b by Gaussian elimination; null when (nearly) singular. */
function solve(a: Float64Array, b: Float64Array, m: number): Float64Array | null {
  const A = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) {
      if (Math.abs(A[r * m + c]!) > Math.abs(A[pivot * m + c]!)) pivot = r;
    }
    if (!(Math.abs(A[pivot * m + c]!) > 1e-12)) return null;
    if (pivot !== c) {
      for (let k = 0; k < m; k++) {
        const t = A[c * m + k]!;
        A[c * m + k] = A[pivot * m + k]!;
        A[pivot * m + k] = t;
      }
      const t = x[c]!;
      x[c] = x[pivot]!;
      x[pivot] = t;
    }
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c]! / A[c * m + c]!;
      if (f === 0) continue;
      for (let k = c; k < m; k++) A[r * m + k]! -= f * A[c * m + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let c = m - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let k = c + 1; k < m; k++) s -= A[c * m + k]! * x[k]!;
    x[c] = s / A[c * m + c]!;
  }
  return x;
}

/**
 * Adaptive normalization (§IV-C): translate by the ideal point, then divide by the intercepts of
 * the hyperplane through the extreme points (found by the achievement scalarizing function);
 * falls back to the largest translated value per objective when the hyperplane is degenerate.
 * Returns the normalized rows (same order as `f`).
 */
export function normalize(f: Float64Array, count: number, m: number): Float64Array {
  const out = new Float64Array(count * m);
  const ideal = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < m; k++) ideal[k] = Math.min(ideal[k]!, f[i * m + k]!);
  }
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < m; k++) out[i * m + k] = f[i * m + k]! - ideal[k]!;
  }
  const extremes = new Float64Array(m * m);
  for (let axis = 0; axis < m; axis++) {
    let best = -1;
    let bestAsf = Number.POSITIVE_INFINITY;
    for (let i = 0; i < count; i++) {
      let asf = 0;
      for (let k = 0; k < m; k++) {
        asf = Math.max(asf, out[i * m + k]! / (k === axis ? 1 : 1e-6));
      }
      if (asf < bestAsf) {
        bestAsf = asf;
        best = i;
      }
    }
    for (let k = 0; k < m; k++) extremes[axis * m + k] = out[best * m + k]!;
  }
  const intercepts = new Float64Array(m);
  const plane = solve(extremes, new Float64Array(m).fill(1), m);
  let ok = plane !== null;
  for (let k = 0; ok && k < m; k++) {
    intercepts[k] = 1 / plane![k]!;
    if (!(Number.isFinite(intercepts[k]!) && intercepts[k]! > 1e-6)) ok = false;
  }
  if (!ok) {
    for (let k = 0; k < m; k++) {
      let worst = 0;
      for (let i = 0; i < count; i++) worst = Math.max(worst, out[i * m + k]!);
      intercepts[k] = worst > 1e-12 ? worst : 1;
    }
  }
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < m; k++) out[i * m + k]! /= intercepts[k]!;
  }
  return out;
}

/**
 * NSGA-III selection of `size` rows. `reference` holds `refCount` reference points (rows of m,
 * in normalized objective space); `rng` breaks ties between equally crowded directions and
 * picks among the members of an already represented one.
 */
export function selectNsga3(
  values: Float64Array,
  n: number,
  m: number,
  size: number,
  violation: Float64Array | null,
  reference: Float64Array,
  refCount: number,
  rng: Rng,
): number[] {
  if (size >= n) return Array.from({ length: n }, (_, i) => i);
  const { fronts } = nonDominatedSort(values, n, m, violation);
  const chosen: number[] = [];
  let last: Int32Array | null = null;
  for (const front of fronts) {
    if (chosen.length + front.length <= size) {
      for (const i of front) chosen.push(i);
      if (chosen.length === size) return chosen;
      continue;
    }
    last = front;
    break;
  }
  if (last === null) return chosen;

  // Normalize the chosen rows and the last front together; associate each with its nearest
  // reference line (perpendicular distance).
  const members = [...chosen, ...last];
  const normalized = normalize(finiteColumns(values, m, members), members.length, m);
  const refNorm2 = new Float64Array(refCount);
  for (let r = 0; r < refCount; r++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += reference[r * m + k]! ** 2;
    refNorm2[r] = s > 0 ? s : 1;
  }
  const niche = new Int32Array(members.length);
  const distance = new Float64Array(members.length);
  for (let i = 0; i < members.length; i++) {
    let norm2 = 0;
    for (let k = 0; k < m; k++) norm2 += normalized[i * m + k]! ** 2;
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let r = 0; r < refCount; r++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += normalized[i * m + k]! * reference[r * m + k]!;
      const d = Math.max(0, norm2 - (dot * dot) / refNorm2[r]!);
      if (d < bestD) {
        bestD = d;
        best = r;
      }
    }
    niche[i] = best;
    distance[i] = Math.sqrt(bestD);
  }
  const count = new Int32Array(refCount);
  for (let i = 0; i < chosen.length; i++) count[niche[i]!]!++;
  // Last-front members per reference point (positions in `members`).
  const waiting: number[][] = Array.from({ length: refCount }, () => []);
  for (let i = chosen.length; i < members.length; i++) waiting[niche[i]!]!.push(i);
  const active = new Uint8Array(refCount).fill(1);

  while (chosen.length < size) {
    let minCount = Number.POSITIVE_INFINITY;
    const ties: number[] = [];
    for (let r = 0; r < refCount; r++) {
      if (!active[r]) continue;
      if (count[r]! < minCount) {
        minCount = count[r]!;
        ties.length = 0;
      }
      if (count[r] === minCount) ties.push(r);
    }
    if (ties.length === 0) break; // cannot happen while the last front has members left
    const r = ties[rng.integer(0, ties.length - 1)]!;
    const pool = waiting[r]!;
    if (pool.length === 0) {
      active[r] = 0;
      continue;
    }
    let pick: number;
    if (count[r] === 0) {
      pick = 0;
      for (let p = 1; p < pool.length; p++) {
        if (distance[pool[p]!]! < distance[pool[pick]!]!) pick = p;
      }
    } else {
      pick = rng.integer(0, pool.length - 1);
    }
    chosen.push(members[pool[pick]!]!);
    pool.splice(pick, 1);
    count[r]!++;
  }
  return chosen;
}
