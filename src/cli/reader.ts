/**
 * A read-only connection for the commands that only look (studies, trials, best-trial, export,
 * ...): it never creates tables, never upgrades the schema, never changes the journal mode of a
 * SQLite file, and reads in short statements, so workers writing to the same database are not
 * held up. SQLite opens the file read-only; PostgreSQL and MySQL sessions are read-only.
 */
import { existsSync } from "node:fs";
import type pg from "pg";
import { SkipjackError, StorageError } from "../errors/index.js";
import { numberPlaceholders } from "../storages/postgres/postgres-storage.js";
import {
  HEAD_REVISION,
  LEGACY_REVISION,
  OLDER_REVISIONS,
  SUPPORTED_REVISIONS,
} from "../storages/rdb/schema.js";
import { maskUrl, scrub, storageKind, urlPassword } from "../storages/resolve.js";
import {
  type SqliteDatabase,
  type SqliteStatement,
  sqliteLibrary,
} from "../storages/sqlite/database.js";
import { sqlitePathFromUrl } from "../storages/sqlite/sqlite-storage.js";
import { connectMysql, connectPostgres } from "./connect.js";

/** A result row, by column name. */
export type Row = Record<string, unknown>;

/** A parameter of a statement. */
export type SqlParam = string | number | null;

/** Read-only statements on one database (`?` placeholders, `"key"` quoted as in the schema). */
export interface Reader {
  readonly dialect: "sqlite" | "postgres" | "mysql";
  /** The database with its password masked. */
  readonly description: string;
  /** The alembic revision (`v3.2.0.a` or `v3.0.0.d`). */
  readonly revision: string;
  all(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Rows as arrays of the selected columns, in order (cheaper for many rows). */
  arrays(sql: string, params?: readonly SqlParam[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

interface Connection {
  dialect: Reader["dialect"];
  all(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  arrays(sql: string, params?: readonly SqlParam[]): Promise<unknown[][]>;
  tables(): Promise<Set<string>>;
  close(): Promise<void>;
}

async function sqlite(url: string, description: string): Promise<Connection> {
  const path = sqlitePathFromUrl(url);
  if (path === ":memory:") {
    throw new StorageError(
      "An in-memory SQLite database holds no study: pass a file, e.g. sqlite:///study.db.",
    );
  }
  if (!existsSync(path)) {
    throw new StorageError(
      `No database file at ${path} (from --storage ${description}): check the path, or create a study there with \`skipjack create-study\`.`,
    );
  }
  const library = await sqliteLibrary();
  let db: SqliteDatabase;
  try {
    db = library.open(path, { readonly: true, fileMustExist: true, busyTimeout: 10_000 });
  } catch (error) {
    if (error instanceof SkipjackError) throw error;
    throw new StorageError(
      `Could not open ${description}: ${error instanceof Error ? error.message : String(error)}.`,
      { cause: error },
    );
  }
  const statements = new Map<string, SqliteStatement<Row>>();
  const rawStatements = new Map<string, SqliteStatement<unknown[]>>();
  return {
    dialect: "sqlite",
    async all(sql, params = []) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement.all(...params);
    },
    async arrays(sql, params = []) {
      let statement = rawStatements.get(sql);
      if (statement === undefined) {
        statement = db.prepareArrays(sql);
        rawStatements.set(sql, statement);
      }
      return statement.all(...params);
    },
    async tables() {
      const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      return new Set(rows.map((r) => String(r["name"])));
    },
    async close() {
      db.close();
    },
  };
}

async function postgres(url: string): Promise<Connection> {
  const client = await connectPostgres(url, (module) => ({
    // Every statement of this session is refused if it would write.
    options: "-c default_transaction_read_only=on",
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        if (oid === 1114) return (value: string) => value; // naive timestamps stay text
        if (oid === 20) return (value: string) => Number(value);
        return module.types.getTypeParser(oid, format as "text");
      }) as pg.CustomTypesConfig["getTypeParser"],
    },
  }));
  return {
    dialect: "postgres",
    async all(sql, params = []) {
      return (await client.query(numberPlaceholders(sql), [...params])).rows as Row[];
    },
    async arrays(sql, params = []) {
      const result = await client.query({
        text: numberPlaceholders(sql),
        values: [...params],
        rowMode: "array",
      });
      return result.rows as unknown[][];
    },
    async tables() {
      const result = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
      );
      return new Set(result.rows.map((r: Row) => String(r["table_name"])));
    },
    async close() {
      await client.end();
    },
  };
}

async function mysqlConnection(url: string): Promise<Connection> {
  const connection = await connectMysql(url, {
    dateStrings: true,
    charset: "utf8mb4",
    supportBigNumbers: true,
  });
  await connection.query("SET SESSION TRANSACTION READ ONLY");
  const quote = (sql: string): string => sql.replaceAll('"key"', "`key`");
  return {
    dialect: "mysql",
    async all(sql, params = []) {
      const [rows] = await connection.query(quote(sql), [...params]);
      return rows as Row[];
    },
    async arrays(sql, params = []) {
      const [rows] = await connection.query({
        sql: quote(sql),
        values: [...params],
        rowsAsArray: true,
      });
      return rows as unknown[][];
    },
    async tables() {
      const [rows] = await connection.query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
      );
      return new Set((rows as Row[]).map((r) => String(r["name"])));
    },
    async close() {
      await connection.end();
    },
  };
}

/** The revision check of a read: what skipjack reads, or an error that says what to do. */
export function checkRevision(revision: string | null, where: string): string {
  if (revision !== null && SUPPORTED_REVISIONS.includes(revision)) return revision;
  if (revision === null) {
    throw new StorageError(
      `${where} has Optuna's tables but no schema revision (made by Optuna < 1.2?): upgrade it with Optuna first (\`optuna storage upgrade --storage URL\`).`,
    );
  }
  if (OLDER_REVISIONS.includes(revision)) {
    throw new StorageError(
      `${where} is at schema revision ${revision}, older than skipjack reads (${LEGACY_REVISION} or ${HEAD_REVISION}): upgrade it with Optuna >= 3.0 (\`optuna storage upgrade --storage URL\`).`,
    );
  }
  throw new StorageError(
    `${where} is at schema revision ${revision}, which this skipjack does not know (it reads ${LEGACY_REVISION} and ${HEAD_REVISION}); it was probably written by a newer Optuna: upgrade skipjack.`,
  );
}

/** Opens a database for reading; fails when it has no Optuna tables or an unknown revision. */
export async function openReader(url: string): Promise<Reader> {
  const description = maskUrl(url);
  const password = urlPassword(url);
  const kind = storageKind(url);
  let connection: Connection;
  try {
    connection =
      kind === "sqlite"
        ? await sqlite(url, description)
        : kind === "postgres"
          ? await postgres(url)
          : await mysqlConnection(url);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    const reason = scrub(error instanceof Error ? error.message : String(error), password);
    throw new StorageError(
      `Could not connect to ${description}: ${reason}. Check that the server runs and that the URL is right.`,
      { cause: error },
    );
  }
  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StorageError) throw error;
      const reason = scrub(error instanceof Error ? error.message : String(error), password);
      throw new StorageError(`${description}: ${reason}`, { cause: error });
    }
  };
  try {
    const tables = await guarded(() => connection.tables());
    if (!tables.has("studies") || !tables.has("trials")) {
      throw new StorageError(
        `${description} holds no Optuna tables: check the --storage URL (\`skipjack create-study\` creates them).`,
      );
    }
    const revision = tables.has("alembic_version")
      ? await guarded(() => connection.all("SELECT version_num FROM alembic_version"))
      : [];
    const checked = checkRevision(
      revision.length === 0 ? null : String(revision[0]!["version_num"]),
      description,
    );
    return {
      dialect: connection.dialect,
      description,
      revision: checked,
      all: (sql, params) => guarded(() => connection.all(sql, params)),
      arrays: (sql, params) => guarded(() => connection.arrays(sql, params)),
      close: () => connection.close(),
    };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}
