import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors/index.js";
import {
  signedRankDistribution,
  type WilcoxonAlternative,
  type WilcoxonZeroMethod,
  wilcoxonSignedRank,
} from "../../src/math/stats/wilcoxon.js";
import { WilcoxonPruner, type WilcoxonPrunerOptions } from "../../src/pruners/wilcoxon.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import type { StudyDirection } from "../../src/trial/state.js";
import { loadFixture, type Num, num, type Other, othersOf, targetOf } from "./fixture.js";

/**
 * p-values from SciPy 1.17 `scipy.stats.wilcoxon(d, zero_method=..., alternative=...)` and
 * decisions from Optuna 5.0's WilcoxonPruner, both by test/pruners/fixtures/gen_pruners.py.
 */
interface Fixture {
  wilcoxon: {
    direction: StudyDirection;
    opts: WilcoxonPrunerOptions;
    others: Other[];
    iv: [number, Num][];
    expected: boolean;
  }[];
  pvalues: { d: number[]; results: [WilcoxonZeroMethod, WilcoxonAlternative, Num, Num][] }[];
}

const fixture = loadFixture<Fixture>("pruners-optuna.json");

function close(got: number, want: number, rel: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  return Math.abs(got - want) <= rel * Math.max(Math.abs(want), 1e-300);
}

describe("wilcoxonSignedRank equals SciPy", () => {
  it(`${fixture.pvalues.length} samples × zero methods × alternatives`, () => {
    const methods = new Set<string>();
    for (const { d, results } of fixture.pvalues) {
      for (const [zeroMethod, alternative, statistic, pvalue] of results) {
        const got = wilcoxonSignedRank(d, { zeroMethod, alternative });
        const label = `${JSON.stringify(d)} ${zeroMethod} ${alternative}`;
        expect(got.statistic, label).toBe(num(statistic));
        expect(close(got.pvalue, num(pvalue), 1e-9), `${label}: ${got.pvalue} vs ${pvalue}`).toBe(
          true,
        );
        methods.add(got.method);
      }
    }
    expect([...methods].sort()).toEqual(["asymptotic", "exact", "permutation"]);
  });

  it("exact null distribution: counts of sign patterns by rank sum", () => {
    const p = signedRankDistribution(4);
    // 16 sign patterns of ranks 1..4; sums 0..10.
    expect([...p].map((x) => x * 16)).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1]);
    for (const n of [1, 5, 20, 50]) {
      expect(signedRankDistribution(n).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it("small cases by enumeration", () => {
    // d = [1, 2, 3]: R+ = 6 is the largest of 8 equally likely sums.
    expect(wilcoxonSignedRank([1, 2, 3], { alternative: "greater" }).pvalue).toBe(1 / 8);
    expect(wilcoxonSignedRank([1, 2, 3], { alternative: "less" }).pvalue).toBe(1);
    expect(wilcoxonSignedRank([1, 2, 3]).pvalue).toBe(1 / 4);
    // Ties and a zero (zsplit) go to the permutation distribution.
    const r = wilcoxonSignedRank([0, 1, 1, 2], { alternative: "greater", zeroMethod: "zsplit" });
    expect(r.method).toBe("permutation");
    // Ranks 1, 2.5, 2.5, 4; R+ = 0.5 + 2.5 + 2.5 + 4 = 9.5, reached by 2 of 16 flips.
    expect(r.statistic).toBe(9.5);
    expect(r.pvalue).toBe(2 / 16);
    expect(Number.isNaN(wilcoxonSignedRank([]).pvalue)).toBe(true);
  });

  it("refuses bad input", () => {
    expect(() => wilcoxonSignedRank([1, Number.NaN])).toThrow(InvalidArgumentError);
    expect(() => wilcoxonSignedRank([1], { alternative: "bigger" as WilcoxonAlternative })).toThrow(
      /alternative must be/,
    );
  });
});

describe("WilcoxonPruner equals Optuna", () => {
  it(`${fixture.wilcoxon.length} hand-built studies`, () => {
    let pruned = 0;
    fixture.wilcoxon.forEach((c, i) => {
      const others = othersOf(c.others);
      const target = targetOf(others.length, c.iv);
      const got = new WilcoxonPruner(c.opts).prune(
        makeSnapshot("s", [c.direction], [...others, target]),
        target,
      );
      expect(got, `case ${i}: ${JSON.stringify(c)}`).toBe(c.expected);
      if (got) pruned++;
    });
    expect(pruned).toBeGreaterThan(30);
  });

  it("defaults and validation", () => {
    const p = new WilcoxonPruner();
    expect([p.pThreshold, p.nStartupSteps]).toEqual([0.1, 2]);
    expect(() => new WilcoxonPruner({ pThreshold: 1.5 })).toThrow(/pThreshold must be in \[0, 1\]/);
    expect(() => new WilcoxonPruner({ pThreshold: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new WilcoxonPruner({ nStartupSteps: -1 })).toThrow(InvalidArgumentError);
  });
});
