/**
 * A worker process of the multi-process storage tests:
 *   node --import tsx optimize-worker.ts URL GO_FILE N_TRIALS
 * Opens the study "random" and "grid" of the database at URL, prints READY, waits until
 * GO_FILE exists (so that all workers start together), runs N_TRIALS trials of "random" (which
 * pop the enqueued trials first) and then "grid" until its grid is exhausted, and prints one
 * JSON line per trial it ran: {"study", "number", "trialId", "tag", "grid"}.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { GridSampler, RandomSampler } from "../../../src/index.js";
import { loadStudy } from "../../../src/study/create.js";

const [url, goFile, nTrialsText] = process.argv.slice(2) as [string, string, string];
const nTrials = Number(nTrialsText);

const random = await loadStudy({
  storage: url,
  studyName: "random",
  sampler: new RandomSampler({ seed: process.pid }),
});
const grid = await loadStudy({
  storage: url,
  studyName: "grid",
  sampler: new GridSampler({
    a: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    b: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  }),
});
console.log("READY");
while (!existsSync(goFile)) await sleep(10);

await random.optimize(
  async (trial) => {
    const x = trial.suggestFloat("x", -5, 5);
    const y = trial.suggestInt("y", 0, 10);
    await sleep(Math.random() * 3);
    const tag = trial.userAttrs["tag"] ?? null;
    console.log(
      JSON.stringify({ study: "random", number: trial.number, trialId: trialIdOf(trial), tag }),
    );
    return x * x + y;
  },
  { nTrials, showProgressBar: false, handleSigint: false },
);

await grid.optimize(
  async (trial) => {
    const a = trial.suggestInt("a", 0, 9);
    const b = trial.suggestInt("b", 0, 9);
    await sleep(Math.random() * 3);
    console.log(
      JSON.stringify({
        study: "grid",
        number: trial.number,
        trialId: trialIdOf(trial),
        grid: [a, b],
      }),
    );
    return a + b;
  },
  { nTrials: 1000, showProgressBar: false, handleSigint: false },
);

await random.storage.close();
await grid.storage.close();

function trialIdOf(trial: object): number {
  return (trial as { trialId: number }).trialId;
}
