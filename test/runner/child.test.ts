import { describe, expect, it } from "vitest";
import { ChildRegistry } from "../../src/runner/child.js";
import { alive, PYTHON } from "./helpers.js";

const IGNORES_SIGTERM = [
  "import os, signal, sys, time",
  "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
  "pid = os.fork()",
  "print(os.getpid() if pid else 0, flush=True)",
  "if pid == 0: print(os.getpid(), flush=True)",
  "time.sleep(600)",
].join("\n");

describe("child process groups", () => {
  it("SIGTERM, then SIGKILL to the whole group after the grace period", async () => {
    const registry = new ChildRegistry();
    const pids: number[] = [];
    const child = registry.start({
      argv: [PYTHON, "-c", IGNORES_SIGTERM],
      env: process.env,
      onStdout: (line) => {
        if (Number(line) > 0) pids.push(Number(line));
      },
      onStderr: () => undefined,
    });
    expect(registry.size).toBe(1);
    while (pids.length < 2) await new Promise((r) => setTimeout(r, 20));
    const exit = await child.stop(0.3);
    expect(exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(registry.size).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it("a command that cannot start rejects, and nothing is registered", async () => {
    const registry = new ChildRegistry();
    const child = registry.start({
      argv: ["/nonexistent/program"],
      env: process.env,
      onStdout: () => undefined,
      onStderr: () => undefined,
    });
    await expect(child.exited).rejects.toThrow(/ENOENT/);
    expect(registry.size).toBe(0);
  });
});
