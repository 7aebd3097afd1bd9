/**
 * `trialsDataframe()` / `exportTrials("csv")` columns equal Optuna 3.1's `trials_dataframe()`
 * columns (its own column code, run on the same SQLite study): names, Python's sort of the
 * params / attribute names, and their order.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import { loadStudy } from "../../src/study/create.js";
import { optunaAvailable, PYTHON, tempDir } from "../storages/helpers.js";

setVerbosity(Verbosity.ERROR);

const OPTUNA = `
import json, sys, optuna
from optuna.study._dataframe import _create_records_and_aggregate_column, _flatten_columns
from optuna.trial import TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
url = "sqlite:///" + sys.argv[1]
names = ["b", "a", "Z", "_x", "\\u00e9", "\\U0001F600", "\\uff5e", "a1", "a_b", "A"]
study = optuna.create_study(storage=url, study_name="single")
study.enqueue_trial({"a": 0.5})
for i in range(6):
    t = study.ask()
    for j, name in enumerate(names):
        if (i + j) % 3 != 0:
            t.suggest_float(name, 0, 1)
    t.set_user_attr(names[(i * 3) % len(names)], i)
    t.set_user_attr("note", "x")
    study._storage.set_trial_system_attr(t._trial_id, names[(i * 7) % len(names)], [i])
    if i == 3:
        study.tell(t, state=TrialState.PRUNED)
    elif i == 4:
        study.tell(t, state=TrialState.FAIL)
    elif i < 5:
        study.tell(t, i * 0.5)
multi = optuna.create_study(storage=url, study_name="multi", directions=["minimize", "maximize"])
for i in range(3):
    t = multi.ask()
    t.suggest_int("n", 0, 3)
    if i < 2:
        multi.tell(t, [i, 2 * i])
empty = optuna.create_study(storage=url, study_name="empty")
out = {}
for s, attrs in [(study, "value"), (multi, "values"), (empty, "value")]:
    a = ("number", attrs, "datetime_start", "datetime_complete", "duration", "params",
         "user_attrs", "system_attrs", "state")
    records, columns = _create_records_and_aggregate_column(s, a)
    durations = [None if t.duration is None else t.duration.total_seconds() for t in s.trials]
    out[s.study_name] = {"columns": _flatten_columns(columns), "durations": durations}
print(json.dumps(out))
`;

interface OptunaView {
  columns: string[];
  durations: (number | null)[];
}

describe.skipIf(!optunaAvailable())("trialsDataframe columns as Optuna's trials_dataframe", () => {
  const tmp = tempDir("dataframe");
  const file = join(tmp.dir, "optuna.db");
  let optuna: Record<string, OptunaView>;
  let storage: Storage;
  beforeAll(async () => {
    optuna = JSON.parse(execFileSync(PYTHON, ["-c", OPTUNA, file], { encoding: "utf8" }));
    storage = await openStorage(`sqlite:///${file}`);
  });
  afterAll(async () => {
    await storage.close();
    tmp.remove();
  });

  it.each(["single", "multi", "empty"])(
    "study %s: the same columns in the same order",
    async (name) => {
      const study = await loadStudy({ studyName: name, storage });
      const rows = await study.trialsDataframe();
      const expected = optuna[name]!.columns;
      if (name === "empty") {
        expect(expected).toEqual([]);
        expect(rows).toEqual([]);
        return;
      }
      if (name === "single") expect(expected).toContain("system_attrs_fixed_params");
      expect(expected).toContain("duration");
      for (const row of rows) expect(Object.keys(row)).toEqual(expected);
      const csv = await study.exportTrials("csv");
      expect(csv.split("\n")[0]).toBe(expected.join(","));
    },
  );

  it("duration in seconds (Optuna's timedelta, to the millisecond)", async () => {
    const study = await loadStudy({ studyName: "single", storage });
    const rows = await study.trialsDataframe();
    const durations = optuna["single"]!.durations;
    expect(rows.map((r) => r["duration"] === null)).toEqual(durations.map((d) => d === null));
    for (const [i, row] of rows.entries()) {
      if (durations[i] === null) continue;
      expect(Math.abs((row["duration"] as number) - durations[i]!)).toBeLessThan(0.002);
    }
  });
});
