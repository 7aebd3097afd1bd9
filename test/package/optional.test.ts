import { describe, expect, it } from "vitest";
import { StorageError } from "../../src/errors/index.js";
import { importDriver, packageName } from "../../src/storages/rdb/optional.js";

describe("optional packages", () => {
  it("names the package of a module specifier, scoped or with a subpath", () => {
    expect(packageName("mysql2/promise")).toBe("mysql2");
    expect(packageName("pg")).toBe("pg");
    expect(packageName("@tensorflow/tfjs")).toBe("@tensorflow/tfjs");
    expect(packageName("@scope/name/deep/file.js")).toBe("@scope/name");
  });

  it("asks to install the package, not the subpath, when a driver is missing", async () => {
    const error = await importDriver("skipjack-absent-driver/promise", "Test storage").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toBe(
      'Test storage needs the package "skipjack-absent-driver", which is not installed. Install it next to skipjack: npm install skipjack-absent-driver',
    );
  });
});
