/**
 * Whole-trial overhead of the core: ms per trial over trials 900–1000 of a 1000-trial study,
 * RandomSampler, in-memory storage, six float parameters, a trivial objective.
 */
import { performance } from "node:perf_hooks";
import { createStudy, NopPruner, RandomSampler, setVerbosity, Verbosity } from "../src/index.js";

export interface OverheadResult {
  msPerTrial: number;
  trials: number;
}

/** Times trials [from, to) of a `to`-trial study; repeats and keeps the median. */
export async function measureCoreOverhead(repeats = 5): Promise<OverheadResult> {
  setVerbosity(Verbosity.WARNING);
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const study = await createStudy({
      sampler: new RandomSampler({ seed: r }),
      pruner: new NopPruner(),
    });
    let startedAt = 0;
    await study.optimize(
      (trial) => {
        if (trial.number === 900) startedAt = performance.now();
        let sum = 0;
        for (let i = 0; i < 6; i++) sum += trial.suggestFloat(`x${i}`, -5, 5) ** 2;
        return sum;
      },
      { nTrials: 1000, showProgressBar: false, handleSigint: false },
    );
    samples.push((performance.now() - startedAt) / 100);
  }
  samples.sort((a, b) => a - b);
  return { msPerTrial: samples[Math.floor(samples.length / 2)]!, trials: 1000 };
}
