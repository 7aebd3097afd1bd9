/**
 * One SQLite connection, as the storage and the command line use it, over either driver:
 * Node's built-in `node:sqlite` where the running Node has all it needs, else the
 * `better-sqlite3` package (a dependency of skipjack). `SKIPJACK_SQLITE_DRIVER` picks one.
 */
import type { Row, SqlValue } from "../rdb/driver.js";
import { chooseSqliteDriver, type SqliteDriverName } from "./driver-choice.js";
import { nodeSqliteLibrary, nodeSqliteUsable } from "./node-sqlite.js";

/** A prepared statement; `R` is a row (an object by column name, or an array of values). */
export interface SqliteStatement<R> {
  all(...params: SqlValue[]): R[];
  /** Runs the statement; the rows it changed and the last inserted row id. */
  run(...params: SqlValue[]): { changes: number; lastInsertRowid: number };
}

/** An open database file. */
export interface SqliteDatabase {
  /** Which driver opened it. */
  readonly driver: SqliteDriverName;
  prepare(sql: string): SqliteStatement<Row>;
  /** A statement whose rows are arrays of column values, in column order. */
  prepareArrays(sql: string): SqliteStatement<unknown[]>;
  /** Runs one or more statements that return nothing. */
  exec(sql: string): void;
  /** Whether a transaction is open (SQLite may roll one back by itself after an error). */
  readonly inTransaction: boolean;
  readonly isOpen: boolean;
  close(): void;
}

/** How to open a database file. */
export interface SqliteOpenOptions {
  /** Milliseconds to wait for another connection's lock before SQLITE_BUSY. */
  busyTimeout: number;
  readonly?: boolean;
  /** Fail (SQLITE_CANTOPEN) instead of creating a missing file. */
  fileMustExist?: boolean;
}

/** A driver: opens databases, and names what the heartbeat thread `require`s to open one. */
export interface SqliteLibrary {
  readonly name: SqliteDriverName;
  /** A module specifier or file path that `require` loads in a worker thread. */
  readonly requirePath: string;
  open(path: string, options: SqliteOpenOptions): SqliteDatabase;
}

let chosen: SqliteLibrary | undefined;

/**
 * The driver of this process, chosen once: `node:sqlite` where this Node has all the storage
 * needs, else better-sqlite3 (loaded only now); `SKIPJACK_SQLITE_DRIVER=node:sqlite` or
 * `=better-sqlite3` insists on one.
 */
export async function sqliteLibrary(): Promise<SqliteLibrary> {
  if (chosen === undefined) {
    const name = chooseSqliteDriver(process.env["SKIPJACK_SQLITE_DRIVER"], nodeSqliteUsable());
    chosen =
      name === "node:sqlite"
        ? nodeSqliteLibrary()
        : await (await import("./better-sqlite3.js")).betterSqlite3Library();
  }
  return chosen;
}
