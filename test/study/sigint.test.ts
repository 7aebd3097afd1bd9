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
});
