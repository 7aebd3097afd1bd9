/**
 * The chaos run (`npm run chaos`, `npm run chaos -- --quick` in CI): worker processes optimize
 * one study on SQLite, PostgreSQL and MySQL with heartbeats and RetryFailedTrialCallback while
 * they are SIGKILLed at random (also inside their first objective call), their connections are
 * dropped (pg_terminate_backend / KILL) and PostgreSQL restarts; then the database itself is
 * checked: trial numbers unique and contiguous, no trial RUNNING or WAITING after the grace
 * period, every killed trial FAIL and retried exactly once with its own parameters, no
 * COMPLETE trial without values or parameters, no trial a worker saw COMPLETE lost, SQLite's
 * integrity check, Optuna (/usr/bin/python3) loads every trial, no worker crashed. Prints a
 * table of figures and exits non-zero on any violation.
 *
 * Options: --quick (about 1–2 minutes), --no-restart (no PostgreSQL restart),
 * --backends=sqlite,postgres,mysql, --seconds=N (chaos time per backend), --workers=N.
 * Servers: SKIPJACK_TEST_POSTGRES_URL and SKIPJACK_TEST_MYSQL_URL (a user that may create
 * databases); a backend without its URL is left out, with a note.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { dropConnections } from "../../test/storages/helpers.js";
import { printTable } from "../table.js";

const args = process.argv.slice(2);
/** `--name=value` → "value", `--name` → "", absent → undefined. */
function flag(name: string): string | undefined {
  const arg = args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : arg.slice(name.length + 3);
}
const quick = flag("quick") !== undefined;
const restart = flag("no-restart") === undefined;
const seconds = Number(flag("seconds") ?? (quick ? 12 : 60));
const workers = Number(flag("workers") ?? (quick ? 3 : 6));
const backends = (flag("backends") ?? "sqlite,postgres,mysql").split(",");
/** Seconds between kills, and between connection drops. */
const KILL_EVERY = quick ? 1.5 : 2;
const DROP_EVERY = quick ? 3 : 6;
/** As in worker.ts. */
const GRACE_PERIOD = 1.5;

const PYTHON = "/usr/bin/python3";
const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const OPTUNA_CHECK = fileURLToPath(new URL("./optuna_check.py", import.meta.url));
const POSTGRES = process.env["SKIPJACK_TEST_POSTGRES_URL"];
const MYSQL = process.env["SKIPJACK_TEST_MYSQL_URL"];

interface Figures {
  backend: string;
  workers: number;
  kills: number;
  killsInFirstCall: number;
  drops: number;
  restarts: number;
  trials: number;
  complete: number;
  failed: number;
  retried: number;
  /** Workers that could not open the storage while PostgreSQL was down (by design). */
  refusedAtOpen: number;
  violations: string[];
}

/** A running worker and what it printed. */
interface Worker {
  child: ChildProcess;
  /** Trials it started and has not finished (by number). */
  inFlight: Set<number>;
  started: number;
  done: Map<number, string>;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  killed: boolean;
  /** When it was started and when it exited (ms). */
  spawnedAt: number;
  exitedAt: number;
  /** Called at its first START line (to kill it inside its first objective call). */
  onFirstStart: (() => void) | null;
}

function startWorker(url: string, study: string, secondsText: string): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, url, study, secondsText], {
    env: { ...process.env, SKIPJACK_LOG_LEVEL: "WARNING" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const worker: Worker = {
    child,
    inFlight: new Set(),
    started: 0,
    done: new Map(),
    stderr: "",
    exit: new Promise((resolve) =>
      child.on("close", (code, signal) => {
        worker.exitedAt = Date.now();
        resolve({ code, signal });
      }),
    ),
    killed: false,
    spawnedAt: Date.now(),
    exitedAt: Number.POSITIVE_INFINITY,
    onFirstStart: null,
  };
  let pending = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    pending += chunk;
    for (let i = pending.indexOf("\n"); i >= 0; i = pending.indexOf("\n")) {
      const [word, number, state] = pending.slice(0, i).split(" ");
      pending = pending.slice(i + 1);
      if (word === "START") {
        worker.inFlight.add(Number(number));
        worker.started++;
        if (worker.started === 1) worker.onFirstStart?.();
      } else if (word === "DONE") {
        worker.inFlight.delete(Number(number));
        worker.done.set(Number(number), state!);
      }
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    worker.stderr += chunk;
  });
  return worker;
}

/** A fresh database on a server; returns its URL and how to drop it. */
async function freshDatabase(
  kind: "postgres" | "mysql",
  admin: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sj_chaos_${process.pid}_${Date.now() % 100000}`;
  const url = new URL(admin);
  url.pathname = `/${name}`;
  if (kind === "postgres") {
    const pg = (await import("pg")).default;
    const run = async (sql: string) => {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(sql);
      await client.end();
    };
    await run(`CREATE DATABASE ${name}`);
    return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const mysql = await import("mysql2/promise");
  const run = async (sql: string) => {
    const connection = await mysql.createConnection({ uri: admin });
    await connection.query(sql);
    await connection.end();
  };
  await run(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name}`) };
}

/** Ends every connection to the database but this one; the number ended. */
async function dropAll(url: string): Promise<number> {
  return dropConnections(url).catch(() => 0); // the server may be restarting
}

/** Restarts the local PostgreSQL cluster (brief: the workers retry meanwhile). */
function restartPostgres(): boolean {
  if (!existsSync("/etc/postgresql")) return false;
  const version = readdirSync("/etc/postgresql")[0];
  if (version === undefined) return false;
  try {
    execFileSync(
      "pg_ctlcluster",
      ["--skip-systemctl-redirect", version, "main", "restart", "--mode", "fast"],
      { stdio: "ignore", timeout: 60_000 },
    );
    return true;
  } catch {
    return false;
  }
}

/** Rows of a query on the study's database. */
async function query(kind: string, url: string, sql: string): Promise<Record<string, unknown>[]> {
  if (kind === "sqlite") {
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(url.slice("sqlite:///".length), { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  if (kind === "postgres") {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }
  const mysql = await import("mysql2/promise");
  const connection = await mysql.createConnection({ uri: url });
  try {
    return (await connection.query(sql.replaceAll('"key"', "`key`")))[0] as Record<
      string,
      unknown
    >[];
  } finally {
    await connection.end();
  }
}

function parseJson(text: unknown): unknown {
  return typeof text === "string" ? JSON.parse(text) : text;
}

/** The checks made from the database itself. */
async function check(
  kind: string,
  url: string,
  study: string,
  victims: Set<number>,
  seenComplete: Set<number>,
  figures: Figures,
): Promise<void> {
  const v = figures.violations;
  const trials = await query(
    kind,
    url,
    `SELECT t.trial_id, t.number, t.state FROM trials t JOIN studies s ON s.study_id = t.study_id WHERE s.study_name = '${study}' ORDER BY t.number`,
  );
  const byId = new Map(trials.map((t) => [Number(t["trial_id"]), t]));
  const numbers = trials.map((t) => Number(t["number"]));
  figures.trials = trials.length;
  if (numbers.some((n, i) => n !== i)) v.push("trial numbers not unique and contiguous");
  const states = new Map(trials.map((t) => [Number(t["number"]), String(t["state"])]));
  for (const [n, state] of states) {
    if (state === "RUNNING" || state === "WAITING") {
      v.push(`trial ${n} still ${state} after the grace period`);
    }
  }
  figures.complete = [...states.values()].filter((s) => s === "COMPLETE").length;
  figures.failed = [...states.values()].filter((s) => s === "FAIL").length;
  const ids = (table: string, extra = "") =>
    query(kind, url, `SELECT trial_id${extra} FROM ${table}`).then((rows) => rows);
  const values = new Set((await ids("trial_values")).map((r) => Number(r["trial_id"])));
  const paramRows = await ids("trial_params", ", param_name, param_value");
  const params = new Map<number, Map<string, number>>();
  for (const row of paramRows) {
    const id = Number(row["trial_id"]);
    if (!byId.has(id)) continue;
    const map = params.get(id) ?? new Map<string, number>();
    map.set(String(row["param_name"]), Number(row["param_value"]));
    params.set(id, map);
  }
  for (const t of trials) {
    const id = Number(t["trial_id"]);
    if (t["state"] !== "COMPLETE") continue;
    if (!values.has(id)) v.push(`COMPLETE trial ${t["number"]} has no value`);
    if ((params.get(id)?.size ?? 0) !== 2) v.push(`COMPLETE trial ${t["number"]} lacks parameters`);
  }
  for (const n of seenComplete) {
    if (states.get(n) !== "COMPLETE")
      v.push(`trial ${n} finished COMPLETE in its worker, is ${states.get(n)}`);
  }
  // Retries: each FAIL trial is retried by exactly one trial (retry_history ends with it),
  // with the parameters it had stored.
  const history = await query(
    kind,
    url,
    `SELECT trial_id, value_json FROM trial_system_attributes WHERE "key" = 'retry_history'`,
  );
  const retriesOf = new Map<number, number[]>();
  for (const row of history) {
    const id = Number(row["trial_id"]);
    if (!byId.has(id)) continue;
    const list = parseJson(row["value_json"]) as number[];
    const last = list.at(-1);
    if (last === undefined) continue;
    retriesOf.set(last, [...(retriesOf.get(last) ?? []), id]);
  }
  const idOf = new Map(trials.map((t) => [Number(t["number"]), Number(t["trial_id"])]));
  for (const [n, state] of states) {
    if (state !== "FAIL") continue;
    const retries = retriesOf.get(n) ?? [];
    if (retries.length !== 1) {
      v.push(`FAIL trial ${n} retried ${retries.length} times`);
      continue;
    }
    figures.retried++;
    const own = params.get(idOf.get(n)!) ?? new Map();
    const retry = params.get(retries[0]!) ?? new Map();
    for (const [name, value] of own) {
      if (retry.get(name) !== value) {
        v.push(`retry of trial ${n} has ${name}=${retry.get(name)}, not its ${value}`);
      }
    }
  }
  for (const n of victims) {
    const state = states.get(n);
    if (state !== "FAIL" && state !== "COMPLETE") v.push(`killed trial ${n} is ${state}`);
  }
  if (kind === "sqlite") {
    const rows = await query(kind, url, "PRAGMA integrity_check");
    const result = String(Object.values(rows[0] ?? {})[0]);
    if (result !== "ok") v.push(`SQLite integrity_check: ${result}`);
  }
  if (existsSync(PYTHON)) {
    const optunaUrl = kind === "mysql" ? url.replace(/^mysql:/, "mysql+pymysql:") : url;
    try {
      const out = JSON.parse(
        execFileSync(PYTHON, ["-W", "ignore", OPTUNA_CHECK, optunaUrl, study], {
          encoding: "utf8",
          maxBuffer: 64 << 20,
        }),
      ) as { numbers: number[]; states: string[]; complete_without_value: number };
      if (out.numbers.length !== trials.length) {
        v.push(`Optuna loads ${out.numbers.length} trials of ${trials.length}`);
      }
      if (out.states.some((s, i) => s !== states.get(out.numbers[i]!))) {
        v.push("Optuna reads other states");
      }
      if (out.complete_without_value > 0) v.push("Optuna finds COMPLETE trials without value");
    } catch (error) {
      v.push(`Optuna cannot load the study: ${String(error).slice(0, 300)}`);
    }
  }
}

async function runBackend(kind: "sqlite" | "postgres" | "mysql"): Promise<Figures | string> {
  const figures: Figures = {
    backend: { sqlite: "SQLite", postgres: "PostgreSQL", mysql: "MySQL" }[kind],
    workers,
    kills: 0,
    killsInFirstCall: 0,
    drops: 0,
    restarts: 0,
    trials: 0,
    complete: 0,
    failed: 0,
    retried: 0,
    refusedAtOpen: 0,
    violations: [],
  };
  let url: string;
  let cleanup: () => Promise<void>;
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "skipjack-chaos-"));
    url = `sqlite:///${join(dir, "chaos.db")}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = kind === "postgres" ? POSTGRES : MYSQL;
    if (admin === undefined) {
      return `${figures.backend} left out: set SKIPJACK_TEST_${kind === "postgres" ? "POSTGRES" : "MYSQL"}_URL`;
    }
    ({ url, drop: cleanup } = await freshDatabase(kind, admin));
  }
  const study = "chaos";
  const all: Worker[] = [];
  const victims = new Set<number>();
  // One process creates the study (and its tables) alone, before the faults start.
  const setup = startWorker(url, study, "setup");
  if ((await setup.exit).code !== 0) {
    figures.violations.push(`the study could not be created: ${setup.stderr.slice(-400)}`);
    await cleanup();
    return figures;
  }
  const deadline = Date.now() + seconds * 1000;
  const remaining = () => Math.max(1, (deadline - Date.now()) / 1000).toFixed(1);
  const spawnWorker = () => {
    const worker = startWorker(url, study, remaining());
    all.push(worker);
    return worker;
  };
  const kill = (worker: Worker) => {
    if (worker.killed || worker.child.exitCode !== null) return;
    worker.killed = true;
    for (const n of worker.inFlight) victims.add(n);
    worker.child.kill("SIGKILL");
    figures.kills++;
  };
  const live = new Set<Worker>();
  for (let i = 0; i < workers; i++) live.add(spawnWorker());
  let nextKill = Date.now() + KILL_EVERY * 1000;
  let nextDrop = Date.now() + DROP_EVERY * 1000;
  let restarted = kind !== "postgres" || !restart;
  /** When PostgreSQL was down for its restart. */
  let down: [number, number] | null = null;
  let killFirstCall = true;
  while (Date.now() < deadline - 1500) {
    await sleep(100);
    for (const worker of [...live]) {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) live.delete(worker);
    }
    if (Date.now() >= nextKill && live.size > 0) {
      nextKill = Date.now() + KILL_EVERY * 1000 * (0.5 + Math.random());
      if (killFirstCall) {
        // A fresh worker killed inside its first objective call (before or just after its
        // first heartbeat).
        const fresh = spawnWorker();
        fresh.onFirstStart = () => {
          setTimeout(() => {
            kill(fresh);
            figures.killsInFirstCall++;
          }, Math.random() * 60);
        };
      } else {
        const pick = [...live][Math.floor(Math.random() * live.size)]!;
        kill(pick);
        live.delete(pick);
        live.add(spawnWorker());
      }
      killFirstCall = !killFirstCall;
    }
    if (kind !== "sqlite" && Date.now() >= nextDrop) {
      nextDrop = Date.now() + DROP_EVERY * 1000;
      if ((await dropAll(url)) > 0) figures.drops++;
    }
    if (!restarted && Date.now() >= deadline - seconds * 300) {
      restarted = true;
      const from = Date.now();
      if (restartPostgres()) figures.restarts++;
      else figures.violations.push("could not restart PostgreSQL (pg_ctlcluster)");
      down = [from, Date.now()];
    }
  }
  // No more faults: the workers stop starting trials at the deadline and finish theirs.
  for (const worker of all) {
    const timer = setTimeout(
      () => {
        figures.violations.push("a worker did not stop within 60 s of its timeout");
        worker.child.kill("SIGKILL");
      },
      60_000 + seconds * 1000,
    );
    await worker.exit;
    clearTimeout(timer);
  }
  await sleep((GRACE_PERIOD + 1) * 1000);
  const sweeper = startWorker(url, study, "sweep");
  all.push(sweeper);
  const swept = await sweeper.exit;
  if (swept.code !== 0)
    figures.violations.push(`the sweeping worker failed: ${sweeper.stderr.slice(-500)}`);
  for (const worker of all) {
    const exited = await worker.exit;
    // A worker that starts while the server is down fails at once, by design (a server out
    // of reach at open is most often a wrong URL); that is no fault of the storage.
    const refusedWhileDown =
      down !== null &&
      worker.spawnedAt <= down[1] + 1000 &&
      worker.exitedAt >= down[0] &&
      /Could not connect to PostgreSQL[^\n]*ECONNREFUSED/.test(worker.stderr);
    if (refusedWhileDown) figures.refusedAtOpen++;
    else if (!worker.killed && exited.code !== 0) {
      const lines = worker.stderr.trim().split("\n");
      const first = lines.find((l) => /^\w*Error: /.test(l.trim())) ?? lines.at(-1) ?? "";
      figures.violations.push(`a worker crashed: ${first.slice(0, 400)}`);
    }
    if (/DeprecationWarning|Unhandled 'error' event/.test(worker.stderr)) {
      figures.violations.push(
        `a worker printed: ${/.*(DeprecationWarning|Unhandled 'error' event).*/.exec(worker.stderr)?.[0]}`,
      );
    }
  }
  const seenComplete = new Set<number>();
  for (const worker of all) {
    for (const [n, state] of worker.done) if (state === "COMPLETE") seenComplete.add(n);
  }
  await check(kind, url, study, victims, seenComplete, figures);
  await cleanup();
  return figures;
}

const results: (Figures | string)[] = [];
for (const kind of backends) {
  if (kind !== "sqlite" && kind !== "postgres" && kind !== "mysql") {
    throw new Error(`unknown backend ${kind}: use sqlite, postgres or mysql`);
  }
  const started = Date.now();
  const figures = await runBackend(kind);
  if (typeof figures !== "string") {
    console.error(`${figures.backend}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  results.push(figures);
}
const rows = results.filter((r): r is Figures => typeof r !== "string");
printTable(
  `Chaos run${quick ? " (--quick)" : ""}: ${seconds} s of faults per backend`,
  [
    "backend",
    "workers",
    "kills",
    "in 1st call",
    "drops",
    "PG restarts",
    "trials",
    "COMPLETE",
    "FAIL",
    "retried once",
    "refused at open",
    "lost / violations",
  ],
  rows.map((f) =>
    [
      f.backend,
      f.workers,
      f.kills,
      f.killsInFirstCall,
      f.drops,
      f.restarts,
      f.trials,
      f.complete,
      f.failed,
      f.retried,
      f.refusedAtOpen,
      f.violations.length,
    ].map(String),
  ),
);
for (const note of results.filter((r): r is string => typeof r === "string")) console.log(note);
let bad = 0;
for (const f of rows) {
  for (const violation of f.violations) {
    console.log(`VIOLATION ${f.backend}: ${violation}`);
    bad++;
  }
}
process.exit(bad === 0 ? 0 : 1);
