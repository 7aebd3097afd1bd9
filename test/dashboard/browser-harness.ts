/**
 * What the browser tests share: the dashboard UI built when its sources are newer than
 * dist/dashboard/, `skipjack dashboard` started as a real process on a free port, and Debian's
 * Chromium driven by playwright-core (never a downloaded browser).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const bin = join(root, "bin/skipjack.js");
const uiSources = join(root, "src/dashboard-ui");
const uiIndex = join(root, "dist/dashboard/index.html");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the UI unless dist/dashboard/ is newer than its sources (CI builds it first). */
export function ensureUiBuilt(): void {
  if (existsSync(uiIndex) && statSync(uiIndex).mtimeMs >= newestMtime(uiSources)) return;
  const vite = join(root, "node_modules/vite/bin/vite.js");
  const result = spawnSync(
    process.execPath,
    [vite, "build", "--config", join(uiSources, "vite.config.ts")],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  if (result.status !== 0) throw new Error(`vite build failed: ${result.stderr}${result.stdout}`);
}

/** A running `skipjack dashboard`. */
export interface Dashboard {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `skipjack dashboard STORAGE --port 0 ...args` and waits for the URL it prints. */
export function startDashboard(storage: string, args: string[] = []): Promise<Dashboard> {
  const child = spawn(process.execPath, [bin, "dashboard", storage, "--port", "0", ...args], {
    env: { ...process.env, SKIPJACK_DEBUG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/[^\s]+/.exec(out);
      if (match !== null) resolve({ url: match[0].replace(/\/?$/, "/"), child, stop });
    });
    child.on("exit", (code) => reject(new Error(`dashboard exited with ${code}: ${err}${out}`)));
  });
}

/** Runs the skipjack command line to completion (as another process). */
export function runCli(args: string[]): string {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`skipjack ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** Console errors, uncaught exceptions and dialogs (alert) of a page, as they happen. */
export function watchPage(page: Page): { errors: string[]; dialogs: string[] } {
  const seen = { errors: [] as string[], dialogs: [] as string[] };
  page.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(message.text());
  });
  page.on("pageerror", (error) => seen.errors.push(error.message));
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

/** Scrolls a page to its end so that figures drawn on approach are built. */
export async function scrollThrough(page: Page): Promise<void> {
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(100);
  }
}
