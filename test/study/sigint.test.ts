import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const worker = fileURLToPath(new URL("../fixtures/sigint-worker.ts", import.meta.url));

describe("Ctrl-C during optimize", () => {
  it("marks running trials FAIL, aborts their signals and returns cleanly", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", worker], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    let sent = false;
    // Not stopped within 20 s: killed, and the exit code below fails the test.
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (!sent && (out.match(/started/g) ?? []).length === 3) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      child.on("exit", (c) => resolve(c));
    });
    clearTimeout(guard);
    expect(err).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as {
      states: string[];
      reasons: string[];
      aborted: number;
    };
    expect(result.states).toEqual(["FAIL", "FAIL", "FAIL"]);
    expect(result.reasons).toEqual(Array(3).fill("Interrupted by SIGINT."));
    expect(result.aborted).toBe(3);
  }, 30_000);

  it("stops between trials that keep the event loop busy", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", worker, "sync"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let sent = false;
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    // Not stopped within 20 s: killed, and the exit code below fails the test.
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (!sent && out.includes("started")) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      child.on("exit", (c) => resolve(c));
    });
    clearTimeout(guard);
    expect(err).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as { states: string[] };
    // Every trial ran to its end (the signal is seen between trials), and far fewer than asked.
    expect(result.states.length).toBeGreaterThan(0);
    expect(result.states.length).toBeLessThan(1_000_000);
    expect(new Set(result.states)).toEqual(new Set(["COMPLETE"]));
  }, 30_000);
});
