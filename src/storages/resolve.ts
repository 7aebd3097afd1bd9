import { InvalidArgumentError } from "../errors/index.js";
import { InMemoryStorage } from "./in-memory/in-memory-storage.js";
import type { Storage } from "./storage.js";

/** A storage object, or a database URL. */
export type StorageLike = Storage | string;

/** Hides the password of a URL, for messages. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@/]*@/, "$1***@");
}

/**
 * Turns `createStudy`'s `storage` option into a storage. Omitted: a new in-memory storage.
 */
export async function resolveStorage(storage: StorageLike | undefined): Promise<Storage> {
  if (storage === undefined) return new InMemoryStorage();
  if (typeof storage !== "string") return storage;
  throw new InvalidArgumentError(
    `Unsupported storage URL ${maskUrl(storage)}: this version supports Storage objects ` +
      "(e.g. new InMemoryStorage()); database URLs are not available yet.",
  );
}
