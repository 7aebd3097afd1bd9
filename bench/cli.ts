/**
 * The command line on big databases, as a user runs it (a new process each time, through
 * bin/skipjack.js): `trials -f json` and `export -f jsonl` of a 100,000-trial SQLite study,
 * streamed (peak memory of the process reported), and `studies` on 1,000 studies. Optuna's
 * `optuna` command is timed in the same run where installed, on a 10,000-trial copy (it loads
 * a whole study before printing it). Quick mode uses small databases and skips Optuna.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { SqliteStorage } from "../src/storages/sqlite/sqlite-storage.js";

const BIN = fileURLToPath(new URL("../bin/skipjack.js", import.meta.url));
const OPTUNA = "/usr/bin/optuna";

/** One measured command. */
export interface CliBenchRow {
  measure: string;
  size: number;
  skipjackSeconds: number;
  skipjackPeakMiB: number | null;
  /** The same command run inside this process (no Node or tsx start), output counted. */
  inProcessSeconds: number;
  optunaSize: number | null;
  optunaSeconds: number | null;
  target: string;
}

/**
 * Creates Optuna's schema with skipjack, writes `nTrials` trials into the first study with plain
 * SQL (fast), and leaves the file as Optuna 3.1 would.
 */
export async function fillDatabase(path: string, nStudies: number, nTrials: number): Promise<void> {
  const storage = await SqliteStorage.open(path);
  for (let s = 0; s < nStudies; s++) await storage.createNewStudy(["minimize"], `study-${s}`);
  await storage.close();
  const db = new Database(path);
  const insertTrial = db.prepare(
    "INSERT INTO trials (trial_id, number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, 1, 'COMPLETE', ?, ?)",
  );
  const insertValue = db.prepare(
    "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, 0, ?, 'FINITE')",
  );
  const insertParam = db.prepare(
    "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)",
  );
  const insertAttr = db.prepare(
    "INSERT INTO trial_user_attributes (trial_id, \"key\", value_json) VALUES (?, 'note', ?)",
  );
  const insertStep = db.prepare(
    "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (?, ?, ?, 'FINITE')",
  );
  const lr =
    '{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}';
  const units =
    '{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 16, "high": 512}}';
  const opt = '{"name": "CategoricalDistribution", "attributes": {"choices": ["adam", "sgd"]}}';
  db.transaction(() => {
    for (let i = 1; i <= nTrials; i++) {
      const start = new Date(Date.UTC(2025, 0, 1) + i * 1000)
        .toISOString()
        .replace("T", " ")
        .slice(0, 23);
      insertTrial.run(i, i - 1, `${start}000`, `${start}500`);
      insertValue.run(i, Math.sin(i));
      insertParam.run(i, "lr", 1e-5 * (1 + (i % 997)), lr);
      insertParam.run(i, "units", 16 + (i % 497), units);
      insertParam.run(i, "optimizer", i % 2, opt);
      insertAttr.run(i, `"worker ${i % 8}"`);
      for (let step = 0; step < 3; step++) insertStep.run(i, step, Math.cos(i + step));
    }
  })();
  // As Optuna 3.1 leaves a database (revision v3.0.0.d, no index on trials.study_id), so that
  // its optuna command opens it too; skipjack reads it as it is.
  db.exec("DROP INDEX ix_trials_study_id");
  db.exec("UPDATE alembic_version SET version_num = 'v3.0.0.d'");
  db.exec("UPDATE version_info SET library_version = '3.1.0'");
  db.close();
}

/**
 * Wall seconds and peak resident MiB of one command (GNU time when present), its standard
 * output written to a file, as `skipjack trials ... > trials.json` does.
 */
function timeCommand(command: string, args: string[]): { seconds: number; peakMiB: number | null } {
  const timed = existsSync("/usr/bin/time");
  const outPath = join(tmpdir(), `skipjack-bench-cli-${process.pid}.out`);
  const out = openSync(outPath, "w");
  const env = { ...process.env, PYTHONWARNINGS: "ignore" };
  const started = performance.now();
  const result = timed
    ? spawnSync("/usr/bin/time", ["-f", "%M", command, ...args], {
        stdio: ["ignore", out, "pipe"],
        encoding: "utf8",
        env,
      })
    : spawnSync(command, args, { stdio: ["ignore", out, "pipe"], encoding: "utf8", env });
  const seconds = (performance.now() - started) / 1000;
  closeSync(out);
  const written = statSync(outPath).size;
  rmSync(outPath, { force: true });
  if (result.status !== 0 || written === 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  }
  const kib = timed ? Number(result.stderr.trim().split("\n").at(-1)) : Number.NaN;
  return { seconds, peakMiB: Number.isFinite(kib) ? kib / 1024 : null };
}

function skipjack(args: string[]): { seconds: number; peakMiB: number | null } {
  return timeCommand(process.execPath, [BIN, ...args]);
}

/** Seconds of the command inside this process, its output only counted. */
async function inProcess(args: string[]): Promise<number> {
  const { runCommand } = await import("../src/cli/commands/index.js");
  let bytes = 0;
  const io = {
    out: {
      write: (text: string) => {
        bytes += text.length;
      },
    },
    err: () => undefined,
    env: {},
  };
  await runCommand(args, io); // warm-up (modules, page cache)
  const started = performance.now();
  const status = await runCommand(args, io);
  if (status !== 0 || bytes === 0) throw new Error(`skipjack ${args.join(" ")} failed`);
  return (performance.now() - started) / 1000;
}

function optuna(args: string[]): number | null {
  if (!existsSync(OPTUNA)) return null;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import optuna"], { stdio: "ignore" });
    return timeCommand(OPTUNA, args).seconds;
  } catch {
    return null;
  }
}

/** Runs the command-line benchmark; see the module comment for the sizes. */
export async function measureCli(quick: boolean): Promise<CliBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "skipjack-bench-cli-"));
  try {
    const big = quick ? 2_000 : 100_000;
    const optunaTrials = quick ? null : 10_000;
    const nStudies = quick ? 100 : 1_000;
    const bigDb = join(dir, "big.db");
    const optunaDb = join(dir, "optuna.db");
    const studiesDb = join(dir, "studies.db");
    await fillDatabase(bigDb, 1, big);
    if (optunaTrials !== null) await fillDatabase(optunaDb, 1, optunaTrials);
    await fillDatabase(studiesDb, nStudies, 0);
    const at = (path: string) => `sqlite:///${path}`;
    const rows: CliBenchRow[] = [];
    const trialsArgs = (path: string) => [
      "trials",
      "--storage",
      at(path),
      "--study-name",
      "study-0",
      "-f",
      "json",
    ];
    const exportArgs = (path: string) => [
      "export",
      "--storage",
      at(path),
      "--study-name",
      "study-0",
      "-f",
      "jsonl",
    ];
    const small = skipjack(trialsArgs(optunaTrials === null ? bigDb : optunaDb));
    const trials = skipjack(trialsArgs(bigDb));
    rows.push({
      measure: "trials -f json",
      size: big,
      skipjackSeconds: trials.seconds,
      skipjackPeakMiB: trials.peakMiB,
      inProcessSeconds: await inProcess(trialsArgs(bigDb)),
      optunaSize: optunaTrials,
      optunaSeconds:
        optunaTrials === null
          ? null
          : optuna(["trials", "--storage", at(optunaDb), "--study-name", "study-0", "-f", "json"]),
      target: "< 5 s, memory flat",
    });
    const exported = skipjack(exportArgs(bigDb));
    rows.push({
      measure: "export -f jsonl",
      size: big,
      skipjackSeconds: exported.seconds,
      skipjackPeakMiB: exported.peakMiB,
      inProcessSeconds: await inProcess(exportArgs(bigDb)),
      optunaSize: null,
      optunaSeconds: null,
      target: "< 5 s, memory flat",
    });
    const studies = skipjack(["studies", "--storage", at(studiesDb), "-f", "json"]);
    rows.push({
      measure: "studies -f json (studies)",
      size: nStudies,
      skipjackSeconds: studies.seconds,
      skipjackPeakMiB: studies.peakMiB,
      inProcessSeconds: await inProcess(["studies", "--storage", at(studiesDb), "-f", "json"]),
      optunaSize: quick ? null : nStudies,
      optunaSeconds: quick ? null : optuna(["studies", "--storage", at(studiesDb), "-f", "json"]),
      target: "< 1 s",
    });
    rows.push({
      measure: "trials -f json (smaller study, for memory)",
      size: optunaTrials ?? big,
      skipjackSeconds: small.seconds,
      skipjackPeakMiB: small.peakMiB,
      inProcessSeconds: await inProcess(trialsArgs(optunaTrials === null ? bigDb : optunaDb)),
      optunaSize: null,
      optunaSeconds: null,
      target: "-",
    });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
