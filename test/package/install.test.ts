/**
 * The package as users get it: `npm pack`, the tarball installed into a new project (from the
 * local npm cache where it can), then the command line, an ES module script, a TypeScript
 * consumer checked against the shipped declarations, and the messages for missing optional
 * packages.
 */
import { type ExecFileSyncOptions, execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, root } from "./built.js";

const work = mkdtempSync(join(tmpdir(), "skipjack-install-"));
const project = join(work, "project");
const requireFromRoot = createRequire(`${root}package.json`);

const betterSqlite3Version = (requireFromRoot("better-sqlite3/package.json") as { version: string })
  .version;

/** What `npm pack --json` says about the tarball. */
interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}
let packed: Packed;

/** Runs a command in the project; its status, output and error output. */
function run(command: string, args: readonly string[], options: ExecFileSyncOptions = {}) {
  const result = spawnSync(command, args, {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, SKIPJACK_LOG_LEVEL: "WARNING", SKIPJACK_DEBUG: "" },
    timeout: 60_000,
    ...options,
  });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** `npx skipjack ...`, as a user types it. */
const npx = (...args: string[]) => run("npx", ["--offline", "skipjack", ...args]);
/** The installed command itself (npx adds seconds of its own to each call). */
const skipjack = (...args: string[]) => run(join(project, "node_modules/.bin/skipjack"), args);
/** `tsc -p` with these compiler options on one consumer file; its output and status. */
function typeCheck(file: string, source: string, options: Record<string, unknown>) {
  writeFileSync(join(project, file), source);
  const config = `tsconfig.${file}.json`;
  writeFileSync(
    join(project, config),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        types: ["node"],
        ...options,
      },
      files: [file],
    }),
  );
  const checked = run(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", config],
    { timeout: 110_000 },
  );
  return { status: checked.status, output: checked.stdout + checked.stderr };
}

/** An ES module script run in the project. */
const script = (source: string) => run(process.execPath, ["--input-type=module", "-e", source]);

/**
 * better-sqlite3 downloads a prebuilt binary where it can, else compiles SQLite for about 75 s.
 * This checkout's binary, packed as a prebuilt one and found by its documented
 * `local-prebuilds` setting, keeps the install at seconds with no download.
 */
function localPrebuild(): Record<string, string> {
  const binary = join(root, "node_modules/better-sqlite3/build/Release/better_sqlite3.node");
  if (!existsSync(binary)) return {};
  const dir = join(work, "prebuilds");
  mkdirSync(dir);
  const name = `better-sqlite3-v${betterSqlite3Version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync("tar", [
    "-czf",
    join(dir, name),
    "-C",
    join(root, "node_modules/better-sqlite3"),
    "build/Release/better_sqlite3.node",
  ]);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

beforeAll(async () => {
  await ensureBuilt();
  const out = execFileSync(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", work],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  packed = (JSON.parse(out) as Packed[])[0]!;
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      name: "consumer",
      version: "1.0.0",
      private: true,
      type: "module",
      // The checkout's better-sqlite3, whose binary is the local prebuild (a newer release
      // on the registry would be compiled instead).
      overrides: { "better-sqlite3": betterSqlite3Version },
    }),
  );
  execFileSync(
    "npm",
    ["install", join(work, packed.filename), "--prefer-offline", "--no-audit", "--no-fund"],
    { cwd: project, stdio: "ignore", env: { ...process.env, ...localPrebuild() } },
  );
  // Node's types, as a TypeScript project on Node has them, from the checkout.
  mkdirSync(join(project, "node_modules/@types"));
  symlinkSync(join(root, "node_modules/@types/node"), join(project, "node_modules/@types/node"));
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the tarball", () => {
  it("holds the build, the command, the data and the clients, and no sources, tests or maps", () => {
    const paths = packed.files.map((f) => f.path);
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "bin/skipjack.js",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli/main.js",
      "dist/integration/tfjs/entry.js",
      "dist/integration/tfjs/index.d.ts",
      "data/digits.csv.gz",
    ]) {
      expect(paths).toContain(needed);
    }
    expect(paths.some((p) => p.startsWith("clients/"))).toBe(true);
    const unwanted = paths.filter((p) =>
      /\.map$|\.test\.|__pycache__|^(src|test|bench|examples|scripts|docs|node_modules)\//.test(p),
    );
    expect(unwanted).toEqual([]);
  });

  it("stays small: Plotly comes from its own package, never bundled (1.4 MB gzipped alone)", () => {
    expect(packed.size).toBeLessThan(1_500_000);
  });
});

describe("installed with TensorFlow.js, pg and mysql2 absent", () => {
  it("answers `npx skipjack --help`", () => {
    const help = npx("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: skipjack /m);
    expect(help.stdout).toContain("create-study");
  });

  it("creates a study on a SQLite file, asks, tells and lists its trials", () => {
    const storage = "sqlite:///study.db";
    const created = npx("create-study", "--storage", storage, "--study-name", "s");
    expect(created).toMatchObject({ status: 0, stdout: "s\n" });
    const space = JSON.stringify({
      x: { name: "FloatDistribution", attributes: { low: 0, high: 1, log: false, step: null } },
    });
    const asked = skipjack(
      "ask",
      "--storage",
      storage,
      "--study-name",
      "s",
      "--search-space",
      space,
    );
    expect(asked.status).toBe(0);
    const trial = JSON.parse(asked.stdout) as { number: number; params: { x: number } };
    expect(trial.number).toBe(0);
    const value = String(trial.params.x * 2);
    const told = skipjack(
      ...["tell", "--storage", storage, "--study-name", "s", "--trial-number", "0"],
      ...["--values", value],
    );
    expect(told.status).toBe(0);
    const listed = skipjack("trials", "--storage", storage, "--study-name", "s", "-f", "json");
    expect(listed.status).toBe(0);
    const rows = JSON.parse(listed.stdout) as { number: number; value: number; state: string }[];
    expect(rows).toMatchObject([{ number: 0, value: Number(value), state: "COMPLETE" }]);
  });

  it("runs a 10-trial study from an ES module, loading no database driver or TF.js for it", () => {
    const out = script(`
      import { createRequire } from "node:module";
      import { createStudy, TPESampler } from "skipjack";
      const inMemory = await createStudy({ sampler: new TPESampler({ seed: 1 }) });
      await inMemory.optimize((t) => (t.suggestFloat("x", -5, 5) - 1) ** 2, { nTrials: 10 });
      // CommonJS packages, imported or not, show in require's cache once loaded.
      const loaded = Object.keys(createRequire(import.meta.url).cache)
        .filter((p) => /node_modules\\/(better-sqlite3|pg|mysql2|@tensorflow)\\//.test(p));
      const onFile = await createStudy({ storage: "sqlite:///esm.db", studyName: "esm" });
      await onFile.optimize((t) => t.suggestInt("n", 0, 9), { nTrials: 10 });
      console.log(JSON.stringify({
        inMemory: (await inMemory.trials()).length,
        onFile: (await onFile.trials()).length,
        loaded,
      }));`);
    expect(out.stderr).toBe("");
    expect(JSON.parse(out.stdout)).toEqual({ inMemory: 10, onFile: 10, loaded: [] });
  });

  it("says how to rebuild better-sqlite3 where its install script did not run", () => {
    const build = join(project, "node_modules/better-sqlite3/build");
    renameSync(build, `${build}.off`);
    try {
      const created = skipjack("create-study", "--storage", "sqlite:///other.db");
      // A Node with a usable node:sqlite (22.16+) needs no compiled better-sqlite3.
      const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
      const nodeSqlite = major > 22 || (major === 22 && minor >= 16);
      expect(created.status).toBe(nodeSqlite ? 0 : 1);
      if (!nodeSqlite) {
        expect(created.stderr).toMatch(/^skipjack: [^\n]*npm rebuild better-sqlite3[^\n]*\n$/);
      }
    } finally {
      renameSync(`${build}.off`, build);
    }
  });

  it("loads with require() where Node loads ES modules with it (20.19+, 22.12+)", () => {
    writeFileSync(
      join(project, "consumer.cjs"),
      `const { createStudy } = require("skipjack");
createStudy().then(async (study) => {
  await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 3 });
  let tfjs = "";
  try {
    require("skipjack/tfjs");
  } catch (error) {
    tfjs = error.code;
  }
  console.log((await study.trials()).length, tfjs);
});`,
    );
    const out = run(process.execPath, ["consumer.cjs"]);
    const requireEsm = (process.features as { require_module?: boolean }).require_module === true;
    if (requireEsm) {
      // skipjack/tfjs awaits TF.js at its top level, which require() cannot wait for.
      expect(out).toMatchObject({ status: 0, stdout: "3 ERR_REQUIRE_ASYNC_MODULE\n", stderr: "" });
    } else {
      expect(out.stderr).toContain("ERR_REQUIRE_ESM");
    }
  });

  it("says in one line, exit status 1, what to install for the demo", () => {
    const demo = npx("demo", "--epochs", "2", "--storage", "sqlite:///demo.db");
    expect(demo.status).toBe(1);
    expect(demo.stderr).toBe(
      "skipjack: The demo needs TensorFlow.js, which is not installed: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm\n",
    );
  });

  it("says in one line, exit status 1, what to install for PostgreSQL and MySQL", () => {
    const pg = skipjack("studies", "--storage", "postgresql://user@127.0.0.1:9/db");
    expect(pg.status).toBe(1);
    expect(pg.stderr).toMatch(/^skipjack: [^\n]*: npm install pg\n$/);
    const mysql = skipjack("studies", "--storage", "mysql://user@127.0.0.1:9/db");
    expect(mysql.status).toBe(1);
    expect(mysql.stderr).toMatch(/^skipjack: [^\n]*: npm install mysql2\n$/);
  });

  it("throws a MissingDependencyError with the command from `import 'skipjack/tfjs'`", () => {
    const out = script(`
      import { MissingDependencyError } from "skipjack";
      try {
        await import("skipjack/tfjs");
      } catch (error) {
        console.log(error instanceof MissingDependencyError, error.command, error.message);
      }`);
    expect(out.stdout).toBe(
      "true npm install @tensorflow/tfjs skipjack/tfjs needs @tensorflow/tfjs, which is not installed: npm install @tensorflow/tfjs\n",
    );
  });
});

describe("used from TypeScript without TensorFlow.js", () => {
  it("type-checks createStudy and Trial against the shipped declarations, all of them checked", () => {
    const checked = typeCheck(
      "consumer.ts",
      `import { createStudy, MissingDependencyError, type Trial } from "skipjack";

function objective(trial: Trial): number {
  return trial.suggestFloat("x", -1, 1) ** 2;
}

const study = await createStudy({ storage: "sqlite:///typed.db", direction: "minimize" });
await study.optimize(objective, { nTrials: 1 });
const best: number | null = (await study.bestTrial()).value;
const command: string = new MissingDependencyError("x", ["y"]).command;
export { best, command };

// The declarations are real types, not any: these lines must not compile.
declare const trial: Trial;
// @ts-expect-error the bounds of suggestFloat are numbers
trial.suggestFloat("x", "0", 1);
// @ts-expect-error createStudy has no option of this name
await createStudy({ directon: "minimize" });
`,
      // Every declaration file checked but TypeScript's own lib files.
      { skipLibCheck: false, skipDefaultLibCheck: true },
    );
    expect(checked).toEqual({ status: 0, output: "" });
  }, 120_000);
});

describe("installed with TensorFlow.js, used from TypeScript", () => {
  beforeAll(() => {
    // The checkout's TF.js stands for the user's install (installing it copies 280 MB and
    // takes 40 s); everything else resolves inside the project.
    symlinkSync(join(root, "node_modules/@tensorflow"), join(project, "node_modules/@tensorflow"));
  });

  it("loads skipjack/tfjs with every export of the integration", () => {
    const names = (specifier: string) =>
      script(`
        const m = await import(${JSON.stringify(specifier)});
        console.log(Object.keys(m).sort().join(" "));`).stdout;
    const entry = names("skipjack/tfjs");
    expect(entry).toContain("buildMlp");
    // The subpath's runtime entry lists by hand what index.ts exports: the same names.
    expect(entry).toBe(
      names(join(project, "node_modules/skipjack/dist/integration/tfjs/index.js")),
    );
  }, 60_000);

  it("type-checks a consumer of createStudy, Trial and skipjack/tfjs against the shipped declarations", () => {
    // TF.js 4.22's own declarations fail a strict check (hash_util.d.ts names an absent Long,
    // tfjs-layers' index signatures): they are skipped here, and checked with skipjack's alone
    // above.
    const checked = typeCheck(
      "tfjs-consumer.ts",
      `import { createStudy, type Trial } from "skipjack";
import { buildMlp, pruningCallback } from "skipjack/tfjs";

function objective(trial: Trial): number {
  const model = buildMlp(trial, { inputShape: 4, nClasses: 3 });
  const callback = pruningCallback(trial, { monitor: "val_acc" });
  void callback;
  model.dispose();
  return trial.suggestFloat("x", -1, 1) ** 2;
}

const study = await createStudy({ storage: "sqlite:///typed.db", direction: "minimize" });
await study.optimize(objective, { nTrials: 1 });

// @ts-expect-error pruningCallback's monitor is a metric name
pruningCallback({} as Trial, { monitor: 1 });
`,
      { skipLibCheck: true },
    );
    expect(checked).toEqual({ status: 0, output: "" });
  }, 120_000);
});
