/**
 * A small leveled logger with Optuna's line format
 * (`[I 2024-01-01 12:00:00,123] message`), writing to standard error.
 */
import { InvalidArgumentError } from "../errors/index.js";

/** Verbosity levels, from the most to the least talkative (Optuna's names). */
export const Verbosity = {
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
} as const;
export type Verbosity = (typeof Verbosity)[keyof typeof Verbosity];

/**
 * A level by name, in any case: Optuna's (and Python's) "debug", "info", "warning", "error",
 * "critical", and their aliases "warn" and "fatal".
 */
export type VerbosityName =
  | keyof typeof Verbosity
  | Lowercase<keyof typeof Verbosity>
  | "WARN"
  | "warn"
  | "FATAL"
  | "fatal";

const LETTERS: Record<number, string> = { 10: "D", 20: "I", 30: "W", 40: "E", 50: "C" };

const BY_NAME: Readonly<Record<string, Verbosity>> = {
  ...Verbosity,
  WARN: Verbosity.WARNING,
  FATAL: Verbosity.CRITICAL,
};

/**
 * The level a name or number stands for. Plain JavaScript callers can pass anything, so an
 * unknown level is an error rather than a silent "print everything".
 */
export function parseVerbosity(level: Verbosity | VerbosityName | string | number): Verbosity {
  if (typeof level === "number") {
    if (Object.values(Verbosity).includes(level as Verbosity)) return level as Verbosity;
  } else if (typeof level === "string") {
    const byName = Object.hasOwn(BY_NAME, level.toUpperCase())
      ? BY_NAME[level.toUpperCase()]
      : undefined;
    if (byName !== undefined) return byName;
  }
  const shown = typeof level === "string" ? JSON.stringify(level) : String(level);
  throw new InvalidArgumentError(
    `Unknown verbosity level ${shown}: use Verbosity.DEBUG, INFO, WARNING, ERROR or CRITICAL ` +
      `(or their names, e.g. "warning"; the numbers 10, 20, 30, 40, 50).`,
  );
}

function levelFromEnvironment(): Verbosity {
  const name = process.env["SKIPJACK_LOG_LEVEL"];
  if (name === undefined || name === "") return Verbosity.INFO;
  try {
    return parseVerbosity(name);
  } catch {
    process.stderr.write(
      `skipjack: SKIPJACK_LOG_LEVEL=${name} is not a level (debug, info, warning, error, critical); using info.\n`,
    );
    return Verbosity.INFO;
  }
}

/** Where log lines go; replaced by the progress bar so lines print above it. */
export type LogSink = (line: string) => void;

const defaultSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

let verbosity: Verbosity = levelFromEnvironment();
let sink: LogSink = defaultSink;

/**
 * Sets the minimum level that is printed (default INFO, or `SKIPJACK_LOG_LEVEL`): a
 * `Verbosity` value or its name in any case (`"warning"`, as Optuna's levels are named).
 * Throws `InvalidArgumentError` for anything else.
 */
export function setVerbosity(level: Verbosity | VerbosityName): void {
  verbosity = parseVerbosity(level);
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
