/**
 * The best trial on a tie is the first trial to complete, as Optuna 3.1 answers with its
 * in-memory and SQLite storages (verified here against Optuna itself), whatever the storage.
 * A NaN value (which only Optuna's add_trial writes) is never best.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import { InMemoryStorage } from "../../src/storages/in-memory/in-memory-storage.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import { bestOf } from "../../src/study/best.js";
import { createStudy } from "../../src/study/create.js";
import { trialOf } from "../pruners/replay.js";
import {
  freshPostgresDatabase,
  optunaAvailable,
  POSTGRES_URL,
  PYTHON,
  tempDir,
} from "../storages/helpers.js";

setVerbosity(Verbosity.ERROR);

/** Trials asked 0..5, told in this order, with these values. */
const ORDER = [2, 4, 1, 5, 3, 0];
const VALUES = [1, 3, 3, 1, 3, 1];

const OPTUNA = `
import optuna, sys
optuna.logging.set_verbosity(optuna.logging.ERROR)
order, values = [2, 4, 1, 5, 3, 0], [1, 3, 3, 1, 3, 1]
out = []
for storage in [None, "sqlite:///" + sys.argv[1]]:
    for direction in ["minimize", "maximize"]:
        study = optuna.create_study(storage=storage, direction=direction)
        trials = [study.ask() for _ in order]
        for i in order:
            study.tell(trials[i], values[i])
        out.append(study.best_trial.number)
print(out)
`;

async function bestOnTie(storage: Storage): Promise<number[]> {
  const out: number[] = [];
  for (const direction of ["minimize", "maximize"] as const) {
    const study = await createStudy({ storage, direction });
    const trials = [];
    for (let i = 0; i < ORDER.length; i++) trials.push(await study.ask());
    for (const i of ORDER) await study.tell(trials[i]!, VALUES[i]!);
    out.push((await study.bestTrial()).number);
  }
  return out;
}

describe("bestTrial on a tie", () => {
  const tmp = tempDir("best");
  afterAll(() => tmp.remove());

  it.skipIf(!optunaAvailable())("is what Optuna 3.1 answers (first to complete)", () => {
    const optuna = execFileSync(PYTHON, ["-c", OPTUNA, join(tmp.dir, "optuna.db")], {
      encoding: "utf8",
    });
    expect(optuna.trim()).toBe("[5, 2, 5, 2]");
  });

  it("in memory: the first trial to complete", async () => {
    expect(await bestOnTie(new InMemoryStorage())).toEqual([5, 2]);
  });

  it("in SQLite: the first trial to complete", async () => {
    const storage = await openStorage(`sqlite:///${join(tmp.dir, "skipjack.db")}`);
    try {
      expect(await bestOnTie(storage)).toEqual([5, 2]);
    } finally {
      await storage.close();
    }
  });

  it.skipIf(POSTGRES_URL === undefined)("in PostgreSQL: the first trial to complete", async () => {
    const { url, drop } = await freshPostgresDatabase(POSTGRES_URL!, "best");
    const storage = await openStorage(url);
    try {
      expect(await bestOnTie(storage)).toEqual([5, 2]);
    } finally {
      await storage.close();
      await drop();
    }
  });

  it("ignores NaN values, and takes the earlier completion time before the lower number", () => {
    const trial = (number: number, value: number, completed: number) =>
      trialOf(number, "COMPLETE", new Map(), 1_000_000 + completed, value);
    const trials = [trial(0, Number.NaN, 0), trial(1, 2, 5), trial(2, 2, 3), trial(3, 5, 1)];
    expect(bestOf(trials, "minimize")?.number).toBe(2);
    expect(bestOf(trials, "maximize")?.number).toBe(3);
    expect(bestOf([trial(0, Number.NaN, 0)], "minimize")).toBeNull();
  });
});
