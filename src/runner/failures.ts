/**
 * Why a trial's command failed, as `fail_reason` stores it: exit code or signal and the last
 * lines of standard error; and the stop after `--max-consecutive-failures` failures in a row,
 * so that a typo in the command does not burn the whole budget.
 */
import { SkipjackError } from "../errors/index.js";
import type { ChildExit } from "./child.js";

/** Lines of standard error kept for `fail_reason`. */
export const STDERR_TAIL_LINES = 10;

/** The last lines of a stream, at most `limit` of them. */
export class Tail {
  private readonly lines: string[] = [];
  constructor(private readonly limit: number = STDERR_TAIL_LINES) {}

  push(line: string): void {
    this.lines.push(line.length > 500 ? `${line.slice(0, 500)}...` : line);
    if (this.lines.length > this.limit) this.lines.shift();
  }

  text(): string {
    return this.lines.join("\n");
  }
}

/**
 * The error a trial's objective throws when its command failed; its message becomes the
 * trial's `fail_reason` (as "CommandFailed: ..."), and the study goes on.
 */
export class CommandFailed extends Error {
  override readonly name = "Command failed";
}

/** "exit code 2", "killed by SIGKILL". */
export function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** The message of a failed command: how it ended, then its last lines of standard error. */
export function failureMessage(how: string, stderr: Tail): string {
  const tail = stderr.text();
  return tail === ""
    ? `${how} (nothing on standard error)`
    : `${how}; last lines of standard error:\n${tail}`;
}

/** Counts failures in a row; a trial that completes or is pruned resets the count. */
export class ConsecutiveFailures {
  private count = 0;
  private lastReason = "";

  constructor(readonly limit: number) {}

  /** Records a finished trial; returns true when the limit is reached. */
  record(failed: boolean, reason: string | undefined): boolean {
    if (!failed) {
      this.count = 0;
      return false;
    }
    this.count++;
    this.lastReason = reason ?? "(no reason recorded)";
    return this.limit > 0 && this.count >= this.limit;
  }

  /** The error that ends the run. */
  error(command: readonly string[]): SkipjackError {
    return new SkipjackError(
      `${this.count} trials failed in a row (--max-consecutive-failures ${this.limit}); stopped. Command: ${quoteArgv(command)}. Last error: ${this.lastReason}`,
    );
  }
}

/** An argv as a shell would show it, for messages only (nothing runs through a shell). */
export function quoteArgv(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_./:=@%+,{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}
