/**
 * The Wilcoxon signed-rank test of a sample of paired differences d (Wilcoxon 1945), with the
 * choice of test that `scipy.stats.wilcoxon(d, method="auto", correction=False)` makes
 * (SciPy 1.13 and later):
 *
 * - more than 50 differences: normal approximation of the statistic, with the variance reduced
 *   for tied absolute values (the zeros form a tie group of their own);
 * - at most 50, without zeros and without ties: the exact null distribution of the statistic;
 * - at most 13, with zeros or ties: the exact permutation distribution (all 2^n sign flips);
 * - 14 to 50 with zeros or ties: the normal approximation.
 *
 * The statistic is R+, the sum of the ranks of |d| over positive differences. Zeros are
 * dropped ("wilcox") or split half to R+ and half to R− ("zsplit").
 */

import { InvalidArgumentError } from "../../errors/index.js";
import { normCdf } from "../special/normal.js";

/** Which side the alternative hypothesis puts the differences on. */
export type WilcoxonAlternative = "two-sided" | "less" | "greater";

/** How differences equal to zero count. */
export type WilcoxonZeroMethod = "wilcox" | "zsplit";

/** Options of `wilcoxonSignedRank`. */
export interface WilcoxonOptions {
  /** "greater": the differences tend to be positive. Default "two-sided". */
  alternative?: WilcoxonAlternative;
  /** Default "wilcox" (zeros dropped), as SciPy. */
  zeroMethod?: WilcoxonZeroMethod;
}

/** The test's outcome. */
export interface WilcoxonResult {
  /** R+ for a one-sided test, min(R+, R−) for a two-sided one (as SciPy). */
  statistic: number;
  pvalue: number;
  /** Which null distribution gave the p-value. */
  method: "exact" | "permutation" | "asymptotic";
}

/** Average ranks (1-based) of `values` and the sizes of their tie groups. */
function averageRanks(values: readonly number[]): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => values[a]! - values[b]! || a - b,
  );
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const rank = i + 1 + (j - i - 1) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    tieSizes.push(j - i);
    i = j;
  }
  return { ranks, tieSizes };
}

/**
 * Probabilities of R+ = 0, 1, …, n(n+1)/2 under the null hypothesis for n differences
 * without ties: the generating function ∏ₖ (1 + xᵏ)/2, one factor at a time.
 */
export function signedRankDistribution(n: number): Float64Array {
  let c = new Float64Array([1]);
  for (let k = 1; k <= n; k++) {
    const next = new Float64Array((k * (k + 1)) / 2 + 1);
    const m = c.length;
    for (let r = 0; r < m; r++) next[r] = c[r]! * 0.5;
    for (let r = 0; r < m; r++) next[next.length - m + r] += c[r]! * 0.5;
    c = next;
  }
  return c;
}

function sum(p: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(from, 0); i < Math.min(to, p.length); i++) s += p[i]!;
  return s;
}

/** P(R+ ≤ k) and P(R+ ≥ k), each summed over the shorter side (as SciPy). */
function exactCdf(p: Float64Array, k: number, mean: number): number {
  return k <= mean ? sum(p, 0, k + 1) : 1 - sum(p, k + 1, p.length);
}

function exactSf(p: Float64Array, k: number, mean: number): number {
  return k <= mean ? sum(p, k, p.length) : 1 - sum(p, 0, k);
}

/**
 * Wilcoxon signed-rank test of the differences `d` (finite numbers). Returns NaN for an
 * empty sample.
 */
export function wilcoxonSignedRank(
  d: readonly number[],
  options: WilcoxonOptions = {},
): WilcoxonResult {
  const alternative = options.alternative ?? "two-sided";
  const zeroMethod = options.zeroMethod ?? "wilcox";
  if (alternative !== "two-sided" && alternative !== "less" && alternative !== "greater") {
    throw new InvalidArgumentError(
      `alternative must be "two-sided", "less" or "greater", got ${String(alternative)}.`,
    );
  }
  if (zeroMethod !== "wilcox" && zeroMethod !== "zsplit") {
    throw new InvalidArgumentError(
      `zeroMethod must be "wilcox" or "zsplit", got ${String(zeroMethod)}.`,
    );
  }
  if (d.some((v) => !Number.isFinite(v))) {
    throw new InvalidArgumentError("wilcoxonSignedRank: differences must be finite numbers.");
  }
  const nAll = d.length;
  if (nAll === 0) return { statistic: Number.NaN, pvalue: Number.NaN, method: "exact" };
  const nZero = d.filter((v) => v === 0).length;
  // "wilcox" drops the zeros; "zsplit" keeps them (they rank lowest).
  const kept = zeroMethod === "wilcox" ? d.filter((v) => v !== 0) : [...d];
  const count = kept.length;
  const { ranks, tieSizes } = averageRanks(kept.map(Math.abs));
  const hasTies = tieSizes.some((t) => t > 1);

  let rPlus = 0;
  let rMinus = 0;
  let zeroRanks = 0;
  for (let i = 0; i < count; i++) {
    const v = kept[i]!;
    if (v > 0) rPlus += ranks[i]!;
    else if (v < 0) rMinus += ranks[i]!;
    else zeroRanks += ranks[i]!;
  }
  rPlus += zeroRanks / 2;
  rMinus += zeroRanks / 2;
  const statistic = alternative === "two-sided" ? Math.min(rPlus, rMinus) : rPlus;

  let method: WilcoxonResult["method"];
  if (nAll > 50) method = "asymptotic";
  else if (!hasTies && nZero === 0) method = "exact";
  else if (nAll <= 13) method = "permutation";
  else method = "asymptotic";

  let pvalue: number;
  if (method === "asymptotic") {
    if (count === 0) return { statistic, pvalue: Number.NaN, method };
    const mean = (count * (count + 1)) / 4;
    let tieCorrection = 0;
    for (const t of tieSizes) tieCorrection += t * t * t - t;
    const se = Math.sqrt((count * (count + 1) * (2 * count + 1) - tieCorrection / 2) / 24);
    const z = (rPlus - mean) / se;
    if (alternative === "less") pvalue = normCdf(z);
    else if (alternative === "greater") pvalue = normCdf(-z);
    else pvalue = 2 * normCdf(-Math.abs(z));
  } else if (method === "exact") {
    const p = signedRankDistribution(count);
    const mean = (count * (count + 1)) / 4;
    const cdf = exactCdf(p, Math.ceil(rPlus), mean);
    const sf = exactSf(p, Math.floor(rPlus), mean);
    if (alternative === "less") pvalue = cdf;
    else if (alternative === "greater") pvalue = sf;
    else pvalue = Math.min(1, Math.max(0, 2 * Math.min(sf, cdf)));
  } else {
    pvalue = permutationPValue(kept, ranks, rPlus, alternative);
  }
  return { statistic, pvalue, method };
}

/**
 * The p-value of R+ against its distribution over all 2^n sign flips of the differences
 * (SciPy's exact `permutation_test`, with its relative tolerance of 100 ulps). A zero's sign
 * changes nothing, so only the non-zero differences are flipped: the proportions are the same.
 */
function permutationPValue(
  kept: readonly number[],
  ranks: Float64Array,
  observed: number,
  alternative: WilcoxonAlternative,
): number {
  const n = kept.length;
  let zeroPart = 0;
  const movable: number[] = [];
  for (let i = 0; i < n; i++) {
    if (kept[i] === 0) zeroPart += ranks[i]! / 2;
    else movable.push(ranks[i]!);
  }
  const m = movable.length;
  const gamma = Math.abs(100 * Number.EPSILON * observed);
  let lessCount = 0;
  let greaterCount = 0;
  const total = 2 ** m;
  for (let mask = 0; mask < total; mask++) {
    let s = zeroPart;
    for (let i = 0; i < m; i++) if (mask & (1 << i)) s += movable[i]!;
    if (s <= observed + gamma) lessCount++;
    if (s >= observed - gamma) greaterCount++;
  }
  const less = lessCount / total;
  const greater = greaterCount / total;
  let p: number;
  if (alternative === "less") p = less;
  else if (alternative === "greater") p = greater;
  else p = Math.min(less, greater) * 2;
  return Math.min(1, Math.max(0, p));
}
