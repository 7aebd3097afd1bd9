/**
 * How the command line reports a failure: one line on standard error that says what to
 * change, and an exit status (1 for errors, 2 for usage errors, 130 after Ctrl-C). The stack
 * trace only with `--debug` or `SKIPJACK_DEBUG=1`.
 */
import { inspect } from "node:util";
import { CommanderError } from "commander";
import { SkipjackError } from "../errors/index.js";

/** Exit status after Ctrl-C: 128 + SIGINT, as a shell reports a process ended by it. */
export const EXIT_INTERRUPTED = 130;
/** Exit status of a command line the parser rejected. */
export const EXIT_USAGE = 2;
/** Exit status of every other error. */
export const EXIT_ERROR = 1;

/** Whether stack traces are wanted: `--debug` anywhere on the line, or `SKIPJACK_DEBUG=1`. */
export function debugWanted(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const flag = env["SKIPJACK_DEBUG"];
  return argv.includes("--debug") || (flag !== undefined && flag !== "" && flag !== "0");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** Commander's messages (it prints them itself): "error: ..." becomes one "skipjack: ..." line. */
export function formatParserMessage(text: string): string {
  const message = oneLine(text.replace(/^error: /, "")).replace(/\.$/, "");
  return `skipjack: ${message} (see --help)\n`;
}

/** Prints `error` as the command line shows it and returns the exit status. */
export function reportError(
  error: unknown,
  debug: boolean,
  write: (text: string) => void = (text) => {
    process.stderr.write(text);
  },
): number {
  if (error instanceof CommanderError) {
    // The parser printed its message (or the help, or the version) already.
    const done = ["commander.helpDisplayed", "commander.help", "commander.version"];
    return done.includes(error.code) ? error.exitCode : EXIT_USAGE;
  }
  if (debug) {
    write(`${inspect(error, { depth: 6 })}\n`);
    return EXIT_ERROR;
  }
  if (error instanceof SkipjackError) {
    write(`skipjack: ${oneLine(error.message)}\n`);
    return EXIT_ERROR;
  }
  const described =
    error instanceof Error ? `${error.name}: ${oneLine(error.message)}` : oneLine(String(error));
  write(
    `skipjack: unexpected error: ${described} (rerun with --debug or SKIPJACK_DEBUG=1 for the stack trace)\n`,
  );
  return EXIT_ERROR;
}
