/**
 * Eight real worker processes × 50 trials on one study, on one SQLite file and on one
 * PostgreSQL database: trial numbers stay unique and contiguous, each enqueued trial is run by
 * exactly one worker, grid points are never duplicated, the SQLite file stays sound.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { UpdateFinishedTrialError } from "../../src/errors/index.js";
import { openStorage } from "../../src/storages/resolve.js";
import { createStudy } from "../../src/study/create.js";
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

const WORKERS = 8;
const TRIALS = 50;
const ENQUEUED = 40;

interface Line {
  study: "random" | "grid";
  number: number;
  trialId: number;
  tag?: number | null;
  grid?: [number, number];
}

async function scenario(url: string, dir: string): Promise<void> {
  const random = await createStudy({ storage: url, studyName: "random" });
  for (let tag = 0; tag < ENQUEUED; tag++) {
    await random.enqueueTrial({ x: tag / 10 }, { userAttrs: { tag } });
  }
  const grid = await createStudy({ storage: url, studyName: "grid" });
  const go = join(dir, `go-${Date.now()}`);
  const workers = Array.from({ length: WORKERS }, () =>
    startWorker("optimize-worker", [url, go, String(TRIALS)]),
  );
  let ready = 0;
  await new Promise<void>((resolve) => {
    for (const w of workers) {
      w.onLine((line) => {
        if (line === "READY" && ++ready === WORKERS) resolve();
      });
      void w.done.then(() => resolve());
    }
  });
  writeFileSync(go, "");
  const results = await Promise.all(workers.map((w) => w.done));
  for (const r of results) {
    expect(r.stderr.replace(/npm warn.*\n/g, "")).toBe("");
    expect(r.code).toBe(0);
  }
  // The workers really ran side by side: most of them ran trials with others' numbers between.
  const interleaved = results.filter((r) => {
    const numbers = r.stdout
      .split("\n")
      .filter((l) => l.startsWith('{"study":"random"'))
      .map((l) => (JSON.parse(l) as Line).number);
    return Math.max(...numbers) - Math.min(...numbers) + 1 > numbers.length;
  });
  expect(interleaved.length).toBeGreaterThanOrEqual(WORKERS / 2);
  const lines = results.flatMap((r) =>
    r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Line),
  );

  // Every trial run by exactly one worker; numbers unique and contiguous.
  const randomLines = lines.filter((l) => l.study === "random");
  expect(randomLines).toHaveLength(WORKERS * TRIALS);
  const trials = await random.trials();
  expect(trials).toHaveLength(WORKERS * TRIALS);
  expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
  expect(new Set(trials.map((t) => t.trialId)).size).toBe(trials.length);
  expect(new Set(randomLines.map((l) => l.trialId)).size).toBe(randomLines.length);
  expect(randomLines.map((l) => l.number).sort((a, b) => a - b)).toEqual(trials.map((_, i) => i));
  expect(trials.every((t) => t.state === TrialState.COMPLETE)).toBe(true);

  // Each enqueued trial popped by exactly one worker, with its fixed parameter.
  const tags = randomLines.filter((l) => l.tag !== null).map((l) => l.tag!);
  expect(tags.sort((a, b) => a - b)).toEqual(Array.from({ length: ENQUEUED }, (_, i) => i));
  for (const t of trials.slice(0, ENQUEUED)) {
    expect(t.params["x"]).toBe((t.userAttrs["tag"] as number) / 10);
  }

  // Grid points never duplicated, all of them run.
  const gridLines = lines.filter((l) => l.study === "grid");
  const gridTrials = await grid.trials();
  const points = gridTrials.map((t) => `${t.params["a"]},${t.params["b"]}`);
  expect(new Set(points).size).toBe(100);
  expect(gridTrials).toHaveLength(100);
  expect(gridLines).toHaveLength(100);
  expect(new Set(gridTrials.map((t) => t.systemAttrs["grid_id"])).size).toBe(100);
  expect(gridTrials.map((t) => t.number)).toEqual(gridTrials.map((_, i) => i));

  // Finished trials stay immutable, from any process.
  const other = await openStorage(url);
  await expect(
    other.updateTrial(trials[7]!.trialId, { state: TrialState.FAIL }),
  ).rejects.toBeInstanceOf(UpdateFinishedTrialError);
  await other.close();
  await random.storage.close();
  await grid.storage.close();
}

describe("several processes on one study", () => {
  const temp = tempDir("multi");
  afterAll(() => temp.remove());

  it(`SQLite: ${WORKERS} processes × ${TRIALS} trials`, async () => {
    const file = join(temp.dir, "shared.db");
    await scenario(`sqlite:///${file}`, temp.dir);
    const db = new Database(file, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  }, 120_000);

  it.skipIf(POSTGRES_URL === undefined)(
    `PostgreSQL: ${WORKERS} processes × ${TRIALS} trials`,
    async () => {
      const { url, drop } = await freshPostgresDatabase(POSTGRES_URL!, "multi");
      try {
        await scenario(url, temp.dir);
      } finally {
        await drop();
      }
    },
    120_000,
  );

  it.skipIf(MYSQL_URL === undefined)(
    `MySQL: ${WORKERS} processes × ${TRIALS} trials`,
    async () => {
      const { url, drop } = await freshMySQLDatabase(MYSQL_URL!, "multi");
      try {
        await scenario(url, temp.dir);
      } finally {
        await drop();
      }
    },
    120_000,
  );
});

if (POSTGRES_URL === undefined) console.warn(HOW_TO_ENABLE_POSTGRES);
if (MYSQL_URL === undefined) console.warn(HOW_TO_ENABLE_MYSQL);
