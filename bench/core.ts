/**
 * Whole-trial overhead of the core (issue 16's first measure): ms per trial over trials
 * 900–1000 of a 1000-trial study, RandomSampler, in-memory storage, six float parameters, a
 * trivial objective. Wall time is what a user waits for; the process's CPU time over the same
 * trials is given too, since on a shared machine other processes stretch the wall time.
 */
import { performance } from "node:perf_hooks";
import { createStudy, NopPruner, RandomSampler, setVerbosity, Verbosity } from "../src/index.js";

export interface OverheadResult {
  /** Median over the repeats of the wall time per trial. */
  msPerTrial: number;
  /** Median over the repeats of this process's CPU time per trial (all its threads). */
  cpuMsPerTrial: number;
  repeats: number;
  trials: number;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Times trials [900, 1000) of a 1000-trial study, `repeats` studies; medians. */
export async function measureCoreOverhead(repeats = 9): Promise<OverheadResult> {
  setVerbosity(Verbosity.WARNING);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const study = await createStudy({
      sampler: new RandomSampler({ seed: r }),
      pruner: new NopPruner(),
    });
    let startedAt = 0;
    let cpuAt = process.cpuUsage();
    await study.optimize(
      (trial) => {
        if (trial.number === 900) {
          startedAt = performance.now();
          cpuAt = process.cpuUsage();
        }
        let sum = 0;
        for (let i = 0; i < 6; i++) sum += trial.suggestFloat(`x${i}`, -5, 5) ** 2;
        return sum;
      },
      { nTrials: 1000, showProgressBar: false, handleSigint: false },
    );
    const used = process.cpuUsage(cpuAt);
    wall.push((performance.now() - startedAt) / 100);
    cpu.push((used.user + used.system) / 1000 / 100);
  }
  return { msPerTrial: median(wall), cpuMsPerTrial: median(cpu), repeats, trials: 1000 };
}
