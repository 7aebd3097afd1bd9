/**
 * The storage commands of the command line, run in-process against SQLite (and PostgreSQL or
 * MySQL when SKIPJACK_TEST_POSTGRES_URL or SKIPJACK_TEST_MYSQL_URL is set): every command, its output shapes and its errors.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import {
  freshMySQLDatabase,
  freshPostgresDatabase,
  MYSQL_URL,
  POSTGRES_URL,
  tempDir,
} from "../storages/helpers.js";
import { sj } from "./commands-helpers.js";

setVerbosity(Verbosity.WARNING);

/** Runs one statement on the database behind a URL (rows as arrays). */
async function sql(url: string, statement: string): Promise<unknown[][]> {
  if (url.startsWith("sqlite")) {
    const db = new Database(url.replace(/^sqlite:\/\/\//, ""));
    try {
      const prepared = db.prepare(statement);
      if (prepared.reader) return prepared.raw(true).all() as unknown[][];
      prepared.run();
      return [];
    } finally {
      db.close();
    }
  }
  if (url.startsWith("postgres")) {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query({ text: statement, rowMode: "array" })).rows as unknown[][];
    } finally {
      await client.end();
    }
  }
  const mysql = await import("mysql2/promise");
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query({ sql: statement, rowsAsArray: true });
    return Array.isArray(rows) ? (rows as unknown[][]) : [];
  } finally {
    await connection.end();
  }
}

const SPACE = JSON.stringify({
  x: { name: "FloatDistribution", attributes: { low: 0.0, high: 1.0, step: null, log: false } },
  n: { name: "IntDistribution", attributes: { low: 1, high: 4, step: 1, log: false } },
  c: { name: "CategoricalDistribution", attributes: { choices: ["a", "b"] } },
});

function suite(name: string, makeUrl: () => Promise<{ url: string; drop: () => Promise<void> }>) {
  describe(`skipjack storage commands on ${name}`, () => {
    let url = "";
    let drop: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      ({ url, drop } = await makeUrl());
    });
    afterAll(async () => drop());

    it("creates studies, lists them, sets attributes and deletes them", async () => {
      expect(await sj(["create-study", "--storage", url, "--study-name", "a"])).toMatchObject({
        status: 0,
        out: "a\n",
      });
      const again = await sj(["create-study", "--storage", url, "--study-name", "a"]);
      expect(again.status).toBe(1);
      expect(again.err).toMatch(/^skipjack: .*already exists.*--skip-if-exists/);
      expect(again.err.split("\n")).toHaveLength(2);
      expect(
        (await sj(["create-study", "--storage", url, "--study-name", "a", "--skip-if-exists"])).out,
      ).toBe("a\n");
      await sj([
        "create-study",
        "--storage",
        url,
        "--study-name",
        "m",
        "--directions",
        "minimize",
        "maximize",
      ]);
      expect((await sj(["study-names", "--storage", url])).out).toBe("a\nm\n");
      expect(
        (
          await sj([
            "study",
            "set-user-attr",
            "--storage",
            url,
            "--study-name",
            "a",
            "-k",
            "owner",
            "--value",
            "ana",
          ])
        ).status,
      ).toBe(0);
      const studies = JSON.parse((await sj(["studies", "--storage", url, "-f", "json"])).out);
      expect(studies).toEqual([
        {
          name: "a",
          direction: ["MINIMIZE"],
          n_trials: 0,
          datetime_start: null,
          user_attrs: { owner: "ana" },
        },
        {
          name: "m",
          direction: ["MINIMIZE", "MAXIMIZE"],
          n_trials: 0,
          datetime_start: null,
          user_attrs: {},
        },
      ]);
      const flat = JSON.parse(
        (await sj(["studies", "--storage", url, "-f", "json", "--flatten"])).out,
      );
      expect(flat[1]).toMatchObject({
        direction_0: "MINIMIZE",
        direction_1: "MAXIMIZE",
        user_attrs: {},
      });
      const table = (await sj(["studies", "--storage", url])).out;
      expect(table).toContain("| name | direction");
      expect(table).toContain("('MINIMIZE', 'MAXIMIZE')");
      expect((await sj(["delete-study", "--storage", url, "--study-name", "m"])).status).toBe(0);
      expect((await sj(["study-names", "--storage", url, "-f", "json"])).out).toBe(
        '[{"name": "a"}]\n',
      );
    });

    it("asks and tells from a shell-like loop, then prints the trials and the best one", async () => {
      await sj(["create-study", "--storage", url, "--study-name", "loop"]);
      for (let i = 0; i < 3; i++) {
        const asked = await sj([
          "ask",
          "--storage",
          url,
          "--study-name",
          "loop",
          "--search-space",
          SPACE,
        ]);
        expect(asked.status).toBe(0);
        const { number, params } = JSON.parse(asked.out);
        expect(number).toBe(i);
        expect(Object.keys(params)).toEqual(["x", "n", "c"]);
        const told = await sj([
          "tell",
          "--storage",
          url,
          "--study-name",
          "loop",
          "--trial-number",
          String(number),
          "--values",
          String(10 - i),
        ]);
        expect(told).toMatchObject({ status: 0, out: "" });
      }
      const trials = JSON.parse(
        (await sj(["trials", "--storage", url, "--study-name", "loop", "-f", "json"])).out,
      );
      expect(
        trials.map((t: { number: number; value: number; state: string }) => [
          t.number,
          t.value,
          t.state,
        ]),
      ).toEqual([
        [0, 10, "COMPLETE"],
        [1, 9, "COMPLETE"],
        [2, 8, "COMPLETE"],
      ]);
      expect(Object.keys(trials[0])).toEqual([
        "number",
        "value",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params",
        "state",
      ]);
      expect(Object.keys(trials[0].params)).toEqual(["c", "n", "x"]);
      expect(trials[0].duration).toMatch(/^0:00:0\d(\.\d{6})?$/);
      const best = JSON.parse(
        (await sj(["best-trial", "--storage", url, "--study-name", "loop", "-f", "json"])).out,
      );
      expect(best.number).toBe(2);
      expect(best.params).toEqual(trials[2].params);
      const front = JSON.parse(
        (await sj(["best-trials", "--storage", url, "--study-name", "loop", "-f", "json"])).out,
      );
      expect(front.map((t: { number: number }) => t.number)).toEqual([2]);
      const flat = (
        await sj(["trials", "--storage", url, "--study-name", "loop", "-f", "csv"])
      ).out.split("\n");
      expect(flat[0]).toBe(
        "number,value,datetime_start,datetime_complete,duration,params_c,params_n,params_x,state",
      );
      const values = (
        await sj([
          "best-trial",
          "--storage",
          url,
          "--study-name",
          "loop",
          "-f",
          "value",
          "--flatten",
        ])
      ).out;
      expect(values.split(" ")[0]).toBe("2");
    });

    it("tells a finished trial again with its state in the error, or skips it", async () => {
      const again = await sj([
        "tell",
        "--storage",
        url,
        "--study-name",
        "loop",
        "--trial-number",
        "0",
        "--values",
        "1",
      ]);
      expect(again.status).toBe(1);
      expect(again.err).toMatch(/^skipjack: Trial 0 is already COMPLETE/);
      const missing = await sj([
        "tell",
        "--storage",
        url,
        "--study-name",
        "loop",
        "--trial-number",
        "99",
        "--values",
        "1",
      ]);
      expect(missing.status).toBe(1);
      expect(missing.err).toMatch(
        /^skipjack: Study "loop" has no trial number 99 \(its trials are numbered 0 to \d+\)/,
      );
      const skipped = await sj([
        "tell",
        "--storage",
        url,
        "--study-name",
        "loop",
        "--trial-number",
        "0",
        "--values",
        "1",
        "--skip-if-finished",
      ]);
      expect(skipped.status).toBe(0);
      await sj(["ask", "--storage", url, "--study-name", "loop"]);
      expect(
        (
          await sj([
            "tell",
            "--storage",
            url,
            "--study-name",
            "loop",
            "--trial-number",
            "3",
            "--state",
            "pruned",
          ])
        ).status,
      ).toBe(0);
      const trials = JSON.parse(
        (await sj(["trials", "--storage", url, "--study-name", "loop", "-f", "json"])).out,
      );
      expect(trials[3]).toMatchObject({ number: 3, state: "PRUNED", params: {} });
    });

    it("exports every trial with its intermediate values (csv, json, jsonl)", async () => {
      const jsonl = (
        await sj([
          "export",
          "--storage",
          url,
          "--study-name",
          "loop",
          "-f",
          "jsonl",
          "--states",
          "complete",
        ])
      ).out;
      const lines = jsonl
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatchObject({
        number: 0,
        value: 10,
        intermediate_values: {},
        state: "COMPLETE",
      });
      expect(lines[0].datetime_start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/); // MySQL keeps whole seconds
      const json = JSON.parse(
        (await sj(["export", "--storage", url, "--study-name", "loop", "-f", "json"])).out,
      );
      expect(json).toHaveLength(4);
      const csv = (await sj(["export", "--storage", url, "--study-name", "loop"])).out
        .trim()
        .split("\n");
      expect(csv[0]).toContain("intermediate_values,state");
      expect(csv).toHaveLength(5);
    });

    it("copies a study into another database and reads it back the same", async () => {
      const { dir, remove } = tempDir("copy");
      try {
        const target = `sqlite:///${join(dir, "copy.db")}`;
        const copied = await sj([
          "copy-study",
          "--from-storage",
          url,
          "--to-storage",
          target,
          "--study-name",
          "loop",
          "--to-study-name",
          "loop2",
        ]);
        expect(copied.status).toBe(0);
        const a = JSON.parse(
          (await sj(["trials", "--storage", url, "--study-name", "loop", "-f", "json"])).out,
        );
        const b = JSON.parse(
          (await sj(["trials", "--storage", target, "--study-name", "loop2", "-f", "json"])).out,
        );
        expect(b).toEqual(a);
        const twice = await sj([
          "copy-study",
          "--from-storage",
          url,
          "--to-storage",
          target,
          "--study-name",
          "loop",
          "--to-study-name",
          "loop2",
        ]);
        expect(twice.status).toBe(1);
        expect(twice.err).toMatch(/already exists in .*pick another --to-study-name/);
        // A trial still running is copied as it is (Optuna's copy_study copies every trial).
        await sj(["ask", "--storage", url, "--study-name", "loop"]);
        expect(
          (
            await sj([
              "copy-study",
              "--from-storage",
              url,
              "--to-storage",
              target,
              "--study-name",
              "loop",
              "--to-study-name",
              "loop3",
            ])
          ).status,
        ).toBe(0);
        const c = JSON.parse(
          (await sj(["trials", "--storage", target, "--study-name", "loop3", "-f", "json"])).out,
        );
        expect(c.at(-1)).toMatchObject({ state: "RUNNING", value: null });
        expect(c).toHaveLength(a.length + 1);
      } finally {
        remove();
      }
    });

    it("upgrades a database at Optuna 3.1's revision once, then finds it up to date", async () => {
      await sql(url, "UPDATE alembic_version SET version_num = 'v3.0.0.d'");
      const upgraded = await sj(["storage", "upgrade", "--storage", url]);
      expect(upgraded).toMatchObject({ status: 0, out: "" });
      expect(upgraded.err).toContain("Completed to upgrade the storage");
      expect(await sql(url, "SELECT version_num FROM alembic_version")).toEqual([["v3.2.0.a"]]);
      const again = await sj(["storage", "upgrade", "--storage", url]);
      expect(again.err).toContain("up-to-date");
      await sql(url, "UPDATE alembic_version SET version_num = 'v9.0.0.z'");
      const unknown = await sj(["storage", "upgrade", "--storage", url]);
      expect(unknown.status).toBe(1);
      expect(unknown.err).toMatch(/v9.0.0.z, which this skipjack does not know/);
      const read = await sj(["studies", "--storage", url]);
      expect(read.status).toBe(1);
      await sql(url, "UPDATE alembic_version SET version_num = 'v3.2.0.a'");
    });

    it("says what to change: unknown study (with the names there), bad search space, no storage", async () => {
      const unknown = await sj(["trials", "--storage", url, "--study-name", "nope"]);
      expect(unknown.status).toBe(1);
      expect(unknown.err).toMatch(
        /^skipjack: No study named "nope" in .*the studies there are "a", "loop"/,
      );
      const bad = await sj([
        "ask",
        "--storage",
        url,
        "--study-name",
        "loop",
        "--search-space",
        '{"lr": {"name": "FloatDistribution", "attributes": {"low": "a", "high": 1}}}',
      ]);
      expect(bad.err).toMatch(/parameter "lr", field "low"/);
      const extra = await sj([
        "ask",
        "--storage",
        url,
        "--study-name",
        "loop",
        "--search-space",
        '{"lr": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "lo": 2}}}',
      ]);
      expect(extra.err).toMatch(/parameter "lr", field "attributes.lo"/);
      const none = await sj(["studies"]);
      expect(none).toMatchObject({ status: 1 });
      expect(none.err).toMatch(/No storage given/);
      const env = await sj(["study-names"], { OPTUNA_STORAGE: url });
      expect(env.out).toBe("a\nloop\n");
      const usage = await sj(["trials", "--storage", url]);
      expect(usage.status).toBe(2);
      expect(usage.err).toMatch(/^skipjack: .*--study-name/);
    });
  });
}

suite("SQLite", async () => {
  const { dir, remove } = tempDir("cli");
  return { url: `sqlite:///${join(dir, "cli.db")}`, drop: async () => remove() };
});

const postgres = POSTGRES_URL;
if (postgres !== undefined) suite("PostgreSQL", () => freshPostgresDatabase(postgres, "cli"));

const mysql = MYSQL_URL;
if (mysql !== undefined) suite("MySQL", () => freshMySQLDatabase(mysql, "cli"));

describe("skipjack read-only commands and the terminal", () => {
  it("masks the password of a URL in errors", async () => {
    const result = await sj(["studies", "--storage", "postgresql://me:s3cret@127.0.0.1:1/db"]);
    expect(result.status).toBe(1);
    expect(result.err).not.toContain("s3cret");
    expect(result.err).toContain("me:***@");
  });

  it("never creates a database or changes a SQLite file it only reads", async () => {
    const { dir, remove } = tempDir("ro");
    try {
      const missing = join(dir, "missing.db");
      const result = await sj(["studies", "--storage", `sqlite:///${missing}`]);
      expect(result.err).toMatch(/No database file at/);
      expect(existsSync(missing)).toBe(false);
      const path = join(dir, "rollback.db");
      const url = `sqlite:///${path}`;
      await sj(["create-study", "--storage", url, "--study-name", "s"]);
      const db = new Database(path);
      db.pragma("journal_mode = DELETE");
      db.close();
      const before = readFileSync(path);
      const mtime = statSync(path).mtimeMs;
      for (const args of [
        ["studies"],
        ["study-names"],
        ["trials", "--study-name", "s"],
        ["export", "--study-name", "s"],
      ]) {
        expect((await sj([...args, "--storage", url])).status).toBe(0);
      }
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(statSync(path).mtimeMs).toBe(mtime);
      expect(existsSync(`${path}-wal`)).toBe(false);
    } finally {
      remove();
    }
  });

  it("fits a table to the terminal with an ellipsis, and prints the whole cell in json", async () => {
    const { dir, remove } = tempDir("wide");
    try {
      const url = `sqlite:///${join(dir, "w.db")}`;
      await sj(["create-study", "--storage", url, "--study-name", "s"]);
      const long = "x".repeat(300);
      await sj([
        "study",
        "set-user-attr",
        "--storage",
        url,
        "--study-name",
        "s",
        "-k",
        "note",
        "--value",
        long,
      ]);
      const table = (await sj(["studies", "--storage", url], {}, 80)).out;
      for (const line of table.trim().split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
      expect(table).toContain("…");
      expect((await sj(["studies", "--storage", url, "-f", "json"])).out).toContain(long);
    } finally {
      remove();
    }
  });

  it("shows an example in each command's help", async () => {
    for (const command of [
      ["create-study"],
      ["trials"],
      ["ask"],
      ["tell"],
      ["export"],
      ["copy-study"],
      ["storage", "upgrade"],
      ["study", "set-user-attr"],
    ]) {
      const help = await sj([...command, "--help"]);
      expect(help.out).toContain("Example:");
      expect(help.out).toContain(`$ skipjack ${command.join(" ")}`);
    }
  });
});
