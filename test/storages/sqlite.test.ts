import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidArgumentError, StorageError } from "../../src/errors/index.js";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import { HEAD_REVISION, LEGACY_REVISION } from "../../src/storages/rdb/schema.js";
import {
  maskUrl,
  openStorage,
  scrub,
  storageKind,
  urlPassword,
} from "../../src/storages/resolve.js";
import { SqliteStorage, sqlitePathFromUrl } from "../../src/storages/sqlite/sqlite-storage.js";
import { createStudy, loadStudy } from "../../src/study/create.js";
import { TrialState } from "../../src/trial/state.js";
import { describeStorageContract } from "./contract.js";
import { tempDir } from "./helpers.js";

setVerbosity(Verbosity.WARNING);
const temp = tempDir("sqlite");
afterAll(() => temp.remove());
const file = join(temp.dir, "contract.db");

describeStorageContract("SqliteStorage", {
  open: (options) => SqliteStorage.open(`sqlite:///${file}`, options),
  sql: true,
});

describe("SQLite URLs", () => {
  it("reads Optuna's URL forms and plain paths", () => {
    expect(sqlitePathFromUrl("sqlite:///relative.db")).toBe("relative.db");
    expect(sqlitePathFromUrl("sqlite:///dir/sub.db")).toBe("dir/sub.db");
    expect(sqlitePathFromUrl("sqlite:////absolute/x.db")).toBe("/absolute/x.db");
    expect(sqlitePathFromUrl("sqlite:///:memory:")).toBe(":memory:");
    expect(sqlitePathFromUrl("sqlite://")).toBe(":memory:");
    expect(sqlitePathFromUrl("sqlite:///with%20space.db?timeout=5")).toBe("with space.db");
    expect(sqlitePathFromUrl("plain/file.db")).toBe("plain/file.db");
    expect(() => sqlitePathFromUrl("sqlite://host/x.db")).toThrow(/three slashes/);
    expect(storageKind("study.db")).toBe("sqlite");
    expect(storageKind("/abs/study.db")).toBe("sqlite");
    expect(storageKind("sqlite:///x.db")).toBe("sqlite");
    expect(storageKind("postgresql://u:p@h/db")).toBe("postgres");
    expect(storageKind("postgres://u@h/db")).toBe("postgres");
    expect(storageKind("postgresql+psycopg2://u@h/db")).toBe("postgres");
    expect(storageKind("mysql+pymysql://u@h/db")).toBe("mysql");
    expect(storageKind("mysql://u@h/db")).toBe("mysql");
  });

  it("masks passwords, also those holding @ or /", () => {
    expect(maskUrl("postgresql://u:p@ss/w@host:5/db")).toBe("postgresql://u:***@host:5/db");
    expect(maskUrl("mysql://root:@h/db")).toBe("mysql://root:***@h/db");
    expect(maskUrl("postgresql://u@host/db")).toBe("postgresql://u@host/db");
    expect(urlPassword("postgresql://a:b%40c@h/d")).toBe("b%40c");
    expect(scrub("failed for b@c and b%40c", "b%40c")).toBe("failed for *** and ***");
  });

  it("refuses unknown schemes with a typed error that masks the password", async () => {
    const error = await openStorage("redis://user:s3cret@host/0").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String(error)).toMatch(/redis/);
    expect(String(error)).toMatch(/sqlite:\/\/\/, postgresql:\/\//);
    expect(String(error)).not.toMatch(/s3cret/);
    expect(String(error)).toMatch(/user:\*\*\*@host/);
  });

  it("says what was tried when the file cannot be opened", async () => {
    const error = await openStorage(join(temp.dir, "missing-dir", "x.db")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(String(error)).toMatch(/missing-dir\/x\.db/);
    expect(String(error)).toMatch(/folder exists/);
  });

  it("opens a relative sqlite:/// URL and a plain path to the same file, in WAL mode", async () => {
    const cwd = process.cwd();
    process.chdir(temp.dir);
    try {
      const a = await openStorage("sqlite:///relative.db");
      const id = await a.createNewStudy(["minimize"], "rel");
      const b = await openStorage(join(temp.dir, "relative.db"));
      expect(await b.getStudyIdFromName("rel")).toBe(id);
      // One connection per file and process, closed with its last user.
      await a.close();
      await expect(a.getStudyIdFromName("rel")).rejects.toThrow(/was closed/);
      expect(await b.getStudyIdFromName("rel")).toBe(id);
      await b.close();
    } finally {
      process.chdir(cwd);
    }
    const db = new Database(join(temp.dir, "relative.db"), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });
});

describe("SQLite schema revisions", () => {
  const open = (name: string) => new Database(join(temp.dir, name));

  it("creates version_info and alembic_version as Optuna does", async () => {
    const path = join(temp.dir, "fresh.db");
    const storage = await SqliteStorage.open(path);
    expect(storage.revision).toBe(HEAD_REVISION);
    await storage.close();
    const db = open("fresh.db");
    expect(db.prepare("SELECT * FROM version_info").all()).toEqual([
      { version_info_id: 1, schema_version: 12, library_version: "3.2.0" },
    ]);
    expect(db.prepare("SELECT version_num FROM alembic_version").all()).toEqual([
      { version_num: "v3.2.0.a" },
    ]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      .all()
      .map((r) => (r as { name: string }).name)
      .sort();
    expect(indexes).toEqual(["ix_studies_study_name", "ix_trials_study_id"]);
    db.close();
  });

  it("works on a v3.0.0.d database without changing its revision", async () => {
    const path = join(temp.dir, "legacy.db");
    (await SqliteStorage.open(path)).close();
    const db = open("legacy.db");
    db.exec("DROP INDEX ix_trials_study_id");
    db.prepare("UPDATE alembic_version SET version_num = ?").run(LEGACY_REVISION);
    db.close();
    const study = await createStudy({ storage: path, studyName: "legacy" });
    expect((study.storage as SqliteStorage).revision).toBe(LEGACY_REVISION);
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 3 });
    expect(await study.storage.getNTrials(study.studyId)).toBe(3);
    await study.storage.close();
    const after = open("legacy.db");
    expect(after.prepare("SELECT version_num FROM alembic_version").get()).toEqual({
      version_num: LEGACY_REVISION,
    });
    expect(
      after.prepare("SELECT name FROM sqlite_master WHERE name = 'ix_trials_study_id'").all(),
    ).toEqual([]);
    after.close();
  });

  it("refuses newer and older revisions with a message that says what to do", async () => {
    for (const [revision, pattern] of [
      ["v9.9.9.z", /does not know.*Upgrade skipjack/],
      ["v2.6.0.a", /older than skipjack reads.*optuna storage upgrade/],
    ] as const) {
      const name = `rev-${revision}.db`;
      (await SqliteStorage.open(join(temp.dir, name))).close();
      const db = open(name);
      db.prepare("UPDATE alembic_version SET version_num = ?").run(revision);
      db.close();
      const error = await SqliteStorage.open(join(temp.dir, name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect(String(error)).toMatch(pattern);
      expect(String(error)).toContain(revision);
    }
  });
});

describe("studies in a SQLite file", () => {
  it("survive the process: optimize resumes with loadIfExists", async () => {
    const url = `sqlite:///${join(temp.dir, "resume.db")}`;
    const first = await createStudy({ storage: url, studyName: "resume", direction: "maximize" });
    await first.optimize((t) => t.suggestInt("k", 0, 10), { nTrials: 4 });
    await first.storage.close();
    const again = await createStudy({
      storage: url,
      studyName: "resume",
      direction: "maximize",
      loadIfExists: true,
    });
    await again.optimize((t) => t.suggestInt("k", 0, 10), { nTrials: 3 });
    const trials = await again.trials();
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(trials.every((t) => t.state === TrialState.COMPLETE)).toBe(true);
    await again.storage.close();
    const loaded = await loadStudy({ storage: url });
    expect(loaded.directions).toEqual(["maximize"]);
    expect(await loaded.bestValue()).toBe(Math.max(...trials.map((t) => t.values![0]!)));
    await loaded.storage.close();
  });
});
