import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin", "skipjack.js");
const hide = join(root, "test", "fixtures", "hide-packages.mjs");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
};
const dir = mkdtempSync(join(tmpdir(), "skipjack-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []) {
  return spawnSync(process.execPath, [...nodeArgs, bin, ...args], {
    encoding: "utf8",
    cwd: dir,
    env: { ...process.env, SKIPJACK_DEBUG: "", ...env },
  });
}

/** Standard error is one line (the message), with no stack trace. */
function expectOneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe("skipjack command line", () => {
  it("prints the package version", () => {
    const out = execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(out.trim()).toBe(pkg.version);
  });

  it("prints help with --help and with no arguments", () => {
    for (const args of [["--help"], []]) {
      const result = run(args);
      expect(result.stdout + result.stderr).toContain("Usage: skipjack");
      expect(result.stdout + result.stderr).toContain("--version");
      expect(result.status).toBe(0);
    }
  });
});

describe("errors at the command line", () => {
  it("a usage error is one line that names the flag, exit status 2", () => {
    for (const [args, text] of [
      [["--frobnicate"], "unknown option '--frobnicate'"],
      [["demo", "--trails", "3"], "(Did you mean --trials?)"],
      [["demo", "--trials", "abc"], "--trials must be an integer >= 1"],
      [["demo", "--timeout", "-1"], "the time budget must be a number of seconds > 0"],
    ] as const) {
      const result = run([...args]);
      expect(result.status).toBe(2);
      const line = expectOneLine(result.stderr);
      expect(line).toMatch(/^skipjack: /);
      expect(line).toContain(text);
    }
  });

  it("a bad storage URL is one line that says what to change, exit status 1", () => {
    const result = run(["demo", "--storage", "foo://bar", "--trials", "1"]);
    expect(result.status).toBe(1);
    const line = expectOneLine(result.stderr);
    expect(line).toMatch(/^skipjack: Unsupported storage URL foo:\/\/bar: the scheme "foo"/);
    expect(line).toContain("postgresql://");
  });

  it("an unreachable database is one line, exit status 1", () => {
    const result = run(["demo", "--storage", "postgresql://nobody@127.0.0.1:1/x", "--trials", "1"]);
    expect(result.status).toBe(1);
    expect(expectOneLine(result.stderr)).toMatch(/^skipjack: Could not connect to PostgreSQL/);
  });

  it("a missing optional package is one line that says what to install", () => {
    const tfjs = run(["demo", "--trials", "1"], { SKIPJACK_HIDE_PACKAGES: "@tensorflow/tfjs" }, [
      "--import",
      hide,
    ]);
    expect(tfjs.status).toBe(1);
    expect(expectOneLine(tfjs.stderr)).toBe(
      "skipjack: The demo needs TensorFlow.js, which is not installed: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm",
    );
    const pg = run(
      ["demo", "--storage", "postgresql://postgres@127.0.0.1/x", "--trials", "1"],
      { SKIPJACK_HIDE_PACKAGES: "pg" },
      ["--import", hide],
    );
    expect(pg.status).toBe(1);
    expect(expectOneLine(pg.stderr)).toContain('needs the package "pg", which is not installed');
  });

  it("shows the stack trace only with --debug or SKIPJACK_DEBUG=1", () => {
    for (const [args, env] of [
      [["demo", "--storage", "foo://bar", "--debug"], {}],
      [["demo", "--storage", "foo://bar"], { SKIPJACK_DEBUG: "1" }],
    ] as const) {
      const result = run([...args], env);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("InvalidArgumentError: Unsupported storage URL foo://bar");
      expect(result.stderr).toMatch(/^\s+at .*resolve\.[jt]s/m);
    }
  });
});

describe("the skipjack bin", () => {
  it("is a committed launcher, shipped in the package", () => {
    expect(pkg.bin["skipjack"]).toBe("./bin/skipjack.js");
    expect(pkg.files).toContain("bin");
    expect(pkg.files).toContain("dist");
    expect(pkg.scripts["start"]).toBe("node bin/skipjack.js demo");
  });

  /** A package folder with the launcher, and src/ or dist/ as asked. */
  function layout(name: string, parts: { src?: boolean; dist?: string }): string {
    const folder = join(dir, name);
    mkdirSync(join(folder, "bin"), { recursive: true });
    copyFileSync(bin, join(folder, "bin", "skipjack.js"));
    copyFileSync(join(root, "package.json"), join(folder, "package.json"));
    symlinkSync(join(root, "node_modules"), join(folder, "node_modules"));
    symlinkSync(join(root, "data"), join(folder, "data"));
    if (parts.src) symlinkSync(join(root, "src"), join(folder, "src"));
    if (parts.dist !== undefined) {
      mkdirSync(join(folder, "dist", "cli"), { recursive: true });
      writeFileSync(join(folder, "dist", "cli", "main.js"), parts.dist);
    }
    return join(folder, "bin", "skipjack.js");
  }

  it("runs the sources in a checkout without a build, and never a stale dist/", () => {
    const noBuild = layout("checkout", { src: true });
    const fresh = spawnSync(process.execPath, [noBuild, "--help"], { encoding: "utf8" });
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toContain("Usage: skipjack");
    const stale = layout("stale", {
      src: true,
      dist: 'process.stdout.write("stale build\\n");',
    });
    // A build older than the sources (as after editing src/ or pulling) is never run.
    const staleMain = join(dir, "stale", "dist", "cli", "main.js");
    utimesSync(staleMain, new Date(1_000_000), new Date(1_000_000));
    const withStale = spawnSync(process.execPath, [stale, "--version"], { encoding: "utf8" });
    expect(withStale.stdout.trim()).toBe(pkg.version);
  });

  it("runs a checkout's dist/ while it is newer than every source file (a faster start)", () => {
    const fresh = layout("fresh", { src: true, dist: 'process.stdout.write("fresh build\\n");' });
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, "fresh", "dist", "cli", "main.js"), later, later);
    const result = spawnSync(process.execPath, [fresh, "--version"], { encoding: "utf8" });
    expect(result.stdout).toBe("fresh build\n");
  });

  it("runs dist/ where there are no sources (the published package)", () => {
    const published = layout("published", { dist: 'process.stdout.write("from dist\\n");' });
    const result = spawnSync(process.execPath, [published, "--version"], { encoding: "utf8" });
    expect(result.stdout).toBe("from dist\n");
  });

  it("works with npx right after npm ci (no build)", () => {
    // A fresh npm cache, as on a new machine; offline, since nothing is downloaded.
    const result = spawnSync("npx", ["skipjack", "--version"], {
      encoding: "utf8",
      cwd: root,
      env: {
        ...process.env,
        npm_config_cache: join(dir, "npm-cache"),
        npm_config_offline: "true",
        npm_config_update_notifier: "false",
      },
    });
    expect(result.stderr).not.toContain("not found");
    expect(result.stdout.trim()).toBe(pkg.version);
  }, 60_000);
});
