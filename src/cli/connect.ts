/**
 * One plain connection to a PostgreSQL or MySQL server, for the command line's read-only
 * readers and `storage upgrade` (they need one session, not a storage's pool and retries).
 * URLs may carry SQLAlchemy's driver suffix (`postgresql+psycopg2://`, `mysql+pymysql://`).
 */
import type mysql from "mysql2/promise";
import type pg from "pg";
import { importDriver } from "../storages/rdb/optional.js";

/** Connects a `pg.Client` with the settings `config` makes from the driver module. */
export async function connectPostgres(
  url: string,
  config: (module: typeof pg) => Omit<pg.ClientConfig, "connectionString"> = () => ({}),
): Promise<pg.Client> {
  const module = (await importDriver<{ default: typeof pg }>("pg", "PostgreSQL")).default;
  const client = new module.Client({
    connectionString: url.replace(/^postgres(?:ql)?(?:\+[a-z0-9]+)?:\/\//i, "postgresql://"),
    connectionTimeoutMillis: 10_000,
    ...config(module),
  });
  // A dropped connection fails the running query; the event alone must not end the process.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Connects a mysql2 connection with `options`. */
export async function connectMysql(
  url: string,
  options: Omit<mysql.ConnectionOptions, "uri"> = {},
): Promise<mysql.Connection> {
  const module = await importDriver<{ createConnection: typeof mysql.createConnection }>(
    "mysql2/promise",
    "MySQL",
  );
  const connection = await module.createConnection({
    uri: url.replace(/^(?:mysql|mariadb)(?:\+[a-z0-9]+)?:\/\//i, "mysql://"),
    connectTimeout: 10_000,
    ...options,
  });
  connection.on("error", () => undefined);
  return connection;
}
