/**
 * A worker of the chaos run (bench/chaos/run.ts):
 *   node --import tsx bench/chaos/worker.ts URL STUDY SECONDS
 * Optimizes STUDY for SECONDS with heartbeats and RetryFailedTrialCallback, printing
 * `START <number>` when an objective call begins and `DONE <number> <state>` when a trial
 * ends, so that the run knows which trial each SIGKILL hit. With SECONDS = "setup" it only
 * creates the study; with "sweep" it is the last worker: it fails the stale trials and runs
 * every retry that waits.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RetryFailedTrialCallback } from "../../src/index.js";
import { failStaleTrials } from "../../src/storages/heartbeat.js";
import { openStorage } from "../../src/storages/resolve.js";
import { createStudy } from "../../src/study/create.js";
import { TrialState } from "../../src/trial/state.js";

const [url, studyName, secondsText] = process.argv.slice(2) as [string, string, string];
export const HEARTBEAT_INTERVAL = 0.5;
export const GRACE_PERIOD = 1.5;

const storage = await openStorage(url, {
  heartbeatInterval: HEARTBEAT_INTERVAL,
  gracePeriod: GRACE_PERIOD,
  failedTrialCallback: new RetryFailedTrialCallback(),
});
const study = await createStudy({ storage, studyName, loadIfExists: true });
const options = {
  showProgressBar: false,
  handleSigint: false,
  callbacks: [
    (_: unknown, t: { number: number; state: string }) =>
      console.log(`DONE ${t.number} ${t.state}`),
  ],
};

async function objective(trial: import("../../src/index.js").Trial): Promise<number> {
  console.log(`START ${trial.number}`);
  const x = trial.suggestFloat("x", -5, 5);
  const y = trial.suggestInt("y", 0, 10);
  for (let step = 0; step < 4; step++) {
    await sleep(40 + Math.random() * 160);
    await trial.report(x * x + y + 1 / (step + 1), step);
  }
  return x * x + y;
}

if (secondsText === "setup") {
  // Only creates the study (and the tables), before the chaos starts.
} else if (secondsText === "sweep") {
  // Stale trials failed (their retries enqueued), then every retry run, until none waits.
  for (let round = 0; round < 50; round++) {
    await failStaleTrials(study);
    const waiting = await storage.getNTrials(study.studyId, [TrialState.WAITING]);
    const running = await storage.getNTrials(study.studyId, [TrialState.RUNNING]);
    if (waiting === 0 && running === 0) break;
    if (waiting === 0) {
      await sleep(500);
      continue;
    }
    await study.optimize(objective, { ...options, nTrials: waiting });
  }
} else {
  await study.optimize(objective, { ...options, timeout: Number(secondsText) });
}
await storage.close();
