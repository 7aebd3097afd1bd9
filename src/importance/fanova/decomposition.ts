/**
 * The functional ANOVA of one regression tree (Hutter, Hoos and Leyton-Brown, ICML 2014):
 * under the uniform measure on the search-space box, the variance of the tree's prediction and
 * the variance of each parameter's marginal prediction (its main effect), computed over the
 * tree's leaf boxes without evaluating the tree on a grid.
 *
 * A leaf l is a box with value v_l and volume fraction vol_l. For a group G of columns (one
 * column, or the one-hot columns of a categorical parameter), the split thresholds on G cut
 * G's sub-box into cells; each leaf's projection on G is a union of whole cells, and the
 * marginal prediction on a cell is Σ v_l · vol_l / vol_G(l) over the leaves that cover it
 * (vol_G(l): the share of G's sub-box the leaf spans). The cells' values are accumulated as a
 * difference array over cell indices, so each leaf costs O(1) for a numerical parameter.
 */
import type { RegressionTree } from "../forest/tree.js";

/** The leaves of a tree as boxes. */
export interface LeafBoxes {
  readonly nLeaves: number;
  readonly values: Float64Array;
  /** Leaf l's box on column c: [lows[l·nColumns + c], highs[...]]. */
  readonly lows: Float64Array;
  readonly highs: Float64Array;
  /** The share of the whole search box each leaf spans. */
  readonly volumes: Float64Array;
}

/**
 * The leaf boxes of `tree` within the search box [lows, highs]: one walk down the tree that
 * narrows a single box on the way down and restores it on the way back.
 */
export function leafBoxes(
  tree: RegressionTree,
  lows: Float64Array,
  highs: Float64Array,
): LeafBoxes {
  const d = lows.length;
  const { nNodes, feature, threshold, left, right } = tree;
  let nLeaves = 0;
  for (let node = 0; node < nNodes; node++) if (feature[node]! < 0) nLeaves++;
  const values = new Float64Array(nLeaves);
  const leafLows = new Float64Array(nLeaves * d);
  const leafHighs = new Float64Array(nLeaves * d);
  const volumes = new Float64Array(nLeaves);
  const inverseRanges = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    const range = highs[c]! - lows[c]!;
    inverseRanges[c] = range > 0 ? 1 / range : 0;
  }
  const lo = Float64Array.from(lows);
  const hi = Float64Array.from(highs);
  let k = 0;
  const visit = (node: number): void => {
    const f = feature[node]!;
    if (f < 0) {
      values[k] = tree.value[node]!;
      leafLows.set(lo, k * d);
      leafHighs.set(hi, k * d);
      let volume = 1;
      for (let c = 0; c < d; c++) {
        if (inverseRanges[c]! > 0) volume *= (hi[c]! - lo[c]!) * inverseRanges[c]!;
      }
      volumes[k] = volume;
      k++;
      return;
    }
    const low = lo[f]!;
    const high = hi[f]!;
    // A threshold outside the box (a trial outside today's bounds) leaves an empty side.
    const t = Math.min(Math.max(threshold[node]!, low), high);
    hi[f] = t;
    visit(left[node]!);
    hi[f] = high;
    lo[f] = t;
    visit(right[node]!);
    lo[f] = low;
  };
  visit(0);
  return { nLeaves, values, lows: leafLows, highs: leafHighs, volumes };
}

/** The mean and variance of the tree's prediction over the search box. */
export function totalVariance(boxes: LeafBoxes): { mean: number; variance: number } {
  let mean = 0;
  for (let l = 0; l < boxes.nLeaves; l++) mean += boxes.values[l]! * boxes.volumes[l]!;
  let variance = 0;
  for (let l = 0; l < boxes.nLeaves; l++) {
    const delta = boxes.values[l]! - mean;
    variance += boxes.volumes[l]! * delta * delta;
  }
  return { mean, variance };
}

/** Sorted distinct split thresholds of `tree` on column c, with the bounds at both ends. */
function cellEdges(tree: RegressionTree, c: number, low: number, high: number): Float64Array {
  const cuts: number[] = [];
  for (let node = 0; node < tree.nNodes; node++) {
    if (tree.feature[node] === c) {
      const t = tree.threshold[node]!;
      if (t > low && t < high) cuts.push(t);
    }
  }
  const edges = Float64Array.from([low, ...cuts, high]).sort();
  let k = 1;
  for (let i = 1; i < edges.length; i++) if (edges[i] !== edges[k - 1]) edges[k++] = edges[i]!;
  return edges.subarray(0, k);
}

/** The index of `value` among sorted `edges` (it is one of them). */
function edgeIndex(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** More cells than this in one group's marginal is refused (a categorical with ~20 choices). */
const MAX_CELLS = 1 << 22;

/**
 * The variance of the marginal prediction of the columns in `group` (the main effect of one
 * parameter), given the tree's mean prediction.
 */
export function marginalVariance(
  tree: RegressionTree,
  boxes: LeafBoxes,
  lows: Float64Array,
  highs: Float64Array,
  group: Int32Array,
  mean: number,
): number {
  const d = lows.length;
  const k = group.length;
  const edges: Float64Array[] = [];
  const radix = new Int32Array(k);
  let nCells = 1;
  for (let j = 0; j < k; j++) {
    const c = group[j]!;
    const e = cellEdges(tree, c, lows[c]!, highs[c]!);
    edges.push(e);
    radix[j] = e.length - 1;
    nCells *= radix[j]!;
  }
  if (nCells > MAX_CELLS) {
    throw new RangeError(
      `fANOVA: a parameter's marginal needs ${nCells} cells in one tree; assess fewer ` +
        "categorical choices (or use the PED-ANOVA evaluator).",
    );
  }
  // A k-dimensional difference array: each leaf adds its contribution to the box of cells it
  // covers through the box's 2^k corners; prefix sums along each axis then give every cell's
  // marginal value.
  const cells = new Float64Array(nCells);
  const from = new Int32Array(k);
  const to = new Int32Array(k);
  const strides = new Int32Array(k);
  for (let j = 0, s = 1; j < k; j++) {
    strides[j] = s;
    s *= radix[j]!;
  }
  for (let l = 0; l < boxes.nLeaves; l++) {
    let share = 1;
    for (let j = 0; j < k; j++) {
      const c = group[j]!;
      const lo = boxes.lows[l * d + c]!;
      const hi = boxes.highs[l * d + c]!;
      const range = highs[c]! - lows[c]!;
      if (range > 0) share *= (hi - lo) / range;
      from[j] = edgeIndex(edges[j]!, lo);
      to[j] = edgeIndex(edges[j]!, hi);
    }
    if (!(share > 0)) continue;
    const contribution = (boxes.values[l]! * boxes.volumes[l]!) / share;
    for (let corner = 0; corner < 1 << k; corner++) {
      let index = 0;
      let sign = 1;
      let inside = true;
      for (let j = 0; j < k; j++) {
        if ((corner >> j) & 1) {
          if (to[j] === radix[j]) {
            inside = false;
            break;
          }
          index += to[j]! * strides[j]!;
          sign = -sign;
        } else {
          index += from[j]! * strides[j]!;
        }
      }
      if (inside) cells[index]! += sign * contribution;
    }
  }
  for (let j = 0; j < k; j++) {
    const stride = strides[j]!;
    const span = stride * radix[j]!;
    for (let base = 0; base < nCells; base += span) {
      for (let offset = 0; offset < stride; offset++) {
        for (let r = 1, at = base + offset + stride; r < radix[j]!; r++, at += stride) {
          cells[at]! += cells[at - stride]!;
        }
      }
    }
  }
  // The variance of the cells' values, each weighted by its share of G's sub-box.
  let variance = 0;
  for (let cell = 0; cell < nCells; cell++) {
    let w = 1;
    let rest = cell;
    for (let j = 0; j < k; j++) {
      const e = edges[j]!;
      const r = rest % radix[j]!;
      rest = (rest - r) / radix[j]!;
      const range = e[e.length - 1]! - e[0]!;
      if (range > 0) w *= (e[r + 1]! - e[r]!) / range;
    }
    const delta = cells[cell]! - mean;
    variance += w * delta * delta;
  }
  return variance;
}
