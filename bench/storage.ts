/**
 * Storage benchmarks:
 * - loading a study of 10,000 finished trials (6 parameters, 10 intermediate values each)
 *   from SQLite and from PostgreSQL into a fresh storage, as a new process does (issue 16's
 *   second measure; issue 3's before): the median of several loads, and Optuna 3.1's median
 *   on the very same database in the same run;
 * - SQLite whole-trial overhead: ms per trial over trials 201–300 of a 300-trial study,
 *   RandomSampler, 6 float parameters, a trivial objective (Optuna 3.1 measured alongside);
 * - PostgreSQL throughput: trials per second of 8 worker processes on one study.
 * PostgreSQL figures need SKIPJACK_BENCH_POSTGRES_URL (or SKIPJACK_TEST_POSTGRES_URL), a role
 * that may create databases.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import {
  createStudy,
  FloatDistribution,
  NopPruner,
  RandomSampler,
  setVerbosity,
  TrialState,
  Verbosity,
} from "../src/index.js";
import { openStorage } from "../src/storages/resolve.js";
import type { Storage, StoredParam } from "../src/storages/storage.js";
import { runOptunaScript } from "./optuna/run.js";

/** One measured figure. */
export interface StorageBenchRow {
  measure: string;
  skipjack: number | null;
  /** This process's CPU time for the same (a server's own CPU not included), or null. */
  skipjackCpu: number | null;
  optuna: number | null;
  unit: string;
  target: string;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** ms per trial over trials 201–300 of a 300-trial SQLite study (median of `repeats`). */
export async function sqliteTrialOverhead(dir: string, repeats: number): Promise<number> {
  setVerbosity(Verbosity.WARNING);
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const url = `sqlite:///${join(dir, `overhead-${r}.db`)}`;
    const study = await createStudy({
      storage: url,
      sampler: new RandomSampler({ seed: r }),
      pruner: new NopPruner(),
    });
    let startedAt = 0;
    await study.optimize(
      (trial) => {
        if (trial.number === 200) startedAt = performance.now();
        let sum = 0;
        for (let i = 0; i < 6; i++) sum += trial.suggestFloat(`x${i}`, -5, 5) ** 2;
        return sum;
      },
      { nTrials: 300, showProgressBar: false, handleSigint: false },
    );
    samples.push((performance.now() - startedAt) / 100);
    await study.storage.close();
  }
  return median(samples);
}

/** Writes `n` finished trials (6 params, 10 intermediate values each) into a new study. */
export async function fillStudy(storage: Storage, name: string, n: number): Promise<number> {
  const studyId = await storage.createNewStudy(["minimize"], name);
  const distribution = new FloatDistribution(-5, 5);
  for (let i = 0; i < n; i++) {
    const params: Record<string, StoredParam> = {};
    for (let p = 0; p < 6; p++) params[`x${p}`] = { internal: Math.sin(i + p) * 5, distribution };
    const intermediate = new Map<number, number>();
    for (let s = 0; s < 10; s++) intermediate.set(s, Math.cos(i * s));
    await storage.createNewTrial(studyId, {
      state: TrialState.COMPLETE,
      values: [i / n],
      params,
      intermediateValues: intermediate,
    });
  }
  return studyId;
}

/**
 * Seconds to load every trial of the study with a fresh storage, as a new process does
 * (`getStudyIdFromName`, then `getAllTrials`); medians over `repeats` of the wall time and of
 * this process's CPU time.
 */
export async function loadTime(
  url: string,
  name: string,
  repeats: number,
): Promise<{ seconds: number; cpuSeconds: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const storage = await openStorage(url);
    const start = performance.now();
    const cpuAt = process.cpuUsage();
    const studyId = await storage.getStudyIdFromName(name);
    const trials = await storage.getAllTrials(studyId);
    const used = process.cpuUsage(cpuAt);
    wall.push((performance.now() - start) / 1000);
    cpu.push((used.user + used.system) / 1e6);
    if (trials.length === 0) throw new Error("the study to load is empty");
    await storage.close();
  }
  return { seconds: median(wall), cpuSeconds: median(cpu) };
}

const WORKER = fileURLToPath(new URL("./storage-worker.ts", import.meta.url));

/**
 * Trials per second of `workers` processes running `trials` trials each on one study, timed
 * from the moment all of them are ready (started, connected) until the last one finishes.
 */
export async function throughput(url: string, workers: number, trials: number): Promise<number> {
  const study = await createStudy({ storage: url, studyName: "throughput" });
  await study.storage.close();
  const dir = mkdtempSync(join(tmpdir(), "skipjack-go-"));
  const go = join(dir, "go");
  let ready = 0;
  let allReady: () => void = () => undefined;
  const readiness = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  const finished = Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            ["--import", "tsx", WORKER, url, String(trials), go],
            { stdio: ["ignore", "pipe", "inherit"] },
          );
          child.stdout.on("data", (chunk: Buffer) => {
            if (chunk.toString().includes("READY") && ++ready === workers) allReady();
          });
          child.on("close", (code) =>
            code === 0 ? resolve() : reject(new Error(`worker exited ${code}`)),
          );
        }),
    ),
  );
  await Promise.race([readiness, finished]);
  const start = performance.now();
  writeFileSync(go, "");
  await finished;
  const seconds = (performance.now() - start) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return (workers * trials) / seconds;
}

async function freshPostgres(admin: string, name: string) {
  const pg = (await import("pg")).default;
  const database = `sj_bench_${name}_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database}`);
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Optuna's seconds to load the same study (its RDBStorage on the same database; median of
 * `repeats`), or null. */
function optunaLoad(url: string, repeats: number): number | null {
  return (
    runOptunaScript<{ seconds: number }>("storage_load.py", [url, "load", String(repeats)])
      ?.seconds ?? null
  );
}

/** The PostgreSQL role the benchmarks may create databases with, if any. */
function postgresAdmin(): string | undefined {
  return process.env["SKIPJACK_BENCH_POSTGRES_URL"] ?? process.env["SKIPJACK_TEST_POSTGRES_URL"];
}

/**
 * Issue 16's second measure: seconds to load a study of 10,000 finished trials (6 parameters,
 * 10 intermediate values each) from SQLite and from PostgreSQL, skipjack's median of 5 loads
 * and Optuna's median of 3 on the same database, in this run. `quick`: 1,000 trials, one load,
 * no Optuna.
 */
export async function measureLoads(quick = false): Promise<StorageBenchRow[]> {
  setVerbosity(Verbosity.WARNING);
  const dir = mkdtempSync(join(tmpdir(), "skipjack-bench-"));
  const rows: StorageBenchRow[] = [];
  const n = quick ? 1000 : 10_000;
  const measure = async (url: string, database: string): Promise<void> => {
    const writer = await openStorage(url);
    await fillStudy(writer, "load", n);
    await writer.close();
    const ours = await loadTime(url, "load", quick ? 1 : 5);
    rows.push({
      measure: `Load ${n} finished trials (6 params, 10 intermediate values) from ${database}`,
      skipjack: ours.seconds,
      skipjackCpu: ours.cpuSeconds,
      optuna: quick ? null : optunaLoad(url, 3),
      unit: "s",
      target: "<= 0.2",
    });
  };
  try {
    await measure(`sqlite:///${join(dir, "load.db")}`, "SQLite");
    const admin = postgresAdmin();
    if (admin !== undefined) {
      const load = await freshPostgres(admin, "load");
      try {
        await measure(load.url, "PostgreSQL");
      } finally {
        await load.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * The other storage benchmarks (SQLite whole-trial overhead, PostgreSQL throughput); `quick`
 * uses fewer repeats and trials.
 */
export async function measureStorage(quick = false): Promise<StorageBenchRow[]> {
  setVerbosity(Verbosity.WARNING);
  const dir = mkdtempSync(join(tmpdir(), "skipjack-bench-"));
  const rows: StorageBenchRow[] = [];
  try {
    const overhead = await sqliteTrialOverhead(dir, quick ? 1 : 5);
    const optuna = quick
      ? null
      : runOptunaScript<{ version: string; msPerTrial: number }>("storage_overhead.py", [
          join(dir, "optuna-overhead.db"),
        ]);
    rows.push({
      measure: "SQLite whole-trial overhead, RandomSampler, 6 floats (trials 201-300 of 300)",
      skipjack: overhead,
      skipjackCpu: null,
      optuna: optuna?.msPerTrial ?? null,
      unit: "ms/trial",
      target: "<= 1.7",
    });
    const admin = postgresAdmin();
    if (admin !== undefined) {
      const busy = await freshPostgres(admin, "throughput");
      try {
        rows.push({
          measure: "PostgreSQL, 8 worker processes on one study (RandomSampler, 6 floats)",
          skipjack: await throughput(busy.url, 8, quick ? 25 : 100),
          skipjackCpu: null,
          optuna: null,
          unit: "trials/s",
          target: "-",
        });
      } finally {
        await busy.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  for (const row of [...(await measureLoads(quick)), ...(await measureStorage(quick))]) {
    console.log(JSON.stringify(row));
  }
}
