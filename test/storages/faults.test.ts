/**
 * Faults are normal: dropped connections, a locked database, heartbeats that cannot be written,
 * a worker killed right after creating its trial, a trial failed by another worker. Each is
 * survived without losing a trial, or reported as a `StorageError` naming what to do.
 */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { StorageError } from "../../src/errors/index.js";
import { setLogSink } from "../../src/logging/index.js";
import type { RdbDriver } from "../../src/storages/rdb/driver.js";
import type { RdbStorage } from "../../src/storages/rdb/rdb-storage.js";
import { isTransient, unknownCommit } from "../../src/storages/rdb/transient.js";
import { openStorage } from "../../src/storages/resolve.js";
import { RetryFailedTrialCallback } from "../../src/storages/retry-failed-trial-callback.js";
import type { Storage } from "../../src/storages/storage.js";
import { createStudy } from "../../src/study/create.js";
import type { LiveTrial } from "../../src/trial/live-trial.js";
import { TrialState } from "../../src/trial/state.js";
import {
  dropConnections,
  freshMySQLDatabase,
  freshPostgresDatabase,
  MYSQL_URL,
  POSTGRES_URL,
  startWorker,
  tempDir,
} from "./helpers.js";

const temp = tempDir("faults");
afterAll(() => temp.remove());

let logs: string[] = [];
afterEach(() => {
  setLogSink(undefined);
  logs = [];
});
function captureLogs(): void {
  logs = [];
  setLogSink((line) => logs.push(line));
}

function driverOf(storage: Storage): RdbDriver {
  return (storage as unknown as { driver: RdbDriver }).driver;
}

const servers: { name: string; admin: string | undefined; fresh: typeof freshPostgresDatabase }[] =
  [
    { name: "PostgreSQL", admin: POSTGRES_URL, fresh: freshPostgresDatabase },
    { name: "MySQL", admin: MYSQL_URL, fresh: freshMySQLDatabase },
  ];

describe("transient errors", () => {
  it("are told apart from lasting ones", () => {
    for (const error of [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("the database system is shutting down"), { code: "57P03" }),
      Object.assign(new Error("terminating connection due to administrator command"), {
        code: "57P01",
      }),
      Object.assign(new Error("could not serialize access"), { code: "40001" }),
      Object.assign(new Error("deadlock detected"), { code: "40P01" }),
      new Error("Connection terminated unexpectedly"),
      Object.assign(new Error("Deadlock found"), { errno: 1213 }),
      Object.assign(new Error("Lock wait timeout exceeded"), { errno: 1205 }),
      Object.assign(new Error("MySQL server has gone away"), { errno: 2006 }),
      Object.assign(new Error("Lost connection to MySQL server during query"), { errno: 2013 }),
      Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }),
      new StorageError("db: wrapped", {
        cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      }),
    ]) {
      expect(isTransient(error), String(error)).toBe(true);
    }
    for (const error of [
      Object.assign(new Error('relation "x" does not exist'), { code: "42P01" }),
      Object.assign(new Error("password authentication failed"), { code: "28P01" }),
      Object.assign(new Error("Duplicate entry"), { errno: 1062 }),
      Object.assign(new Error("file is not a database"), { code: "SQLITE_NOTADB" }),
      new Error("some bug"),
      undefined,
    ]) {
      expect(isTransient(error), String(error)).toBe(false);
    }
    expect(unknownCommit("db", new Error("Connection terminated")).message).toMatch(
      /may or may not have been stored/,
    );
  });

  it("SQLite locked past the busy timeout: the write is retried (and logged) until the lock goes", async () => {
    const path = join(temp.dir, "busy.db");
    const storage = await openStorage(path, { busyTimeout: 20 });
    const studyId = await storage.createNewStudy(["minimize"], "busy");
    const other = new Database(path);
    other.exec("BEGIN EXCLUSIVE");
    const release = setTimeout(() => other.exec("COMMIT"), 400);
    captureLogs();
    const trial = await storage.createNewTrial(studyId);
    clearTimeout(release);
    other.close();
    expect(trial.number).toBe(0);
    expect(logs.join("\n")).toMatch(/database is locked; retrying for up to 60 s/);
    expect(await storage.getNTrials(studyId)).toBe(1);
    await storage.close();
  });

  it("with retryTimeout 0, a locked SQLite database fails at once with a StorageError", async () => {
    const path = join(temp.dir, "busy0.db");
    const storage = await openStorage(path, { busyTimeout: 20, retryTimeout: 0 });
    const studyId = await storage.createNewStudy(["minimize"], "busy");
    const other = new Database(path);
    other.exec("BEGIN EXCLUSIVE");
    const error = await storage.createNewTrial(studyId).catch((e: unknown) => e);
    other.exec("COMMIT");
    other.close();
    expect(error).toBeInstanceOf(StorageError);
    expect(String(error)).toMatch(/stayed locked/);
    await storage.close();
  });

  for (const server of servers) {
    const run = server.admin === undefined ? it.skip : it;
    run(
      `${server.name}: a connection dropped inside a transaction (busy or idle) is retried, and no process crash`,
      async () => {
        const { url, drop } = await server.fresh(server.admin!, "drop");
        try {
          const storage = (await openStorage(url)) as RdbStorage;
          const studyId = await storage.createNewStudy(["minimize"], "drop");
          const driver = driverOf(storage);
          captureLogs();
          // Killed while idle in a transaction (the pooled client is checked out, no query
          // runs): its 'error' event must not crash the process; the write runs again.
          let runs = 0;
          const idle = await driver.write(async (tx) => {
            runs++;
            await tx.all("SELECT 1 AS one");
            if (runs === 1) {
              expect(await dropConnections(url)).toBeGreaterThan(0);
              await sleep(300);
            }
            return tx.run(
              'INSERT INTO study_user_attributes (study_id, "key", value_json) VALUES (?, ?, ?)',
              [studyId, "k", "1"],
            );
          });
          expect(idle).toBe(1);
          expect(runs).toBe(2);
          // Killed while a query runs.
          runs = 0;
          const sleepSql = url.startsWith("postgres") ? "SELECT pg_sleep(1)" : "SELECT SLEEP(1)";
          await driver.write(async (tx) => {
            runs++;
            if (runs === 1) setTimeout(() => void dropConnections(url), 200);
            await tx.all(sleepSql);
          });
          expect(runs).toBe(2);
          expect(logs.join("\n")).toMatch(/retrying for up to 60 s/);
          // Only one row: the first run was rolled back with its connection.
          expect(await storage.getStudyUserAttrs(studyId)).toEqual({ k: 1 });
          // Idle pooled connections killed between calls: the next call just works.
          await dropConnections(url);
          await sleep(100);
          expect((await storage.createNewTrial(studyId)).number).toBe(0);
          await storage.close();
        } finally {
          await drop();
        }
      },
      30_000,
    );
  }
});

describe("a COMMIT whose connection drops", () => {
  const run = POSTGRES_URL === undefined ? it.skip : it;
  run(
    "PostgreSQL: a trial creation cut off in its COMMIT is looked up and made once",
    async () => {
      const { url, drop } = await freshPostgresDatabase(POSTGRES_URL!, "commit");
      try {
        const storage = await openStorage(url);
        const studyId = await storage.createNewStudy(["minimize"], "commit");
        // A deferred trigger makes the first COMMIT of a trial slow, so that it can be cut off.
        const pg = (await import("pg")).default;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`
        CREATE SEQUENCE sj_once;
        CREATE FUNCTION sj_slow() RETURNS trigger AS $$
        BEGIN IF nextval('sj_once') = 1 THEN PERFORM pg_sleep(1.5); END IF; RETURN NULL; END
        $$ LANGUAGE plpgsql;
        CREATE CONSTRAINT TRIGGER sj_slow AFTER INSERT ON trials
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sj_slow();`);
        const cutOff = (async () => {
          for (let i = 0; i < 100; i++) {
            const killed = await admin.query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
                "current_database() AND state = 'active' AND query = 'COMMIT' AND pid <> pg_backend_pid()",
            );
            if ((killed.rowCount ?? 0) > 0) return true;
            await sleep(30);
          }
          return false;
        })();
        const trial = await storage.createNewTrial(studyId);
        expect(await cutOff).toBe(true);
        await admin.end();
        expect(trial.number).toBe(0);
        const trials = await storage.getAllTrials(studyId);
        expect(trials.map((t) => [t.number, t.trialId])).toEqual([[0, trial.trialId]]);
        await storage.close();
      } finally {
        await drop();
      }
    },
    30_000,
  );
});

describe("SQLite open errors", () => {
  it("say what is wrong with a file that is not a database, or is damaged", async () => {
    const junk = join(temp.dir, "junk.db");
    writeFileSync(junk, "this is a text file, long enough to have a header page.".repeat(100));
    const notDb = await openStorage(junk).catch((e: unknown) => e);
    expect(notDb).toBeInstanceOf(StorageError);
    expect(String(notDb)).toMatch(/not a SQLite database/);
    expect(String(notDb)).not.toMatch(/folder exists/);

    const damaged = join(temp.dir, "damaged.db");
    const db = new Database(damaged);
    db.exec("CREATE TABLE t (x TEXT)");
    db.close();
    // Garbage over the first page's b-tree (the schema), past the 100-byte file header.
    const fd = openSync(damaged, "r+");
    writeSync(fd, Buffer.alloc(200, 0x5a), 0, 200, 100);
    closeSync(fd);
    const error = await openStorage(damaged).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(String(error)).toMatch(/malformed|damaged/);
    expect(String(error)).toMatch(/backup|\.recover/);
  });
});

describe("first heartbeat with the trial", () => {
  it("a trial created or popped for optimize has a heartbeat row at once, and goes stale", async () => {
    const path = join(temp.dir, "first-beat.db");
    const storage = await openStorage(path, { heartbeatInterval: 0.1, gracePeriod: 0.2 });
    const studyId = await storage.createNewStudy(["minimize"], "first");
    const created = await storage.createNewTrial(studyId, { heartbeat: true });
    await storage.createNewTrial(studyId, { state: TrialState.WAITING });
    const popped = await storage.popWaitingTrial(studyId, { heartbeat: true });
    // A trial made without heartbeat (ask) has none: it is never taken for dead.
    const asked = await storage.createNewTrial(studyId);
    const db = new Database(path, { readonly: true });
    const ids = db
      .prepare("SELECT trial_id FROM trial_heartbeats ORDER BY trial_id")
      .all()
      .map((r) => (r as { trial_id: number }).trial_id);
    db.close();
    expect(ids).toEqual([created.trialId, popped!.trialId]);
    await sleep(400);
    const failed = await storage.failStaleTrials!(studyId);
    expect(failed.map((t) => t.number).sort()).toEqual([created.number, popped!.number].sort());
    expect((await storage.getTrial(asked.trialId)).state).toBe(TrialState.RUNNING);
    await storage.close();
  });

  it("a worker killed in its first objective call leaves a trial that is failed and retried", async () => {
    const url = `sqlite:///${join(temp.dir, "suicide.db")}`;
    const victim = startWorker("heartbeat-worker", [url, "suicide", "5"]);
    const result = await victim.done;
    expect(result.signal).toBe("SIGKILL");
    await sleep(2500);
    const rescuer = startWorker("heartbeat-worker", [url, "rescuer", "1"]);
    const rescued = await rescuer.done;
    expect(rescued.code, rescued.stderr).toBe(0);
    const storage = await openStorage(url);
    const studyId = await storage.getStudyIdFromName("hb");
    const trials = await storage.getAllTrials(studyId);
    expect(trials[0]!.state).toBe(TrialState.FAIL);
    expect(RetryFailedTrialCallback.retriedTrialNumber(trials[1]!)).toBe(0);
    expect(trials[1]!.state).toBe(TrialState.COMPLETE);
    await storage.close();
  }, 30_000);
});

/** Locks the heartbeat table for `ms` from another connection, so that no beat can land. */
async function blockHeartbeats(url: string, ms: number): Promise<void> {
  if (url.startsWith("sqlite:")) {
    const db = new Database(url.slice("sqlite:///".length));
    db.exec("BEGIN EXCLUSIVE");
    await sleep(ms);
    db.exec("COMMIT");
    db.close();
    return;
  }
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE trial_heartbeats IN ACCESS EXCLUSIVE MODE");
  await sleep(ms);
  await client.query("COMMIT");
  await client.end();
}

describe("a worker whose heartbeats cannot be recorded", () => {
  const urls: { name: string; url: () => Promise<{ url: string; drop: () => Promise<void> }> }[] = [
    {
      name: "SQLite",
      url: async () => ({ url: `sqlite:///${join(temp.dir, "lost.db")}`, drop: async () => {} }),
    },
  ];
  if (POSTGRES_URL !== undefined) {
    urls.push({ name: "PostgreSQL", url: () => freshPostgresDatabase(POSTGRES_URL!, "lost") });
  }
  for (const backend of urls) {
    it(`${backend.name}: gives its trial up past the grace period (trial.signal), and the study goes on`, async () => {
      const { url, drop } = await backend.url();
      try {
        const storage = await openStorage(url, {
          heartbeatInterval: 0.2,
          gracePeriod: 0.8,
          failedTrialCallback: new RetryFailedTrialCallback({ maxRetry: 0 }),
        });
        const study = await createStudy({ storage, studyName: "lost" });
        captureLogs();
        let aborted: unknown = null;
        await study.optimize(
          async (trial) => {
            const x = trial.suggestFloat("x", 0, 1);
            if (trial.number === 0) {
              await trial.report(x, 0);
              const blocked = blockHeartbeats(url, 2000);
              await new Promise<void>((resolve) => {
                trial.signal.addEventListener("abort", () => resolve(), { once: true });
                setTimeout(resolve, 5000);
              });
              aborted = trial.signal.aborted ? trial.signal.reason : null;
              await blocked;
            }
            return x;
          },
          { nTrials: 2, showProgressBar: false, handleSigint: false },
        );
        expect(String(aborted)).toMatch(/given up: no heartbeat could be recorded/);
        expect(logs.join("\n")).toMatch(/Trial 0 is given up/);
        // The given-up trial is no longer held by the study.
        expect((study as unknown as { live: Map<number, unknown> }).live.size).toBe(0);
        await sleep(1000);
        await study.optimize(() => 1, { nTrials: 1, showProgressBar: false, handleSigint: false });
        const trials = await study.trials();
        expect(trials[0]!.state).toBe(TrialState.FAIL);
        expect(trials.slice(1).map((t) => t.state)).toEqual([
          TrialState.COMPLETE,
          TrialState.COMPLETE,
        ]);
        await storage.close();
      } finally {
        await drop();
      }
    }, 30_000);
  }

  it("a trial failed by another worker meanwhile is logged as lost; optimize goes on", async () => {
    const url = `sqlite:///${join(temp.dir, "elsewhere.db")}`;
    const storage = await openStorage(url);
    const other = await openStorage(url);
    const study = await createStudy({ storage, studyName: "elsewhere" });
    captureLogs();
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat("x", 0, 1);
        if (trial.number === 0) {
          // Another worker finds the trial stale and fails it.
          await other.updateTrial((trial as LiveTrial).trialId, { state: TrialState.FAIL });
          await trial.report(x, 0);
        }
        return x;
      },
      { nTrials: 3, showProgressBar: false, handleSigint: false },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([
      TrialState.FAIL,
      TrialState.COMPLETE,
      TrialState.COMPLETE,
    ]);
    expect(logs.join("\n")).toMatch(/Trial 0 was marked FAIL by another worker/);
    await storage.close();
    await other.close();
  });
});

describe("heartbeat thread", () => {
  const run = POSTGRES_URL === undefined ? it.skip : it;
  run(
    "PostgreSQL: one statement at a time on its connection (no pg DeprecationWarning)",
    async () => {
      const { url, drop } = await freshPostgresDatabase(POSTGRES_URL!, "hbserial");
      try {
        const worker = startWorker("heartbeat-worker", [url, "concurrent", "12"]);
        const result = await worker.done;
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).not.toMatch(/DeprecationWarning/);
        expect(result.stdout.match(/DONE \d+ COMPLETE/g)).toHaveLength(12);
      } finally {
        await drop();
      }
    },
    30_000,
  );

  for (const server of servers) {
    const run = server.admin === undefined ? it.skip : it;
    run(
      `${server.name}: reconnects after its connection is dropped; the trial is not failed`,
      async () => {
        const { url, drop } = await server.fresh(server.admin!, "hbdrop");
        try {
          const storage = await openStorage(url, { heartbeatInterval: 0.2, gracePeriod: 1.5 });
          const study = await createStudy({ storage, studyName: "hbdrop" });
          captureLogs();
          let staleMeanwhile: unknown[] | null = null;
          await study.optimize(
            async (trial) => {
              // Wait until the thread has connected and beaten (the heartbeat moves).
              const beat = () =>
                driverOf(storage)
                  .query("SELECT heartbeat FROM trial_heartbeats WHERE trial_id = ?", [
                    (trial as LiveTrial).trialId,
                  ])
                  .then((rows) => String(rows[0]?.["heartbeat"]));
              const first = await beat();
              for (let i = 0; i < 50 && (await beat()) === first; i++) await sleep(100);
              await dropConnections(url);
              // Longer than the grace period: without a reconnect, the trial would be stale.
              await sleep(2500);
              const other = await openStorage(url, { heartbeatInterval: 0.2, gracePeriod: 1.5 });
              staleMeanwhile = await other.failStaleTrials!(study.studyId);
              await other.close();
              return trial.number;
            },
            { nTrials: 1, showProgressBar: false, handleSigint: false },
          );
          expect(staleMeanwhile).toEqual([]);
          const trials = await study.trials();
          expect(trials[0]!.state).toBe(TrialState.COMPLETE);
          expect(logs.join("\n")).not.toMatch(/given up/);
          // A fresh worker sees a recent heartbeat: nothing stale.
          expect(await storage.failStaleTrials!(study.studyId)).toEqual([]);
          await storage.close();
        } finally {
          await drop();
        }
      },
      30_000,
    );
  }
});
