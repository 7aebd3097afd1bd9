/**
 * One trial's process. It runs in its own process group (a detached spawn), so that stopping
 * it reaches everything it started: SIGTERM to the whole group, then SIGKILL after the grace
 * period. Every group still alive is known to `ChildRegistry`, which Ctrl-C empties, and to its
 * watchdog, which ends them if this process dies without doing so.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { GroupWatchdog } from "./watchdog.js";

/** How a child ended: its exit code, or the signal that ended it. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What `startChild` needs. */
export interface ChildOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Each line of standard output, without its newline. */
  onStdout(line: string): void;
  /** Each line of standard error, without its newline. */
  onStderr(line: string): void;
}

/** A running child and its process group. */
export class Child {
  /** Settles when the process has exited and both of its pipes are read to the end. */
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | null = null;
  private killTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly proc: ChildProcess,
    streamsDone: Promise<unknown>,
    registry: ChildRegistry,
  ) {
    const exited = new Promise<ChildExit>((resolve, reject) => {
      proc.once("error", reject);
      proc.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    this.exited = exited
      .then(async (exit) => {
        // Pipes held open by a grandchild that survived would keep this waiting: the group is
        // ended after the child itself, then the pipes close.
        this.signalGroup("SIGKILL");
        await streamsDone;
        return exit;
      })
      .finally(() => {
        if (this.killTimer !== null) clearTimeout(this.killTimer);
        registry.delete(this);
      });
  }

  /** The process id, which is also the id of its process group. */
  get pid(): number {
    return this.proc.pid as number;
  }

  /** Sends `signal` to the whole process group (quietly when it is gone). */
  signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: nothing of the group is left.
    }
  }

  /**
   * Stops the group: SIGTERM now, SIGKILL after `graceSeconds` if anything of it still runs.
   * Resolves when the child has exited.
   */
  async stop(graceSeconds: number): Promise<ChildExit> {
    this.signalGroup("SIGTERM");
    if (this.exit === null && this.killTimer === null) {
      this.killTimer = setTimeout(() => this.signalGroup("SIGKILL"), graceSeconds * 1000);
    }
    const exit = await this.exited;
    // The child left, but a grandchild that ignored SIGTERM may not have: end it too.
    this.signalGroup("SIGKILL");
    return exit;
  }
}

/** The children alive in this process. */
export class ChildRegistry {
  private readonly children = new Set<Child>();

  /** `watchdog`, when given, is told of every group as it starts and ends. */
  constructor(private readonly watchdog?: GroupWatchdog) {}

  /** Starts a child in its own process group and registers it. */
  start(options: ChildOptions): Child {
    const [file, ...args] = options.argv as [string, ...string[]];
    const proc = spawn(file, args, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) =>
      new Promise<void>((resolve) => {
        const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
        reader.on("line", onLine);
        reader.once("close", resolve);
      });
    const streamsDone =
      proc.stdout === null || proc.stderr === null
        ? Promise.resolve()
        : Promise.all([lines(proc.stdout, options.onStdout), lines(proc.stderr, options.onStderr)]);
    const child = new Child(proc, streamsDone, this);
    if (proc.pid !== undefined) {
      this.children.add(child);
      this.watchdog?.add(proc.pid);
    }
    return child;
  }

  /** @internal */
  delete(child: Child): void {
    if (this.children.delete(child)) this.watchdog?.remove(child.pid);
  }

  /** How many children are alive. */
  get size(): number {
    return this.children.size;
  }

  /** Stops every child's group (SIGTERM, SIGKILL after `graceSeconds`) and waits for them. */
  async stopAll(graceSeconds: number): Promise<void> {
    await Promise.all([...this.children].map((c) => c.stop(graceSeconds).catch(() => undefined)));
  }

  /** SIGKILL to every group at once (a second Ctrl-C, or the process exiting). */
  killAll(): void {
    for (const child of this.children) child.signalGroup("SIGKILL");
  }
}
