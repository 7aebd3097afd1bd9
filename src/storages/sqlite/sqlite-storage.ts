/**
 * SQLite storage (node:sqlite or better-sqlite3, see database.ts): one file, one connection per process, WAL journal, writers
 * serialized with `BEGIN IMMEDIATE` and a busy timeout, so several processes on one machine
 * can share a study. The schema is Optuna's; Optuna opens the same file.
 */
import { realpathSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { InvalidArgumentError, SkipjackError, StorageError } from "../../errors/index.js";
import type { RdbDriver, Row, SqlValue, Tx } from "../rdb/driver.js";
import { RdbStorage, type RdbStorageOptions, storageFailure } from "../rdb/rdb-storage.js";
import { Retry, retryTimeoutOption } from "../rdb/transient.js";
import { type SqliteDatabase, type SqliteStatement, sqliteLibrary } from "./database.js";

/** Options of `SqliteStorage.open`. */
export interface SqliteStorageOptions extends RdbStorageOptions {
  /** Milliseconds to wait for another process's write lock before failing. Default 60 000. */
  busyTimeout?: number;
  /**
   * `PRAGMA synchronous`: "NORMAL" (default; with WAL, a killed process loses nothing and the
   * file stays consistent, a power cut may lose the last commits) or "FULL" (fsync each commit).
   */
  synchronous?: "NORMAL" | "FULL";
}

/**
 * The file a SQLite URL or path names: `sqlite:///relative.db`, `sqlite:////absolute.db`,
 * `sqlite:///:memory:` (or `sqlite://`), or a plain file path. Query strings are ignored.
 */
export function sqlitePathFromUrl(url: string): string {
  if (!/^sqlite:/i.test(url)) return url;
  const match = /^sqlite:\/\/([^?]*)(\?.*)?$/i.exec(url);
  if (match === null) {
    throw new InvalidArgumentError(
      `Bad SQLite URL ${url}: write sqlite:///relative/path.db or sqlite:////absolute/path.db.`,
    );
  }
  const rest = match[1]!;
  if (rest === "" || rest === "/" || rest === "/:memory:") return ":memory:";
  if (!rest.startsWith("/")) {
    throw new InvalidArgumentError(
      `Bad SQLite URL ${url}: a SQLite URL has no host; write sqlite:///${rest} (three slashes).`,
    );
  }
  return decodeURIComponent(rest.slice(1));
}

type Statement = SqliteStatement<Row>;

/**
 * The one connection of this process to a database file, shared by every SqliteStorage on the
 * file, with one queue of operations: a transaction awaits between its statements, and nothing
 * else may run on the connection meanwhile (a second connection of the same process asking
 * for the write lock would busy-wait and block the thread that holds it).
 */
interface Connection {
  readonly db: SqliteDatabase;
  /** What the heartbeat thread loads to open its own connection (see heartbeat-thread.ts). */
  readonly requirePath: string;
  readonly statements: Map<string, Statement>;
  tail: Promise<unknown>;
  users: number;
}

const connections = new Map<string, Connection>();

function fileKey(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolvePath(path);
  }
}

const MAX_CACHED_STATEMENTS = 1000;

/** What to do about a SQLite error, by its code; null when the message says enough. */
export function sqliteAdvice(code: unknown): string | null {
  if (typeof code !== "string") return null;
  if (code === "SQLITE_NOTADB") {
    return "The file is not a SQLite database (another kind of file, or encrypted): pass the path of a study database, or a new file name to create one.";
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return "The database file is damaged: restore it from a backup, or recover what it holds with `sqlite3 FILE .recover | sqlite3 NEW_FILE`.";
  }
  if (code.startsWith("SQLITE_CANTOPEN")) {
    return "Check that the folder exists and is writable.";
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PERM")) {
    return "Check that the file and its folder are writable by this user (SQLite writes -wal and -shm files beside it).";
  }
  if (code === "SQLITE_FULL") return "The disk is full: free some space.";
  if (code.startsWith("SQLITE_IOERR")) {
    return "The disk or file system failed to read or write: check the disk and free space.";
  }
  return null;
}

class SqliteDriver implements RdbDriver {
  readonly dialect = "sqlite" as const;
  private readonly db: SqliteDatabase;
  private readonly statements: Map<string, Statement>;
  private readonly tx: Tx;
  private closed = false;

  constructor(
    private readonly connection: Connection,
    private readonly key: string | null,
    readonly description: string,
    private readonly busyTimeout: number,
    private readonly path: string,
    /** Seconds to retry a database that stays locked past the busy timeout. */
    private readonly retryTimeout: number,
  ) {
    this.db = connection.db;
    this.statements = connection.statements;
    this.tx = {
      all: async (sql, params = []) => this.statement(sql).all(...params),
      run: async (sql, params = []) => this.statement(sql).run(...params).changes,
      insert: async (sql, params) => this.statement(sql).run(...params).lastInsertRowid,
    };
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** One operation at a time on the file in this process (transactions must not interleave). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.connection.tail.then(fn);
    this.connection.tail = run.catch(() => undefined);
    return run;
  }

  private transaction<T>(begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // The busy timeout waits for the lock; past it, a locked database is retried like a
      // server's transient error (a rolled-back transaction runs again from the start).
      const retry = new Retry(this.retryTimeout, this.description);
      for (;;) {
        try {
          this.db.exec(begin);
          try {
            const result = await fn(this.tx);
            this.db.exec("COMMIT");
            retry.succeeded();
            return result;
          } catch (error) {
            if (this.db.inTransaction) this.db.exec("ROLLBACK");
            throw error;
          }
        } catch (error) {
          if (await retry.wait(error)) continue;
          throw this.failure(error);
        }
      }
    });
  }

  private failure(error: unknown): unknown {
    const code = (error as { code?: unknown })?.code;
    if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) {
      return new StorageError(
        `${this.description}: the database stayed locked by another process for more than ` +
          `${this.busyTimeout} ms; raise busyTimeout or use fewer writers.`,
        { cause: error },
      );
    }
    const advice = sqliteAdvice(code);
    if (advice !== null && !(error instanceof SkipjackError)) {
      const message = error instanceof Error ? error.message : String(error);
      return new StorageError(`${this.description}: ${message}. ${advice}`, { cause: error });
    }
    return storageFailure(this.description, error);
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.exclusive(async () => {
      try {
        return this.statement(sql).all(...params);
      } catch (error) {
        throw this.failure(error);
      }
    });
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction("BEGIN", fn);
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction("BEGIN IMMEDIATE", fn);
  }

  withSchemaLock<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.write(fn);
  }

  heartbeatTarget(sql: string) {
    if (this.path === ":memory:") return null;
    return {
      target: {
        kind: "sqlite" as const,
        driverPath: this.connection.requirePath,
        path: this.path,
        busyTimeout: this.busyTimeout,
      },
      sql,
      describeError: (error: string) => `${this.description}: ${error}`,
    };
  }

  async tableNames(tx: Tx): Promise<Set<string>> {
    const rows = await tx.all("SELECT name FROM sqlite_master WHERE type = 'table'");
    return new Set(rows.map((r) => String(r["name"])));
  }

  /** Closes the connection when no other SqliteStorage of this process uses it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive(async () => {
      if (--this.connection.users > 0) return;
      if (this.key !== null) connections.delete(this.key);
      this.statements.clear();
      if (this.db.isOpen) this.db.close();
    });
  }
}

/**
 * A study database in a SQLite file (Optuna's schema). Open it with `SqliteStorage.open`, or
 * pass a `sqlite:///...` URL or a file path as `createStudy`'s `storage`.
 * Uses Node's built-in node:sqlite from Node 22.16, else the better-sqlite3 dependency.
 */
export class SqliteStorage extends RdbStorage {
  /** The file (or ":memory:"). */
  readonly path: string;

  private constructor(driver: SqliteDriver, path: string, options: SqliteStorageOptions) {
    super(driver, options);
    this.path = path;
  }

  /** Opens (and creates if needed) the database at a path or `sqlite:` URL. */
  static async open(pathOrUrl: string, options: SqliteStorageOptions = {}): Promise<SqliteStorage> {
    const path = sqlitePathFromUrl(pathOrUrl);
    const busyTimeout = options.busyTimeout ?? 60_000;
    const retryTimeout = retryTimeoutOption(options.retryTimeout);
    if (!(Number.isInteger(busyTimeout) && busyTimeout >= 0)) {
      throw new InvalidArgumentError(
        `busyTimeout must be a whole number of milliseconds >= 0, got ${busyTimeout}.`,
      );
    }
    const library = await sqliteLibrary();
    const description = path === ":memory:" ? "sqlite:///:memory:" : `sqlite:///${path}`;
    const memory = path === ":memory:";
    let key = memory ? null : fileKey(path);
    let connection = key === null ? undefined : connections.get(key);
    if (connection === undefined) {
      let db: SqliteDatabase;
      try {
        db = library.open(path, { busyTimeout });
        if (!memory) db.exec("PRAGMA journal_mode = WAL");
        db.exec(`PRAGMA synchronous = ${options.synchronous ?? "NORMAL"}`);
      } catch (error) {
        // A driver that cannot load says what to do already.
        if (error instanceof SkipjackError) throw error;
        const code = (error as { code?: unknown })?.code;
        const advice =
          sqliteAdvice(code) ??
          (code === undefined || code === "SQLITE_ERROR"
            ? "Check that the folder exists and is writable."
            : "");
        throw new StorageError(
          `Could not open the SQLite database ${description}: ${error instanceof Error ? error.message : String(error)}.${advice === "" ? "" : ` ${advice}`}`,
          { cause: error },
        );
      }
      // The file exists now: its real path names it (another name may link to it).
      key = memory ? null : fileKey(path);
      connection = key === null ? undefined : connections.get(key);
      if (connection === undefined) {
        connection = {
          db,
          requirePath: library.requirePath,
          statements: new Map(),
          tail: Promise.resolve(),
          users: 0,
        };
        if (key !== null) connections.set(key, connection);
      } else {
        db.close();
      }
    }
    connection.users++;
    const storage = new SqliteStorage(
      new SqliteDriver(connection, key, description, busyTimeout, path, retryTimeout),
      path,
      options,
    );
    await storage.init(options);
    return storage;
  }
}
