/** Runs `skipjack run` as a separate process and reads what it stored. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStorage } from "../../src/storages/resolve.js";
import type { FrozenTrial } from "../../src/trial/frozen.js";

export const BIN = fileURLToPath(new URL("../../bin/skipjack.js", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
/** Debian's Python, standard library only. */
export const PYTHON = "/usr/bin/python3";

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `skipjack run`. */
export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
}

/** Starts `skipjack run <args>` in `cwd`. */
export function startRun(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, "run", ...args], {
    cwd,
    env: { ...process.env, SKIPJACK_DEBUG: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<Finished>((resolve) => {
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `skipjack run <args>` in `cwd` to the end. */
export function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return startRun(args, cwd, env).done;
}

/** A fresh working directory. */
export function workDir(): string {
  return mkdtempSync(join(tmpdir(), "sj-run-"));
}

/** The trials of a study, by number. */
export async function trialsOf(url: string, studyName: string): Promise<FrozenTrial[]> {
  const storage = await openStorage(url);
  try {
    const id = await storage.getStudyIdFromName(studyName);
    return [...(await storage.getAllTrials(id))].sort((a, b) => a.number - b.number);
  } finally {
    await storage.close();
  }
}

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
