/**
 * The better-sqlite3 driver, a dependency of skipjack, for Node versions whose `node:sqlite`
 * lacks what the storage needs (Node 20, and 22 before 22.16). Its compiled part comes from its
 * install script (a prebuilt binary, or a build from source).
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { StorageError } from "../../errors/index.js";
import type { Row } from "../rdb/driver.js";
import { importDriver } from "../rdb/optional.js";
import type { SqliteDatabase, SqliteLibrary, SqliteStatement } from "./database.js";

/** Whether loading the compiled part failed: not built, or built for another Node.js. */
function binaryMissing(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === "ERR_DLOPEN_FAILED" ||
    /Could not locate the bindings file|NODE_MODULE_VERSION/.test(error.message)
  );
}

/** What to do when better-sqlite3 is installed without a working compiled part. */
export const REBUILD_ADVICE =
  "better-sqlite3 is installed without its compiled part for this Node.js (its install script " +
  "did not run, or ran for another Node version): run npm rebuild better-sqlite3 " +
  "(where npm asks to approve install scripts: npm install-scripts approve better-sqlite3 first), " +
  "or use Node.js 22.16 or later, whose built-in node:sqlite needs nothing.";

function statement<R>(prepared: BetterSqlite3.Statement<unknown[], R>): SqliteStatement<R> {
  return {
    all: (...params) => prepared.all(...params),
    run: (...params) => {
      const result = prepared.run(...params);
      return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
    },
  };
}

/** Loads better-sqlite3 (a `StorageError` with the command to run where it is missing). */
export async function betterSqlite3Library(): Promise<SqliteLibrary> {
  const module = await importDriver<{ default: typeof BetterSqlite3 }>("better-sqlite3", "SQLite");
  const Database = module.default;
  return {
    name: "better-sqlite3",
    requirePath: createRequire(import.meta.url).resolve("better-sqlite3"),
    open(path, options): SqliteDatabase {
      let db: BetterSqlite3.Database;
      try {
        db = new Database(path, {
          readonly: options.readonly ?? false,
          fileMustExist: options.fileMustExist ?? false,
          timeout: options.busyTimeout,
        });
      } catch (error) {
        if (binaryMissing(error)) throw new StorageError(REBUILD_ADVICE, { cause: error });
        throw error;
      }
      return {
        driver: "better-sqlite3",
        prepare: (sql) => statement(db.prepare<unknown[], Row>(sql)),
        prepareArrays: (sql) => statement(db.prepare<unknown[], unknown[]>(sql).raw(true)),
        exec: (sql) => {
          db.exec(sql);
        },
        get inTransaction() {
          return db.inTransaction;
        },
        get isOpen() {
          return db.open;
        },
        close: () => {
          db.close();
        },
      };
    },
  };
}
