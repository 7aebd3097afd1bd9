/**
 * A CART regression tree grown to purity (Breiman et al., 1984), as scikit-learn's
 * DecisionTreeRegressor does with its defaults (squared error, best split over every feature,
 * thresholds halfway between neighbouring values, min_samples_split 2, min_samples_leaf 1).
 *
 * Nodes live in typed arrays. The samples of a node are kept sorted by each feature (one
 * presort for the whole forest, then a stable partition at each split), so that finding the
 * best split of a node is one linear scan per feature with no sorting.
 */
import type { Rng } from "../../math/rng.js";

/** A fitted tree; node 0 is the root, children come after their parent. */
export interface RegressionTree {
  readonly nNodes: number;
  /** The split feature (column), or −1 at a leaf. */
  readonly feature: Int32Array;
  /** Samples with x[feature] ≤ threshold go left. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** The (weighted) mean target of the node's samples: the prediction at a leaf. */
  readonly value: Float64Array;
  /** The node's total sample weight (bootstrap counts). */
  readonly weight: Float64Array;
  /** The weighted variance of the node's targets. */
  readonly impurity: Float64Array;
}

/** Training data shared by the trees of a forest. */
export interface TrainingData {
  readonly n: number;
  readonly nFeatures: number;
  /** Column-major features: feature f of sample i at f·n + i. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** For each feature, the sample indices sorted by that feature: f·n + rank. */
  readonly order: Int32Array;
  /**
   * The feature values in that order, in single precision: scikit-learn's trees split float32
   * features, so thresholds fall where theirs do; half the memory to move as well.
   */
  readonly sorted: Float32Array;
}

/** Values closer than this are one value, as scikit-learn's FEATURE_THRESHOLD. */
const FEATURE_THRESHOLD = 1e-7;
/** A node whose impurity is at most this is pure (scikit-learn uses machine epsilon). */
const PURE = 2.220446049250313e-16;

/** Sorts every feature's sample indices once for the forest. */
export function presort(
  x: Float64Array,
  n: number,
  nFeatures: number,
): { order: Int32Array; sorted: Float32Array } {
  const order = new Int32Array(n * nFeatures);
  const sorted = new Float32Array(n * nFeatures);
  const single = Float32Array.from(x);
  const indices = new Array<number>(n);
  for (let f = 0; f < nFeatures; f++) {
    const base = f * n;
    for (let i = 0; i < n; i++) indices[i] = i;
    indices.sort((a, b) => single[base + a]! - single[base + b]! || a - b);
    for (let i = 0; i < n; i++) {
      order[base + i] = indices[i]!;
      sorted[base + i] = single[base + indices[i]!]!;
    }
  }
  return { order, sorted };
}

/**
 * Grows one tree on the samples with positive `weights` (bootstrap counts), splitting until a
 * node is pure, holds one distinct sample, cannot be split, or is at `maxDepth`. `rng` orders
 * the features at each node, which decides ties between equally good splits.
 */
export function growTree(
  data: TrainingData,
  weights: Float64Array,
  maxDepth: number,
  rng: Rng,
): RegressionTree {
  const { n, nFeatures: d, y, order, sorted } = data;
  let m = 0;
  for (let i = 0; i < n; i++) if (weights[i]! > 0) m++;
  // For each feature, the used samples sorted by it, with their value, weight and weight × y
  // alongside, so that scanning a node for its best split reads memory in order.
  const lists = new Int32Array(d * m);
  const xs = new Float32Array(d * m);
  const ws = new Float32Array(d * m);
  const wys = new Float64Array(d * m);
  const wy = new Float64Array(n);
  for (let i = 0; i < n; i++) wy[i] = weights[i]! * y[i]!;
  for (let f = 0; f < d; f++) {
    let k = f * m;
    for (let r = f * n, end = r + n; r < end; r++) {
      const i = order[r]!;
      const w = weights[i]!;
      if (w > 0) {
        lists[k] = i;
        xs[k] = sorted[r]!;
        ws[k] = w;
        wys[k] = wy[i]!;
        k++;
      }
    }
  }

  const capacity = Math.max(1, 2 * m - 1);
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float64Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const right = new Int32Array(capacity).fill(-1);
  const value = new Float64Array(capacity);
  const weight = new Float64Array(capacity);
  const impurity = new Float64Array(capacity);
  let nNodes = 1;

  const goLeft = new Uint8Array(n);
  const buffers: PartitionBuffers = {
    lists: new Int32Array(m),
    xs: new Float32Array(m),
    ws: new Float32Array(m),
    wys: new Float64Array(m),
  };
  // The best split (feature, last position on the left, threshold) and features tied for it.
  const split = new Float64Array(3);
  const ties = new Float64Array(3 * d);
  // Pending nodes: id, start, end, depth.
  const stack = new Int32Array(4 * capacity);
  let top = 0;
  stack[top++] = 0;
  stack[top++] = 0;
  stack[top++] = m;
  stack[top++] = 0;

  while (top > 0) {
    const depth = stack[--top]!;
    const end = stack[--top]!;
    const start = stack[--top]!;
    const node = stack[--top]!;
    let sumW = 0;
    let sumWy = 0;
    let sumWyy = 0;
    let yMin = Number.POSITIVE_INFINITY;
    let yMax = Number.NEGATIVE_INFINITY;
    for (let p = start; p < end; p++) {
      const yi = y[lists[p]!]!;
      sumW += ws[p]!;
      sumWy += wys[p]!;
      sumWyy += wys[p]! * yi;
      if (yi < yMin) yMin = yi;
      if (yi > yMax) yMax = yi;
    }
    // Equal targets are pure even where rounding leaves E[y²] − E[y]² slightly positive.
    const variance = yMin === yMax ? 0 : Math.max(0, sumWyy / sumW - (sumWy / sumW) ** 2);
    value[node] = yMin === yMax ? yMin : sumWy / sumW;
    weight[node] = sumW;
    impurity[node] = variance;
    if (depth >= maxDepth || end - start < 2 || variance <= PURE) continue;

    bestSplit(xs, ws, wys, m, d, start, end, sumW, sumWy, split, ties, rng);
    const splitFeature = split[0]!;
    if (splitFeature < 0) continue;
    const splitPosition = split[1]!;

    const nLeft = splitPosition + 1 - start;
    const splitBase = splitFeature * m;
    for (let p = start; p < end; p++) goLeft[lists[splitBase + p]!] = p <= splitPosition ? 1 : 0;
    for (let f = 0; f < d; f++) {
      if (f !== splitFeature) partition(lists, xs, ws, wys, f * m, start, end, goLeft, buffers);
    }
    const leftId = nNodes++;
    const rightId = nNodes++;
    feature[node] = splitFeature;
    threshold[node] = split[2]!;
    left[node] = leftId;
    right[node] = rightId;
    stack[top++] = rightId;
    stack[top++] = start + nLeft;
    stack[top++] = end;
    stack[top++] = depth + 1;
    stack[top++] = leftId;
    stack[top++] = start;
    stack[top++] = start + nLeft;
    stack[top++] = depth + 1;
  }
  return {
    nNodes,
    feature: feature.slice(0, nNodes),
    threshold: threshold.slice(0, nNodes),
    left: left.slice(0, nNodes),
    right: right.slice(0, nNodes),
    value: value.slice(0, nNodes),
    weight: weight.slice(0, nNodes),
    impurity: impurity.slice(0, nNodes),
  };
}

/**
 * Finds the split of positions [start, end) that maximizes sumL²/wL + sumR²/wR (the
 * squared-error proxy) and writes it to `out` (feature, last position on the left, threshold;
 * feature −1 when no split exists). Within a feature the first best position wins; between
 * features that tie, one drawn at random, as scikit-learn's random feature order does (a draw
 * is needed only for a tie, as with one-hot or integer columns). Only typed arrays are written
 * here: an object written on a rare path would send V8 back to unoptimized code each time.
 */
function bestSplit(
  xs: Float32Array,
  ws: Float32Array,
  wys: Float64Array,
  m: number,
  d: number,
  start: number,
  end: number,
  sumW: number,
  sumWy: number,
  out: Float64Array,
  ties: Float64Array,
  rng: Rng,
): void {
  let best = Number.NEGATIVE_INFINITY;
  let nTies = 0;
  for (let f = 0; f < d; f++) {
    const base = f * m;
    const featureBest = scanFeature(xs, ws, wys, base + start, base + end - 1, sumW, sumWy, out);
    if (featureBest > best) {
      best = featureBest;
      nTies = 0;
    }
    if (featureBest === best && featureBest > Number.NEGATIVE_INFINITY) {
      ties[3 * nTies] = f;
      ties[3 * nTies + 1] = out[1]! - base;
      ties[3 * nTies + 2] = out[2]!;
      nTies++;
    }
  }
  if (nTies === 0) {
    out[0] = -1;
    return;
  }
  const chosen = nTies === 1 ? 0 : rng.integer(0, nTies - 1);
  out[0] = ties[3 * chosen]!;
  out[1] = ties[3 * chosen + 1]!;
  out[2] = ties[3 * chosen + 2]!;
}

/**
 * The best proxy over the split positions of one feature's sorted samples [first, last], or
 * −Infinity when the feature is constant there; the position (the last sample on the left)
 * and threshold go to out[1] and out[2].
 */
function scanFeature(
  xs: Float32Array,
  ws: Float32Array,
  wys: Float64Array,
  first: number,
  last: number,
  sumW: number,
  sumWy: number,
  out: Float64Array,
): number {
  // A feature constant in this node cannot split it.
  if (xs[last]! <= xs[first]! + FEATURE_THRESHOLD) return Number.NEGATIVE_INFINITY;
  let best = Number.NEGATIVE_INFINITY;
  let position = first;
  let wLeft = 0;
  let sLeft = 0;
  let current = xs[first]!;
  for (let p = first; p < last; p++) {
    wLeft += ws[p]!;
    sLeft += wys[p]!;
    const next = xs[p + 1]!;
    if (next > current + FEATURE_THRESHOLD) {
      const sRight = sumWy - sLeft;
      const proxy = (sLeft * sLeft) / wLeft + (sRight * sRight) / (sumW - wLeft);
      if (proxy > best) {
        best = proxy;
        position = p;
      }
    }
    current = next;
  }
  const below = xs[position]!;
  const above = xs[position + 1]!;
  // Halfway between the neighbouring values, unless rounding puts it on the upper one.
  const middle = below / 2 + above / 2;
  out[1] = position;
  out[2] = middle === above || !Number.isFinite(middle) ? below : middle;
  return best;
}

/** Scratch space for `partition`. */
interface PartitionBuffers {
  readonly lists: Int32Array;
  readonly xs: Float32Array;
  readonly ws: Float32Array;
  readonly wys: Float64Array;
}

/** Moves the samples going left to the front of [start, end) of one feature, keeping order. */
function partition(
  lists: Int32Array,
  xs: Float32Array,
  ws: Float32Array,
  wys: Float64Array,
  base: number,
  start: number,
  end: number,
  goLeft: Uint8Array,
  buffers: PartitionBuffers,
): void {
  let l = base + start;
  let r = 0;
  for (let p = base + start, stop = base + end; p < stop; p++) {
    const i = lists[p]!;
    if (goLeft[i] === 1) {
      lists[l] = i;
      xs[l] = xs[p]!;
      ws[l] = ws[p]!;
      wys[l] = wys[p]!;
      l++;
    } else {
      buffers.lists[r] = i;
      buffers.xs[r] = xs[p]!;
      buffers.ws[r] = ws[p]!;
      buffers.wys[r] = wys[p]!;
      r++;
    }
  }
  for (let b = 0; b < r; b++, l++) {
    lists[l] = buffers.lists[b]!;
    xs[l] = buffers.xs[b]!;
    ws[l] = buffers.ws[b]!;
    wys[l] = buffers.wys[b]!;
  }
}
