import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { InvalidArgumentError } from "../../src/errors/index.js";
import type { SqlValue } from "../../src/storages/rdb/driver.js";
import { sqliteLibrary } from "../../src/storages/sqlite/database.js";
import { chooseSqliteDriver } from "../../src/storages/sqlite/driver-choice.js";
import {
  type NodeDatabase,
  type NodeStatement,
  nodeSqliteLibrary,
  nodeSqliteUsable,
  withSqliteCode,
} from "../../src/storages/sqlite/node-sqlite.js";

const dir = mkdtempSync(join(tmpdir(), "skipjack-sqlite-driver-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether this Node's node:sqlite has isTransaction and setReturnArrays (22.16+, 24+). */
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const nodeHasIt = major > 22 || (major === 22 && minor >= 16);

describe("choosing the SQLite driver", () => {
  it("takes node:sqlite where usable, better-sqlite3 otherwise, unless the variable insists", () => {
    expect(chooseSqliteDriver(undefined, true)).toBe("node:sqlite");
    expect(chooseSqliteDriver("", true)).toBe("node:sqlite");
    expect(chooseSqliteDriver(undefined, false)).toBe("better-sqlite3");
    expect(chooseSqliteDriver("better-sqlite3", true)).toBe("better-sqlite3");
    expect(chooseSqliteDriver(" node:sqlite ", true)).toBe("node:sqlite");
  });

  it("refuses node:sqlite where this Node lacks it, and unknown names, saying what to set", () => {
    expect(() => chooseSqliteDriver("node:sqlite", false)).toThrow(InvalidArgumentError);
    expect(() => chooseSqliteDriver("node:sqlite", false)).toThrow(/Node\.js 22\.16 or later/);
    expect(() => chooseSqliteDriver("sqlite3", true)).toThrow(
      /set it to node:sqlite or better-sqlite3/,
    );
  });

  it("detects node:sqlite by the members it needs, as this Node's version says", () => {
    expect(nodeSqliteUsable()).toBe(nodeHasIt);
  });

  it("opens a file with the driver this Node gets, and reads back what it wrote", async () => {
    const library = await sqliteLibrary();
    expect(library.name).toBe(nodeHasIt ? "node:sqlite" : "better-sqlite3");
    const db = library.open(join(dir, "chosen.db"), { busyTimeout: 1000 });
    db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    expect(db.prepare("INSERT INTO t (v) VALUES (?)").run("a")).toEqual({
      changes: 1,
      lastInsertRowid: 1,
    });
    expect(db.prepare("SELECT k, v FROM t").all()).toEqual([{ k: 1, v: "a" }]);
    expect(db.prepareArrays("SELECT v, k FROM t").all()).toEqual([["a", 1]]);
    db.exec("BEGIN");
    expect(db.inTransaction).toBe(true);
    db.exec("ROLLBACK");
    expect(db.inTransaction).toBe(false);
    db.close();
    expect(db.isOpen).toBe(false);
  });
});

/**
 * node:sqlite's API (DatabaseSync) played by better-sqlite3, so that the adapter's own work
 * (busy timeout, read-only, arrays, error codes) is checked on every Node.
 */
class StandIn implements NodeDatabase {
  private readonly db: Database.Database;
  static opened: { path: string; readOnly: boolean }[] = [];

  constructor(path: string, options?: { readOnly?: boolean }) {
    StandIn.opened.push({ path, readOnly: options?.readOnly ?? false });
    this.db = new Database(path, { readonly: options?.readOnly ?? false });
  }

  prepare(sql: string): NodeStatement {
    const statement = this.db.prepare<SqlValue[], unknown>(sql);
    return {
      all: (...params) => statement.all(...params),
      run: (...params) => statement.run(...params),
      setReturnArrays: (enabled) => {
        statement.raw(enabled);
      },
    };
  }

  /** Fails as node:sqlite does: ERR_SQLITE_ERROR with SQLite's result code in errcode. */
  exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (error) {
      throw Object.assign(new Error((error as Error).message), {
        code: "ERR_SQLITE_ERROR",
        errcode: 1,
      });
    }
  }

  get isTransaction(): boolean {
    return this.db.inTransaction;
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    this.db.close();
  }
}

describe("the node:sqlite adapter", () => {
  const library = nodeSqliteLibrary({ Database: StandIn });

  it("sets the busy timeout, opens read-only when asked, and returns rows as arrays", () => {
    const path = join(dir, "adapter.db");
    const db = library.open(path, { busyTimeout: 1234 });
    expect(db.prepare("PRAGMA busy_timeout").all()).toEqual([{ timeout: 1234 }]);
    db.exec("CREATE TABLE t (a INTEGER, b TEXT)");
    db.prepare("INSERT INTO t VALUES (?, ?)").run(7, "x");
    db.close();
    const readonly = library.open(path, { busyTimeout: 10, readonly: true, fileMustExist: true });
    expect(StandIn.opened.at(-1)).toEqual({ path, readOnly: true });
    expect(readonly.prepareArrays("SELECT b, a FROM t").all()).toEqual([["x", 7]]);
    expect(readonly.driver).toBe("node:sqlite");
    readonly.close();
  });

  it("refuses a missing file when it must exist, with SQLite's CANTOPEN code", () => {
    expect(() =>
      library.open(join(dir, "absent.db"), { busyTimeout: 10, fileMustExist: true }),
    ).toThrow(expect.objectContaining({ code: "SQLITE_CANTOPEN" }));
  });

  it("gives errors better-sqlite3's kind of code, keeping the original as the cause", () => {
    const db = library.open(":memory:", { busyTimeout: 10 });
    let caught: unknown;
    try {
      db.exec("CREATE TABLE");
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "SQLITE_ERROR" });
    expect((caught as Error).cause).toMatchObject({ code: "ERR_SQLITE_ERROR", errcode: 1 });
    db.close();
  });

  it("maps extended result codes to their primary name", () => {
    const busy = Object.assign(new Error("database is locked"), { errcode: 517 });
    expect(withSqliteCode(busy)).toMatchObject({ code: "SQLITE_BUSY", message: busy.message });
    const unique = Object.assign(new Error("UNIQUE constraint failed"), { errcode: 2067 });
    expect(withSqliteCode(unique)).toMatchObject({ code: "SQLITE_CONSTRAINT" });
    const plain = new Error("no code");
    expect(withSqliteCode(plain)).toBe(plain);
  });
});

describe("detecting node:sqlite", () => {
  afterEach(() => vi.restoreAllMocks());

  /** process.getBuiltinModule answering `module` for node:sqlite, as a newer Node would. */
  function builtin(module: unknown, onLoad: () => void = () => {}) {
    const original = process.getBuiltinModule;
    return vi.spyOn(process, "getBuiltinModule").mockImplementation(((id: string) => {
      if (id !== "node:sqlite") return original.call(process, id);
      onLoad();
      return module;
    }) as typeof process.getBuiltinModule);
  }

  it("uses a module whose connections have isTransaction and setReturnArrays", () => {
    builtin({ DatabaseSync: StandIn });
    expect(nodeSqliteUsable()).toBe(true);
  });

  it("passes over an older node:sqlite (22.5 to 22.15) and a Node without one", () => {
    class Older extends StandIn {
      override prepare(sql: string): NodeStatement {
        const { all, run } = super.prepare(sql);
        return { all, run } as NodeStatement;
      }
    }
    builtin({ DatabaseSync: Older });
    expect(nodeSqliteUsable()).toBe(false);
    vi.restoreAllMocks();
    builtin(undefined);
    expect(nodeSqliteUsable()).toBe(false);
  });

  it("keeps node:sqlite's experimental warning off standard error, and no other", () => {
    const emitted: string[] = [];
    const emit = vi.spyOn(process, "emitWarning").mockImplementation(((warning: string | Error) => {
      emitted.push(String(warning));
    }) as typeof process.emitWarning);
    builtin({ DatabaseSync: StandIn }, () => {
      process.emitWarning("SQLite is an experimental feature and might change at any time");
      process.emitWarning("something else");
    });
    expect(nodeSqliteUsable()).toBe(true);
    expect(emitted).toEqual(["something else"]);
    expect(process.emitWarning).toBe(emit);
  });
});
