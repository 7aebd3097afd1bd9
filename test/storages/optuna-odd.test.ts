/**
 * Studies that Optuna 3.1 writes and that are unusual but valid: categorical choices with
 * duplicates, `None` twice, NaN and ±inf choices, a COMPLETE trial whose value is NaN
 * (`add_trial`). skipjack reads them, continues them, and Optuna reads skipjack's trials back.
 * A row that cannot be decoded at all costs that field, with a warning, never the study.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonJsonLoads } from "../../src/json/python.js";
import { setLogSink, setVerbosity, Verbosity } from "../../src/logging/index.js";
import { InMemoryStorage } from "../../src/storages/in-memory/in-memory-storage.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import { copyStudy, loadStudy } from "../../src/study/create.js";
import {
  freshPostgresDatabase,
  HOW_TO_ENABLE_POSTGRES,
  optunaAvailable,
  POSTGRES_URL,
  PYTHON,
  tempDir,
} from "./helpers.js";

setVerbosity(Verbosity.WARNING);

const ODD = fileURLToPath(new URL("./optuna/odd.py", import.meta.url));
const ODD_CHOICES = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5];

function odd(command: string, url: string): string {
  return execFileSync(PYTHON, ["-W", "ignore", ODD, command, url], { encoding: "utf8" });
}

/** Optuna's params per trial (null: a trial Optuna cannot read back itself). */
function optunaParams(url: string): (Record<string, unknown> | null)[] {
  return pythonJsonLoads(odd("params", url).replace(/"(NaN|-?Infinity)"/g, "$1")) as (Record<
    string,
    unknown
  > | null)[];
}

function readsAndContinues(label: string, url: () => string): void {
  let storage: Storage;
  beforeAll(async () => {
    odd("create", url());
    storage = await openStorage(url());
  });
  afterAll(async () => {
    await storage?.close();
  });

  it(`${label}: every trial reads back, params equal to Optuna's`, async () => {
    const study = await loadStudy({ studyName: "odd", storage });
    const trials = await study.trials();
    expect(trials).toHaveLength(8);
    const expected = optunaParams(url());
    for (const [i, t] of trials.entries()) {
      if (expected[i] !== null) expect(t.params, `trial ${i}`).toEqual(expected[i]);
    }
    const dup = trials[0]!.distributions["dup"]!;
    expect(dup.kind === "categorical" && dup.choices).toEqual(["a", "a"]);
    const none = trials[1]!.distributions["none"]!;
    expect(none.kind === "categorical" && none.choices).toEqual([null, null]);
    const oddChoices = trials[4]!.distributions["odd"]!;
    expect(oddChoices.kind === "categorical" && oddChoices.choices).toEqual(ODD_CHOICES);
    expect(trials.slice(4).map((t) => t.params["odd"])).toEqual(ODD_CHOICES);
    // The NaN objective value of add_trial (SQLite keeps NULL, PostgreSQL NaN).
    expect(trials[3]!.state).toBe("COMPLETE");
    expect(trials[3]!.values).toEqual([Number.NaN]);
    // A NaN value is never best; on a tie, the first trial to complete is.
    expect((await study.bestTrial()).number).toBe(4);
  });

  it(`${label}: the study copies into SQLite and into memory whole`, async () => {
    for (const target of [`sqlite:///${join(tmpCopies.dir, `${label}.db`)}`, ":memory:"]) {
      const toStorage = target === ":memory:" ? new InMemoryStorage() : await openStorage(target);
      try {
        const copy = await copyStudy({ fromStudyName: "odd", fromStorage: storage, toStorage });
        const trials = await copy.trials();
        expect(trials, target).toHaveLength(8);
        expect(trials[3]!.values, target).toEqual([Number.NaN]);
        expect(trials[4]!.params["odd"], target).toEqual(ODD_CHOICES[0]);
      } finally {
        await toStorage.close();
      }
    }
  });

  it(`${label}: skipjack continues the study with the same choices, Optuna reads them`, async () => {
    const study = await loadStudy({ studyName: "odd", storage });
    const trial = await study.ask();
    expect(trial.suggestCategorical("dup", ["a", "a"])).toBe("a");
    expect(trial.suggestCategorical("none", [null, null])).toBeNull();
    const picked = trial.suggestCategorical("odd", ODD_CHOICES);
    await study.tell(trial, 5);
    const last = optunaParams(url()).at(-1)!;
    expect(last["dup"]).toBe("a");
    expect(last["none"]).toBeNull();
    expect(last["odd"]).toEqual(picked);
  });
}

const hasOptuna = optunaAvailable();
const tmpCopies = tempDir("odd-copies");
afterAll(() => tmpCopies.remove());

describe.skipIf(!hasOptuna)("Optuna's odd studies in SQLite", () => {
  const tmp = tempDir("odd");
  const file = join(tmp.dir, "odd.db");
  afterAll(() => tmp.remove());
  readsAndContinues("SQLite", () => `sqlite:///${file}`);

  it("a row that cannot be decoded costs that field (with a warning), not the study", async () => {
    const db = new Database(file);
    db.prepare(
      "UPDATE trial_params SET distribution_json = '{not json' WHERE param_name = 'none'",
    ).run();
    db.prepare(
      "UPDATE trial_values SET value_type = 'SOMETHING' WHERE trial_id = " +
        "(SELECT trial_id FROM trials WHERE number = 2)",
    ).run();
    db.close();
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    const storage = await openStorage(`sqlite:///${file}`);
    try {
      const study = await loadStudy({ studyName: "odd", storage });
      const trials = await study.trials();
      expect(trials).toHaveLength(9);
      expect(trials[1]!.params).toEqual({});
      expect(trials[1]!.values).toEqual([2]);
      expect(trials[2]!.values).toEqual([Number.NaN]);
      expect(trials[8]!.params["dup"]).toBe("a");
      // Reading again warns no more.
      await study.trials();
      await storage.getTrial(trials[1]!.trialId);
    } finally {
      setLogSink(previous);
      await storage.close();
    }
    expect(lines.filter((l) => l.includes("trial 1") && l.includes('"none"'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("trial 2") && l.includes("value"))).toHaveLength(1);
  });
});

const admin = POSTGRES_URL;
describe.skipIf(!hasOptuna || admin === undefined || !optunaAvailable("PostgreSQL"))(
  "Optuna's odd studies in PostgreSQL",
  () => {
    let url = "";
    let drop: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      const fresh = await freshPostgresDatabase(admin!, "odd");
      url = fresh.url;
      drop = fresh.drop;
    });
    afterAll(() => drop());
    readsAndContinues("PostgreSQL", () => url);
  },
);
if (admin === undefined) console.warn(HOW_TO_ENABLE_POSTGRES);
