import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CV_SCORES_KEY,
  createStudy,
  createTrial,
  crossValidationError,
  FloatDistribution,
  IntDistribution,
  InvalidArgumentError,
  NopPruner,
  RandomSampler,
  RegretBoundStopper,
  reportCrossValidationScores,
  setVerbosity,
  Verbosity,
} from "../../src/index.js";
import { Rng } from "../../src/math/rng.js";
import { regretBound } from "../../src/stoppers/regret-bound.js";
import type { StudyDirection } from "../../src/trial/state.js";
import type { Trial } from "../../src/trial/trial.js";

setVerbosity(Verbosity.ERROR);
const quiet = { showProgressBar: false, handleSigint: false } as const;

/**
 * A 2-parameter problem whose objective is the mean of 5 "fold" scores scattered by `sigma`
 * around the true value: the larger the fold noise, the sooner searching further is pointless.
 */
async function run(sigma: number, stopper: RegretBoundStopper, nTrials = 60) {
  const study = await createStudy({
    direction: "maximize",
    sampler: new RandomSampler({ seed: 5 }),
    pruner: new NopPruner(),
  });
  const rng = new Rng(9);
  await study.optimize(
    (trial: Trial) => {
      const x = trial.suggestFloat("x", 0, 1);
      const y = trial.suggestFloat("y", 0, 1);
      const f = 1 - (x - 0.3) ** 2 - (y - 0.7) ** 2;
      const scores = Array.from({ length: 5 }, () => f + sigma * (2 * rng.random() - 1));
      reportCrossValidationScores(trial, scores);
      return scores.reduce((a, b) => a + b) / scores.length;
    },
    { nTrials, callbacks: [stopper.callback], ...quiet },
  );
  return (await study.trials()).length;
}

describe("RegretBoundStopper", () => {
  it("stops a study whose remaining regret is below the cross-validation noise", async () => {
    const n = await run(0.5, new RegretBoundStopper({ seed: 1 }));
    expect(n).toBeGreaterThanOrEqual(20);
    expect(n).toBeLessThan(60);
  });

  it("goes on while the regret bound exceeds a tiny noise", async () => {
    expect(await run(1e-4, new RegretBoundStopper({ seed: 1 }), 40)).toBe(40);
  });

  it("never decides before minNTrials completed", async () => {
    expect(
      await run(1e-4, new RegretBoundStopper({ seed: 1, minNTrials: 25, error: 1e9 }), 30),
    ).toBe(25);
  });

  it("a fixed error, and the median rule without cross-validation", async () => {
    expect(await run(1e-4, new RegretBoundStopper({ seed: 1, error: 1e9 }), 30)).toBe(20);
    const median = new RegretBoundStopper({ seed: 1, error: "median", nSamples: 256 });
    // The threshold needs warm-up + initial trials (10 + 20) first.
    expect(await run(1e-4, median, 45)).toBeGreaterThanOrEqual(30);
  });

  it("the regret bound is Optuna's (RegretBoundEvaluator) within 5%", () => {
    const cases = JSON.parse(
      readFileSync(new URL("./fixtures/regret-bound-optuna.json", import.meta.url), "utf8"),
    ) as { direction: StudyDirection; trials: number[][]; optuna: number[] }[];
    const distributions = {
      x: new FloatDistribution(0, 1),
      y: new FloatDistribution(1e-3, 1, { log: true }),
      k: new IntDistribution(1, 8),
    };
    for (const c of cases) {
      const trials = c.trials.map(([x, y, k, value], number) =>
        createTrial({ value, params: { x, y, k }, distributions }).with({ number }),
      );
      const ours = regretBound(trials, c.direction, { rng: new Rng(0) })!;
      const optuna = c.optuna.reduce((a, b) => a + b) / c.optuna.length;
      expect(Math.abs(ours / optuna - 1), `${ours} vs ${optuna}`).toBeLessThan(0.05);
    }
  });

  it("tells how to report cross-validation scores when they are missing", async () => {
    const study = await createStudy({ pruner: new NopPruner() });
    await study
      .optimize((t) => t.suggestFloat("x", 0, 1), {
        nTrials: 20,
        ...quiet,
        callbacks: [new RegretBoundStopper().callback],
      })
      .catch((e: unknown) => {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect(String(e)).toMatch(/reportCrossValidationScores/);
        return "thrown";
      });
    expect((await study.trials()).length).toBe(20);
  });

  it("cross-validation error as Optuna's CrossValidationErrorEvaluator", () => {
    // numpy: np.sqrt((1/5 + 1/4) * np.var([0.8, 0.82, 0.79, 0.85, 0.81]))
    expect(crossValidationError([0.8, 0.82, 0.79, 0.85, 0.81])).toBeCloseTo(
      0.013813037319865587,
      15,
    );
    expect(CV_SCORES_KEY).toBe("cv_scores");
    const attrs: Record<string, unknown> = {};
    const fake = { setUserAttr: (k: string, v: unknown) => (attrs[k] = v) } as unknown as Trial;
    reportCrossValidationScores(fake, [1, 2, 3]);
    expect(attrs).toEqual({ cv_scores: [1, 2, 3] });
    expect(() => reportCrossValidationScores(fake, [1])).toThrow(InvalidArgumentError);
    expect(() => reportCrossValidationScores(fake, [1, Number.NaN])).toThrow(/finite/);
  });

  it("validates its options", () => {
    expect(() => new RegretBoundStopper({ minNTrials: 0 })).toThrow(InvalidArgumentError);
    expect(() => new RegretBoundStopper({ topTrialsRatio: 0 })).toThrow(/topTrialsRatio/);
    expect(() => new RegretBoundStopper({ error: "mean" as "cv" })).toThrow(/error must be/);
    expect(() => new RegretBoundStopper({ delta: 1 })).toThrow(/delta/);
    const s = new RegretBoundStopper();
    expect([s.minNTrials, s.topTrialsRatio, s.minTopTrials, s.error, s.nSamples, s.delta]).toEqual([
      20,
      0.5,
      20,
      "cv",
      2048,
      0.1,
    ]);
  });
});
