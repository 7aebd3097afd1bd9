import { setVerbosity, Verbosity } from "skipjack";
import { describe, expect, it } from "vitest";
import { runQuickstart } from "./quickstart.js";

describe("quick-start example", () => {
  it("tunes softmax regression on digits with random and grid search", async () => {
    setVerbosity(Verbosity.WARNING);
    const result = await runQuickstart({ randomTrials: 12, showProgressBar: false });
    expect(result.randomBest.trials).toBe(12);
    expect(result.gridBest.trials).toBe(12); // 4 x 3 x 1 x 1 grid points, then the study stops
    expect(result.randomBest.value).toBeGreaterThan(0.9);
    expect(result.gridBest.value).toBeGreaterThan(0.9);
    expect(result.testAccuracy).toBeGreaterThan(0.9);
  }, 60_000);
});
