import { StorageError } from "../../errors/index.js";

function isMissingModule(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && error.message.includes(name)
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
        `${backend} needs the package "${name}", which is not installed. ` +
          `Install it next to skipjack: npm install ${name}`,
        { cause: error },
      );
    }
    throw new StorageError(
      `${backend} could not load the package "${name}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
