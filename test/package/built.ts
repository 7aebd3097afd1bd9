/**
 * The package's build for the tests that use it as users get it. CI builds before testing; a
 * fresh checkout, or a dist/ older than src/, builds here, one test file at a time (a lock
 * folder), since `npm run build` starts by removing dist/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

/** The repository root, with a trailing slash. */
export const root = fileURLToPath(new URL("../../", import.meta.url));

/** The last modification time of any file under `dir`. */
function newestSource(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((newest, entry) => {
      return Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
    }, 0);
}

function fresh(): boolean {
  const built = `${root}dist/index.js`;
  return existsSync(built) && statSync(built).mtimeMs >= newestSource(`${root}src`);
}

/** Builds dist/ unless it is newer than every source file. */
export async function ensureBuilt(): Promise<void> {
  const lock = `${root}node_modules/.skipjack-test-build.lock`;
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building; a lock older than 5 minutes was left by a killed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 300_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      await sleep(500);
      continue;
    }
    try {
      if (!fresh()) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
