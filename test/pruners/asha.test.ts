import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors/index.js";
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

  it('"auto": minResource from the first completed trial (last step 399 → 3)', () => {
    const first = trialOf(
      0,
      "COMPLETE",
      curve(400, () => 0.1),
      1,
      0.1,
    );
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    const at = (n: number) => {
      const t = trialOf(
        2,
        "RUNNING",
        curve(n, () => 0.9),
        null,
      );
      const second = trialOf(
        1,
        "COMPLETE",
        curve(400, () => 0.2),
        2,
        0.2,
      );
      return pruner.prune(makeSnapshot("s", ["minimize"], [first, second, t]), t);
    };
    // Rung 0 is at step 3. Trial 0 finished before the rungs were known: it has none, so the
    // worse trial is compared with trial 1 only (as Optuna).
    expect([at(1), at(2), at(3), at(4)]).toEqual([false, false, false, true]);
  });

  it("rungs at minResource · η^(s + k): the value at the first step at or after each", () => {
    const pruner = new SuccessiveHalvingPruner({
      minResource: 2,
      reductionFactor: 2,
      minEarlyStoppingRate: 1,
    });
    // Rungs at steps 4, 8, 16. A good trial reported every 3 steps: rungs at steps 6, 9, 18.
    const good = trialOf(
      0,
      "COMPLETE",
      new Map([
        [0, 1],
        [3, 0.5],
        [6, 0.4],
        [9, 0.3],
        [18, 0.2],
      ]),
      1,
      0.2,
    );
    const decide = (iv: [number, number][]) => {
      const t = trialOf(1, "RUNNING", new Map(iv), null);
      return pruner.prune(makeSnapshot("s", ["minimize"], [good, t]), t);
    };
    expect(
      decide([
        [0, 9],
        [3, 9],
      ]),
    ).toBe(false); // before the first rung
    expect(
      decide([
        [0, 9],
        [4, 0.4],
      ]),
    ).toBe(false); // rung 0: as good as 0.4 (a tie goes on)
    expect(
      decide([
        [0, 9],
        [4, 0.41],
      ]),
    ).toBe(true); // rung 0: worse than 0.4
    expect(
      decide([
        [0, 9],
        [4, 0.39],
        [8, 0.35],
      ]),
    ).toBe(true); // rung 1: 0.35 vs 0.3
    expect(
      decide([
        [0, 9],
        [4, 0.39],
        [8, 0.29],
        [16, 0.1],
      ]),
    ).toBe(false);
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
    const [a, b] = bracket0 as [number, number];
    const current = trialOf(b, "RUNNING", new Map([[1, 0.5]]), null);
    const alone = makeSnapshot(
      "s",
      ["minimize"],
      [trialOf(other, "COMPLETE", great, 1, 0), current],
    );
    expect(pruner.prune(alone, current)).toBe(false);
    const together = makeSnapshot(
      "s",
      ["minimize"],
      [trialOf(a, "COMPLETE", great, 1, 0), current],
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
