/**
 * Which SQLite driver a process uses: Node's built-in `node:sqlite` when the running Node has
 * all the storage needs (Node 22.16 or later: `isTransaction` and `setReturnArrays`), else the
 * `better-sqlite3` package. The environment variable `SKIPJACK_SQLITE_DRIVER` may insist on one.
 */
import { InvalidArgumentError } from "../../errors/index.js";

/** The SQLite drivers skipjack can use. */
export type SqliteDriverName = "node:sqlite" | "better-sqlite3";

const NAMES: readonly SqliteDriverName[] = ["node:sqlite", "better-sqlite3"];

/**
 * The driver to use, from `SKIPJACK_SQLITE_DRIVER` (unset or empty: automatic) and whether this
 * Node's `node:sqlite` is usable. Throws when the variable names an unknown driver, or
 * `node:sqlite` where this Node lacks it.
 */
export function chooseSqliteDriver(
  requested: string | undefined,
  nodeSqliteUsable: boolean,
): SqliteDriverName {
  const wanted = requested?.trim() ?? "";
  if (wanted === "") return nodeSqliteUsable ? "node:sqlite" : "better-sqlite3";
  const name = NAMES.find((n) => n === wanted);
  if (name === undefined) {
    throw new InvalidArgumentError(
      `SKIPJACK_SQLITE_DRIVER=${wanted} names no SQLite driver: set it to node:sqlite or better-sqlite3, or unset it.`,
    );
  }
  if (name === "node:sqlite" && !nodeSqliteUsable) {
    throw new InvalidArgumentError(
      `SKIPJACK_SQLITE_DRIVER=node:sqlite needs Node.js 22.16 or later (this is ${process.version}): unset it to use better-sqlite3.`,
    );
  }
  return name;
}
