/**
 * Opening a storage for the commands that write (create-study, delete-study, set-user-attr,
 * ask, tell, copy-study's target): a SQLite file must exist unless the command creates
 * studies, and an unknown study name is an error that lists the names there.
 */
import { existsSync } from "node:fs";
import { NotFoundError, StorageError } from "../errors/index.js";
import { maskUrl, openStorage, storageKind } from "../storages/resolve.js";
import { sqlitePathFromUrl } from "../storages/sqlite/sqlite-storage.js";
import type { Storage } from "../storages/storage.js";
import { unknownStudy } from "./study-data.js";

/** Opens a storage to write; with `create`, a new SQLite file and Optuna's tables may be made. */
export async function openForWrite(url: string, create: boolean): Promise<Storage> {
  if (!create && storageKind(url) === "sqlite") {
    const path = sqlitePathFromUrl(url);
    if (path !== ":memory:" && !existsSync(path)) {
      throw new StorageError(
        `No database file at ${path} (from --storage ${maskUrl(url)}): check the path, or create a study there with \`skipjack create-study\`.`,
      );
    }
  }
  return openStorage(url, { createTables: create });
}

/** The study id of a name; the error lists the studies that exist. */
export async function studyIdOf(storage: Storage, name: string, url: string): Promise<number> {
  try {
    return await storage.getStudyIdFromName(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const names = (await storage.getAllStudies()).map((s) => s.studyName);
    throw unknownStudy(name, names, maskUrl(url));
  }
}
