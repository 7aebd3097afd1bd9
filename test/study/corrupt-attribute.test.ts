/**
 * A corrupt attribute row (e.g. `[, 0.5]`, written by an older skipjack for an array with a
 * hole) does not make the study, or the other studies of the storage, unreadable: the
 * attribute is left out with a warning.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  createStudy,
  getAllStudySummaries,
  loadStudy,
  setVerbosity,
  Verbosity,
} from "../../src/index.js";
import { openStorage } from "../../src/storages/resolve.js";
import { tempDir } from "../storages/helpers.js";

setVerbosity(Verbosity.ERROR);
const tmp = tempDir("corrupt-attr");
afterAll(() => tmp.remove());

describe("a corrupt attribute row", () => {
  it("leaves trials(), the study's attributes and getAllStudySummaries readable", async () => {
    const file = join(tmp.dir, "corrupt.db");
    const url = `sqlite:///${file}`;
    const storage = await openStorage(url);
    const bad = await createStudy({ storage, studyName: "bad" });
    const good = await createStudy({ storage, studyName: "good" });
    await bad.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2, showProgressBar: false });
    await good.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 1, showProgressBar: false });
    await storage.close();

    const db = new Database(file);
    const trialId = (
      db
        .prepare("SELECT trial_id FROM trials WHERE number = 1 AND study_id = ?")
        .get(bad.studyId) as { trial_id: number }
    ).trial_id;
    db.prepare(
      "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (?, ?, ?)",
    ).run(trialId, "losses", "[, 0.5]");
    db.prepare(
      "INSERT INTO study_user_attributes (study_id, key, value_json) VALUES (?, ?, ?)",
    ).run(bad.studyId, "a", "[,");
    db.close();

    const reopened = await openStorage(url);
    const summaries = await getAllStudySummaries(reopened);
    expect(summaries.map((s) => [s.studyName, s.nTrials])).toEqual([
      ["bad", 2],
      ["good", 1],
    ]);
    expect(summaries[0]!.userAttrs).toEqual({});
    expect(
      await loadStudy({ storage: reopened, studyName: "bad" }).then((s) => s.userAttrs()),
    ).toEqual({});
    const study = await loadStudy({ storage: reopened, studyName: "bad" });
    const trials = await study.trials();
    expect(trials[1]!.userAttrs).toEqual({});
    expect(trials[1]!.params).toHaveProperty("x");
    await reopened.close();
  });
});
