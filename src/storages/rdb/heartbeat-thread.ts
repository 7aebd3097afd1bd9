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

/** The thread's code (CommonJS; it loads the driver by the path the main thread resolved). */
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const { target, sql, interval } = workerData;
const active = new Set();
let beat;
let close = async () => undefined;
async function connect() {
  if (target.kind === "sqlite") {
    const Database = require(target.driverPath);
    const db = new Database(target.path, { timeout: target.busyTimeout });
    const statement = db.prepare(sql);
    beat = async (id) => { statement.run(id); };
    close = async () => db.close();
  } else if (target.kind === "postgres") {
    const pg = require(target.driverPath);
    const client = new pg.Client({ connectionString: target.connectionString });
    client.on("error", () => undefined);
    await client.connect();
    beat = (id) => client.query(sql, [id]);
    close = () => client.end();
  } else {
    const mysql = require(target.driverPath);
    const connection = await mysql.createConnection({ uri: target.uri, charset: "utf8mb4" });
    beat = (id) => connection.execute(sql, [id]);
    close = () => connection.end();
  }
}
const ready = connect();
async function record(ids) {
  try {
    await ready;
    for (const id of ids) await beat(id);
  } catch (error) {
    parentPort.postMessage({ error: String((error && (error.code || error.message)) || error) });
  }
}
setInterval(() => { void record([...active]); }, interval * 1000);
parentPort.on("message", (message) => {
  if (message.start !== undefined) { active.add(message.start); void record([message.start]); }
  if (message.stop !== undefined) active.delete(message.stop);
  if (message.close) void ready.then(close, () => undefined).finally(() => process.exit(0));
});
`;

/** The heartbeat thread of one storage. */
export class HeartbeatThread {
  private worker: Worker | null = null;

  constructor(
    private readonly target: HeartbeatTarget,
    /** The upsert of trial_heartbeats, with the driver's placeholder for the trial id. */
    private readonly sql: string,
    private readonly interval: number,
    /** Turns a thread's error into a message without secrets. */
    private readonly describeError: (error: string) => string,
  ) {}

  private thread(): Worker {
    if (this.worker === null) {
      const worker = new Worker(THREAD, {
        eval: true,
        workerData: { target: this.target, sql: this.sql, interval: this.interval },
      });
      worker.on("message", (message: { error?: string }) => {
        if (message.error !== undefined) {
          logger.warn(`Could not record a heartbeat: ${this.describeError(message.error)}`);
        }
      });
      worker.on("error", (error) => {
        logger.warn(`The heartbeat thread stopped: ${this.describeError(String(error))}`);
        this.worker = null;
      });
      worker.unref();
      this.worker = worker;
    }
    return this.worker;
  }

  /** Beats for the trial now and every interval until `stop`. */
  start(trialId: number): Heartbeat {
    const worker = this.thread();
    worker.postMessage({ start: trialId });
    let stopped = false;
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        worker.postMessage({ stop: trialId });
      },
    };
  }

  /** Ends the thread (its connection closes). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
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
