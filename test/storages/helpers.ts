/**
 * Shared helpers of the storage tests: Optuna (Debian's python3-optuna at /usr/bin/python3),
 * throwaway databases on the PostgreSQL / MySQL servers named by environment variables,
 * worker processes, and a view of trials in the shape the Optuna side prints.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { distributionToJson } from "../../src/distributions/index.js";
import { formatLocalDatetime } from "../../src/storages/rdb/encoding.js";
import type { FrozenTrial } from "../../src/trial/frozen.js";

export const PYTHON = "/usr/bin/python3";
export const POSTGRES_URL = process.env["SKIPJACK_TEST_POSTGRES_URL"];
export const MYSQL_URL = process.env["SKIPJACK_TEST_MYSQL_URL"];
export const IN_CI = process.env["CI"] === "true" || process.env["CI"] === "1";

export const HOW_TO_ENABLE_POSTGRES =
  "PostgreSQL tests skipped: set SKIPJACK_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres " +
  "(a role that may CREATE DATABASE) to run them.";
export const HOW_TO_ENABLE_MYSQL =
  "MySQL tests skipped: set SKIPJACK_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test " +
  "(a user that may CREATE DATABASE) to run them.";

/** Whether Optuna (with the server's Python driver) can be run; in CI its absence is an error. */
export function optunaAvailable(server?: string): boolean {
  const driver = server === "PostgreSQL" ? ", psycopg2" : server === "MySQL" ? ", pymysql" : "";
  const modules = `import optuna${driver}`;
  let ok = existsSync(PYTHON);
  if (ok) {
    try {
      execFileSync(PYTHON, ["-c", modules], { stdio: "ignore" });
    } catch {
      ok = false;
    }
  }
  const install = "apt-get install -y python3-optuna python3-psycopg2 python3-pymysql";
  if (!ok && IN_CI) throw new Error(`CI needs Optuna at ${PYTHON} (${modules}): ${install}`);
  if (!ok) console.warn(`Optuna interop tests skipped: ${PYTHON} cannot ${modules}; ${install}.`);
  return ok;
}

const INTEROP = fileURLToPath(new URL("./optuna/interop.py", import.meta.url));

/** Runs test/storages/optuna/interop.py and returns its standard output. */
export function optuna(...args: string[]): string {
  return execFileSync(PYTHON, ["-W", "ignore", INTEROP, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A fresh folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `skipjack-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `admin` with its database replaced by `database`. */
export function withDatabase(admin: string, database: string): string {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty PostgreSQL database; returns its URL and a function dropping it. */
export async function freshPostgresDatabase(
  admin: string,
  name: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const pg = (await import("pg")).default;
  const database = `sj_${name}_${process.pid}_${Date.now() % 100000}`.toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database}`);
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  return {
    url: withDatabase(admin, database),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Creates an empty MySQL database; returns its URL and a function dropping it. */
export async function freshMySQLDatabase(
  admin: string,
  name: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const mysql = await import("mysql2/promise");
  const database = `sj_${name}_${process.pid}_${Date.now() % 100000}`.toLowerCase();
  const connection = await mysql.createConnection({ uri: admin });
  await connection.query(`DROP DATABASE IF EXISTS ${database}`);
  await connection.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await connection.end();
  return {
    url: withDatabase(admin, database),
    drop: async () => {
      const c = await mysql.createConnection({ uri: admin });
      await c.query(`DROP DATABASE IF EXISTS ${database}`);
      await c.end();
    },
  };
}

function number(x: number): number | string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  return x;
}

/** A datetime to the millisecond (skipjack keeps milliseconds, Optuna microseconds). */
function ms(text: string | null): string | null {
  return text === null ? null : text.slice(0, 23);
}

/** A trial in the shape interop.py prints (datetimes to the millisecond). */
export interface OptunaTrialView {
  number: number;
  state: string;
  values: (number | string)[] | null;
  datetime_start: string | null;
  datetime_complete: string | null;
  params: Record<string, unknown>;
  distributions: Record<string, string>;
  user_attrs: Record<string, unknown>;
  system_attrs: Record<string, unknown>;
  intermediate_values: Record<string, number | string>;
}

export interface OptunaStudyView {
  study_name: string;
  directions: string[];
  user_attrs: Record<string, unknown>;
  system_attrs: Record<string, unknown>;
  trials: OptunaTrialView[];
}

/** skipjack's trial as interop.py would print it. */
export function viewOfTrial(t: FrozenTrial, fraction = true): OptunaTrialView {
  const date = (d: Date | null) => (d === null ? null : ms(formatLocalDatetime(d, fraction)));
  return {
    number: t.number,
    state: t.state,
    values: t.values === null ? null : t.values.map(number),
    datetime_start: date(t.datetimeStart),
    datetime_complete: date(t.datetimeComplete),
    params: { ...t.params },
    distributions: Object.fromEntries(
      Object.entries(t.distributions).map(([k, d]) => [k, distributionToJson(d)]),
    ),
    user_attrs: { ...t.userAttrs },
    system_attrs: { ...t.systemAttrs },
    intermediate_values: Object.fromEntries(
      [...t.intermediateValues].map(([k, v]) => [String(k), number(v)]),
    ),
  };
}

/** Optuna's printed trial with datetimes cut to the millisecond, keys sorted. */
export function normalizeOptunaTrial(t: OptunaTrialView): OptunaTrialView {
  return { ...t, datetime_start: ms(t.datetime_start), datetime_complete: ms(t.datetime_complete) };
}

/** Runs a worker script (test/storages/workers/NAME.ts) in a new Node process. */
export function startWorker(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): {
  child: ReturnType<typeof spawn>;
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
  onLine: (fn: (line: string) => void) => void;
} {
  const script = fileURLToPath(new URL(`./workers/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, SKIPJACK_LOG_LEVEL: "WARNING", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let pending = "";
  const listeners: ((line: string) => void)[] = [];
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let index = pending.indexOf("\n");
    while (index >= 0) {
      const line = pending.slice(0, index);
      pending = pending.slice(index + 1);
      for (const fn of listeners) fn(line);
      index = pending.indexOf("\n");
    }
  });
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, onLine: (fn) => listeners.push(fn) };
}

/** Ends every other connection to the database (pg_terminate_backend / KILL). */
export async function dropConnections(url: string): Promise<number> {
  if (url.startsWith("postgres")) {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const result = await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " +
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    await client.end();
    return result.rowCount ?? 0;
  }
  const mysql = await import("mysql2/promise");
  const connection = await mysql.createConnection({ uri: url });
  const [rows] = await connection.query(
    "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()",
  );
  for (const row of rows as { id: number }[]) {
    await connection.query(`KILL ${row.id}`).catch(() => undefined);
  }
  await connection.end();
  return (rows as unknown[]).length;
}
