import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageError } from "../../src/errors/index.js";
import { MySQLStorage } from "../../src/storages/mysql/mysql-storage.js";
import { openStorage } from "../../src/storages/resolve.js";
import { describeStorageContract } from "./contract.js";
import { freshMySQLDatabase, HOW_TO_ENABLE_MYSQL, MYSQL_URL } from "./helpers.js";

if (MYSQL_URL === undefined) console.warn(HOW_TO_ENABLE_MYSQL);

describe.skipIf(MYSQL_URL === undefined)("MySQLStorage (MariaDB)", () => {
  let url = "";
  let drop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ url, drop } = await freshMySQLDatabase(MYSQL_URL!, "contract"));
  });
  afterAll(async () => {
    await drop();
  });

  // MySQL's DATETIME keeps whole seconds: a grace period of 1 s.
  describeStorageContract("MySQLStorage", {
    open: (options) => MySQLStorage.open(url, options),
    sql: true,
    grace: 1,
  });

  it("reports an unreachable server with the URL tried and the password masked", async () => {
    const error = await openStorage("mysql+pymysql://bob:hunter22@127.0.0.1:1/nowhere").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(String(error)).toMatch(
      /Could not connect to MySQL at mysql\+pymysql:\/\/bob:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    );
    expect(String(error)).not.toMatch(/hunter22/);
  });

  it("creates Optuna's tables with MySQL types", async () => {
    const mysql = await import("mysql2/promise");
    const storage = await openStorage(url);
    await storage.close();
    const connection = await mysql.createConnection({ uri: url });
    const [rows] = await connection.query(
      "SELECT table_name AS t, column_name AS c, column_type AS type, is_nullable AS n " +
        "FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'trials' " +
        "ORDER BY ordinal_position",
    );
    const [indexes] = await connection.query(
      "SELECT DISTINCT index_name AS i FROM information_schema.statistics " +
        "WHERE table_schema = DATABASE() AND table_name = 'trials' ORDER BY 1",
    );
    const [version] = await connection.query("SELECT version_num FROM alembic_version");
    await connection.end();
    expect(rows).toEqual([
      { t: "trials", c: "trial_id", type: "int(11)", n: "NO" },
      { t: "trials", c: "number", type: "int(11)", n: "YES" },
      { t: "trials", c: "study_id", type: "int(11)", n: "YES" },
      {
        t: "trials",
        c: "state",
        type: "enum('RUNNING','COMPLETE','PRUNED','FAIL','WAITING')",
        n: "NO",
      },
      { t: "trials", c: "datetime_start", type: "datetime", n: "YES" },
      { t: "trials", c: "datetime_complete", type: "datetime", n: "YES" },
    ]);
    expect((indexes as { i: string }[]).map((r) => r.i)).toEqual(["ix_trials_study_id", "PRIMARY"]);
    expect(version).toEqual([{ version_num: "v3.2.0.a" }]);
  });
});
