/**
 * A small leveled logger with Optuna's line format
 * (`[I 2024-01-01 12:00:00,123] message`), writing to standard error.
 */

/** Verbosity levels, from the most to the least talkative (Optuna's names). */
export const Verbosity = {
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
} as const;
export type Verbosity = (typeof Verbosity)[keyof typeof Verbosity];

const LETTERS: Record<number, string> = { 10: "D", 20: "I", 30: "W", 40: "E", 50: "C" };

function levelFromEnvironment(): Verbosity {
  const name = process.env["SKIPJACK_LOG_LEVEL"]?.toUpperCase();
  if (name !== undefined && name in Verbosity) return Verbosity[name as keyof typeof Verbosity];
  return Verbosity.INFO;
}

/** Where log lines go; replaced by the progress bar so lines print above it. */
export type LogSink = (line: string) => void;

const defaultSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

let verbosity: Verbosity = levelFromEnvironment();
let sink: LogSink = defaultSink;

/** Sets the minimum level that is printed (default INFO, or `SKIPJACK_LOG_LEVEL`). */
export function setVerbosity(level: Verbosity): void {
  verbosity = level;
}

/** The current minimum printed level. */
export function getVerbosity(): Verbosity {
  return verbosity;
}

/** Redirects log lines (e.g. to print above a progress bar); `undefined` restores stderr. */
export function setLogSink(next: LogSink | undefined): LogSink {
  const previous = sink;
  sink = next ?? defaultSink;
  return previous;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function timestamp(d: Date): string {
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
  );
}

function emit(level: Verbosity, message: string): void {
  if (level < verbosity) return;
  sink(`[${LETTERS[level]} ${timestamp(new Date())}] ${message}`);
}

/** The library's logger. */
export const logger = {
  debug: (message: string): void => emit(Verbosity.DEBUG, message),
  info: (message: string): void => emit(Verbosity.INFO, message),
  warn: (message: string): void => emit(Verbosity.WARNING, message),
  error: (message: string): void => emit(Verbosity.ERROR, message),
};
