/** The pieces of the command line's output: Python's float and timedelta text, flags, logs. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { floatRepr, pythonStr, pythonStringRepr, Tuple } from "../../src/cli/cells.js";
import { pythonTimedelta } from "../../src/cli/trial-records.js";
import { yamlDump } from "../../src/cli/yaml.js";
import { pythonFloatRepr } from "../../src/json/python.js";
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
    } finally {
      remove();
    }
  });
});
