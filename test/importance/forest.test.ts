/** The random forest and the fANOVA decomposition of one tree, on cases worked out by hand. */
import { describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
} from "../../src/distributions/index.js";
import {
  leafBoxes,
  marginalVariance,
  totalVariance,
} from "../../src/importance/fanova/decomposition.js";
import { encodeSpace, encodeTrials } from "../../src/importance/forest/encode.js";
import { fitForest } from "../../src/importance/forest/forest.js";
import type { RegressionTree } from "../../src/importance/forest/tree.js";
import { Rng } from "../../src/math/rng.js";
import { createTrial } from "../../src/trial/frozen.js";

/** A tree from its nodes: [feature, threshold, left, right, value] (feature −1 for leaves). */
function tree(nodes: [number, number, number, number, number][]): RegressionTree {
  const n = nodes.length;
  return {
    nNodes: n,
    feature: Int32Array.from(nodes.map((v) => v[0])),
    threshold: Float64Array.from(nodes.map((v) => v[1])),
    left: Int32Array.from(nodes.map((v) => v[2])),
    right: Int32Array.from(nodes.map((v) => v[3])),
    value: Float64Array.from(nodes.map((v) => v[4])),
    weight: new Float64Array(n).fill(1),
    impurity: new Float64Array(n),
  };
}

describe("fANOVA of one tree", () => {
  // x0 ≤ 0.5 → 0; else x1 ≤ 0.25 → 1, else 3; on the unit square.
  const t = tree([
    [0, 0.5, 1, 2, 0],
    [-1, 0, -1, -1, 0],
    [1, 0.25, 3, 4, 0],
    [-1, 0, -1, -1, 1],
    [-1, 0, -1, -1, 3],
  ]);
  const lows = Float64Array.from([0, 0]);
  const highs = Float64Array.from([1, 1]);
  const boxes = leafBoxes(t, lows, highs);

  it("finds the leaf boxes and the variance over the box", () => {
    expect(boxes.nLeaves).toBe(3);
    expect([...boxes.volumes]).toEqual([0.5, 0.125, 0.375]);
    const { mean, variance } = totalVariance(boxes);
    expect(mean).toBeCloseTo(1.25, 14);
    expect(variance).toBeCloseTo(1.9375, 14);
  });

  it("gives each parameter's main-effect variance", () => {
    // x0's marginal: 0 on [0, ½), (⅛·1 + ⅜·3)/½ = 2.5 on [½, 1]: variance 1.5625.
    // x1's marginal: 0.5 on [0, ¼), 1.5 on [¼, 1]: variance 0.1875. The rest, 0.1875, is
    // the interaction, which no main effect takes.
    const group = (c: number) => Int32Array.of(c);
    expect(marginalVariance(t, boxes, lows, highs, group(0), 1.25)).toBeCloseTo(1.5625, 14);
    expect(marginalVariance(t, boxes, lows, highs, group(1), 1.25)).toBeCloseTo(0.1875, 14);
  });

  it("marginalizes a categorical's one-hot columns together", () => {
    // Columns 1 and 2 are one categorical; the tree splits on both.
    const u = tree([
      [1, 0.5, 1, 2, 0],
      [2, 0.5, 3, 4, 0],
      [-1, 0, -1, -1, 4],
      [-1, 0, -1, -1, 0],
      [-1, 0, -1, -1, 2],
    ]);
    const lo = Float64Array.from([0, 0, 0]);
    const hi = Float64Array.from([10, 1, 1]);
    const b = leafBoxes(u, lo, hi);
    const { mean, variance } = totalVariance(b);
    // Cells: (c1 low, c2 low) 0, (low, high) 2, (high, ·) 4, with weights ¼, ¼, ½.
    expect(mean).toBeCloseTo(2.5, 14);
    expect(marginalVariance(u, b, lo, hi, Int32Array.of(1, 2), mean)).toBeCloseTo(variance, 14);
    expect(marginalVariance(u, b, lo, hi, Int32Array.of(0), mean)).toBe(0);
    // Column 1 alone: 1 on its low half (mean of 0 and 2), 4 on its high half.
    expect(marginalVariance(u, b, lo, hi, Int32Array.of(1), mean)).toBeCloseTo(2.25, 14);
  });
});

describe("random forest", () => {
  it("splits halfway between the values around a step and fits the training data", () => {
    const n = 40;
    const rng = new Rng(1);
    const x = Float64Array.from({ length: n }, () => rng.random());
    const y = Float64Array.from(x, (v) => (v > 0.5 ? 1 : 0));
    const [t] = fitForest(x, y, 1, { nTrees: 1, maxDepth: 64, seed: 0 });
    const below = Math.max(...[...x].filter((v) => v <= 0.5));
    const above = Math.min(...[...x].filter((v) => v > 0.5));
    const root = t!.threshold[0]!;
    // Thresholds lie between float32 values, as scikit-learn's.
    expect(root).toBeGreaterThan(Math.fround(below) - 1e-7);
    expect(root).toBeLessThan(Math.fround(above) + 1e-7);
    expect(t!.nNodes).toBe(3);
    expect(t!.value[t!.left[0]!]).toBe(0);
    expect(t!.value[t!.right[0]!]).toBe(1);
  });

  it("grows until leaves are pure, and stops at maxDepth", () => {
    const n = 200;
    const rng = new Rng(2);
    const x = Float64Array.from({ length: 2 * n }, () => rng.random());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * x[i]!) + x[n + i]!);
    const [full] = fitForest(x, y, 2, { nTrees: 1, maxDepth: 64, seed: 3 });
    const [shallow] = fitForest(x, y, 2, { nTrees: 1, maxDepth: 2, seed: 3 });
    let leaves = 0;
    for (let k = 0; k < full!.nNodes; k++) {
      if (full!.feature[k]! < 0) {
        leaves++;
        expect(full!.impurity[k]).toBe(0);
      }
    }
    // A bootstrap sample holds about 63% of the distinct points, one leaf each.
    expect(leaves).toBeGreaterThan(0.55 * n);
    expect(leaves).toBeLessThan(0.72 * n);
    expect(shallow!.nNodes).toBe(7);
  });

  it("is deterministic for a seed", () => {
    const rng = new Rng(4);
    const x = Float64Array.from({ length: 300 }, () => rng.random());
    const y = Float64Array.from({ length: 100 }, (_, i) => x[i]! * x[100 + i]! + x[200 + i]!);
    const a = fitForest(x, y, 3, { nTrees: 3, maxDepth: 64, seed: 9 });
    const b = fitForest(x, y, 3, { nTrees: 3, maxDepth: 64, seed: 9 });
    const c = fitForest(x, y, 3, { nTrees: 3, maxDepth: 64, seed: 10 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe("encoding", () => {
  it("gives numbers one raw column and categoricals one column per choice", () => {
    const space = {
      a: new FloatDistribution(1e-3, 1, { log: true }),
      b: new CategoricalDistribution(["x", "y", "z"]),
      c: new IntDistribution(2, 8, { step: 2 }),
    };
    const encoded = encodeSpace(space);
    expect(encoded.nColumns).toBe(5);
    expect([...encoded.lows]).toEqual([1e-3, 0, 0, 0, 2]);
    expect([...encoded.highs]).toEqual([1, 1, 1, 1, 8]);
    expect(encoded.columnsOf.map((c) => [...c])).toEqual([[0], [1, 2, 3], [4]]);
    expect([...encoded.paramOf]).toEqual([0, 1, 1, 1, 2]);
    const trials = [
      createTrial({ value: 0, params: { a: 0.01, b: "z", c: 4 }, distributions: space }),
      createTrial({ value: 0, params: { a: 0.5, b: "x", c: 8 }, distributions: space }),
    ];
    expect([...encodeTrials(space, encoded, trials)]).toEqual([0.01, 0.5, 0, 1, 0, 0, 1, 0, 4, 8]);
  });
});
