import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors/index.js";
import type { JsonValue } from "../../src/json/python.js";
import { crc32String } from "../../src/pruners/crc32.js";
import {
  HyperbandPruner,
  type HyperbandPrunerOptions,
  hyperbandBracketOf,
  hyperbandBrackets,
} from "../../src/pruners/hyperband.js";
import { logCorrectlyRounded } from "../../src/pruners/log.js";
import {
  SuccessiveHalvingPruner,
  type SuccessiveHalvingPrunerOptions,
} from "../../src/pruners/successive-halving.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import type { FrozenTrial } from "../../src/trial/frozen.js";
import type { StudyDirection } from "../../src/trial/state.js";
import { curveValues, replay, trialOf } from "./replay.js";

/**
 * Expected outcomes come from Optuna 3.1 (SuccessiveHalvingPruner / HyperbandPruner, whose
 * logic is unchanged up to 5.0) through test/pruners/fixtures/gen_asha.py: learning curves
 * replayed with ask / report / should_prune / tell, sequentially or round-robin over workers.
 */
interface Scenario {
  kind: "sh" | "hyperband";
  name: string;
  direction: StudyDirection;
  workers: number;
  nSteps: number;
  every: number;
  options: Record<string, number | "auto">;
  curves: number[][];
  outcome: (number | null)[];
}

interface Fixture {
  scenarios: Scenario[];
  brackets: {
    minResource: number;
    maxResource: number;
    reductionFactor: number;
    nBrackets: number;
    budgets: number[];
  }[];
  assignments: {
    studyName: string;
    minResource: number;
    maxResource: number;
    reductionFactor: number;
    brackets: number[];
  }[];
  crc32: [string, number][];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/asha-optuna.json", import.meta.url), "utf8"),
) as Fixture;

function run(s: Scenario): (number | null)[] {
  const pruner =
    s.kind === "sh"
      ? new SuccessiveHalvingPruner(s.options as SuccessiveHalvingPrunerOptions)
      : new HyperbandPruner(s.options as HyperbandPrunerOptions);
  const curves = s.curves.map((p) => curveValues(p, s.nSteps, s.every, s.direction === "maximize"));
  return replay(pruner, s.name, s.direction, curves, s.workers);
}

describe("SuccessiveHalvingPruner equals Optuna", () => {
  const scenarios = fixture.scenarios.filter((s) => s.kind === "sh");
  it("covers reduction factors 2 and 4, rates 0 and 1, auto, bootstrap, sparse steps, workers", () => {
    const keys = new Set(
      scenarios.map((s) =>
        [s.options.reductionFactor, s.options.minEarlyStoppingRate, s.options.minResource].join(),
      ),
    );
    expect(keys).toContain("2,0,auto");
    expect(keys).toContain("4,1,auto");
    expect(keys).toContain("4,1,3");
    expect(scenarios.some((s) => s.options.bootstrapCount === 2)).toBe(true);
    expect(scenarios.some((s) => s.every === 3)).toBe(true);
    expect(scenarios.some((s) => s.workers === 3)).toBe(true);
    // Some trials are kept and some pruned: the fixture discriminates.
    expect(scenarios.flatMap((s) => s.outcome).filter((o) => o === null).length).toBeGreaterThan(
      20,
    );
  });
  for (const s of scenarios) {
    it(`${s.name} ${s.direction} ${JSON.stringify(s.options)} every ${s.every}, ${s.workers} worker(s)`, () => {
      expect(run(s)).toEqual(s.outcome);
    });
  }
});

describe("SuccessiveHalvingPruner by hand", () => {
  const curve = (n: number, f: (t: number) => number) =>
    new Map(Array.from({ length: n }, (_, t) => [t, f(t)] as [number, number]));

  /** One decision; returns it with what the pruner recorded. */
  const decide = (
    pruner: SuccessiveHalvingPruner,
    others: FrozenTrial[],
    iv: Map<number, number>,
  ): [boolean, Record<string, JsonValue>] => {
    const t = trialOf(others.length, "RUNNING", iv, null);
    const recorded: Record<string, JsonValue> = {};
    const pruned = pruner.prune(makeSnapshot("s", ["minimize"], [...others, t]), t, (k, v) => {
      recorded[k] = v;
    });
    return [pruned, recorded];
  };

  it('"auto": minResource from the completed trials when first seen, then kept for the study', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    const running = trialOf(
      0,
      "RUNNING",
      curve(400, () => 0.1),
      null,
    );
    // No completed trial yet: no decision, nothing recorded.
    expect(
      decide(
        pruner,
        [running],
        curve(50, () => 0.9),
      ),
    ).toEqual([false, {}]);
    const first = trialOf(
      0,
      "COMPLETE",
      curve(400, () => 0.1),
      1,
      0.1,
    );
    // Last step 399 → minResource 3: rung 0 at step 3, rung 1 at step 6.
    expect(
      decide(
        pruner,
        [first],
        curve(3, () => 0.9),
      ),
    ).toEqual([false, {}]);
    expect(
      decide(
        pruner,
        [first],
        curve(4, () => 0.9),
      ),
    ).toEqual([false, { completed_rung_0: 0.9 }]);
    // A longer completed trial later does not move the rungs (999 / 100 would be 9).
    const longer = trialOf(
      1,
      "COMPLETE",
      curve(1000, () => 0.2),
      2,
      0.2,
    );
    expect(
      decide(
        pruner,
        [first, longer],
        curve(4, () => 0.8),
      ),
    ).toEqual([false, { completed_rung_0: 0.8 }]);
  });

  it("records the value at the last (largest) step at each rung it reaches; compares recorded values", () => {
    const pruner = new SuccessiveHalvingPruner({
      minResource: 2,
      reductionFactor: 2,
      minEarlyStoppingRate: 1,
    });
    // Rungs at steps 4, 8, 16. A good trial recorded 0.4 and 0.3 at the first two.
    const good = trialOf(
      0,
      "COMPLETE",
      curve(20, () => 0.2),
      1,
      0.2,
      {
        completed_rung_0: 0.4,
        completed_rung_1: 0.3,
      },
    );
    const iv = (...pairs: [number, number][]) => new Map(pairs);
    expect(decide(pruner, [good], iv([0, 9], [3, 9]))).toEqual([false, {}]);
    // A tie goes on.
    expect(decide(pruner, [good], iv([0, 9], [4, 0.4]))).toEqual([
      false,
      { completed_rung_0: 0.4 },
    ]);
    expect(decide(pruner, [good], iv([0, 9], [4, 0.41]))).toEqual([
      true,
      { completed_rung_0: 0.41 },
    ]);
    // Steps reported out of order: the value at step 8 (the last step) is what counts.
    expect(decide(pruner, [good], iv([0, 9], [8, 0.35], [4, 0.1]))).toEqual([
      true,
      { completed_rung_0: 0.35, completed_rung_1: 0.35 },
    ]);
    // Rungs the trial already recorded are not decided again.
    const t = trialOf(1, "RUNNING", iv([4, 0.1], [8, 0.35]), null, null, {
      completed_rung_0: 0.1,
      completed_rung_1: 0.2,
    });
    expect(pruner.prune(makeSnapshot("s", ["minimize"], [good, t]), t)).toBe(false);
  });
});

describe("HyperbandPruner equals Optuna", () => {
  for (const s of fixture.scenarios.filter((x) => x.kind === "hyperband")) {
    it(`${s.name} ${s.direction} ${JSON.stringify(s.options)}, ${s.workers} worker(s)`, () => {
      expect(run(s)).toEqual(s.outcome);
    });
  }

  it("brackets and budgets", () => {
    for (const b of fixture.brackets) {
      const got = hyperbandBrackets(b.minResource, b.maxResource, b.reductionFactor);
      expect([got.nBrackets, got.budgets], JSON.stringify(b)).toEqual([b.nBrackets, b.budgets]);
    }
  });

  it("logarithms rounded as glibc's (V8's Math.log(3) is one ulp off)", () => {
    expect(logCorrectlyRounded(3)).toBe(1.0986122886681098);
    expect(logCorrectlyRounded(243)).toBe(5.493061443340548);
    expect(logCorrectlyRounded(1000) / logCorrectlyRounded(10)).toBe(2.9999999999999996);
    expect(logCorrectlyRounded(1)).toBe(0);
    expect(logCorrectlyRounded(Math.E)).toBe(1);
    expect(logCorrectlyRounded(0.5)).toBe(-Math.LN2);
    expect(hyperbandBrackets(1, 243, 3).nBrackets).toBe(5);
  });

  it("bracket of each trial from the study name and number (crc32)", () => {
    for (const a of fixture.assignments) {
      const brackets = hyperbandBrackets(a.minResource, a.maxResource, a.reductionFactor);
      const got = a.brackets.map((_, n) => hyperbandBracketOf(a.studyName, n, brackets));
      expect(got, JSON.stringify(a.studyName)).toEqual(a.brackets);
    }
    for (const [text, crc] of fixture.crc32) expect(crc32String(text)).toBe(crc);
  });

  it("compares a trial only with trials of its bracket", () => {
    const pruner = new HyperbandPruner({ maxResource: 27 });
    const brackets = hyperbandBrackets(1, 27, 3);
    const bracket0 = [...Array(200).keys()].filter(
      (n) => hyperbandBracketOf("s", n, brackets) === 0,
    );
    const other = [...Array(200).keys()].find((n) => hyperbandBracketOf("s", n, brackets) === 3)!;
    // A great trial in another bracket does not count; one in the same bracket does.
    const great = new Map([[1, 0.0]]);
    const rung = { completed_rung_0: 0 };
    const [a, b] = bracket0 as [number, number];
    const current = trialOf(b, "RUNNING", new Map([[1, 0.5]]), null);
    const alone = makeSnapshot(
      "s",
      ["minimize"],
      [trialOf(other, "COMPLETE", great, 1, 0, rung), current],
    );
    expect(pruner.prune(alone, current)).toBe(false);
    const together = makeSnapshot(
      "s",
      ["minimize"],
      [trialOf(a, "COMPLETE", great, 1, 0, rung), current],
    );
    expect(pruner.prune(together, current)).toBe(true);
    expect(pruner.samplerSnapshot(together, current).trials.map((t) => t.number)).toEqual([a, b]);
  });
});

describe("validation", () => {
  it("SuccessiveHalvingPruner", () => {
    const bad: SuccessiveHalvingPrunerOptions[] = [
      { minResource: 0 },
      { minResource: 1.5 },
      { minResource: "x" as "auto" },
      { reductionFactor: 1 },
      { minEarlyStoppingRate: -1 },
      { bootstrapCount: -1 },
      { bootstrapCount: 1 },
    ];
    for (const options of bad) {
      expect(() => new SuccessiveHalvingPruner(options), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
    expect(() => new SuccessiveHalvingPruner({ bootstrapCount: 1 })).toThrow(/fixed minResource/);
    expect(() => new SuccessiveHalvingPruner({ reductionFactor: 1 })).toThrow(
      /reductionFactor must be an integer >= 2, got 1/,
    );
    const defaults = new SuccessiveHalvingPruner();
    expect([
      defaults.minResource,
      defaults.reductionFactor,
      defaults.minEarlyStoppingRate,
      defaults.bootstrapCount,
    ]).toEqual(["auto", 4, 0, 0]);
  });

  it("HyperbandPruner", () => {
    const bad: HyperbandPrunerOptions[] = [
      { minResource: 0 },
      { maxResource: 0 },
      { minResource: 10, maxResource: 5 },
      { reductionFactor: 1 },
      { bootstrapCount: -1 },
      { bootstrapCount: 2 },
    ];
    for (const options of bad) {
      expect(() => new HyperbandPruner(options), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
    expect(() => new HyperbandPruner({ minResource: 10, maxResource: 5 })).toThrow(
      /must be >= minResource/,
    );
    const defaults = new HyperbandPruner();
    expect([
      defaults.minResource,
      defaults.maxResource,
      defaults.reductionFactor,
      defaults.bootstrapCount,
    ]).toEqual([1, "auto", 3, 0]);
  });

  it("multi-objective studies are refused", () => {
    const t = trialOf(0, "RUNNING", new Map([[5, 1]]), null);
    const snap = makeSnapshot("s", ["minimize", "minimize"], [t]);
    expect(() => new SuccessiveHalvingPruner({ minResource: 1 }).prune(snap, t)).toThrow(
      InvalidArgumentError,
    );
  });
});
