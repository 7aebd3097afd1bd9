/**
 * A worker killed with SIGKILL in the middle of a trial: the next worker finds the trial's
 * heartbeat stale, marks it FAIL and runs its retry (RetryFailedTrialCallback); no finished
 * trial is lost and the database stays sound.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { failStaleTrials } from "../../src/storages/heartbeat.js";
import { InMemoryStorage } from "../../src/storages/in-memory/in-memory-storage.js";
import { openStorage } from "../../src/storages/resolve.js";
import { RetryFailedTrialCallback } from "../../src/storages/retry-failed-trial-callback.js";
import { createStudy } from "../../src/study/create.js";
import type { LiveTrial } from "../../src/trial/live-trial.js";
import { TrialState } from "../../src/trial/state.js";
import {
  freshMySQLDatabase,
  freshPostgresDatabase,
  HOW_TO_ENABLE_MYSQL,
  HOW_TO_ENABLE_POSTGRES,
  MYSQL_URL,
  POSTGRES_URL,
  startWorker,
  tempDir,
} from "./helpers.js";

async function killAndRescue(url: string): Promise<void> {
  const victim = startWorker("heartbeat-worker", [url, "victim", "10"]);
  const done: number[] = [];
  await new Promise<void>((resolve, reject) => {
    victim.onLine((line) => {
      if (line.startsWith("DONE ")) done.push(Number(line.split(" ")[1]));
      if (line === "HANG 3") resolve();
    });
    void victim.done.then((r) => reject(new Error(`the victim exited early: ${r.stderr}`)));
  });
  // Let a heartbeat or two land, then kill the worker without a chance to clean up.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  victim.child.kill("SIGKILL");
  const killed = await victim.done;
  expect(killed.signal).toBe("SIGKILL");
  expect(done).toEqual([0, 1, 2]);

  // Within the grace period the trial still counts as alive.
  const storage = await openStorage(url, { heartbeatInterval: 1, gracePeriod: 2 });
  const study = await createStudy({ storage, studyName: "hb", loadIfExists: true });
  expect((await study.trials())[3]!.state).toBe(TrialState.RUNNING);
  await new Promise((resolve) => setTimeout(resolve, 2500));

  const rescuer = startWorker("heartbeat-worker", [url, "rescuer", "3"]);
  const result = await rescuer.done;
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/Trial 3 is marked FAIL/);

  const trials = await study.trials();
  // No COMPLETE trial lost; the killed trial failed; its retry ran to completion.
  for (const n of done) expect(trials[n]!.state).toBe(TrialState.COMPLETE);
  expect(trials[3]!.state).toBe(TrialState.FAIL);
  expect(trials[3]!.datetimeComplete).not.toBeNull();
  const retries = trials.filter((t) => RetryFailedTrialCallback.retriedTrialNumber(t) === 3);
  expect(retries).toHaveLength(1);
  const retry = retries[0]!;
  expect(retry.number).toBe(4);
  expect(retry.state).toBe(TrialState.COMPLETE);
  expect(RetryFailedTrialCallback.retryHistory(retry)).toEqual([3]);
  expect(retry.params).toEqual(trials[3]!.params);
  expect(trials).toHaveLength(4 + 3);
  expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
  await storage.close();
}

/** A trial whose objective blocks the event loop keeps beating (from the heartbeat thread). */
async function blockedButAlive(url: string): Promise<void> {
  const blocker = startWorker("heartbeat-worker", [url, "blocker", "2"]);
  await new Promise<void>((resolve, reject) => {
    blocker.onLine((line) => {
      if (line === "BLOCK 0") resolve();
    });
    void blocker.done.then((r) => reject(new Error(`the blocker exited early: ${r.stderr}`)));
  });
  // Well past the grace period (2 s) since the trial started, while it still blocks (5 s).
  await new Promise((resolve) => setTimeout(resolve, 3500));
  const storage = await openStorage(url, { heartbeatInterval: 1, gracePeriod: 2 });
  const studyId = await storage.getStudyIdFromName("hb");
  expect(await storage.failStaleTrials!(studyId)).toEqual([]);
  const result = await blocker.done;
  expect(result.code).toBe(0);
  const trials = await storage.getAllTrials(studyId);
  expect(trials.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.COMPLETE]);
  await storage.close();
}

/** Runs `check` on a SQLite file and on each server that is configured, side by side. */
async function onEveryBackend(
  name: string,
  dir: string,
  check: (url: string) => Promise<void>,
): Promise<void> {
  const servers = [
    POSTGRES_URL === undefined ? null : () => freshPostgresDatabase(POSTGRES_URL!, name),
    MYSQL_URL === undefined ? null : () => freshMySQLDatabase(MYSQL_URL!, name),
  ].filter((fresh) => fresh !== null);
  await Promise.all([
    check(`sqlite:///${join(dir, `${name}.db`)}`),
    ...servers.map(async (fresh) => {
      const { url, drop } = await fresh();
      try {
        await check(url);
      } finally {
        await drop();
      }
    }),
  ]);
}

describe("heartbeats across processes", () => {
  const temp = tempDir("heartbeat");
  afterAll(() => temp.remove());

  it("a worker whose objective blocks its event loop past the grace period is not taken for dead", async () => {
    await onEveryBackend("blocked", temp.dir, blockedButAlive);
  }, 60_000);

  it("a worker killed mid-trial: its trial becomes FAIL and is retried; no COMPLETE trial is lost", async () => {
    await onEveryBackend("killed", temp.dir, async (url) => {
      await killAndRescue(url);
      if (url.startsWith("sqlite:")) {
        const db = new Database(url.slice("sqlite:///".length), { readonly: true });
        expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
        db.close();
      }
    });
  }, 60_000);
});

describe("RetryFailedTrialCallback", () => {
  it("retries at most maxRetry times, keeping the history of failed numbers", async () => {
    const storage = new InMemoryStorage({
      heartbeatInterval: 0.05,
      gracePeriod: 0.05,
      failedTrialCallback: new RetryFailedTrialCallback({ maxRetry: 2 }),
    });
    const study = await createStudy({ storage });
    for (let round = 0; round < 3; round++) {
      // A worker starts the trial (the first one, or the retry waiting for it) and dies.
      const trial = (await study.ask()) as LiveTrial;
      trial.suggestFloat("x", 0, 1);
      await trial.flush();
      await storage.recordHeartbeat(trial.trialId);
      await new Promise((resolve) => setTimeout(resolve, 120));
      const failed = await failStaleTrials(study);
      expect(failed.map((t) => t.number)).toEqual([round]);
    }
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([TrialState.FAIL, TrialState.FAIL, TrialState.FAIL]);
    expect(trials.map((t) => RetryFailedTrialCallback.retryHistory(t))).toEqual([[], [0], [0, 1]]);
    expect(trials.map((t) => RetryFailedTrialCallback.retriedTrialNumber(t))).toEqual([null, 0, 0]);
    expect(trials.every((t) => t.params["x"] === trials[0]!.params["x"])).toBe(true);
    // maxRetry 2: the third failure is not retried.
    expect(await storage.getNTrials(study.studyId, [TrialState.WAITING])).toBe(0);
  });

  it("rejects a negative maxRetry", () => {
    expect(() => new RetryFailedTrialCallback({ maxRetry: -1 })).toThrow(/maxRetry/);
  });
});

if (POSTGRES_URL === undefined) console.warn(HOW_TO_ENABLE_POSTGRES);
if (MYSQL_URL === undefined) console.warn(HOW_TO_ENABLE_MYSQL);
