/**
 * Transient database errors and how long to retry them. A long study on a shared database sees
 * server restarts, failovers, dropped connections, deadlocks and serialization failures; each
 * is worth retrying for a while instead of ending the study. What is not transient (a bad
 * query, a missing table, a wrong password) fails at once.
 */
import { StorageError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";

/** Seconds a storage operation keeps retrying transient errors by default. */
export const DEFAULT_RETRY_TIMEOUT = 60;

/** The errors that mean "try again": the connection is gone or the server is restarting. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  // PostgreSQL: connection exceptions, operator intervention (pg_terminate_backend, shutdown,
  // "the database system is starting up / shutting down"), too many connections.
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** MySQL / MariaDB: server gone or shutting down, connection killed. */
const CONNECTION_ERRNOS = new Set([1040, 1053, 1927, 2002, 2003, 2006, 2013, 4031]);

/** Messages of drivers that give no code for a lost connection. */
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /Can't add new command when connection is in closed state/i,
  /connection is in closed state/i,
  /Pool is closed/i,
];

/** A statement refused by the driver because its connection was already gone: never sent. */
const NOT_SENT_MESSAGES = [/is not queryable/i, /in closed state/i, /Client was closed/i];

/** Whether the driver refused to send the statement (its connection was gone before). */
export function wasNotSent(error: unknown): boolean {
  return chain(error).some((e) => NOT_SENT_MESSAGES.some((p) => p.test(fields(e).message)));
}

/** The server could not be reached at all: at open, most often a wrong URL. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Runs the first statement of a new storage. A server that cannot be reached at all fails at
 * once (most often a wrong host or port); one that answers and then drops the connection, or
 * says it is starting up, is retried like any transient error.
 */
export async function firstContact<T>(
  fn: () => Promise<T>,
  timeout: number,
  description: string,
): Promise<T> {
  const retry = new Retry(timeout, description);
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      const unreachable = chain(error).some((e) => {
        const { code } = fields(e);
        return typeof code === "string" && UNREACHABLE_CODES.has(code);
      });
      if (!unreachable && (await retry.wait(error))) continue;
      throw error;
    }
  }
}

/** Conflicts between transactions: the server rolled ours back, running it again is right. */
const CONFLICT_CODES = new Set(["40001", "40P01"]);
const CONFLICT_ERRNOS = new Set([1213, 1205]);

function fields(error: unknown): { code: unknown; errno: unknown; message: string } {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown } | null | undefined;
  return {
    code: e?.code,
    errno: e?.errno,
    message: typeof e?.message === "string" ? e.message : String(error),
  };
}

/** The error's cause chain, outermost first (a StorageError wraps the driver's error). */
function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = error;
  while (e !== undefined && e !== null && out.length < 5) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** Whether the connection to the server was lost or could not be made. */
export function isConnectionError(error: unknown): boolean {
  return chain(error).some((e) => {
    const { code, errno, message } = fields(e);
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
    if (typeof errno === "number" && CONNECTION_ERRNOS.has(errno)) return true;
    return CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
  });
}

/** Whether the server rolled the transaction back for a deadlock or serialization failure. */
export function isConflict(error: unknown): boolean {
  return chain(error).some((e) => {
    const { code, errno } = fields(e);
    if (typeof code === "string" && CONFLICT_CODES.has(code)) return true;
    return typeof errno === "number" && CONFLICT_ERRNOS.has(errno);
  });
}

/** SQLite's "database is locked" after the busy timeout. */
export function isBusy(error: unknown): boolean {
  return chain(error).some((e) => {
    const { code } = fields(e);
    return typeof code === "string" && code.startsWith("SQLITE_BUSY");
  });
}

/** Whether the error is worth retrying. */
export function isTransient(error: unknown): boolean {
  return isConnectionError(error) || isConflict(error) || isBusy(error);
}

/** Checks the `retryTimeout` option (seconds, >= 0). */
export function retryTimeoutOption(value: number | undefined): number {
  const seconds = value ?? DEFAULT_RETRY_TIMEOUT;
  if (!(Number.isFinite(seconds) && seconds >= 0)) {
    throw new StorageError(
      `retryTimeout must be a number of seconds >= 0, got ${String(value)} (0 turns retries off).`,
    );
  }
  return seconds;
}

/**
 * The retries of one storage operation: after a transient error, `wait` sleeps with
 * exponential backoff and jitter and returns true, until `timeout` seconds have passed since
 * the first error (then false: the error is final). Conflicts (deadlocks, serialization
 * failures) are routine under contention and retried quietly and quickly; lost connections
 * are logged, once per operation and again when the connection is back.
 */
export class Retry {
  private first: number | null = null;
  private attempt = 0;
  private logged = false;

  constructor(
    private readonly timeout: number,
    /** The database, for messages. */
    private readonly description: string,
  ) {}

  async wait(error: unknown): Promise<boolean> {
    if (!isTransient(error)) return false;
    const conflict = isConflict(error) && !isConnectionError(error);
    const now = Date.now();
    this.first ??= now;
    // Conflicts are retried for a few seconds even with retries off (they always were).
    const limit = conflict ? Math.max(this.timeout, 5) : this.timeout;
    if (now - this.first >= limit * 1000) return false;
    this.attempt++;
    const base = conflict ? 5 : 100;
    const cap = conflict ? 200 : 5000;
    const delay = Math.min(cap, base * 2 ** Math.min(this.attempt - 1, 10)) * (0.5 + Math.random());
    if (!conflict && !this.logged) {
      this.logged = true;
      const { message } = fields(chain(error).at(-1));
      logger.warn(
        `${this.description}: ${message}; retrying for up to ${this.timeout} s (transient error).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    return true;
  }

  /** Logs that the operation went through after logged retries. */
  succeeded(): void {
    if (this.logged) logger.warn(`${this.description}: the database answers again.`);
  }
}

/**
 * The error of a write whose COMMIT got no answer because the connection dropped: it may or
 * may not have been stored, so it is not run again (a trial would be created twice).
 */
export function unknownCommit(description: string, error: unknown): StorageError {
  const { message } = fields(chain(error).at(-1));
  return new StorageError(
    `${description}: the connection was lost while committing (${message}); the write may ` +
      "or may not have been stored, so it is not retried. Check the study before running it again.",
    { cause: error },
  );
}
