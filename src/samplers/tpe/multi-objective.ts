/**
 * Multi-objective TPE (MOTPE; Ozaki et al., 2020, 2022): which trials are "good" and how much
 * each good trial weighs. Loss vectors are rows of a Float64Array (n × m), every objective
 * turned into one to minimize.
 */
import { hypervolume, hypervolumeContributions } from "../../math/hypervolume.js";

const EPS = 1e-12;

/** Whether row a dominates row b: no worse everywhere, better somewhere. */
function dominates(losses: Float64Array, m: number, a: number, b: number): boolean {
  let better = false;
  for (let j = 0; j < m; j++) {
    const x = losses[a * m + j]!;
    const y = losses[b * m + j]!;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/**
 * Non-domination ranks (0 = Pareto front), peeling fronts until at least `nNeeded` rows are
 * ranked; rows left unranked get the next rank.
 */
export function nonDominationRanks(
  losses: Float64Array,
  n: number,
  m: number,
  nNeeded: number = n,
): Int32Array {
  const ranks = new Int32Array(n).fill(-1);
  let remaining: number[] = [];
  for (let i = 0; i < n; i++) remaining.push(i);
  let rank = 0;
  let ranked = 0;
  while (remaining.length > 0 && ranked < nNeeded) {
    const front: number[] = [];
    const rest: number[] = [];
    for (const i of remaining) {
      let dominated = false;
      for (const j of remaining) {
        if (j !== i && dominates(losses, m, j, i)) {
          dominated = true;
          break;
        }
      }
      (dominated ? rest : front).push(i);
    }
    for (const i of front) ranks[i] = rank;
    ranked += front.length;
    remaining = rest;
    rank++;
  }
  for (const i of remaining) ranks[i] = rank;
  return ranks;
}

/** max(1.1 w, 0.9 w) of the worst value w of each objective, 0 replaced by EPS. */
export function referencePoint(
  losses: Float64Array,
  rows: ArrayLike<number>,
  m: number,
): Float64Array {
  const reference = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    for (let j = 0; j < m; j++) reference[j] = Math.max(reference[j]!, losses[i * m + j]!);
  }
  for (let j = 0; j < m; j++) {
    const w = reference[j]!;
    reference[j] = Math.max(1.1 * w, 0.9 * w);
    if (reference[j] === 0) reference[j] = EPS;
  }
  return reference;
}

function gather(losses: Float64Array, m: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * m);
  rows.forEach((i, r) => {
    for (let j = 0; j < m; j++) out[r * m + j] = losses[i * m + j]!;
  });
  return out;
}

/**
 * Greedy hypervolume subset selection: `k` of the candidate rows, each step adding the one
 * that adds the most hypervolume. Contributions only shrink as the subset grows, so stale
 * ones are upper bounds and only the best candidate is re-evaluated (lazy greedy).
 * Ties keep the earlier candidate.
 */
export function selectByHypervolume(
  losses: Float64Array,
  m: number,
  candidates: readonly number[],
  k: number,
  reference: ArrayLike<number>,
): number[] {
  if (k >= candidates.length) return [...candidates];
  const selected: number[] = [];
  const bound = new Float64Array(candidates.length);
  const fresh = new Int32Array(candidates.length).fill(-1);
  for (let c = 0; c < candidates.length; c++) {
    bound[c] = hypervolume(gather(losses, m, [candidates[c]!]), 1, m, reference);
    fresh[c] = 0;
  }
  const taken = new Uint8Array(candidates.length);
  let current = 0;
  while (selected.length < k) {
    let best = -1;
    for (;;) {
      best = -1;
      for (let c = 0; c < candidates.length; c++) {
        if (!taken[c] && (best < 0 || bound[c]! > bound[best]!)) best = c;
      }
      if (fresh[best] === selected.length) break;
      const trial = gather(losses, m, [...selected, candidates[best]!]);
      bound[best] = hypervolume(trial, selected.length + 1, m, reference) - current;
      fresh[best] = selected.length;
    }
    taken[best] = 1;
    selected.push(candidates[best]!);
    current += bound[best]!;
  }
  return selected;
}

/**
 * Splits rows into the `nBelow` best and the rest: whole non-domination ranks first, then,
 * within the rank that does not fit, the subset with the largest hypervolume.
 * Returns a mask (1 = below).
 */
export function splitByDominance(
  losses: Float64Array,
  n: number,
  m: number,
  nBelow: number,
): Uint8Array {
  const below = new Uint8Array(n);
  if (nBelow <= 0) return below;
  if (nBelow >= n) return below.fill(1);
  const ranks = nonDominationRanks(losses, n, m, nBelow);
  let count = 0;
  for (let rank = 0; count < nBelow; rank++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (ranks[i] === rank) members.push(i);
    if (count + members.length <= nBelow) {
      for (const i of members) below[i] = 1;
      count += members.length;
      continue;
    }
    const reference = referencePoint(losses, members, m);
    const finite = Array.from(reference).every(Number.isFinite);
    const chosen = finite
      ? selectByHypervolume(losses, m, members, nBelow - count, reference)
      : members.slice(0, nBelow - count);
    for (const i of chosen) below[i] = 1;
    count = nBelow;
  }
  return below;
}

/**
 * Weights of the good trials in MOTPE: each one's hypervolume contribution over the largest
 * contribution, clipped to [EPS, 1] (Ozaki et al., 2022). One point weighs 1.
 */
export function hypervolumeWeights(losses: Float64Array, n: number, m: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  if (n === 1) return new Float64Array([1]);
  const rows = Array.from({ length: n }, (_, i) => i);
  const reference = referencePoint(losses, rows, m);
  if (!Array.from(reference).every(Number.isFinite)) return new Float64Array(n).fill(1);
  const contributions = hypervolumeContributions(losses, n, m, reference);
  let max = EPS;
  for (let i = 0; i < n; i++) max = Math.max(max, contributions[i]!);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = Math.min(1, Math.max(EPS, contributions[i]! / max));
  return weights;
}
