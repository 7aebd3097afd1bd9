/**
 * `tell(number)` from another process (the CLI's `tell`, a shell loop) finds its trial by
 * number, as Optuna's `get_trial_id_from_study_id_trial_number` does, instead of reading
 * every trial of the study.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createStudy,
  InMemoryStorage,
  loadStudy,
  NotFoundError,
  setVerbosity,
  TrialState,
  Verbosity,
} from "../../src/index.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import { tempDir } from "../storages/helpers.js";

setVerbosity(Verbosity.ERROR);
const temp = tempDir("tell-by-number");
afterAll(() => temp.remove());

/** Counts the calls of `getAllTrials` on `storage`. */
function countFullReads(storage: Storage): { count: number } {
  const counter = { count: 0 };
  const original = storage.getAllTrials.bind(storage);
  storage.getAllTrials = (...args) => {
    counter.count++;
    return original(...args);
  };
  return counter;
}

const backends: [string, () => Promise<Storage>][] = [
  ["in memory", async () => new InMemoryStorage()],
  ["SQLite", () => openStorage(`sqlite:///${join(temp.dir, "tell.db")}`)],
];

describe.each(backends)("tell by number (%s)", (_name, open) => {
  it("finishes the asked trial without reading the study's trials", async () => {
    const storage = await open();
    const asker = await createStudy({ storage, studyName: "shell" });
    for (let i = 0; i < 3; i++) {
      const trial = await asker.ask();
      trial.suggestFloat("x", 0, 1);
    }
    // Another process (a fresh Study object) tells trial 1 by its number.
    const teller = await loadStudy({ storage, studyName: "shell" });
    const reads = countFullReads(storage);
    const told = await teller.tell(1, 0.25);
    expect(reads.count).toBe(0);
    expect(told.state).toBe(TrialState.COMPLETE);
    expect(told.values).toEqual([0.25]);
    await expect(teller.tell(7, 1)).rejects.toThrow(NotFoundError);
    await expect(teller.tell(1, 1)).rejects.toThrow(/already COMPLETE/);
    const states = (await teller.trials()).map((t) => t.state);
    expect(states).toEqual([TrialState.RUNNING, TrialState.COMPLETE, TrialState.RUNNING]);
    await storage.close();
  });
});
