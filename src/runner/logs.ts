/**
 * Trial logs: each trial's standard output and error go to `<log dir>/<trial number>.log`
 * (default `skipjack-logs/<study>/`), and with `--verbose` also to this process's standard
 * error, each line prefixed with `[trial N]`.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join, resolve } from "node:path";

/** The default log directory of a study. */
export function defaultLogDir(studyName: string): string {
  return join("skipjack-logs", safeName(studyName));
}

/** A study name as one path component. */
export function safeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_");
  return safe === "" || safe === "." || safe === ".." ? "_" : safe;
}

/** One trial's log file. */
export class TrialLog {
  readonly path: string;
  private readonly stream: WriteStream;

  constructor(
    dir: string,
    private readonly trialNumber: number,
    private readonly echo: ((text: string) => void) | null,
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = resolve(dir, `${trialNumber}.log`);
    // A retried or re-run trial number appends, so no earlier output is lost.
    this.stream = createWriteStream(this.path, { flags: "a" });
  }

  /** Writes one line of the child's output (or of skipjack about the trial). */
  line(text: string): void {
    this.stream.write(`${text}\n`);
    this.echo?.(`[trial ${this.trialNumber}] ${text}\n`);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((done) => this.stream.end(done));
  }
}
