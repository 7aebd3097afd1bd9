/**
 * A worker of the trial-writes test:
 *   node --import tsx trial-writes-worker.ts URL MODE
 * MODE "end": asks a trial of study "w", suggests x, sets user attribute "note", and ends
 * (nothing awaited, storage left open). MODE "close": the same, then `storage.close()` at once.
 * MODE "hang": optimizes study "w" with heartbeats (1 s, grace 2 s) and RetryFailedTrialCallback;
 * the first trial suggests x and sets "note", awaits a short timer, prints HANG <number> and
 * waits until the test kills it; later trials return x.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RetryFailedTrialCallback } from "../../../src/index.js";
import { openStorage } from "../../../src/storages/resolve.js";
import { createStudy } from "../../../src/study/create.js";

const [url, mode] = process.argv.slice(2) as [string, string];

if (mode === "hang") {
  const storage = await openStorage(url, {
    heartbeatInterval: 1,
    gracePeriod: 2,
    failedTrialCallback: new RetryFailedTrialCallback({ maxRetry: 1 }),
  });
  const study = await createStudy({ storage, studyName: "w", loadIfExists: true });
  await study.optimize(
    async (trial) => {
      const x = trial.suggestFloat("x", 0, 1);
      trial.setUserAttr("note", "started");
      if (process.argv[4] === "victim") {
        await sleep(10);
        console.log(`HANG ${trial.number}`);
        await sleep(600_000);
      }
      return x;
    },
    { nTrials: 1, showProgressBar: false, handleSigint: false },
  );
  await storage.close();
} else {
  const storage = await openStorage(url);
  const study = await createStudy({ storage, studyName: "w", loadIfExists: true });
  const trial = await study.ask();
  trial.suggestFloat("x", 0, 1);
  trial.setUserAttr("note", "hello");
  if (mode === "close") await storage.close();
}
