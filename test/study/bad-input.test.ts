/**
 * The same input gives the same outcome on every storage: each odd name or attribute value
 * below is accepted (and read back the same) or refused at the call with the same
 * InvalidArgumentError, in memory, on SQLite, and on PostgreSQL / MySQL when their URLs are
 * set (see test/storages/helpers.ts). Nothing accepted makes the storage unreadable.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createStudy,
  FixedTrial,
  getAllStudySummaries,
  InMemoryStorage,
  InvalidArgumentError,
  loadStudy,
  setVerbosity,
  Verbosity,
} from "../../src/index.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import type { Study } from "../../src/study/study.js";
import type { LiveTrial } from "../../src/trial/live-trial.js";
import {
  freshMySQLDatabase,
  freshPostgresDatabase,
  MYSQL_URL,
  POSTGRES_URL,
  tempDir,
} from "../storages/helpers.js";

setVerbosity(Verbosity.ERROR);
const tmp = tempDir("bad-input");
afterAll(() => tmp.remove());

type Backend = {
  name: string;
  open: () => Promise<{ storage: Storage; done: () => Promise<void> }>;
};

const backends: Backend[] = [
  {
    name: "in memory",
    open: async () => ({ storage: new InMemoryStorage(), done: async () => undefined }),
  },
  {
    name: "SQLite",
    open: async () => ({
      storage: await openStorage(`sqlite:///${join(tmp.dir, "bad.db")}`),
      done: async () => undefined,
    }),
  },
];
if (POSTGRES_URL !== undefined) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      const db = await freshPostgresDatabase(POSTGRES_URL!, "badinput");
      return { storage: await openStorage(db.url), done: db.drop };
    },
  });
}
if (MYSQL_URL !== undefined) {
  backends.push({
    name: "MySQL",
    open: async () => {
      const db = await freshMySQLDatabase(MYSQL_URL!, "badinput");
      return { storage: await openStorage(db.url), done: db.drop };
    },
  });
}

class Point {
  x = 1;
}
const circular: Record<string, unknown> = { a: 1 };
circular["self"] = circular;
const circularList: unknown[] = [1];
circularList.push(circularList);
const sparse: number[] = [];
sparse[1] = 0.5;
let deep: unknown = 1;
for (let i = 0; i < 150; i++) deep = [deep];
const long = (n: number, unit = "a") => unit.repeat(n);

/** What a case does to a fresh trial or study; returns what to read back. */
type Action = (study: Study) => Promise<unknown>;

const userAttr =
  (key: unknown, value: unknown): Action =>
  async (study) => {
    const trial = (await study.ask()) as LiveTrial;
    try {
      trial.setUserAttr(key as string, value as never);
    } finally {
      await study.tell(trial, 0);
    }
    const stored = (await study.trials()).at(-1)!;
    return stored.userAttrs[key as string];
  };
const systemAttr =
  (key: string, value: unknown): Action =>
  async (study) => {
    const trial = (await study.ask()) as LiveTrial;
    try {
      trial.setSystemAttr(key, value as never);
    } finally {
      await study.tell(trial, 0);
    }
    return (await study.trials()).at(-1)!.systemAttrs[key];
  };
const studyAttr =
  (key: string, value: unknown): Action =>
  async (study) => {
    await study.setUserAttr(key, value as never);
    return (await study.userAttrs())[key];
  };
const paramName =
  (name: string): Action =>
  async (study) => {
    const trial = await study.ask();
    try {
      trial.suggestFloat(name, 0, 1);
    } finally {
      await study.tell(trial, 0);
    }
    return Object.keys((await study.trials()).at(-1)!.params).map((k) => k.length);
  };
const choice =
  (value: string): Action =>
  async (study) => {
    const trial = await study.ask();
    try {
      trial.suggestCategorical(`choice-${value.length}-${value.charCodeAt(1)}`, [value, "b"]);
    } finally {
      await study.tell(trial, 0);
    }
    return Object.values((await study.trials()).at(-1)!.params).length;
  };
const studyName =
  (name: string): Action =>
  async (study) => {
    const created = await createStudy({ storage: study.storage, studyName: name });
    const loaded = await loadStudy({ storage: study.storage, studyName: name });
    return [created.studyName.length, loaded.studyId === created.studyId];
  };

/** [label, action, the error expected at the call (a pattern naming what is wrong) or null]. */
const CASES: [string, Action, RegExp | null][] = [
  ["sparse array", userAttr("losses", sparse), null],
  ["new Array(2)", userAttr("empty", new Array(2)), null],
  ["circular object", userAttr("c", circular), /"c".*circular/],
  ["circular array", userAttr("cl", circularList), /"cl".*circular/],
  ["BigInt", userAttr("big", 10n), /"big".*BigInt/],
  ["function", userAttr("fn", () => 1), /"fn".*function/],
  ["symbol", userAttr("sym", Symbol("s")), /"sym".*symbol/],
  ["Date", userAttr("when", new Date(0)), /"when".*Date.*toISOString/],
  ["Map", userAttr("map", new Map([["a", 1]])), /"map".*Map/],
  ["Set", userAttr("set", new Set([1])), /"set".*Set/],
  ["undefined", userAttr("undef", undefined), /"undef".*undefined/],
  ["class instance", userAttr("point", new Point()), /"point".*Point/],
  ["typed array", userAttr("f64", new Float64Array(2)), /"f64".*Float64Array/],
  ["nested Date", userAttr("nested", { a: [1, { b: new Date(0) }] }), /"nested".*\.a\[1\]\.b/],
  ["NaN", userAttr("nan", Number.NaN), null],
  ["infinities", userAttr("inf", [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]), null],
  ["-0", userAttr("negzero", -0), null],
  ["undefined field", userAttr("fields", { a: undefined, b: 1 }), null],
  ["NUL in a value", userAttr("nulvalue", "a\u0000b"), null],
  ["emoji value", userAttr("emoji", "😀 ünï"), null],
  ["lone surrogate value", userAttr("lone", "x\ud800"), /"lone".*lone surrogate/],
  ["lone surrogate in a value's key", userAttr("lonekey", { "\udc00": 1 }), /lone surrogate/],
  ["nested 150 deep", userAttr("deep", deep), /"deep".*nested more than/],
  ["70 kB string", userAttr("big-text", long(70_000)), /"big-text".*65535 bytes/],
  ["70 kB list", userAttr("big-list", Array(20_000).fill(0.125)), /"big-list".*65535/],
  ["600-character key", userAttr(long(600), 1), /600 characters.*512/],
  ["512-character key", userAttr(long(512), 1), null],
  ["512 emoji key", userAttr(long(512, "😀"), 1), null],
  ["NUL in a key", userAttr("a\u0000b", 1), /NUL/],
  ["lone surrogate key", userAttr("k\ud800", 1), /lone surrogate/],
  ["number as key", userAttr(5, 1), /must be a string/],
  ["empty key", userAttr("", 1), null],
  [
    "__proto__ key in a value",
    userAttr("proto", JSON.parse('{"__proto__": {"x": 1}, "a": 2}')),
    null,
  ],
  [
    "null-prototype object",
    userAttr("nullproto", Object.assign(Object.create(null), { a: 1 })),
    null,
  ],
  ["boxed number", userAttr("boxed", new Number(1)), /"boxed".*Number/],
  ["quotes, backslashes, newlines", userAttr("text", 'a "q" \\ \n\t b'), null],
  [
    "extreme numbers",
    userAttr("extreme", [1.7976931348623157e308, 5e-324, -1e-310, 2 ** 53 + 2]),
    null,
  ],
  ["symbol-keyed field", userAttr("symkey", { [Symbol("s")]: 1, a: 1 }), null],
  ["600 emoji key", userAttr("😀".repeat(600), 1), /600 characters/],
  ["newline in a key", userAttr("a\nb", 1), null],
  ["system attr: circular", systemAttr("sc", circular), /"sc".*circular/],
  ["system attr: sparse", systemAttr("ss", sparse), null],
  ["study attr: sparse", studyAttr("s-sparse", sparse), null],
  ["study attr: new Array(2)", studyAttr("s-holes", new Array(2)), null],
  ["study attr: Map", studyAttr("s-map", new Map()), /"s-map".*Map/],
  ["study attr: NUL key", studyAttr("s\u0000", 1), /NUL/],
  ["param: 600 characters", paramName(long(600, "p")), /600 characters/],
  ["param: 512 characters", paramName(long(512, "p")), null],
  ["param: NUL", paramName("p\u0000"), /NUL/],
  ["param: lone surrogate", paramName("p\udfff"), /lone surrogate/],
  ["choice: lone surrogate", choice("c\ud800"), /lone surrogate/],
  ["choice: NUL", choice("c\u0000"), null],
  ["study name: 600 characters", studyName(long(600, "s")), /600 characters/],
  ["study name: 512 characters", studyName(long(512, "s")), null],
  ["study name: NUL", studyName("s\u0000"), /NUL/],
  ["study name: lone surrogate", studyName("s\ud800"), /lone surrogate/],
];

type Outcome = { ok: unknown } | { error: string; message: string };

async function outcomesOn(backend: Backend): Promise<Record<string, Outcome>> {
  const { storage, done } = await backend.open();
  const outcomes: Record<string, Outcome> = {};
  try {
    const study = await createStudy({ storage, studyName: "bad-input" });
    for (const [label, action] of CASES) {
      try {
        outcomes[label] = { ok: await action(study) };
      } catch (error) {
        const e = error as Error;
        outcomes[label] = { error: e.constructor.name, message: e.message };
      }
    }
    // Whatever was accepted, the whole storage stays readable.
    const summaries = await getAllStudySummaries(storage);
    outcomes["summaries"] = { ok: summaries.map((s) => s.nTrials) };
  } finally {
    await storage.close();
    await done();
  }
  return outcomes;
}

describe("odd names and attribute values", () => {
  it(`give the same outcome on every storage (${backends.map((b) => b.name).join(", ")})`, async () => {
    const results = await Promise.all(backends.map(outcomesOn));
    const reference = results[0]!;
    for (const [label, , expected] of CASES) {
      const outcome = reference[label]!;
      if (expected === null) {
        expect(outcome, label).toHaveProperty("ok");
      } else {
        expect(outcome, label).toMatchObject({ error: InvalidArgumentError.name });
        expect((outcome as { message: string }).message, label).toMatch(expected);
      }
    }
    expect(reference["sparse array"]).toEqual({ ok: [null, 0.5] });
    expect(reference["new Array(2)"]).toEqual({ ok: [null, null] });
    expect(reference["study attr: new Array(2)"]).toEqual({ ok: [null, null] });
    expect(reference["-0"]).toEqual({ ok: -0 });
    expect(reference["undefined field"]).toEqual({ ok: { b: 1 } });
    const proto = (reference["__proto__ key in a value"] as { ok: object }).ok;
    expect(Object.keys(proto)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    for (let i = 1; i < results.length; i++) {
      expect(results[i], backends[i]!.name).toEqual(reference);
    }
  }, 120_000);
});

describe("FixedTrial.setUserAttr", () => {
  it("checks keys and values as a live trial does", () => {
    const trial = new FixedTrial({});
    expect(() => trial.setUserAttr("when", new Date(0) as never)).toThrow(InvalidArgumentError);
    expect(() => trial.setUserAttr("a\u0000", 1)).toThrow(/NUL/);
    trial.setUserAttr("losses", sparse);
    expect(trial.userAttrs["losses"]).toEqual([null, 0.5]);
  });
});
