/**
 * How a live trial writes what it is told: suggestions checked against the study's other
 * trials at the call, every suggestion and attribute stored promptly (before the objective's
 * next await resumes, before `storage.close()`, before a normal process end, before a SIGKILL
 * that comes after the objective awaited anything), write errors never dropped, and `tell`
 * without values ending the trial FAIL as in Optuna.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  createStudy,
  HyperbandPruner,
  IncompatibleDistributionError,
  InMemoryStorage,
  InvalidArgumentError,
  loadStudy,
  RandomSampler,
  RetryFailedTrialCallback,
  StorageError,
  setVerbosity,
  TrialState,
  Verbosity,
} from "../../src/index.js";
import { setLogSink } from "../../src/logging/index.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage, TrialUpdate } from "../../src/storages/storage.js";
import type { LiveTrial } from "../../src/trial/live-trial.js";
import {
  freshMySQLDatabase,
  freshPostgresDatabase,
  MYSQL_URL,
  POSTGRES_URL,
  tempDir,
} from "../storages/helpers.js";

setVerbosity(Verbosity.ERROR);
const quiet = { showProgressBar: false, handleSigint: false } as const;
const tmp = tempDir("trial-writes");
afterAll(() => tmp.remove());
let files = 0;
const sqliteUrl = (): string => `sqlite:///${join(tmp.dir, `w${files++}.db`)}`;

const backends: [string, () => Promise<Storage>][] = [
  ["in memory", async () => new InMemoryStorage()],
  ["SQLite", () => openStorage(sqliteUrl())],
];

describe.each(backends)("suggest checks the study's other trials at the call (%s)", (_, open) => {
  it("throws IncompatibleDistributionError at suggestInt after a float x, and stores nothing", async () => {
    const storage = await open();
    const study = await createStudy({ storage, sampler: new RandomSampler({ seed: 1 }) });
    const first = await study.ask();
    first.suggestFloat("x", 0, 1);
    await study.tell(first, 0.5);
    const second = await study.ask();
    expect(() => second.suggestInt("x", 0, 1)).toThrow(IncompatibleDistributionError);
    expect(second.params).toEqual({});
    await study.tell(second, 1);
    const stored = (await study.trials())[1]!;
    expect(stored.state).toBe(TrialState.COMPLETE);
    expect(stored.params).toEqual({});
    await storage.close();
  });

  it("fails the trial in optimize and rethrows", async () => {
    const storage = await open();
    const study = await createStudy({ storage });
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 1, ...quiet });
    await expect(
      study.optimize((t) => t.suggestInt("x", 0, 1), { nTrials: 1, ...quiet }),
    ).rejects.toThrow(IncompatibleDistributionError);
    const trials = await study.trials();
    expect(trials[1]!.state).toBe(TrialState.FAIL);
    expect(trials[1]!.params).toEqual({});
    expect(String(trials[1]!.systemAttrs["fail_reason"])).toMatch(/IncompatibleDistributionError/);
    await storage.close();
  });

  it("checks trials running at the same time in this process", async () => {
    const storage = await open();
    const study = await createStudy({ storage });
    const a = await study.ask();
    const b = await study.ask();
    a.suggestCategorical("opt", ["adam", "sgd"]);
    expect(() => b.suggestCategorical("opt", ["adam", "rmsprop"])).toThrow(
      IncompatibleDistributionError,
    );
    // Another range with the same kind is compatible (as in Optuna).
    a.suggestFloat("lr", 1e-4, 1e-1, { log: true });
    expect(b.suggestFloat("lr", 1e-5, 1, { log: true })).toBeGreaterThan(0);
    await storage.close();
  });
});

describe("the suggest-time check under a pruner that gives the sampler one bracket", () => {
  it("still sees every trial of the study", async () => {
    const pruner = new HyperbandPruner({ maxResource: 27 });
    const study = await createStudy({ pruner });
    // Another worker (another Study object) used x as a float.
    const other = await loadStudy({ storage: study.storage, studyName: study.studyName, pruner });
    const first = await other.ask();
    first.suggestFloat("x", 0, 1);
    await other.tell(first, 0.5);
    for (let i = 0; i < 8; i++) {
      const trial = await study.ask();
      expect(() => trial.suggestInt("x", 0, 1), `trial ${trial.number}`).toThrow(
        IncompatibleDistributionError,
      );
      await study.tell(trial, TrialState.FAIL);
    }
  });
});

describe.each(backends)("what a trial is told is written promptly (%s)", (_, open) => {
  it("stores suggestions and attributes before the objective's next await resumes", async () => {
    const storage = await open();
    const study = await createStudy({ storage });
    const trial = await study.ask();
    const x = trial.suggestFloat("x", 0, 1);
    trial.setUserAttr("note", "hi");
    await sleep(0);
    const stored = (await storage.getAllTrials(study.studyId))[0]!;
    expect(stored.params).toEqual({ x });
    expect(stored.userAttrs).toEqual({ note: "hi" });
    await storage.close();
  });
});

describe("storage.close() and the end of a process", () => {
  it("close() right after suggest and setUserAttr leaves them stored (SQLite)", async () => {
    const url = sqliteUrl();
    const storage = await openStorage(url);
    const study = await createStudy({ storage, studyName: "w" });
    const trial = await study.ask();
    const x = trial.suggestFloat("x", 0, 1);
    trial.setUserAttr("note", "hello");
    (trial as LiveTrial).setSystemAttr("sys", 1);
    await storage.close();
    const reopened = await openStorage(url);
    const stored = (await reopened.getAllTrials(await reopened.getStudyIdFromName("w")))[0]!;
    expect(stored.params).toEqual({ x });
    expect(stored.userAttrs).toEqual({ note: "hello" });
    expect(stored.systemAttrs["sys"]).toBe(1);
    await reopened.close();
  });

  /** A fresh database per server that is configured, and SQLite always. */
  const servers: [string, () => Promise<{ url: string; drop: () => Promise<void> }>][] = [
    ["SQLite", async () => ({ url: sqliteUrl(), drop: async () => undefined })],
  ];
  if (POSTGRES_URL !== undefined) {
    servers.push(["PostgreSQL", () => freshPostgresDatabase(POSTGRES_URL!, "writes")]);
  }
  if (MYSQL_URL !== undefined) {
    servers.push(["MySQL", () => freshMySQLDatabase(MYSQL_URL!, "writes")]);
  }
  const modes = servers.flatMap(([name, fresh]) =>
    ["end", "close"].map((mode) => [mode, name, fresh] as const),
  );
  it.each(modes)(
    "a worker that asks, suggests, sets an attribute and then %ss leaves them stored (%s)",
    async (mode, _, fresh) => {
      const { url, drop } = await fresh();
      try {
        const result = await runWorker([url, mode]);
        expect(result.code, result.stderr).toBe(0);
        const storage = await openStorage(url);
        const trials = await storage.getAllTrials(await storage.getStudyIdFromName("w"));
        expect(trials).toHaveLength(1);
        expect(trials[0]!.state).toBe(TrialState.RUNNING);
        expect(Object.keys(trials[0]!.params)).toEqual(["x"]);
        expect(trials[0]!.userAttrs).toEqual({ note: "hello" });
        await storage.close();
      } finally {
        await drop();
      }
    },
    30_000,
  );

  it("a worker SIGKILLed after its objective awaited keeps its params, and the retry reruns them", async () => {
    const url = sqliteUrl();
    const victim = spawnWorker([url, "hang", "victim"]);
    await new Promise<void>((resolve, reject) => {
      victim.onLine((line) => {
        if (line.startsWith("HANG ")) resolve();
      });
      void victim.done.then((r) => reject(new Error(`the worker exited early: ${r.stderr}`)));
    });
    victim.child.kill("SIGKILL");
    expect((await victim.done).signal).toBe("SIGKILL");
    const storage = await openStorage(url, {
      heartbeatInterval: 1,
      gracePeriod: 2,
      failedTrialCallback: new RetryFailedTrialCallback({ maxRetry: 1 }),
    });
    const studyId = await storage.getStudyIdFromName("w");
    const killed = (await storage.getAllTrials(studyId))[0]!;
    expect(killed.state).toBe(TrialState.RUNNING);
    expect(Object.keys(killed.params)).toEqual(["x"]);
    expect(killed.userAttrs).toEqual({ note: "started" });
    await sleep(3000); // past the grace period
    const rescuer = await runWorker([url, "hang", "rescuer"]);
    expect(rescuer.code).toBe(0);
    const trials = await storage.getAllTrials(studyId);
    expect(trials.map((t) => t.state)).toEqual([TrialState.FAIL, TrialState.COMPLETE]);
    expect(RetryFailedTrialCallback.retriedTrialNumber(trials[1]!)).toBe(0);
    expect(trials[1]!.params).toEqual(killed.params);
    await storage.close();
  }, 30_000);
});

/** An in-memory storage whose trial writes fail while `failing` is set. */
class FlakyStorage extends InMemoryStorage {
  failing = false;
  override async updateTrial(trialId: number, update: TrialUpdate): Promise<void> {
    if (this.failing && update.state === undefined) {
      throw new StorageError("the connection dropped");
    }
    return super.updateTrial(trialId, update);
  }
}

describe("a failed write is never dropped", () => {
  it("tell rethrows it and the trial ends FAIL, not COMPLETE without its params", async () => {
    const storage = new FlakyStorage();
    const study = await createStudy({ storage });
    const trial = await study.ask();
    storage.failing = true;
    trial.suggestFloat("x", 0, 1);
    await expect(study.tell(trial, 1)).rejects.toThrow(/connection dropped/);
    const stored = (await study.trials())[0]!;
    expect(stored.state).toBe(TrialState.FAIL);
    expect(String(stored.systemAttrs["fail_reason"])).toMatch(/connection dropped/);
  });

  it("a write nobody awaits is logged at once, and raised by the trial's next await", async () => {
    const storage = new FlakyStorage();
    const study = await createStudy({ storage });
    const trial = await study.ask();
    storage.failing = true;
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    setVerbosity(Verbosity.WARNING);
    try {
      trial.setUserAttr("note", "lost?");
      await sleep(0);
      expect(lines.join("\n")).toMatch(/Could not store what trial 0 was told.*connection dropped/);
    } finally {
      setLogSink(previous);
      setVerbosity(Verbosity.ERROR);
    }
    storage.failing = false;
    await expect(trial.report(1, 0)).rejects.toThrow(/connection dropped/);
    await trial.report(1, 1); // raised once
  });

  it("report raises it, and optimize fails the trial and rethrows", async () => {
    const storage = new FlakyStorage();
    const study = await createStudy({ storage });
    storage.failing = true;
    await expect(
      study.optimize(
        async (t) => {
          const x = t.suggestFloat("x", 0, 1);
          await sleep(1);
          return x;
        },
        { nTrials: 1, ...quiet },
      ),
    ).rejects.toThrow(/connection dropped/);
    expect((await study.trials())[0]!.state).toBe(TrialState.FAIL);
  });
});

describe("tell without values", () => {
  it("marks the trial FAIL with the reason, as Optuna does", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const told = await study.tell(trial);
    expect(told.state).toBe(TrialState.FAIL);
    expect(String(told.systemAttrs["fail_reason"])).toMatch(/no values/);
    expect(told.values).toBeNull();
  });

  it("refuses an explicit COMPLETE without valid values and leaves the trial RUNNING", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    await expect(study.tell(trial, { state: TrialState.COMPLETE })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(
      study.tell(trial, { state: TrialState.COMPLETE, values: Number.NaN }),
    ).rejects.toThrow(/NaN/);
    expect((await study.trials())[0]!.state).toBe(TrialState.RUNNING);
    expect((await study.tell(trial, 2)).state).toBe(TrialState.COMPLETE);
  });
});

describe("throw undefined / throw null in an objective", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
  ])("throw %s fails the trial and is rethrown from optimize", async (_, thrown) => {
    const study = await createStudy();
    let caught: { error: unknown } | null = null;
    try {
      await study.optimize(
        () => {
          throw thrown;
        },
        { nTrials: 3, ...quiet },
      );
    } catch (error) {
      caught = { error };
    }
    expect(caught).toEqual({ error: thrown });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([TrialState.FAIL]);
  });
});

const WORKER = fileURLToPath(new URL("./workers/trial-writes-worker.ts", import.meta.url));

function spawnWorker(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, ...args], {
    env: { ...process.env, SKIPJACK_LOG_LEVEL: "ERROR" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const listeners: ((line: string) => void)[] = [];
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    for (const line of chunk.split("\n")) if (line !== "") for (const fn of listeners) fn(line);
  });
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done, onLine: (fn: (line: string) => void) => listeners.push(fn), stdout };
}

async function runWorker(args: string[]) {
  return spawnWorker(args).done;
}
