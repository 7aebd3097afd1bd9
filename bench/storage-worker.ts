/**
 * A worker process of bench/storage.ts's throughput figure: connects, prints READY, waits for
 * the GO file, then runs N trials on study "throughput".
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { loadStudy, NopPruner, RandomSampler, setVerbosity, Verbosity } from "../src/index.js";

setVerbosity(Verbosity.WARNING);
const [url, trials, go] = process.argv.slice(2) as [string, string, string];
const study = await loadStudy({
  storage: url,
  studyName: "throughput",
  sampler: new RandomSampler({ seed: process.pid }),
  pruner: new NopPruner(),
});
await study.trials();
console.log("READY");
while (!existsSync(go)) await sleep(5);
await study.optimize(
  (trial) => {
    let sum = 0;
    for (let i = 0; i < 6; i++) sum += trial.suggestFloat(`x${i}`, -5, 5) ** 2;
    return sum;
  },
  { nTrials: Number(trials), showProgressBar: false, handleSigint: false },
);
await study.storage.close();
