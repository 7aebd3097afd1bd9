import type { HeartbeatTarget } from "./heartbeat-thread.js";
import type { Dialect } from "./schema.js";

/** A value bound to a statement parameter. */
export type SqlValue = string | number | null;

/** A result row, by column name. */
export type Row = Record<string, unknown>;

/**
 * Statements inside one transaction. SQL is written once for every dialect: `?` placeholders
 * and `"key"` for the column named key; each driver rewrites them for its server.
 */
export interface Tx {
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs an INSERT and returns the new row's id (`idColumn`, the auto-increment key). */
  insert(sql: string, params: readonly SqlValue[], idColumn: string): Promise<number>;
}

/** Options of `RdbDriver.write`. */
export interface WriteOptions<T = unknown> {
  /** `fn` may run again after a COMMIT whose answer was lost (it is idempotent). */
  rerunnable?: boolean;
  /**
   * After a COMMIT whose answer was lost: reads (in a new transaction) whether the write
   * that returned `result` landed. True: the write is done; false: it is run again.
   */
  verify?: (tx: Tx, result: T) => Promise<boolean>;
}

/**
 * One database connection (or pool) as the shared RDB storage needs it. Implementations live in
 * src/storages/sqlite, src/storages/postgres and src/storages/mysql.
 */
export interface RdbDriver {
  readonly dialect: Dialect;
  /** The database, for messages: the URL with its password masked. */
  readonly description: string;
  /**
   * Runs one statement on its own (a statement always sees one consistent snapshot); only
   * reads, which are retried on transient errors.
   */
  query(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs `fn` in a read-only transaction that sees one consistent snapshot. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a write transaction and commits (rolls back if it throws). SQLite serializes
   * writers (`BEGIN IMMEDIATE`); the servers lock rows with `SELECT ... FOR UPDATE`, which the
   * storage writes where it matters. Retries transient errors (deadlocks, serialization
   * failures, lost connections, a restarting server) for the storage's `retryTimeout`: a
   * transaction that failed before its COMMIT was rolled back, so `fn` runs again from the
   * start. When the connection drops during the COMMIT itself, the outcome is unknown: the
   * write fails with a `StorageError` unless `options.rerunnable` says that `fn` finds out by
   * itself whether its first run landed (an upsert, or a check of what it wrote), or
   * `options.verify` finds out.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions<T>): Promise<T>;
  /**
   * Runs `fn` while holding a database-wide lock for creating the schema (DDL): the first
   * process to open a new database creates the tables, the others wait and find them.
   */
  withSchemaLock<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Names of the tables in the database (current schema). */
  tableNames(tx: Tx): Promise<Set<string>>;
  /**
   * How a heartbeat thread connects on its own, with `sql` (one `?` for the trial id) adapted
   * to the driver; null when no second connection can reach the database (SQLite in memory).
   */
  heartbeatTarget(sql: string): {
    target: HeartbeatTarget;
    sql: string;
    describeError: (error: string) => string;
  } | null;
  close(): Promise<void>;
}
