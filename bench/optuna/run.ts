import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The Python that has Optuna on this machine (Debian's python3-optuna). */
const PYTHON = "/usr/bin/python3";

/**
 * Runs one of the scripts in bench/optuna/ and parses its JSON line; null without Optuna.
 * `python` defaults to Debian's (Optuna 3.1).
 */
export function runOptunaScript<T>(script: string, args: string[] = [], python = PYTHON): T | null {
  const path = fileURLToPath(new URL(script, import.meta.url));
  if (!existsSync(python)) return null;
  try {
    const out = execFileSync(python, [path, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return JSON.parse(out.trim().split("\n").at(-1)!) as T;
  } catch {
    return null;
  }
}
