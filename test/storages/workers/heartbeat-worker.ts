/**
 * A worker of the heartbeat test:
 *   node --import tsx heartbeat-worker.ts URL ROLE N_TRIALS
 * Opens URL with heartbeats (interval 1 s, grace period 2 s) and RetryFailedTrialCallback
 * ({ maxRetry: 1 }) and optimizes study "hb". The "victim" hangs in trial 3 (printing
 * HANG <number>) until the test kills it; the "rescuer" finds trial 3 stale, fails it, and runs
 * its retry; the "blocker" keeps its event loop busy for 5 s in trial 0 (printing BLOCK 0);
 * the "suicide" kills itself with SIGKILL at the start of its first objective call, before its
 * heartbeat thread has had a chance to beat; the "concurrent" runs 4 trials at a time.
 * Every finished trial is printed as DONE <number> <state>.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RetryFailedTrialCallback } from "../../../src/index.js";
import { openStorage } from "../../../src/storages/resolve.js";
import { createStudy } from "../../../src/study/create.js";

const [url, role, nTrialsText] = process.argv.slice(2) as [string, string, string];

const storage = await openStorage(url, {
  heartbeatInterval: 1,
  gracePeriod: 2,
  failedTrialCallback: new RetryFailedTrialCallback({ maxRetry: 1 }),
});
const study = await createStudy({ storage, studyName: "hb", loadIfExists: true });
await study.optimize(
  async (trial) => {
    if (role === "suicide") process.kill(process.pid, "SIGKILL");
    const x = trial.suggestFloat("x", 0, 1);
    await trial.report(x, 0);
    if (role === "blocker" && trial.number === 0) {
      // Synchronous work that keeps the event loop busy for 5 s, longer than the grace period.
      console.log(`BLOCK ${trial.number}`);
      const end = Date.now() + 5000;
      let spins = 0;
      while (Date.now() < end) spins++;
      return x + spins * 0;
    }
    if (role === "victim" && trial.number === 3) {
      console.log(`HANG ${trial.number}`);
      await sleep(600_000);
    }
    return x;
  },
  {
    nTrials: Number(nTrialsText),
    concurrency: role === "concurrent" ? 4 : 1,
    showProgressBar: false,
    handleSigint: false,
    callbacks: [(_, t) => console.log(`DONE ${t.number} ${t.state}`)],
  },
);
await storage.close();
