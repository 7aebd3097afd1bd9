/**
 * PostgreSQL storage (pg, pooled): for many workers on many machines sharing one study.
 * Trial numbers are allocated under a row lock on the study (`SELECT ... FOR UPDATE`, as Optuna
 * does), enqueued trials are popped with `FOR UPDATE SKIP LOCKED`, and snapshots read in one
 * REPEATABLE READ transaction. The schema is Optuna's; Optuna opens the same database.
 */
import { createRequire } from "node:module";
import type pg from "pg";
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

/** Options of `PostgresStorage.open`. */
export interface PostgresStorageOptions extends RdbStorageOptions {
  /** Most connections this process opens at once. Default 10. */
  poolSize?: number;
  /** Milliseconds to wait for a connection before failing. Default 10 000. */
  connectionTimeout?: number;
}

/** `?` placeholders → `$1, $2, ...` (outside quoted text). */
export function numberPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  let quote: string | null = null;
  for (const c of sql) {
    if (quote !== null) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === "?") {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Removes a SQLAlchemy driver suffix (`postgresql+psycopg2://` → `postgresql://`). */
function connectionString(url: string): string {
  return url.replace(/^postgres(?:ql)?(?:\+[a-z0-9]+)?:\/\//i, "postgresql://");
}

/** Whether the client's connection still looks usable (pg has no public flag for it). */
function clientAlive(client: pg.PoolClient): boolean {
  const state = client as unknown as { _ending?: boolean; _queryable?: boolean };
  return state._ending !== true && state._queryable !== false;
}

/** Key of the advisory lock held while creating the schema. */
const SCHEMA_LOCK_KEY = 0x5a1f_3c0d;

class PostgresDriver implements RdbDriver {
  readonly dialect = "postgres" as const;
  private readonly names = new Map<string, { text: string; name: string }>();

  constructor(
    private readonly pool: pg.Pool,
    readonly description: string,
    private readonly password: string | null,
    private readonly connectionString: string,
    /** Seconds to retry transient errors. */
    private readonly retryTimeout: number,
  ) {}

  heartbeatTarget(sql: string) {
    return {
      target: {
        kind: "postgres" as const,
        driverPath: createRequire(import.meta.url).resolve("pg"),
        connectionString: this.connectionString,
      },
      sql: numberPlaceholders(sql),
      describeError: (error: string) => scrub(`${this.description}: ${error}`, this.password),
    };
  }

  private prepared(sql: string): { text: string; name: string } {
    let entry = this.names.get(sql);
    if (entry === undefined) {
      entry = { text: numberPlaceholders(sql), name: `skipjack_${this.names.size}` };
      this.names.set(sql, entry);
    }
    return entry;
  }

  private txFor(client: pg.PoolClient): Tx {
    const query = async (sql: string, params: readonly SqlValue[] = []) => {
      const { text, name } = this.prepared(sql);
      return client.query<Row>({ text, name, values: params as SqlValue[] });
    };
    return {
      all: async (sql, params) => (await query(sql, params)).rows,
      run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
      insert: async (sql, params, idColumn) => {
        const result = await query(`${sql} RETURNING ${idColumn}`, params);
        return Number(result.rows[0]![idColumn]);
      },
    };
  }

  private failure(error: unknown): unknown {
    const wrapped = storageFailure(this.description, error);
    if (wrapped instanceof StorageError && this.password !== null) {
      return new StorageError(scrub(wrapped.message, this.password), { cause: error });
    }
    return wrapped;
  }

  private async transaction<T>(
    begin: string,
    fn: (tx: Tx) => Promise<T>,
    options: { retry: boolean; rerunnable: boolean; verify?: WriteOptions<T>["verify"] },
  ): Promise<T> {
    const retry = new Retry(this.retryTimeout, this.description);
    for (;;) {
      let client: pg.PoolClient | undefined;
      let committing = false;
      let result: T | undefined;
      try {
        client = await this.pool.connect();
        await client.query(begin);
        result = await fn(this.txFor(client));
        // A connection that failed before the COMMIT was sent rolled the transaction back.
        committing = clientAlive(client);
        await client.query("COMMIT");
        client.release();
        retry.succeeded();
        return result;
      } catch (error) {
        const lost = isConnectionError(error);
        if (client !== undefined) {
          if (!lost) await client.query("ROLLBACK").catch(() => undefined);
          // A client whose connection failed leaves the pool instead of going back to it.
          client.release(lost ? (error as Error) : undefined);
        }
        if (committing && lost && !wasNotSent(error) && !options.rerunnable) {
          const landed = await this.landed(options.verify, result as T);
          if (landed === true) return result as T;
          if (landed === null) throw this.failure(unknownCommit(this.description, error));
        }
        if (options.retry && (await retry.wait(error))) continue;
        throw this.failure(error);
      }
    }
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const { text, name } = this.prepared(sql);
    const retry = new Retry(this.retryTimeout, this.description);
    for (;;) {
      try {
        const rows = (await this.pool.query<Row>({ text, name, values: params as SqlValue[] }))
          .rows;
        retry.succeeded();
        return rows;
      } catch (error) {
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
    return this.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn, {
      retry: true,
      rerunnable: true,
    });
  }

  write<T>(fn: (tx: Tx) => Promise<T>, options: WriteOptions<T> = {}): Promise<T> {
    return this.transaction("BEGIN", fn, {
      retry: true,
      rerunnable: options.rerunnable === true,
      ...(options.verify !== undefined ? { verify: options.verify } : {}),
    });
  }

  withSchemaLock<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(
      "BEGIN",
      async (tx) => {
        await tx.all("SELECT pg_advisory_xact_lock(?)", [SCHEMA_LOCK_KEY]);
        return fn(tx);
      },
      // DDL is transactional in PostgreSQL, and `fn` looks at the tables first: rerunnable.
      { retry: true, rerunnable: true },
    );
  }

  async tableNames(tx: Tx): Promise<Set<string>> {
    const rows = await tx.all(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
    );
    return new Set(rows.map((r) => String(r["table_name"])));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * A study database in PostgreSQL (Optuna's schema), shared by any number of worker processes.
 * Open it with `PostgresStorage.open("postgresql://user:pass@host:5432/db")`, or pass the URL
 * as `createStudy`'s `storage`. Needs the optional package pg (`npm install pg`).
 */
export class PostgresStorage extends RdbStorage {
  private constructor(driver: PostgresDriver, options: PostgresStorageOptions) {
    super(driver, options);
  }

  static async open(url: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    const poolSize = options.poolSize ?? 10;
    const retryTimeout = retryTimeoutOption(options.retryTimeout);
    if (!(Number.isInteger(poolSize) && poolSize >= 1)) {
      throw new InvalidArgumentError(`poolSize must be an integer >= 1, got ${poolSize}.`);
    }
    const module = await importDriver<{ default: typeof pg }>("pg", "PostgresStorage");
    const driverModule = module.default;
    const masked = maskUrl(url);
    const password = urlPassword(url);
    let pool: pg.Pool;
    try {
      pool = new driverModule.Pool({
        connectionString: connectionString(url),
        max: poolSize,
        connectionTimeoutMillis: options.connectionTimeout ?? 10_000,
        allowExitOnIdle: true,
        types: {
          getTypeParser: ((oid: number, format?: string) => {
            // Timestamps stay text (naive local time, parsed like every backend's); counts
            // (bigint) become numbers.
            if (oid === 1114) return (value: string) => value;
            if (oid === 20) return (value: string) => Number(value);
            return driverModule.types.getTypeParser(oid, format as "text");
          }) as pg.CustomTypesConfig["getTypeParser"],
        },
      });
    } catch (error) {
      throw new StorageError(
        `Bad PostgreSQL URL ${masked}: ${scrub(error instanceof Error ? error.message : String(error), password)}. ` +
          "Write postgresql://user:password@host:port/database.",
      );
    }
    // Idle clients that lose their connection report here instead of crashing the process;
    // a client checked out when its connection drops reports on itself: its query (the one
    // running, or the next) fails with the error and the call that was running retries or
    // throws a StorageError.
    pool.on("error", () => undefined);
    pool.on("connect", (client) => {
      client.on("error", () => undefined);
    });
    try {
      await firstContact(() => pool.query("SELECT 1"), retryTimeout, masked);
    } catch (error) {
      await pool.end().catch(() => undefined);
      const reason = scrub(error instanceof Error ? error.message : String(error), password);
      throw new StorageError(
        `Could not connect to PostgreSQL at ${masked}: ${reason}. Check that the server runs ` +
          "and that the host, port, user, password and database in the URL are right.",
      );
    }
    const storage = new PostgresStorage(
      new PostgresDriver(pool, masked, password, connectionString(url), retryTimeout),
      options,
    );
    await storage.init(options);
    return storage;
  }
}
