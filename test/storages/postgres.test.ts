import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageError } from "../../src/errors/index.js";
import { PostgresStorage } from "../../src/storages/postgres/postgres-storage.js";
import { openStorage } from "../../src/storages/resolve.js";
import { describeStorageContract } from "./contract.js";
import { freshPostgresDatabase, HOW_TO_ENABLE_POSTGRES, POSTGRES_URL } from "./helpers.js";

if (POSTGRES_URL === undefined) console.warn(HOW_TO_ENABLE_POSTGRES);

describe.skipIf(POSTGRES_URL === undefined)("PostgresStorage", () => {
  let url = "";
  let drop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ url, drop } = await freshPostgresDatabase(POSTGRES_URL!, "contract"));
  });
  afterAll(async () => {
    await drop();
  });

  describeStorageContract("PostgresStorage", {
    open: (options) => PostgresStorage.open(url, options),
    sql: true,
  });

  it("reports an unreachable server with the URL tried and the password masked", async () => {
    const error = await openStorage("postgresql://alice:pa55w0rd@127.0.0.1:1/nowhere").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    const text = `${String(error)} ${JSON.stringify(error)}`;
    expect(text).toMatch(
      /Could not connect to PostgreSQL at postgresql:\/\/alice:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    );
    expect(text).toMatch(/ECONNREFUSED/);
    expect(text).not.toMatch(/pa55w0rd/);
  });

  it("reports a wrong database without the password", async () => {
    const target = new URL(POSTGRES_URL!);
    target.password = "t0psecret";
    target.pathname = "/no_such_database_here";
    const error = await openStorage(target.toString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(String(error)).toMatch(/no_such_database_here/);
    expect(String(error)).not.toMatch(/t0psecret/);
  });

  it("accepts postgres:// and postgresql+psycopg2:// as Optuna users write them", async () => {
    for (const scheme of ["postgres", "postgresql+psycopg2"]) {
      const storage = await openStorage(url.replace(/^postgresql/, scheme));
      expect(await storage.getAllStudies()).toBeInstanceOf(Array);
      await storage.close();
    }
  });
});
