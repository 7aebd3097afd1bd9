/**
 * The `node:sqlite` driver: Node's built-in SQLite, nothing to install or compile. Used where
 * the running Node has what the storage needs: `isTransaction` (after an error SQLite may have
 * rolled back by itself) and `setReturnArrays`, both from Node 22.16 and 24.0.
 */
import { existsSync } from "node:fs";
import type { Row, SqlValue } from "../rdb/driver.js";
import type { SqliteDatabase, SqliteLibrary, SqliteStatement } from "./database.js";

/** The part of `node:sqlite` skipjack uses (@types/node 20 does not describe the module). */
export interface NodeStatement {
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  setReturnArrays(enabled: boolean): void;
}

export interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  readonly isTransaction: boolean;
  readonly isOpen: boolean;
  close(): void;
}

/** The `node:sqlite` class of a connection. */
export type NodeDatabaseClass = new (
  path: string,
  options?: { readOnly?: boolean },
) => NodeDatabase;

interface NodeSqliteModule {
  /** Named `Database` from Node 25, with `DatabaseSync` kept as an alias. */
  DatabaseSync?: NodeDatabaseClass;
  Database?: NodeDatabaseClass;
}

/** What the driver takes from `node:sqlite`. */
export interface NodeSqlite {
  Database: NodeDatabaseClass;
}

/** SQLite's primary result codes (https://sqlite.org/rescode.html), by number. */
const RESULT_CODES: Record<number, string> = {
  1: "ERROR",
  2: "INTERNAL",
  3: "PERM",
  4: "ABORT",
  5: "BUSY",
  6: "LOCKED",
  7: "NOMEM",
  8: "READONLY",
  9: "INTERRUPT",
  10: "IOERR",
  11: "CORRUPT",
  12: "NOTFOUND",
  13: "FULL",
  14: "CANTOPEN",
  15: "PROTOCOL",
  17: "SCHEMA",
  18: "TOOBIG",
  19: "CONSTRAINT",
  20: "MISMATCH",
  21: "MISUSE",
  22: "NOLFS",
  23: "AUTH",
  25: "RANGE",
  26: "NOTADB",
};

/**
 * The error with better-sqlite3's kind of `code` ("SQLITE_BUSY", ...), which the storage's
 * retry and advice read: node:sqlite says `ERR_SQLITE_ERROR` with the number in `errcode`.
 */
export function withSqliteCode(error: unknown): unknown {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (!(error instanceof Error) || typeof errcode !== "number") return error;
  const name = RESULT_CODES[errcode & 0xff];
  if (name === undefined) return error;
  return Object.assign(new Error(error.message, { cause: error }), { code: `SQLITE_${name}` });
}

function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw withSqliteCode(error);
  }
}

/**
 * Loads `node:sqlite` without its one-time "experimental feature" warning on standard error
 * (the module is a release candidate from Node 25.7; the storage's tests cover its use).
 */
function quietly<T>(load: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const message = typeof warning === "string" ? warning : warning.message;
    if (message.startsWith("SQLite is an experimental feature")) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emit;
  }
}

/** The module with the members skipjack needs, or null where this Node lacks them. */
function usableModule(): NodeSqlite | null {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltin !== "function") return null;
  const module = quietly(() => getBuiltin.call(process, "node:sqlite")) as
    | NodeSqliteModule
    | undefined;
  const Database = module?.DatabaseSync ?? module?.Database;
  if (Database === undefined) return null;
  // Asked of a connection: where the accessors live (instance or prototype) is Node's business.
  const probe = new Database(":memory:");
  try {
    const usable =
      typeof probe.isTransaction === "boolean" &&
      typeof probe.prepare("SELECT 1").setReturnArrays === "function";
    return usable ? { Database } : null;
  } finally {
    probe.close();
  }
}

/** Whether this Node's `node:sqlite` has all the storage needs. */
export function nodeSqliteUsable(): boolean {
  return usableModule() !== null;
}

function statement<R>(prepared: NodeStatement): SqliteStatement<R> {
  return {
    all: (...params) => translated(() => prepared.all(...params) as R[]),
    run: (...params) =>
      translated(() => {
        const result = prepared.run(...params);
        return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
      }),
  };
}

/**
 * The `node:sqlite` driver; throws where this Node lacks it (check `nodeSqliteUsable`). Tests
 * pass a stand-in `module`.
 */
export function nodeSqliteLibrary(module: NodeSqlite | null = usableModule()): SqliteLibrary {
  if (module === null) throw new Error(`node:sqlite is not usable on Node.js ${process.version}.`);
  return {
    name: "node:sqlite",
    requirePath: "node:sqlite",
    open(path, options): SqliteDatabase {
      if (options.fileMustExist && path !== ":memory:" && !existsSync(path)) {
        throw Object.assign(new Error(`unable to open database file ${path}`), {
          code: "SQLITE_CANTOPEN",
        });
      }
      const db = translated(
        () => new module.Database(path, { readOnly: options.readonly ?? false }),
      );
      translated(() => db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeout)}`));
      return {
        driver: "node:sqlite",
        prepare: (sql) => statement<Row>(translated(() => db.prepare(sql))),
        prepareArrays: (sql) => {
          const prepared = translated(() => db.prepare(sql));
          prepared.setReturnArrays(true);
          return statement<unknown[]>(prepared);
        },
        exec: (sql) => translated(() => db.exec(sql)),
        get inTransaction() {
          return db.isTransaction;
        },
        get isOpen() {
          return db.isOpen;
        },
        close: () => db.close(),
      };
    },
  };
}
