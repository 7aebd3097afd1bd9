import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

function run(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", main, ...args], { encoding: "utf8" });
}

describe("skipjack command line", () => {
  it("prints the package version", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", main, "--version"], {
      encoding: "utf8",
    });
    expect(out.trim()).toBe(pkg.version);
  });

  it("prints help with --help and with no arguments", () => {
    for (const args of [["--help"], []]) {
      const result = run(...args);
      expect(result.stdout + result.stderr).toContain("Usage: skipjack");
      expect(result.stdout + result.stderr).toContain("--version");
    }
  });

  it("rejects an unknown option with a non-zero exit", () => {
    const result = run("--frobnicate");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("unknown option");
  });
});
