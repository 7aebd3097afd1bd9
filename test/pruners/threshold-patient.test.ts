import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { PatientPruner, type PatientPrunerOptions } from "../../src/pruners/patient.js";
import { MedianPruner } from "../../src/pruners/percentile.js";
import type { Pruner } from "../../src/pruners/pruner.js";
import { ThresholdPruner, type ThresholdPrunerOptions } from "../../src/pruners/threshold.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import type { StudyDirection } from "../../src/trial/state.js";
import { loadFixture, type Num, type Other, othersOf, targetOf } from "./fixture.js";
import { trialOf } from "./replay.js";

/**
 * Expected decisions come from Optuna (test/pruners/fixtures/gen_pruners.py): a study with the
 * `others` trials added by create_trial, then a target trial asked and given `iv` by report.
 */
interface Fixture {
  threshold: { opts: ThresholdPrunerOptions; iv: [number, Num][]; expected: boolean }[];
  patient: {
    direction: StudyDirection;
    patience: number;
    minDelta: number;
    wrapped: null | "median" | "threshold";
    others: Other[];
    iv: [number, Num][];
    expected: boolean;
  }[];
}

const fixture = loadFixture<Fixture>("pruners-optuna.json");

describe("ThresholdPruner equals Optuna", () => {
  it(`${fixture.threshold.length} hand-built cases`, () => {
    let pruned = 0;
    fixture.threshold.forEach((c, i) => {
      const target = targetOf(0, c.iv);
      const got = new ThresholdPruner(c.opts).prune(
        makeSnapshot("s", ["minimize"], [target]),
        target,
      );
      expect(got, `case ${i}: ${JSON.stringify(c)}`).toBe(c.expected);
      if (got) pruned++;
    });
    expect(pruned).toBeGreaterThan(20);
  });

  it("validates its options", () => {
    const bad = [
      {},
      { lower: 2, upper: 1 },
      { lower: Number.NaN },
      { upper: 1, nWarmupSteps: -1 },
      { upper: 1, intervalSteps: 0 },
      { upper: 1, intervalSteps: 1.5 },
    ];
    for (const options of bad) {
      expect(() => new ThresholdPruner(options), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
    expect(() => new ThresholdPruner({})).toThrow(/lower, upper or both/);
    const p = new ThresholdPruner({ upper: 1 });
    expect([p.lower, p.upper, p.nWarmupSteps, p.intervalSteps]).toEqual([
      Number.NEGATIVE_INFINITY,
      1,
      0,
      1,
    ]);
  });
});

describe("PatientPruner equals Optuna", () => {
  it(`${fixture.patient.length} hand-built cases (both directions, min delta, wrapped pruners)`, () => {
    let pruned = 0;
    fixture.patient.forEach((c, i) => {
      const others = othersOf(c.others);
      const target = targetOf(others.length, c.iv);
      const wrapped: Pruner | null =
        c.wrapped === "median"
          ? new MedianPruner({ nStartupTrials: 0 })
          : c.wrapped === "threshold"
            ? c.direction === "minimize"
              ? new ThresholdPruner({ upper: 0.4 })
              : new ThresholdPruner({ lower: 0.15 })
            : null;
      const pruner = new PatientPruner(wrapped, { patience: c.patience, minDelta: c.minDelta });
      const got = pruner.prune(makeSnapshot("s", [c.direction], [...others, target]), target);
      expect(got, `case ${i}: ${JSON.stringify(c)}`).toBe(c.expected);
      if (got) pruned++;
    });
    expect(pruned).toBeGreaterThan(10);
  });

  const curve = (values: number[]) =>
    trialOf(0, "RUNNING", new Map(values.map((v, i) => [i, v])), null);
  const decide = (direction: StudyDirection, values: number[], options: PatientPrunerOptions) => {
    const t = curve(values);
    return new PatientPruner(null, options).prune(makeSnapshot("s", [direction], [t]), t);
  };

  it("minDelta: an improvement must exceed it, in either direction", () => {
    // minimize: best before the window 1.0; best in the window of 3 values (patience 2).
    expect(decide("minimize", [1.0, 1.05, 1.02, 1.01], { patience: 2 })).toBe(true);
    expect(decide("minimize", [1.0, 0.99, 1.02, 1.01], { patience: 2 })).toBe(false);
    expect(decide("minimize", [1.0, 1.05, 1.02, 1.01], { patience: 2, minDelta: 0.05 })).toBe(
      false,
    );
    expect(decide("minimize", [1.0, 1.2, 1.1, 1.06], { patience: 2, minDelta: 0.05 })).toBe(true);
    // maximize mirrors it.
    expect(decide("maximize", [1.0, 0.95, 0.98, 0.99], { patience: 2 })).toBe(true);
    expect(decide("maximize", [1.0, 0.95, 0.98, 1.01], { patience: 2 })).toBe(false);
    expect(decide("maximize", [1.0, 0.95, 0.98, 0.99], { patience: 2, minDelta: 0.05 })).toBe(
      false,
    );
    expect(decide("maximize", [1.0, 0.8, 0.9, 0.94], { patience: 2, minDelta: 0.05 })).toBe(true);
    // Not enough steps yet: patience + 1 values after the window's start are needed.
    expect(decide("minimize", [1.0, 2.0, 3.0], { patience: 2 })).toBe(false);
  });

  it("validates its options", () => {
    expect(() => new PatientPruner(null, { patience: -1 })).toThrow(InvalidArgumentError);
    expect(() => new PatientPruner(null, { patience: 1.5 })).toThrow(/patience must be an integer/);
    expect(() => new PatientPruner(null, { patience: 1, minDelta: -0.1 })).toThrow(
      /minDelta must be a finite number >= 0/,
    );
    expect(() => new PatientPruner(null, {} as PatientPrunerOptions)).toThrow(InvalidArgumentError);
    expect(new PatientPruner(null, { patience: 3 }).minDelta).toBe(0);
  });
});
