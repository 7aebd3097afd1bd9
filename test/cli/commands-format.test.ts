/** The pieces of the command line's output: Python's float and timedelta text, flags, logs. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Cell,
  floatRepr,
  PythonFloat,
  pythonStr,
  pythonStringRepr,
  Tuple,
} from "../../src/cli/cells.js";
import { flattenFields, recordJson } from "../../src/cli/output.js";
import {
  pythonTimedelta,
  storedMicros,
  trialFields,
  trialJson,
} from "../../src/cli/trial-records.js";
import { yamlDump } from "../../src/cli/yaml.js";
import { type JsonValue, pythonFloatRepr } from "../../src/json/python.js";
import { tempDir } from "../storages/helpers.js";
import { sj } from "./commands-helpers.js";

describe("Python text of values", () => {
  it("writes every float as Python's repr, also on the fast path", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(floatRepr(x)).toBe(pythonFloatRepr(x));
      }),
      { numRuns: 20_000 },
    );
    expect(floatRepr(2)).toBe("2.0");
    expect(floatRepr(1e-5)).toBe("1e-05");
    expect(floatRepr(1e16)).toBe("1e+16");
  });

  it("prints timedeltas, tuples and strings as Python's str and repr", () => {
    expect(pythonTimedelta(3_220_407)).toBe("0:00:03.220407");
    expect(pythonTimedelta(86_400_000_000 + 3_723_000_000)).toBe("1 day, 1:02:03");
    expect(pythonTimedelta(2 * 86_400_000_000)).toBe("2 days, 0:00:00");
    expect(pythonTimedelta(-500_000)).toBe("-1 day, 23:59:59.500000");
    expect(pythonStr(new Tuple(["MINIMIZE"]))).toBe("('MINIMIZE',)");
    expect(pythonStr({ a: [1.5, null, true, "x"] })).toBe("{'a': [1.5, None, True, 'x']}");
    expect(pythonStringRepr("it's")).toBe('"it\'s"');
    expect(pythonStringRepr("a\nb\u0001")).toBe("'a\\nb\\x01'");
  });

  it("writes YAML as PyYAML does for the shapes the commands print", () => {
    expect(yamlDump({ b: 1, a: "2026-01-01 00:00:00", c: [], d: {}, e: "yes", f: null })).toBe(
      "a: '2026-01-01 00:00:00'\nb: 1\nc: []\nd: {}\ne: 'yes'\nf: null",
    );
    expect(yamlDump({ v: [1.5, Number.POSITIVE_INFINITY], s: "caf\u00e9" })).toBe(
      's: "caf\\xE9"\nv:\n- 1.5\n- .inf',
    );
  });
});

describe("common flags", () => {
  it("prefers SKIPJACK_STORAGE to OPTUNA_STORAGE, and --storage to both", async () => {
    const { dir, remove } = tempDir("env");
    try {
      const a = `sqlite:///${join(dir, "a.db")}`;
      const b = `sqlite:///${join(dir, "b.db")}`;
      await sj(["create-study", "--storage", a, "--study-name", "in-a"]);
      await sj(["create-study", "--storage", b, "--study-name", "in-b"]);
      expect((await sj(["study-names"], { SKIPJACK_STORAGE: a, OPTUNA_STORAGE: b })).out).toBe(
        "in-a\n",
      );
      expect((await sj(["study-names", "--storage", b], { SKIPJACK_STORAGE: a })).out).toBe(
        "in-b\n",
      );
    } finally {
      remove();
    }
  });

  it("logs at info by default, only warnings with -q, and also to --log-file", async () => {
    const { dir, remove } = tempDir("log");
    try {
      const url = `sqlite:///${join(dir, "l.db")}`;
      const log = join(dir, "cli.log");
      const loud = await sj([
        "create-study",
        "--storage",
        url,
        "--study-name",
        "s",
        "--log-file",
        log,
      ]);
      expect(loud.err).toContain("A new study created in RDB with name: s");
      expect(readFileSync(log, "utf8")).toContain("A new study created");
      const quiet = await sj(["create-study", "--storage", url, "--study-name", "t", "-q"]);
      expect(quiet).toMatchObject({ status: 0, out: "t\n", err: "" });
      const both = await sj(["studies", "--storage", url, "-q", "-v"]);
      expect(both.status).toBe(2);
      expect(
        (await sj(["studies", "--storage", url, "--storage-class", "RDBStorage"])).status,
      ).toBe(0);
      const journal = await sj([
        "studies",
        "--storage",
        url,
        "--storage-class",
        "JournalFileBackend",
      ]);
      expect(journal.status).toBe(1);
      expect(journal.err).toMatch(/SQL databases only/);
    } finally {
      remove();
    }
  });
});

describe("the JSON fast path of trials and export", () => {
  const trial = {
    trialId: 7,
    number: 3,
    state: "COMPLETE" as const,
    datetimeStart: "2026-01-02 03:04:05.123456",
    datetimeComplete: "2026-01-03 03:04:06.5",
    values: [Number.POSITIVE_INFINITY, 2, 1e-7],
    params: [
      ["10", 3],
      ["c", 'caf\u00e9 "q"'],
      ["lr", new PythonFloat(0.001)],
      ["z", null],
    ] as [string, Cell][],
    userAttrs: [
      ["n", { a: [1, 2.5, null], b: "x" }],
      ["s", "it's"],
    ] as [string, JsonValue][],
    systemAttrs: [],
    intermediate: [
      [0, 0.5],
      [2, Number.NaN],
    ] as [number, number][],
  };
  it("writes the same text as the cells do, flattened or not, single or several objectives", () => {
    for (const nObjectives of [1, 3]) {
      const shape = { nObjectives, params: ["10", "c", "lr", "z"], userAttrs: ["n", "s"] };
      for (const flatten of [false, true]) {
        const fields = trialFields(trial, shape);
        expect(trialJson(trial, shape, { flatten })).toBe(
          recordJson(flatten ? flattenFields(fields) : fields),
        );
      }
      const none = { ...shape, params: [], userAttrs: [] };
      const bare = { ...trial, params: [], userAttrs: [] };
      expect(trialJson(bare, none, { flatten: false })).toBe(recordJson(trialFields(bare, none)));
    }
  });

  it("prints each row's own distribution when a study's trials disagree on a parameter", async () => {
    const { dir, remove } = tempDir("kinds");
    try {
      const path = join(dir, "k.db");
      const url = `sqlite:///${path}`;
      await sj(["create-study", "--storage", url, "--study-name", "s"]);
      await sj(["ask", "--storage", url, "--study-name", "s"]);
      await sj(["ask", "--storage", url, "--study-name", "s"]);
      const db = new Database(path);
      const insert = db.prepare(
        "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, 'x', ?, ?)",
      );
      insert.run(
        1,
        0.25,
        '{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}',
      );
      insert.run(
        2,
        1,
        '{"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b"]}}',
      );
      db.close();
      const trials = JSON.parse(
        (await sj(["trials", "--storage", url, "--study-name", "s", "-f", "json"])).out,
      );
      expect(trials.map((t: { params: unknown }) => t.params)).toEqual([{ x: 0.25 }, { x: "b" }]);
    } finally {
      remove();
    }
  });
});

describe("stored datetimes", () => {
  it("reads SQLAlchemy's, skipjack's and MySQL's forms to the microsecond", () => {
    expect(storedMicros("2026-01-02 03:04:05.123456")! - storedMicros("2026-01-02 03:04:05")!).toBe(
      123_456,
    );
    expect(storedMicros("2026-01-02 03:04:05.5")! - storedMicros("2026-01-02 03:04:05")!).toBe(
      500_000,
    );
    expect(storedMicros("2026-01-02T03:04:06")! - storedMicros("2026-01-02 03:04:05")!).toBe(
      1_000_000,
    );
    expect(storedMicros("not a date")).toBeNull();
  });
});
