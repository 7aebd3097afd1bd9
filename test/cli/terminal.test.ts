// The demo as a person meets it at a terminal: live output under a pseudo-terminal, and Ctrl-C
// (SIGINT to the whole process group, as a terminal sends it), also under `npm start`.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadStudy } from "../../src/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "skipjack-terminal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Collects a child's output; `until(pattern)` resolves when the output first matches it. */
function watch(child: ChildProcess) {
  let text = "";
  const waiters: { pattern: RegExp; resolve: (snapshot: string) => void }[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return {
    text: () => text,
    exited,
    /** The output so far, once it matches `pattern` (null if the child exits first). */
    until: (pattern: RegExp) =>
      Promise.race([
        new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
        exited.then(() => (pattern.test(text) ? text : null)),
      ]),
  };
}

/** Resolves with the exit, or with "still running" after `ms`. */
function exitWithin(
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ms: number,
) {
  return Promise.race([
    exited,
    new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms)),
  ]);
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

describe("the demo at a terminal", () => {
  it("shows trial lines and bar frames while it runs, under a pseudo-terminal", async () => {
    const storage = `sqlite:///${join(dir, "pty.db")}`;
    const command = `${process.execPath} bin/skipjack.js demo --trials 3 --epochs 6 --storage ${storage}`;
    // `script` gives the command a pseudo-terminal, as a terminal window does.
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SKIPJACK_LOG_LEVEL: "INFO" },
    });
    const output = watch(child);
    const firstLine = await output.until(/Trial 0 (finished|pruned)/);
    expect(firstLine).not.toBeNull();
    // Trial 0's line arrived while the next trials were still to run, not all at once at the end.
    expect(firstLine!).not.toMatch(/Trial 2 (finished|pruned)/);
    expect(child.exitCode).toBeNull();
    const exit = await output.exited;
    expect(exit.code).toBe(0);
    const text = output.text().replace(ANSI, "");
    expect(text).toContain("0/3 trials");
    // The frame counting trial 0 is drawn before trial 1's line.
    const frame = text.indexOf("1/3 trials");
    expect(frame).toBeGreaterThan(-1);
    expect(frame).toBeLessThan(text.search(/Trial 1 (finished|pruned)/));
    expect(text).toContain("3/3 trials");
    expect(text).toContain("Test accuracy of the best configuration");
  }, 120_000);

  for (const via of ["node", "npm start"] as const) {
    it(`stops on Ctrl-C within seconds, marks the running trial FAIL, prints what was found, exits 130 (${via})`, async () => {
      const storage = `sqlite:///${join(dir, `sigint-${via.replace(" ", "-")}.db`)}`;
      const flags = ["--trials", "100", "--epochs", "50", "--no-progress", "--storage", storage];
      const [command, args] =
        via === "node"
          ? [process.execPath, ["bin/skipjack.js", "demo", ...flags]]
          : ["npm", ["start", "--silent", "--", ...flags]];
      // Its own process group, so that SIGINT goes to every process in it as from a terminal.
      const child = spawn(command, args, {
        cwd: root,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, SKIPJACK_LOG_LEVEL: "INFO" },
      });
      const output = watch(child);
      try {
        // After trial 0, trial 1 is training: Ctrl-C arrives inside model.fit.
        expect(await output.until(/Trial 0 (finished|pruned)/)).not.toBeNull();
        process.kill(-child.pid!, "SIGINT");
        const exit = await exitWithin(output.exited, 10_000);
        expect(exit).not.toBe("still running");
        // npm passes the status on as its own death by SIGINT: a shell shows 130 for both.
        if (via === "node") expect(exit).toEqual({ code: 130, signal: null });
        else
          expect([130, "SIGINT"]).toContain(
            (exit as { code: number | null }).code ?? (exit as { signal: string }).signal,
          );
      } finally {
        if (child.exitCode === null && child.signalCode === null)
          process.kill(-child.pid!, "SIGKILL");
      }
      const text = output.text();
      expect(text).toContain("Interrupted (Ctrl-C): the running trial is marked FAIL.");
      expect(text).toMatch(/Best parameters \(trial 0\): \{/);
      expect(text).toContain("The test evaluation was skipped");
      expect(text).not.toContain("Test accuracy");

      const study = await loadStudy({ studyName: "skipjack-demo", storage });
      const trials = await study.trials();
      await study.storage.close();
      expect(trials.map((t) => t.state)).toEqual([trials[0]!.state, "FAIL"]);
      expect(["COMPLETE", "PRUNED"]).toContain(trials[0]!.state);
      expect(trials[1]!.systemAttrs["fail_reason"]).toBe("Interrupted by SIGINT.");
    }, 120_000);
  }
});
