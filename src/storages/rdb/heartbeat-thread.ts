/**
 * Heartbeats from a worker thread with its own database connection, as Optuna records them
 * from a thread: a trial whose objective keeps the event loop busy (synchronous training) still
 * beats, so other workers do not take it for dead. One thread per storage, started with the
 * first trial, not keeping the process alive.
 */
import { Worker } from "node:worker_threads";
import { logger } from "../../logging/index.js";
import type { Heartbeat } from "../heartbeat.js";

/** How the heartbeat thread reaches the database. */
export type HeartbeatTarget =
  | { kind: "sqlite"; driverPath: string; path: string; busyTimeout: number }
  | { kind: "postgres"; driverPath: string; connectionString: string }
  | { kind: "mysql"; driverPath: string; uri: string };

/**
 * The thread's code (CommonJS; it loads the driver by the path the main thread resolved).
 * One connection, one statement at a time (a driver must not get a query while one runs).
 * A failed beat drops the connection; the next beat reconnects, after a backoff that grows
 * from 0.1 s to the interval. A trial with no beat recorded for longer than the grace period
 * is given up: the thread stops beating for it and tells the main thread (`lost`), since other
 * workers now fail it as stale.
 */
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const { target, sql, interval, grace } = workerData;
// Seconds a connection attempt or a beat may take before it counts as failed.
const timeoutMs = Math.max(1000, Math.min(interval * 1000, 10000));
/** Trial id -> time (ms) of its last recorded heartbeat. */
const active = new Map();
let connection = null;
let failures = 0;
let retryTimer;
let queue = Promise.resolve();
let closing = false;
function describe(error) {
  return String((error && (error.code ? error.code + " " + (error.message || "") : error.message)) || error);
}
async function open() {
  if (target.kind === "sqlite") {
    // better-sqlite3 exports the class; node:sqlite exports DatabaseSync (Database from Node 25),
    // and warns once that it is experimental (before Node 25.7): the main thread said nothing.
    const emitWarning = process.emitWarning;
    process.emitWarning = () => {};
    let driver;
    try { driver = require(target.driverPath); } finally { process.emitWarning = emitWarning; }
    const Database = driver.DatabaseSync || driver.Database || driver;
    const db = new Database(target.path);
    // A short busy wait: the thread must stay free to notice a trial it cannot keep alive.
    db.exec("PRAGMA busy_timeout = " + Math.min(target.busyTimeout, timeoutMs));
    const statement = db.prepare(sql);
    return { beat: async (id) => { statement.run(id); }, close: async () => db.close() };
  }
  if (target.kind === "postgres") {
    const pg = require(target.driverPath);
    const client = new pg.Client({
      connectionString: target.connectionString,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    const handle = { beat: (id) => client.query(sql, [id]), close: () => client.end() };
    client.on("error", () => { if (connection === handle) connection = null; });
    await client.connect();
    return handle;
  }
  const mysql = require(target.driverPath);
  const conn = await mysql.createConnection({ uri: target.uri, charset: "utf8mb4", connectTimeout: timeoutMs });
  const handle = {
    beat: (id) => conn.execute({ sql, timeout: timeoutMs }, [id]),
    close: () => conn.end(),
  };
  const drop = () => { if (connection === handle) connection = null; };
  conn.on("error", drop);
  conn.connection.on("error", drop);
  return handle;
}
function failed(error) {
  failures++;
  if (failures === 1 || failures % 30 === 0) parentPort.postMessage({ error: describe(error), failures });
  clearTimeout(retryTimer);
  const delay = Math.min(interval * 1000, 100 * 2 ** Math.min(failures - 1, 10));
  retryTimer = setTimeout(() => beat([...active.keys()]), delay);
}
function beat(ids) {
  if (ids.length === 0 || closing) return;
  queue = queue.then(async () => {
    if (closing) return;
    if (connection === null) {
      try {
        connection = await open();
      } catch (error) {
        failed(error);
        return;
      }
    }
    const handle = connection;
    try {
      for (const id of ids) {
        if (!active.has(id)) continue;
        await handle.beat(id);
        if (active.has(id)) active.set(id, Date.now());
      }
      if (failures > 0) parentPort.postMessage({ recovered: failures });
      failures = 0;
    } catch (error) {
      if (connection === handle) connection = null;
      handle.close().catch(() => undefined);
      failed(error);
    }
  });
}
setInterval(() => beat([...active.keys()]), interval * 1000);
setInterval(() => {
  const now = Date.now();
  for (const [id, last] of active) {
    if (now - last > grace * 1000) {
      active.delete(id);
      parentPort.postMessage({ lost: id, seconds: (now - last) / 1000 });
    }
  }
}, Math.min(1000, interval * 250));
parentPort.on("message", (message) => {
  if (message.start !== undefined) { active.set(message.start, Date.now()); beat([message.start]); }
  if (message.stop !== undefined) active.delete(message.stop);
  if (message.close) {
    closing = true;
    clearTimeout(retryTimer);
    void queue
      .then(() => (connection === null ? undefined : connection.close()))
      .catch(() => undefined)
      .finally(() => process.exit(0));
  }
});
`;

/** What the thread tells the main thread. */
interface ThreadMessage {
  error?: string;
  failures?: number;
  recovered?: number;
  lost?: number;
  seconds?: number;
}

/** A trial beating in the thread. */
interface Beating {
  listener: ((reason: string) => void) | null;
  /** Why the trial was given up, once it was. */
  lost: string | null;
}

/** The heartbeat thread of one storage. */
export class HeartbeatThread {
  private worker: Worker | null = null;
  private readonly trials = new Map<number, Beating>();
  private lastError = "";

  constructor(
    private readonly target: HeartbeatTarget,
    /** The upsert of trial_heartbeats, with the driver's placeholder for the trial id. */
    private readonly sql: string,
    private readonly interval: number,
    /** Seconds without a recorded beat after which a trial is given up. */
    private readonly grace: number,
    /** Turns a thread's error into a message without secrets. */
    private readonly describeError: (error: string) => string,
  ) {}

  private lose(trialId: number, reason: string): void {
    const trial = this.trials.get(trialId);
    if (trial === undefined || trial.lost !== null) return;
    trial.lost = reason;
    trial.listener?.(reason);
  }

  private onMessage(message: ThreadMessage): void {
    if (message.error !== undefined) {
      this.lastError = this.describeError(message.error);
      const again = (message.failures ?? 1) > 1 ? ` (${message.failures} failures in a row)` : "";
      logger.warn(
        `Could not record a heartbeat${again}: ${this.lastError}; reconnecting and retrying.`,
      );
    }
    if (message.recovered !== undefined) {
      logger.warn(`Heartbeats are recorded again after ${message.recovered} failed attempts.`);
    }
    if (message.lost !== undefined) {
      const seconds = (message.seconds ?? this.grace).toFixed(1);
      this.lose(
        message.lost,
        `no heartbeat could be recorded for ${seconds} s, longer than the grace period ` +
          `(${this.grace} s)${this.lastError === "" ? "" : `: ${this.lastError}`}`,
      );
    }
  }

  private thread(): Worker {
    if (this.worker === null) {
      const worker = new Worker(THREAD, {
        eval: true,
        workerData: {
          target: this.target,
          sql: this.sql,
          interval: this.interval,
          grace: this.grace,
        },
      });
      worker.on("message", (message: ThreadMessage) => this.onMessage(message));
      worker.on("error", (error) => {
        const reason = `the heartbeat thread stopped: ${this.describeError(String(error))}`;
        logger.warn(`The ${reason}`);
        if (this.worker === worker) this.worker = null;
        // Its trials beat no more: they are given up (others will fail them as stale).
        for (const id of [...this.trials.keys()]) this.lose(id, reason);
      });
      worker.unref();
      this.worker = worker;
    }
    return this.worker;
  }

  /** Beats for the trial now and every interval until `stop`. */
  start(trialId: number): Heartbeat {
    const worker = this.thread();
    const beating: Beating = { listener: null, lost: null };
    this.trials.set(trialId, beating);
    worker.postMessage({ start: trialId });
    let stopped = false;
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        if (this.trials.get(trialId) === beating) this.trials.delete(trialId);
        worker.postMessage({ stop: trialId });
      },
      onLost: (listener) => {
        beating.listener = listener;
        if (beating.lost !== null) listener(beating.lost);
      },
    };
  }

  /** Ends the thread (its connection closes). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.trials.clear();
    if (worker === null) return;
    // Kept alive while it closes its connection (it is unref'd otherwise).
    worker.ref();
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage({ close: true });
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    await worker.terminate();
  }
}
