import { describe, expect, it } from "vitest";
import {
  type CrossoverName,
  createStudy,
  NopPruner,
  NSGAIISampler,
  RandomSampler,
  type Sampler,
  setVerbosity,
  type Trial,
  Verbosity,
} from "../../src/index.js";
import { hypervolume, toRows } from "../../src/math/hypervolume.js";

setVerbosity(Verbosity.ERROR);

const quiet = { showProgressBar: false, handleSigint: false } as const;
const REFERENCE = [1.1, 1.1];
const SEEDS = [1, 2, 3];

/** ZDT1 (Zitzler, Deb & Thiele 2000) in 5 dimensions; the Pareto front is f2 = 1 − √f1. */
function zdt1(t: Trial): number[] {
  const x: number[] = [];
  for (let i = 0; i < 5; i++) x.push(t.suggestFloat(`x${i}`, 0, 1));
  let sum = 0;
  for (let i = 1; i < 5; i++) sum += x[i]!;
  const g = 1 + (9 * sum) / 4;
  return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
}

async function zdt1Hypervolume(sampler: Sampler, nTrials: number): Promise<number> {
  const study = await createStudy({
    sampler,
    pruner: new NopPruner(),
    directions: ["minimize", "minimize"],
  });
  await study.optimize(zdt1, { nTrials, ...quiet });
  const front = (await study.bestTrials()).map((t) => [...t.values!]);
  return hypervolume(toRows(front), front.length, 2, REFERENCE);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("NSGAIISampler on ZDT1 (5-D, 500 trials, reference point [1.1, 1.1])", () => {
  // The whole front's hypervolume is 1.1² − 1/3 ≈ 0.877.
  const randomHv: number[] = [];

  it("clearly beats RandomSampler with the default (uniform) crossover, median over 3 seeds", async () => {
    const nsga: number[] = [];
    for (const seed of SEEDS) {
      randomHv.push(await zdt1Hypervolume(new RandomSampler({ seed }), 500));
      nsga.push(await zdt1Hypervolume(new NSGAIISampler({ seed }), 500));
    }
    expect(median(nsga)).toBeGreaterThan(0.3);
    expect(median(nsga)).toBeGreaterThan(3 * median(randomHv));
    expect(median(nsga)).toBeGreaterThan(median(randomHv) + 0.2);
  });

  it.each<CrossoverName>(["sbx", "vsbx", "blxalpha", "spx", "undx"])(
    "beats RandomSampler with the %s crossover too",
    async (crossover) => {
      const nsga: number[] = [];
      for (const seed of SEEDS) {
        nsga.push(await zdt1Hypervolume(new NSGAIISampler({ seed, crossover }), 500));
      }
      expect(median(nsga)).toBeGreaterThan(median(randomHv) + 0.1);
    },
  );
});
