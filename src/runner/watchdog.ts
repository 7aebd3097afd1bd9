/**
 * A watchdog for the children's process groups, for when `skipjack run` cannot stop them
 * itself (SIGKILL, a hard crash). It is a tiny separate node process, started once per run,
 * that reads the run's messages on a pipe: `+PGID` when a trial's group starts, `-PGID` when it
 * is gone, `bye` on a clean exit. When the pipe closes without `bye`, the run has died: the
 * watchdog sends SIGTERM to every group still registered, SIGKILL after the grace period to
 * whatever is left, and exits. Linux (and other POSIX systems) only: it relies on process
 * groups and on the pipe closing when its writer dies.
 *
 * The script is passed with `node -e`, so it needs no file of its own in the published package
 * and no TypeScript loader.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** Plain CommonJS, run by `node -e`; argv[1] is the grace period in milliseconds. */
const SCRIPT = `
const graceMs = Number(process.argv[1]) || 0;
const groups = new Set();
let bye = false;
let buffered = "";
// Ctrl-C and hang-ups are for the run, which stops its children itself.
for (const s of ["SIGINT", "SIGHUP", "SIGTERM"]) process.on(s, () => {});
const signal = (pgid, sig) => {
  try { process.kill(-pgid, sig); return true; } catch { return false; }
};
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffered += chunk;
  const lines = buffered.split("\\n");
  buffered = lines.pop();
  for (const line of lines) {
    if (line === "bye") bye = true;
    else if (line[0] === "+") groups.add(Number(line.slice(1)));
    else if (line[0] === "-") groups.delete(Number(line.slice(1)));
  }
});
process.stdin.on("error", () => {});
process.stdin.on("close", () => {
  if (bye || groups.size === 0) process.exit(0);
  for (const pgid of groups) if (!signal(pgid, "SIGTERM")) groups.delete(pgid);
  const until = Date.now() + graceMs;
  const poll = setInterval(() => {
    for (const pgid of groups) if (!signal(pgid, 0)) groups.delete(pgid);
    if (groups.size > 0 && Date.now() < until) return;
    for (const pgid of groups) signal(pgid, "SIGKILL");
    clearInterval(poll);
    process.exit(0);
  }, 100);
});
`;

/** The run's side of the watchdog: tells it which process groups are alive. */
export class GroupWatchdog {
  private closed = false;

  private constructor(private readonly proc: ChildProcess) {}

  /**
   * Starts the watchdog. `graceSeconds` is how long it waits between SIGTERM and SIGKILL once
   * the run has died. Neither the process nor its pipe keeps this process alive.
   */
  static start(graceSeconds: number): GroupWatchdog {
    const proc = spawn(process.execPath, ["-e", SCRIPT, String(Math.round(graceSeconds * 1000))], {
      // Its own session: a terminal's Ctrl-C or hang-up, or a kill of the run's process group,
      // does not reach it.
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    // Without a watchdog (it failed to start, or was killed) the run still works.
    proc.on("error", () => undefined);
    proc.stdin?.on("error", () => undefined);
    proc.unref();
    (proc.stdin as { unref?: () => void } | null)?.unref?.();
    return new GroupWatchdog(proc);
  }

  /** The watchdog's process id (undefined when it could not start). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** A trial's process group started. */
  add(pgid: number): void {
    this.send(`+${pgid}`);
  }

  /** A trial's process group is gone. */
  remove(pgid: number): void {
    this.send(`-${pgid}`);
  }

  /** A clean exit: the watchdog leaves without touching any group. */
  close(): void {
    if (this.closed) return;
    this.send("bye");
    this.closed = true;
    this.proc.stdin?.end();
  }

  private send(line: string): void {
    const stdin = this.proc.stdin;
    if (this.closed || stdin === null || stdin.destroyed) return;
    stdin.write(`${line}\n`);
  }
}
