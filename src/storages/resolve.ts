import { InvalidArgumentError } from "../errors/index.js";
import { InMemoryStorage } from "./in-memory/in-memory-storage.js";
import type { MySQLStorageOptions } from "./mysql/mysql-storage.js";
import type { PostgresStorageOptions } from "./postgres/postgres-storage.js";
import type { SqliteStorageOptions } from "./sqlite/sqlite-storage.js";
import type { Storage } from "./storage.js";

/** A storage object, or a database URL (or a SQLite file path). */
export type StorageLike = Storage | string;

/** `scheme://`, the user information up to the last "@" (a password may hold "@"), the rest. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)(.*)@([^@]*)$/is;

/** Hides the password of a URL, for messages. */
export function maskUrl(url: string): string {
  const match = USERINFO.exec(url);
  if (match === null) return url;
  const userinfo = match[2]!;
  const colon = userinfo.indexOf(":");
  if (colon < 0) return url;
  return `${match[1]}${userinfo.slice(0, colon)}:***@${match[3]}`;
}

/** The password of a URL (as written, maybe %-encoded), or null. */
export function urlPassword(url: string): string | null {
  const match = USERINFO.exec(url);
  if (match === null) return null;
  const colon = match[2]!.indexOf(":");
  const password = colon < 0 ? "" : match[2]!.slice(colon + 1);
  return password === "" ? null : password;
}

/** Replaces every occurrence of the password (raw or URL-decoded) in a message. */
export function scrub(message: string, password: string | null): string {
  if (password === null) return message;
  let out = message.split(password).join("***");
  try {
    const decoded = decodeURIComponent(password);
    if (decoded !== "") out = out.split(decoded).join("***");
  } catch {
    // Not URL-encoded: the raw form was enough.
  }
  return out;
}

/** Which backend a storage URL names. */
export type StorageKind = "sqlite" | "postgres" | "mysql";

const SCHEMES: Record<string, StorageKind> = {
  sqlite: "sqlite",
  postgresql: "postgres",
  postgres: "postgres",
  "postgresql+psycopg2": "postgres",
  "postgresql+psycopg": "postgres",
  "postgresql+pg8000": "postgres",
  mysql: "mysql",
  "mysql+pymysql": "mysql",
  "mysql+mysqldb": "mysql",
  "mysql+mysqlconnector": "mysql",
  mariadb: "mysql",
  "mariadb+pymysql": "mysql",
};

/**
 * The backend of a storage URL as Optuna users write them: `sqlite:///relative.db`,
 * `sqlite:////absolute.db`, `postgresql://user:pass@host:port/db` (also `postgres://`,
 * `postgresql+psycopg2://`), `mysql://...` (also `mysql+pymysql://`); a string without a
 * scheme is a SQLite file path.
 */
export function storageKind(url: string): StorageKind {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (match === null) {
    if (/^sqlite:/i.test(url)) return "sqlite";
    if (url.trim() === "") {
      throw new InvalidArgumentError(
        "The storage URL is empty: pass sqlite:///file.db, postgresql://... or mysql://....",
      );
    }
    return "sqlite";
  }
  const kind = SCHEMES[match[1]!.toLowerCase()];
  if (kind === undefined) {
    throw new InvalidArgumentError(
      `Unsupported storage URL ${maskUrl(url)}: the scheme "${match[1]}" is not one of ` +
        "sqlite:///, postgresql://, postgres://, mysql:// (or mysql+pymysql://). " +
        "Pass a file path for SQLite, or a Storage object.",
    );
  }
  return kind;
}

/** Options of `openStorage`: those of the backend the URL names (others are ignored). */
export type StorageOptions = SqliteStorageOptions & PostgresStorageOptions & MySQLStorageOptions;

/**
 * Opens the storage a URL names, with options (heartbeats, ...). The database driver is
 * loaded only now: better-sqlite3 for SQLite, pg for PostgreSQL, mysql2 for MySQL/MariaDB.
 */
export async function openStorage(url: string, options: StorageOptions = {}): Promise<Storage> {
  switch (storageKind(url)) {
    case "sqlite": {
      const { SqliteStorage } = await import("./sqlite/sqlite-storage.js");
      return SqliteStorage.open(url, options);
    }
    case "postgres": {
      const { PostgresStorage } = await import("./postgres/postgres-storage.js");
      return PostgresStorage.open(url, options);
    }
    case "mysql": {
      const { MySQLStorage } = await import("./mysql/mysql-storage.js");
      return MySQLStorage.open(url, options);
    }
  }
}

/**
 * Turns `createStudy`'s `storage` option into a storage. Omitted: a new in-memory storage;
 * a string: the database it names (see `openStorage`).
 */
export async function resolveStorage(storage: StorageLike | undefined): Promise<Storage> {
  if (storage === undefined) return new InMemoryStorage();
  if (typeof storage !== "string") return storage;
  return openStorage(storage);
}
