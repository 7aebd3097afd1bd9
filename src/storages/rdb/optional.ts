import { StorageError } from "../../errors/index.js";

/** The package of a module specifier: "mysql2" for "mysql2/promise", "@scope/name" for scoped ones. */
export function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Whether `error` is Node's "cannot find" for the module `specifier` (or its package). */
export function isMissingModule(error: unknown, specifier: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    error.message.includes(packageName(specifier))
  );
}

/**
 * Imports a database driver that skipjack lists as an optional peer dependency; a missing one is
 * a `StorageError` that says which package to install.
 */
export async function importDriver<T>(name: string, backend: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissingModule(error, name)) {
      throw new StorageError(
        `${backend} needs the package "${packageName(name)}", which is not installed. ` +
          `Install it next to skipjack: npm install ${packageName(name)}`,
        { cause: error },
      );
    }
    throw new StorageError(
      `${backend} could not load the package "${name}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
