/**
 * MySQL / MariaDB storage (mysql2, pooled), like PostgresStorage: study-row locks for trial
 * numbers, `FOR UPDATE SKIP LOCKED` to pop enqueued trials (MySQL >= 8.0, MariaDB >= 10.6),
 * consistent-snapshot reads. The schema is Optuna's; Optuna opens the same database.
 */
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import type * as mysql from "mysql2/promise";
import { InvalidArgumentError, StorageError } from "../../errors/index.js";
import type { RdbDriver, Row, SqlValue, Tx, WriteOptions } from "../rdb/driver.js";
import { importDriver } from "../rdb/optional.js";
import { RdbStorage, type RdbStorageOptions, storageFailure } from "../rdb/rdb-storage.js";
import {
  firstContact,
  isConnectionError,
  Retry,
  retryTimeoutOption,
  unknownCommit,
  wasNotSent,
} from "../rdb/transient.js";
import { maskUrl, scrub, urlPassword } from "../resolve.js";

/** Options of `MySQLStorage.open`. */
export interface MySQLStorageOptions extends RdbStorageOptions {
  /** Most connections this process opens at once. Default 10. */
  poolSize?: number;
  /** Milliseconds to wait for a connection before failing. Default 10 000. */
  connectionTimeout?: number;
}

/** `"key"` (the one quoted identifier the shared SQL uses) → `` `key` ``. */
function mysqlSql(sql: string): string {
  return sql.replaceAll('"key"', "`key`");
}

function connectionUri(url: string): string {
  return url.replace(/^(?:mysql|mariadb)(?:\+[a-z0-9]+)?:\/\//i, "mysql://");
}

type Connection = mysql.PoolConnection;

/** Keeps the process alive only while a connection is in use (as pg's allowExitOnIdle). */
function socketOf(connection: Connection): Socket | undefined {
  return (connection as unknown as { connection?: { stream?: Socket } }).connection?.stream;
}

/** Whether the connection still looks usable (mysql2 has no public flag for it). */
function connectionAlive(connection: Connection): boolean {
  const core = (
    connection as unknown as {
      connection?: {
        _closing?: boolean;
        _fatalError?: unknown;
        _protocolError?: unknown;
        stream?: Socket;
      };
    }
  ).connection;
  if (core === undefined) return true;
  return (
    core._closing !== true &&
    (core._fatalError ?? null) === null &&
    (core._protocolError ?? null) === null &&
    core.stream?.destroyed !== true &&
    core.stream?.readableEnded !== true
  );
}

class MySQLDriver implements RdbDriver {
  readonly dialect = "mysql" as const;

  constructor(
    private readonly pool: mysql.Pool,
    readonly description: string,
    private readonly password: string | null,
    private readonly uri: string,
    /** Seconds to retry transient errors. */
    private readonly retryTimeout: number,
  ) {}

  heartbeatTarget(sql: string) {
    return {
      target: {
        kind: "mysql" as const,
        driverPath: createRequire(import.meta.url).resolve("mysql2/promise"),
        uri: this.uri,
      },
      sql: mysqlSql(sql),
      describeError: (error: string) => scrub(`${this.description}: ${error}`, this.password),
    };
  }

  private txFor(connection: Connection): Tx {
    const exec = async (sql: string, params: readonly SqlValue[] = []) => {
      const text = mysqlSql(sql);
      const [result] =
        params.length === 0
          ? await connection.query(text)
          : await connection.execute(text, params as SqlValue[]);
      return result;
    };
    return {
      all: async (sql, params) => (await exec(sql, params)) as Row[],
      run: async (sql, params) => ((await exec(sql, params)) as mysql.ResultSetHeader).affectedRows,
      insert: async (sql, params) => ((await exec(sql, params)) as mysql.ResultSetHeader).insertId,
    };
  }

  private failure(error: unknown): unknown {
    const wrapped = storageFailure(this.description, error);
    if (wrapped instanceof StorageError && this.password !== null) {
      return new StorageError(scrub(wrapped.message, this.password), { cause: error });
    }
    return wrapped;
  }

  private async connection(): Promise<Connection> {
    const connection = await this.pool.getConnection();
    socketOf(connection)?.ref();
    return connection;
  }

  /** Back to the pool; a connection that failed is destroyed instead. */
  private release(connection: Connection, broken = false): void {
    socketOf(connection)?.unref();
    if (broken) connection.destroy();
    else connection.release();
  }

  private async transaction<T>(
    begin: readonly string[],
    fn: (tx: Tx) => Promise<T>,
    rerunnable: boolean,
    verify?: WriteOptions<T>["verify"],
  ): Promise<T> {
    const retry = new Retry(this.retryTimeout, this.description);
    for (;;) {
      let connection: Connection | undefined;
      let committing = false;
      let result: T | undefined;
      try {
        connection = await this.connection();
        for (const statement of begin) await connection.query(statement);
        result = await fn(this.txFor(connection));
        // A connection that failed before the COMMIT was sent rolled the transaction back.
        committing = connectionAlive(connection);
        await connection.query("COMMIT");
        this.release(connection);
        retry.succeeded();
        return result;
      } catch (error) {
        const lost = isConnectionError(error);
        if (connection !== undefined) {
          if (!lost) await connection.query("ROLLBACK").catch(() => undefined);
          this.release(connection, lost);
        }
        if (committing && lost && !wasNotSent(error) && !rerunnable) {
          const landed = await this.landed(verify, result as T);
          if (landed === true) return result as T;
          if (landed === null) throw this.failure(unknownCommit(this.description, error));
        }
        if (await retry.wait(error)) continue;
        throw this.failure(error);
      }
    }
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const retry = new Retry(this.retryTimeout, this.description);
    for (;;) {
      let connection: Connection | undefined;
      try {
        connection = await this.connection();
        const rows = (await this.txFor(connection).all(sql, params)) as Row[];
        this.release(connection);
        retry.succeeded();
        return rows;
      } catch (error) {
        if (connection !== undefined) this.release(connection, isConnectionError(error));
        if (await retry.wait(error)) continue;
        throw this.failure(error);
      }
    }
  }

  /**
   * After a COMMIT whose answer was lost: whether the write landed (`verify`), or null when
   * that cannot be told.
   */
  private async landed<T>(verify: WriteOptions<T>["verify"], result: T): Promise<boolean | null> {
    if (verify === undefined) return null;
    try {
      return await this.read((tx) => verify(tx, result));
    } catch {
      return null;
    }
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(
      [
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
      ],
      fn,
      true,
    );
  }

  write<T>(fn: (tx: Tx) => Promise<T>, options: WriteOptions<T> = {}): Promise<T> {
    return this.transaction(
      ["SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "START TRANSACTION"],
      fn,
      options.rerunnable === true,
      options.verify,
    );
  }

  /**
   * DDL commits by itself in MySQL: a named lock keeps two creators apart instead. Retried on
   * transient errors like a transaction (`fn` looks at the tables before it creates any).
   */
  async withSchemaLock<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const retry = new Retry(this.retryTimeout, this.description);
    for (;;) {
      let connection: Connection | undefined;
      try {
        connection = await this.connection();
        await connection.query("SELECT GET_LOCK('skipjack_schema', 60)");
        const result = await fn(this.txFor(connection));
        await connection.query("SELECT RELEASE_LOCK('skipjack_schema')");
        this.release(connection);
        retry.succeeded();
        return result;
      } catch (error) {
        const lost = isConnectionError(error);
        if (connection !== undefined) {
          // A lost connection releases its named lock with it.
          if (!lost)
            await connection.query("SELECT RELEASE_LOCK('skipjack_schema')").catch(() => undefined);
          this.release(connection, lost);
        }
        if (await retry.wait(error)) continue;
        throw this.failure(error);
      }
    }
  }

  async tableNames(tx: Tx): Promise<Set<string>> {
    const rows = await tx.all(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
    );
    return new Set(rows.map((r) => String(r["name"])));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * A study database in MySQL or MariaDB (Optuna's schema), shared by many worker processes.
 * Open it with `MySQLStorage.open("mysql://user:pass@host:3306/db")`, or pass the URL as
 * `createStudy`'s `storage`. Needs the optional package mysql2 (`npm install mysql2`).
 */
export class MySQLStorage extends RdbStorage {
  private constructor(driver: MySQLDriver, options: MySQLStorageOptions) {
    super(driver, options);
  }

  static async open(url: string, options: MySQLStorageOptions = {}): Promise<MySQLStorage> {
    const poolSize = options.poolSize ?? 10;
    const retryTimeout = retryTimeoutOption(options.retryTimeout);
    if (!(Number.isInteger(poolSize) && poolSize >= 1)) {
      throw new InvalidArgumentError(`poolSize must be an integer >= 1, got ${poolSize}.`);
    }
    const module = await importDriver<{ createPool: typeof mysql.createPool }>(
      "mysql2/promise",
      "MySQLStorage",
    );
    const masked = maskUrl(url);
    const password = urlPassword(url);
    let pool: mysql.Pool;
    try {
      pool = module.createPool({
        uri: connectionUri(url),
        connectionLimit: poolSize,
        connectTimeout: options.connectionTimeout ?? 10_000,
        dateStrings: true,
        charset: "utf8mb4",
        supportBigNumbers: true,
      });
    } catch (error) {
      throw new StorageError(
        `Bad MySQL URL ${masked}: ${scrub(error instanceof Error ? error.message : String(error), password)}. ` +
          "Write mysql://user:password@host:port/database.",
      );
    }
    // A pooled connection that fails reports on itself; mysql2 listens only once, so a
    // second error event would crash the process: this listener keeps listening.
    pool.on("connection", (connection) => {
      (connection as unknown as { on(event: "error", fn: () => void): void }).on(
        "error",
        () => undefined,
      );
    });
    // The first contact retries by itself (a server out of reach fails at once).
    const probe = new MySQLDriver(pool, masked, password, connectionUri(url), 0);
    const driver = new MySQLDriver(pool, masked, password, connectionUri(url), retryTimeout);
    try {
      await firstContact(() => probe.read((tx) => tx.all("SELECT 1")), retryTimeout, masked);
    } catch (error) {
      await pool.end().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      const reason = scrub(message.replace(`${masked}: `, ""), password);
      throw new StorageError(
        `Could not connect to MySQL at ${masked}: ${reason}. Check that the server runs and ` +
          "that the host, port, user, password and database in the URL are right.",
      );
    }
    const storage = new MySQLStorage(driver, options);
    await storage.init(options);
    return storage;
  }
}
