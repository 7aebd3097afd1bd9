/**
 * The command line side by side with Optuna's own `optuna` command (Debian's python3-optuna,
 * Optuna 3.1) on one SQLite file that Optuna created: a study created by one is listed by the
 * other, a trial asked by one is told by the other, `trials -f json` and `best-trial -f json`
 * agree field by field, `ask --search-space` takes the JSON Optuna's ask takes; and
 * `storage upgrade` migrates Optuna 3.1's schema revision, refusing others.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import { optunaAvailable, tempDir } from "../storages/helpers.js";
import { sj } from "./commands-helpers.js";

setVerbosity(Verbosity.WARNING);

const OPTUNA = "/usr/bin/optuna";
const available = optunaAvailable();
const { dir, remove } = tempDir("cli-optuna");
afterAll(remove);
const path = join(dir, "shared.db");
const url = `sqlite:///${path}`;

function optuna(...args: string[]): { status: number | null; out: string; err: string } {
  const result = spawnSync(OPTUNA, [...args, "--storage", url], {
    encoding: "utf8",
    env: { ...process.env, PYTHONWARNINGS: "ignore" },
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

/** The same, without waiting: independent Optuna commands run side by side. */
async function optunaOut(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(OPTUNA, [...args, "--storage", url], {
    encoding: "utf8",
    env: { ...process.env, PYTHONWARNINGS: "ignore" },
  });
  return stdout;
}

const SPACE = JSON.stringify({
  x: { name: "FloatDistribution", attributes: { low: -1.0, high: 1.0, step: null, log: false } },
  lr: { name: "FloatDistribution", attributes: { low: 1e-5, high: 0.1, step: null, log: true } },
  n: { name: "IntDistribution", attributes: { low: 1, high: 9, step: 2, log: false } },
  c: { name: "CategoricalDistribution", attributes: { choices: ["a", 2, 1.5, null, true] } },
  u: { name: "UniformDistribution", attributes: { low: 0.0, high: 2.0 } },
  s: { type: "float", low: 0, high: 1, step: 0.25 },
});

describe.runIf(available)("skipjack and Optuna's optuna command on one SQLite file", () => {
  it("lists each other's studies", async () => {
    expect(optuna("create-study", "--study-name", "by-optuna").status).toBe(0);
    expect(
      (
        await sj([
          "create-study",
          "--storage",
          url,
          "--study-name",
          "by-skipjack",
          "--direction",
          "maximize",
        ])
      ).status,
    ).toBe(0);
    const theirs = JSON.parse(optuna("studies", "-f", "json").out);
    const ours = JSON.parse((await sj(["studies", "--storage", url, "-f", "json"])).out);
    expect(ours).toEqual(theirs);
    expect(theirs.map((s: { name: string }) => s.name)).toEqual(["by-optuna", "by-skipjack"]);
    expect((await sj(["study-names", "--storage", url])).out).toBe("by-optuna\nby-skipjack\n");
    // The database stays at Optuna 3.1's revision: skipjack upgrades nothing behind its back.
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT version_num FROM alembic_version").get()).toEqual({
      version_num: "v3.0.0.d",
    });
    db.close();
  }, 60_000);

  it("tells trials the other asked, with the same search-space JSON, and agrees on trials and best trial", async () => {
    for (let i = 0; i < 2; i++) {
      const asked = JSON.parse(
        optuna("ask", "--study-name", "by-optuna", "--search-space", SPACE).out,
      );
      const told = await sj([
        "tell",
        "--storage",
        url,
        "--study-name",
        "by-optuna",
        "--trial-number",
        String(asked.number),
        "--values",
        String(3 - i * 2.5),
      ]);
      expect(told.status).toBe(0);
      const ours = await sj([
        "ask",
        "--storage",
        url,
        "--study-name",
        "by-optuna",
        "--search-space",
        SPACE,
      ]);
      expect(ours.status).toBe(0);
      const mine = JSON.parse(ours.out);
      expect(Object.keys(mine.params)).toEqual(["x", "lr", "n", "c", "u", "s"]);
      expect(
        optuna(
          "tell",
          "--study-name",
          "by-optuna",
          "--trial-number",
          String(mine.number),
          "--values",
          String(i - 0.5),
        ).status,
      ).toBe(0);
    }
    const asked = JSON.parse(
      (await sj(["ask", "--storage", url, "--study-name", "by-optuna"])).out,
    );
    expect(
      optuna(
        "tell",
        "--study-name",
        "by-optuna",
        "--trial-number",
        String(asked.number),
        "--state",
        "fail",
      ).status,
    ).toBe(0);
    const cases = [
      ["trials", "-f", "json"],
      ["best-trial", "-f", "json"],
      ["trials", "-f", "yaml"],
      ["trials", "-f", "table", "--flatten"],
      ["best-trial", "-f", "yaml", "--flatten"],
    ];
    const theirs = await Promise.all(
      cases.map(([command, ...rest]) => optunaOut(command!, "--study-name", "by-optuna", ...rest)),
    );
    for (const [i, [command, ...rest]] of cases.entries()) {
      const ours = (
        await sj([command!, "--storage", url, "--study-name", "by-optuna", ...rest])
      ).out.trim();
      if (rest[1] === "json") expect(JSON.parse(ours)).toEqual(JSON.parse(theirs[i]!));
      expect([cases[i], ours]).toEqual([cases[i], theirs[i]!.trim()]);
    }
  }, 180_000);

  it("refuses the search-space JSON that Optuna's ask refuses", async () => {
    const bad = [
      '{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0}}}',
      '{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "bogus": 1}}}',
      '{"x": {"type": "complex", "low": 0, "high": 1}}',
    ];
    await sj(["create-study", "--storage", url, "--study-name", "refusals"]);
    // Optuna's answers side by side (each `optuna` start takes a second or more).
    const refused = await Promise.all(
      bad.map((space) =>
        optunaOut("ask", "--study-name", "refusals", "--search-space", space).then(
          () => false,
          () => true,
        ),
      ),
    );
    for (const [i, space] of bad.entries()) {
      const theirs = { status: refused[i] ? 1 : 0 };
      const ours = await sj([
        "ask",
        "--storage",
        url,
        "--study-name",
        "refusals",
        "--search-space",
        space,
      ]);
      expect([space, theirs.status !== 0]).toEqual([space, true]);
      expect([space, ours.status]).toEqual([space, 1]);
      expect(ours.err.trim().split("\n")).toHaveLength(1);
    }
  }, 120_000);
});

describe.runIf(available)("skipjack storage upgrade", () => {
  function optunaDatabase(name: string): string {
    const file = join(dir, name);
    execFileSync(
      "/usr/bin/python3",
      [
        "-W",
        "ignore",
        "-c",
        `import optuna; optuna.create_study(storage="sqlite:///${file}", study_name="s")`,
      ],
      { stdio: "ignore" },
    );
    return file;
  }
  const revision = (file: string): unknown =>
    (
      new Database(file, { readonly: true })
        .prepare("SELECT version_num FROM alembic_version")
        .get() as { version_num: string }
    ).version_num;

  it("migrates Optuna 3.1's revision to v3.2.0.a in one step, then says it is up to date", async () => {
    const file = optunaDatabase("upgrade.db");
    const storage = `sqlite:///${file}`;
    expect(revision(file)).toBe("v3.0.0.d");
    const upgraded = await sj(["storage", "upgrade", "--storage", storage]);
    expect(upgraded.status).toBe(0);
    expect(upgraded.err).toContain("Completed to upgrade the storage");
    expect(revision(file)).toBe("v3.2.0.a");
    const db = new Database(file, { readonly: true });
    expect(
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'trials_study_id_key'",
        )
        .all(),
    ).toHaveLength(1);
    expect(db.prepare("SELECT schema_version, library_version FROM version_info").get()).toEqual({
      schema_version: 12,
      library_version: "3.2.0",
    });
    db.close();
    const again = await sj(["storage", "upgrade", "--storage", storage]);
    expect(again).toMatchObject({ status: 0 });
    expect(again.err).toContain("up-to-date");
    expect((await sj(["study-names", "--storage", storage])).out).toBe("s\n");
  });

  it("refuses revisions it does not know, and older ones, with the reason", async () => {
    for (const [name, stamp, reason] of [
      ["newer.db", "v9.9.9.z", /does not know/],
      ["older.db", "v2.6.0.a", /older|Optuna < 3.0/],
    ] as const) {
      const file = optunaDatabase(name);
      const db = new Database(file);
      db.prepare("UPDATE alembic_version SET version_num = ?").run(stamp);
      db.close();
      const result = await sj(["storage", "upgrade", "--storage", `sqlite:///${file}`]);
      expect(result.status).toBe(1);
      expect(result.err).toMatch(reason);
      expect(revision(file)).toBe(stamp);
    }
  });
});

describe("skipjack command end to end", () => {
  it("runs through the bin with -v for verbose and --version", () => {
    const bin = new URL("../../bin/skipjack.js", import.meta.url).pathname;
    const file = join(dir, "e2e.db");
    const created = spawnSync(
      process.execPath,
      [bin, "create-study", "--storage", `sqlite:///${file}`, "--study-name", "e2e", "-v"],
      { encoding: "utf8" },
    );
    expect(created.status).toBe(0);
    expect(created.stdout).toBe("e2e\n");
    expect(created.stderr).toContain("A new study created");
  });
});
