/**
 * `storage upgrade`: brings a database left at Optuna 3.0/3.1's schema revision (v3.0.0.d) to
 * the one skipjack and Optuna >= 3.2 create (v3.2.0.a), as Optuna's alembic migration does:
 * an index on trials.study_id (named as that migration names it), the new revision, and
 * version_info updated; all in one transaction (MySQL commits DDL on its own, so there the
 * index comes first and the revision is written only after it exists). Other revisions are
 * refused with the reason.
 */
import { existsSync } from "node:fs";
import { StorageError } from "../errors/index.js";
import {
  HEAD_REVISION,
  LEGACY_REVISION,
  LIBRARY_VERSION,
  OLDER_REVISIONS,
  SCHEMA_VERSION,
} from "../storages/rdb/schema.js";
import { maskUrl, scrub, storageKind, urlPassword } from "../storages/resolve.js";
import { sqliteLibrary } from "../storages/sqlite/database.js";
import { sqlitePathFromUrl } from "../storages/sqlite/sqlite-storage.js";
import { connectMysql, connectPostgres } from "./connect.js";

/** The index Optuna's v3.2.0.a migration creates. */
const INDEX = "trials_study_id_key";

/** What `upgradeStorage` did. */
export type UpgradeOutcome = "up-to-date" | "upgraded";

/** Statements of the migration, in one transaction where the database allows it. */
interface Migrator {
  revision(): Promise<string | null>;
  hasTables(): Promise<boolean>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const UPDATES = [
  `UPDATE alembic_version SET version_num = '${HEAD_REVISION}' WHERE version_num = '${LEGACY_REVISION}'`,
  `UPDATE version_info SET schema_version = ${SCHEMA_VERSION}, library_version = '${LIBRARY_VERSION}'`,
];

async function sqliteMigrator(url: string): Promise<Migrator> {
  const path = sqlitePathFromUrl(url);
  if (!existsSync(path))
    throw new StorageError(`No database file at ${path}: check the --storage URL.`);
  const db = (await sqliteLibrary()).open(path, { fileMustExist: true, busyTimeout: 60_000 });
  const revision = (): string | null => {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
      .all();
    if (tables.length === 0) return null;
    const version = db.prepare("SELECT version_num FROM alembic_version").all()[0]?.["version_num"];
    return typeof version === "string" ? version : null;
  };
  return {
    revision: async () => revision(),
    hasTables: async () =>
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'studies'").all()
        .length > 0,
    migrate: async () => {
      db.exec("BEGIN IMMEDIATE");
      try {
        if (revision() !== LEGACY_REVISION)
          throw new StorageError(
            "The schema revision changed while upgrading; run the command again.",
          );
        db.exec(`CREATE INDEX IF NOT EXISTS ${INDEX} ON trials (study_id)`);
        for (const sql of UPDATES) db.exec(sql);
        db.exec("COMMIT");
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
    close: async () => {
      db.close();
    },
  };
}

async function postgresMigrator(url: string): Promise<Migrator> {
  const client = await connectPostgres(url);
  const tableExists = async (name: string): Promise<boolean> =>
    (
      await client.query(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
        [name],
      )
    ).rows.length > 0;
  const revision = async (): Promise<string | null> => {
    if (!(await tableExists("alembic_version"))) return null;
    const rows = (await client.query("SELECT version_num FROM alembic_version")).rows;
    return rows.length === 0 ? null : String(rows[0].version_num);
  };
  return {
    revision,
    hasTables: () => tableExists("studies"),
    migrate: async () => {
      await client.query("BEGIN");
      try {
        await client.query("LOCK TABLE alembic_version IN EXCLUSIVE MODE");
        if ((await revision()) !== LEGACY_REVISION) {
          throw new StorageError(
            "The schema revision changed while upgrading; run the command again.",
          );
        }
        await client.query(`CREATE INDEX IF NOT EXISTS ${INDEX} ON trials (study_id)`);
        for (const sql of UPDATES) await client.query(sql);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },
    close: () => client.end(),
  };
}

async function mysqlMigrator(url: string): Promise<Migrator> {
  const connection = await connectMysql(url);
  const rows = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> =>
    (await connection.query(sql, params))[0] as Record<string, unknown>[];
  const tableExists = async (name: string): Promise<boolean> =>
    (
      await rows(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
        [name],
      )
    ).length > 0;
  const revision = async (): Promise<string | null> => {
    if (!(await tableExists("alembic_version"))) return null;
    const found = await rows("SELECT version_num FROM alembic_version");
    return found.length === 0 ? null : String(found[0]!["version_num"]);
  };
  return {
    revision,
    hasTables: () => tableExists("studies"),
    migrate: async () => {
      const index = await rows(
        "SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'trials' AND index_name = ?",
        [INDEX],
      );
      if (index.length === 0) await connection.query(`CREATE INDEX ${INDEX} ON trials (study_id)`);
      await connection.beginTransaction();
      try {
        for (const sql of UPDATES) await connection.query(sql);
        await connection.commit();
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      }
    },
    close: () => connection.end(),
  };
}

/** Upgrades the database at `url` (see the module comment); refuses unknown revisions. */
export async function upgradeStorage(url: string): Promise<UpgradeOutcome> {
  const where = maskUrl(url);
  const password = urlPassword(url);
  const kind = storageKind(url);
  let migrator: Migrator;
  try {
    migrator =
      kind === "sqlite"
        ? await sqliteMigrator(url)
        : kind === "postgres"
          ? await postgresMigrator(url)
          : await mysqlMigrator(url);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(
      `Could not open ${where}: ${scrub(error instanceof Error ? error.message : String(error), password)}`,
      { cause: error },
    );
  }
  try {
    if (!(await migrator.hasTables())) {
      throw new StorageError(
        `${where} holds no Optuna tables: there is nothing to upgrade (check the --storage URL).`,
      );
    }
    const revision = await migrator.revision();
    if (revision === HEAD_REVISION) return "up-to-date";
    if (revision === LEGACY_REVISION) {
      await migrator.migrate();
      return "upgraded";
    }
    if (revision === null) {
      throw new StorageError(
        `${where} has no schema revision (made by Optuna < 1.2): upgrade it with Optuna >= 3.2 (\`optuna storage upgrade\`) first.`,
      );
    }
    if (OLDER_REVISIONS.includes(revision)) {
      throw new StorageError(
        `${where} is at schema revision ${revision} (Optuna < 3.0); skipjack upgrades only from ${LEGACY_REVISION} (Optuna 3.0/3.1): upgrade it with Optuna >= 3.2 (\`optuna storage upgrade --storage URL\`).`,
      );
    }
    throw new StorageError(
      `${where} is at schema revision ${revision}, which this skipjack does not know (it knows ${LEGACY_REVISION} and ${HEAD_REVISION}); it was probably written by a newer Optuna: upgrade skipjack instead.`,
    );
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(
      `${where}: ${scrub(error instanceof Error ? error.message : String(error), password)}`,
      { cause: error },
    );
  } finally {
    await migrator.close().catch(() => undefined);
  }
}
