/**
 * What every storage command shares: the flags Optuna's commands all take (--storage, -v, -q,
 * --log-file, --debug), where the storage URL comes from, where output and log lines go, and
 * the example at the end of each command's --help.
 */
import { appendFileSync } from "node:fs";
import { type Command, InvalidArgumentError as CommanderArgumentError, Option } from "commander";
import { InvalidArgumentError } from "../errors/index.js";
import { getVerbosity, setLogSink, setVerbosity, Verbosity } from "../logging/index.js";
import { FORMATS, type Format, type Sink } from "./output.js";

/** Where a command prints: standard output (with its terminal width) and standard error. */
export interface CliIo {
  readonly out: Sink;
  err(text: string): void;
  readonly env: NodeJS.ProcessEnv;
}

/** The process's own streams; output waits when the pipe is full, and stops quietly at EPIPE. */
export function processIo(): CliIo {
  let closed = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") closed = true;
  });
  return {
    out: {
      columns: process.stdout.isTTY ? process.stdout.columns : undefined,
      write: (text) =>
        closed
          ? undefined
          : process.stdout.write(text)
            ? undefined
            : new Promise<void>((resolve) => {
                const done = (): void => {
                  process.stdout.off("drain", done);
                  process.stdout.off("error", done);
                  resolve();
                };
                process.stdout.on("drain", done);
                process.stdout.on("error", done);
              }),
    },
    err: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
  };
}

/** The flags every storage command takes. */
export interface CommonFlags {
  storage?: string;
  storageClass?: string;
  verbose?: number;
  quiet?: boolean;
  logFile?: string;
  debug?: boolean;
}

/** Adds Optuna's common flags to a command. */
export function addCommonOptions(command: Command): Command {
  return command
    .option(
      "--storage <url>",
      "database URL, e.g. sqlite:///study.db (default: $SKIPJACK_STORAGE, else $OPTUNA_STORAGE)",
    )
    .addOption(
      new Option("-v, --verbose", "more log lines (repeat for more)")
        .argParser((_v: string, previous: number | undefined) => (previous ?? 0) + 1)
        .conflicts("quiet"),
    )
    .option(
      "--storage-class <class>",
      "Optuna >= 4's storage class hint: RDBStorage (the only kind skipjack has) or left out",
    )
    .option("-q, --quiet", "only warnings and errors on standard error")
    .option("--log-file <path>", "also append the log lines to this file")
    .option("--debug", "print the stack trace of an error (also SKIPJACK_DEBUG=1)");
}

/** `-f/--format` with a command's default (Optuna's), plus `--flatten` unless left out. */
export function addFormatOptions(
  command: Command,
  defaultFormat: Format,
  flattenHelp: string | null,
): Command {
  command.addOption(
    new Option("-f, --format <format>", "output format").choices(FORMATS).default(defaultFormat),
  );
  if (flattenHelp !== null) command.option("--flatten", flattenHelp);
  return command;
}

/** The example printed at the end of a command's --help. */
export function withExample(command: Command, ...lines: string[]): Command {
  return command.addHelpText("after", `\nExample:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`);
}

/** The storage URL: --storage, else SKIPJACK_STORAGE, else OPTUNA_STORAGE. */
export function storageUrl(flags: CommonFlags, env: NodeJS.ProcessEnv): string {
  if (flags.storageClass !== undefined && flags.storageClass !== "RDBStorage") {
    throw new InvalidArgumentError(
      `--storage-class ${flags.storageClass}: skipjack stores studies in SQL databases only (RDBStorage); journal files and Redis are not supported. Leave the flag out, or pass RDBStorage.`,
    );
  }
  const url = flags.storage ?? nonEmpty(env["SKIPJACK_STORAGE"]) ?? nonEmpty(env["OPTUNA_STORAGE"]);
  if (url === undefined) {
    throw new InvalidArgumentError(
      "No storage given: pass --storage URL (e.g. --storage sqlite:///study.db) or set SKIPJACK_STORAGE.",
    );
  }
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Runs a command body with its log level (-v: debug, -q: warning, else info) and log lines
 * going to standard error (and --log-file); restores the logger afterwards.
 */
export async function withLogging<T>(
  flags: CommonFlags,
  io: CliIo,
  body: () => Promise<T>,
): Promise<T> {
  const level = flags.quiet
    ? Verbosity.WARNING
    : (flags.verbose ?? 0) > 0
      ? Verbosity.DEBUG
      : Verbosity.INFO;
  const previousLevel = getVerbosity();
  const logFile = flags.logFile;
  setVerbosity(level);
  const previousSink = setLogSink((line) => {
    io.err(`${line}\n`);
    if (logFile !== undefined) appendFileSync(logFile, `${line}\n`);
  });
  try {
    return await body();
  } finally {
    setLogSink(previousSink);
    setVerbosity(previousLevel);
  }
}

/** A parser for an integer option (a usage error otherwise). */
export function integerOption(name: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
      throw new CommanderArgumentError(`${name} must be an integer, got "${text}".`);
    }
    return value;
  };
}

/** A parser for a number of a variadic option (Python's `float()` spellings included). */
export function floatOption(name: string) {
  return (text: string, previous: number[] | undefined): number[] => {
    const t = text.trim().toLowerCase();
    const value =
      t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity"
        ? Number.POSITIVE_INFINITY
        : t === "-inf" || t === "-infinity"
          ? Number.NEGATIVE_INFINITY
          : t === "nan"
            ? Number.NaN
            : t === "" || Number.isNaN(Number(t))
              ? undefined
              : Number(t);
    if (value === undefined) {
      throw new CommanderArgumentError(`${name} takes numbers, got "${text}".`);
    }
    return [...(previous ?? []), value];
  };
}
