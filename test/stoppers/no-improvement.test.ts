import { describe, expect, it } from "vitest";
import {
  createStudy,
  InvalidArgumentError,
  NoImprovementStopper,
  NopPruner,
  RandomSampler,
  setVerbosity,
  TrialPruned,
  Verbosity,
} from "../../src/index.js";
import type { StudyDirection } from "../../src/trial/state.js";

setVerbosity(Verbosity.ERROR);
const quiet = { showProgressBar: false, handleSigint: false } as const;

/** Runs a study whose trial i returns values[i] (or is pruned when it is null). */
async function run(
  values: (number | null)[],
  stopper: NoImprovementStopper,
  direction: StudyDirection = "minimize",
): Promise<number> {
  const study = await createStudy({
    direction,
    sampler: new RandomSampler({ seed: 1 }),
    pruner: new NopPruner(),
  });
  let i = 0;
  await study.optimize(
    () => {
      const v = values[i++];
      if (v === undefined) throw new Error("ran past the end of the values");
      if (v === null) throw new TrialPruned();
      return v;
    },
    { nTrials: values.length, callbacks: [stopper.callback], ...quiet },
  );
  return (await study.trials()).length;
}

describe("NoImprovementStopper", () => {
  it("stops after `patience` finished trials without a new best", async () => {
    // Best 3 at trial 2; trials 3, 4, 5 do not beat it: the study stops after trial 5.
    expect(
      await run([5, 4, 3, 3.5, 3.2, 3.1, 2, 1], new NoImprovementStopper({ patience: 3 })),
    ).toBe(6);
    // A new best resets the count.
    expect(
      await run([5, 4, 3, 3.5, 2, 3.1, 3.2, 3.3, 0], new NoImprovementStopper({ patience: 3 })),
    ).toBe(8);
  });

  it("minDelta: small improvements do not count", async () => {
    const values = [5, 4, 3.8, 3.7, 3.6, 1, 1, 1];
    // Without minDelta each is a new best.
    expect(await run(values, new NoImprovementStopper({ patience: 3 }))).toBe(8);
    // With 0.5, nothing beats 4 by more than 0.5 until trial 5: stop after trials 2, 3, 4.
    expect(await run(values, new NoImprovementStopper({ patience: 3, minDelta: 0.5 }))).toBe(5);
  });

  it("maximize, and an explicit direction", async () => {
    expect(
      await run([1, 2, 3, 2, 1, 0, 9], new NoImprovementStopper({ patience: 3 }), "maximize"),
    ).toBe(6);
    // The study minimizes but the stopper watches for larger values.
    expect(
      await run(
        [1, 2, 3, 2, 1, 0, 9],
        new NoImprovementStopper({ patience: 3, direction: "maximize" }),
      ),
    ).toBe(6);
  });

  it("pruned trials count as trials without improvement", async () => {
    expect(await run([3, null, null, 5, 1], new NoImprovementStopper({ patience: 3 }))).toBe(4);
  });

  it("explains its decision", () => {
    const stopper = new NoImprovementStopper({ patience: 2 });
    expect(
      stopper.shouldStop({
        studyName: "s",
        directions: ["minimize"],
        trials: [],
        getTrials: () => [],
      }),
    ).toMatchObject({ stop: false });
  });

  it("validates its options", () => {
    expect(() => new NoImprovementStopper({ patience: 0 })).toThrow(InvalidArgumentError);
    expect(() => new NoImprovementStopper({ patience: 2.5 })).toThrow(
      /patience must be an integer >= 1/,
    );
    expect(() => new NoImprovementStopper({ patience: 2, minDelta: -1 })).toThrow(/minDelta/);
    expect(
      () => new NoImprovementStopper({ patience: 2, direction: "down" as StudyDirection }),
    ).toThrow(/direction must be/);
  });
});
