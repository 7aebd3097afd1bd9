/** The watchdog that ends the children's groups of a `skipjack run` that was SIGKILLed. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { alive, FIXTURES } from "./helpers.js";

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const started: number[] = [];

/** Runs the fixture parent to its end; returns the watchdog's and the group's pids. */
function parent(mode: "bye" | "die"): [number, number] {
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      ["--import", "tsx", join(FIXTURES, "watchdog_parent.ts"), mode],
      { encoding: "utf8" },
    );
  } catch (error) {
    // SIGKILLed on purpose: its output is still there.
    out = (error as { stdout: string }).stdout;
  }
  const [watchdog, group] = out.trim().split(" ").map(Number) as [number, number];
  started.push(group);
  return [watchdog, group];
}

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

describe("GroupWatchdog", () => {
  it("ends the registered groups when its parent dies without saying bye, then exits", async () => {
    const [watchdog, group] = parent("die");
    await waitFor(() => !alive(group));
    await waitFor(() => !alive(watchdog));
  });

  it("leaves the groups alone and exits after a bye", async () => {
    const [watchdog, group] = parent("bye");
    await waitFor(() => !alive(watchdog));
    expect(alive(group)).toBe(true);
  });
});
