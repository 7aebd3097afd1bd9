/**
 * The dashboard API (issue 15): a 10,000-trial SQLite study's trials as JSON through
 * `skipjack dashboard`'s server (cold, then with its cache warm, then a poll with `after=`
 * when nothing changed), and the resident memory of a dashboard process with a 100,000-trial
 * study open. Optuna 3.1 is timed in the same run on the same file: its cached storage's
 * `get_all_trials` (second call, so finished trials come from its cache) plus `json.dumps` of
 * the same fields, the least a Python server answering the same request does. Quick mode:
 * 1,000 and 10,000 trials, no Optuna.
 *
 * Run as `tsx bench/dashboard-api.ts --serve URL`, this file is the dashboard process whose
 * memory is measured.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StudiesResponse, TrialsResponse } from "../src/server/dashboard/api-types.js";
import { createDashboardApp } from "../src/server/dashboard/app.js";
import { startDashboard } from "../src/server/dashboard/server.js";
import { openStorage } from "../src/storages/resolve.js";
import { fillDatabase } from "./cli.js";

const PYTHON = "/usr/bin/python3";
const SELF = fileURLToPath(import.meta.url);

/** One measured row. */
export interface DashboardBenchRow {
  measure: string;
  skipjack: number;
  optuna: number | null;
  unit: string;
  target: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await f();
  return [performance.now() - start, value];
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

const OPTUNA_SCRIPT = `
import json, sys, time, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
storage = optuna.storages.get_storage(sys.argv[1])
study_id = storage.get_study_id_from_name("study-0")
def answer():
    trials = storage.get_all_trials(study_id, deepcopy=False)
    rows = [{"number": t.number, "state": t.state.name, "values": t.values,
             "params": {n: t.distributions[n].to_internal_repr(v) for n, v in t.params.items()},
             "start": t.datetime_start.timestamp() if t.datetime_start else None,
             "complete": t.datetime_complete.timestamp() if t.datetime_complete else None,
             "intermediate": [list(t.intermediate_values.keys()), list(t.intermediate_values.values())],
             "userAttrs": t.user_attrs} for t in trials]
    return json.dumps({"trials": rows})
answer()
times = []
for _ in range(5):
    start = time.perf_counter()
    answer()
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(json.dumps({"version": optuna.__version__, "ms": times[len(times) // 2]}))
`;

function optunaWarmMs(url: string): { version: string; ms: number } | null {
  if (!existsSync(PYTHON)) return null;
  try {
    const out = execFileSync(PYTHON, ["-W", "ignore", "-c", OPTUNA_SCRIPT, url], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return JSON.parse(out.trim()) as { version: string; ms: number };
  } catch {
    return null;
  }
}

/** Resident and peak resident MiB of a process (Linux /proc). */
function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

/** Starts this file as a dashboard process on `url`; resolves with its address and pid. */
interface Child {
  base: string;
  pid: number;
  /** MiB of V8 heap and external memory in use after a full garbage collection in the child. */
  collectedMiB: () => Promise<number>;
  stop: () => void;
}

function serveChild(url: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    ["--expose-gc", ...process.execArgv, SELF, "--serve", url],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines: ((line: string) => void)[] = [];
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      lines.shift()?.(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => lines.push(resolve));
  return new Promise((resolve, reject) => {
    void nextLine().then((base) =>
      resolve({
        base: base.trim(),
        pid: child.pid!,
        collectedMiB: async () => {
          const line = nextLine();
          child.stdin!.write("gc\n");
          return Number(await line);
        },
        stop: () => child.kill("SIGTERM"),
      }),
    );
    child.on("exit", (code) => reject(new Error(`dashboard process exited with ${code}`)));
  });
}

/** Measures the dashboard API; see the file's comment. */
export async function measureDashboardApi(quick: boolean): Promise<DashboardBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "skipjack-bench-dashboard-"));
  const rows: DashboardBenchRow[] = [];
  try {
    const n = quick ? 1_000 : 10_000;
    const small = join(dir, "small.db");
    await fillDatabase(small, 1, n);
    const url = `sqlite:///${small}`;
    const storage = await openStorage(url, { createTables: false });
    const server = await startDashboard({ storage, port: 0 });
    try {
      const { studies } = JSON.parse(
        await fetchText(`${server.url}/api/dashboard/studies`),
      ) as StudiesResponse;
      const trialsUrl = `${server.url}/api/dashboard/studies/${studies[0]!.studyId}/trials`;
      // A new server: the study list above read the trials once (the storage's cache); the
      // first trials request builds the dashboard's rows.
      const [cold, text] = await timed(() => fetchText(trialsUrl));
      const first = JSON.parse(text) as TrialsResponse;
      if (first.trials.length !== n) throw new Error(`expected ${n} trials`);
      const warm: number[] = [];
      const warmCpu = process.cpuUsage();
      for (let i = 0; i < (quick ? 5 : 20); i++) {
        warm.push((await timed(() => fetchText(trialsUrl)))[0]);
      }
      const httpCpu = process.cpuUsage(warmCpu);
      const httpCpuMs = (httpCpu.user + httpCpu.system) / 1000 / warm.length;
      const polls: number[] = [];
      for (let i = 0; i < (quick ? 5 : 20); i++) {
        polls.push((await timed(() => fetchText(`${trialsUrl}?after=${first.cursor}`)))[0]);
      }
      // The server's own work, without HTTP and the client (the machine is shared: a loaded
      // machine's scheduling shows in the HTTP rows, even for a route that does nothing).
      const app = createDashboardApp({ storage });
      const path = new URL(trialsUrl).pathname;
      await (await app.request(path)).text();
      const inProcess: number[] = [];
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < (quick ? 5 : 20); i++) {
        inProcess.push((await timed(async () => (await app.request(path)).text()))[0]);
      }
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000 / inProcess.length;
      const nothing: number[] = [];
      for (let i = 0; i < (quick ? 5 : 20); i++) {
        nothing.push((await timed(() => fetchText(`${server.url}/api/dashboard/info`)))[0]);
      }
      const optuna = quick ? null : optunaWarmMs(url);
      const label = `${n.toLocaleString("en-US")}-trial study`;
      rows.push(
        {
          measure: `${label}, all trials as JSON, cache warm (median of ${warm.length}; ${(text.length / 1e6).toFixed(1)} MB)`,
          skipjack: median(warm),
          optuna: optuna?.ms ?? null,
          unit: `ms (CPU of server and client: ${httpCpuMs.toFixed(1)} ms)`,
          target: "<= 100",
        },
        {
          measure: `${label}, the same answered in-process (app.request: the server's work, no HTTP)`,
          skipjack: median(inProcess),
          optuna: null,
          unit: `ms (CPU: ${cpuMs.toFixed(1)} ms)`,
          target: "-",
        },
        {
          measure:
            "a route that reads nothing (/api/dashboard/info) over HTTP: this machine's floor",
          skipjack: median(nothing),
          optuna: null,
          unit: "ms",
          target: "-",
        },
        {
          measure: `${label}, first request of a new server`,
          skipjack: cold,
          optuna: null,
          unit: "ms",
          target: "-",
        },
        {
          measure: `${label}, poll with after= (nothing changed)`,
          skipjack: median(polls),
          optuna: null,
          unit: "ms",
          target: "-",
        },
      );
    } finally {
      await server.close();
      await storage.close();
    }

    const big = quick ? 10_000 : 100_000;
    const bigPath = join(dir, "big.db");
    await fillDatabase(bigPath, 1, big);
    const child = await serveChild(`sqlite:///${bigPath}`);
    try {
      const idle = memoryMiB(child.pid);
      const { studies } = JSON.parse(
        await fetchText(`${child.base}/api/dashboard/studies`),
      ) as StudiesResponse;
      const trialsUrl = `${child.base}/api/dashboard/studies/${studies[0]!.studyId}/trials`;
      const [cold] = await timed(() => fetchText(trialsUrl));
      const [warm] = await timed(() => fetchText(trialsUrl));
      const open = memoryMiB(child.pid);
      const kept = await child.collectedMiB();
      const label = `${big.toLocaleString("en-US")}-trial study`;
      rows.push(
        {
          measure: `dashboard process RSS, ${label} open (listed, all trials sent twice); before: ${idle.rss.toFixed(0)} MiB`,
          skipjack: open.rss,
          optuna: null,
          unit: "MiB",
          target: "<= 500 MB",
        },
        {
          measure:
            "memory in use after a full garbage collection (V8 heap + external: what the open study keeps)",
          skipjack: kept,
          optuna: null,
          unit: "MiB",
          target: "-",
        },
        {
          measure: `dashboard process peak RSS, same`,
          skipjack: open.peak,
          optuna: null,
          unit: "MiB",
          target: "-",
        },
        {
          measure: `${label}, all trials as JSON: first request / cache warm`,
          skipjack: cold,
          optuna: null,
          unit: `ms (warm: ${warm.toFixed(0)})`,
          target: "-",
        },
      );
    } finally {
      child.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === SELF && process.argv[2] === "--serve") {
  const server = await startDashboard({ storage: process.argv[3]!, port: 0 });
  process.stdout.write(`${server.url}\n`);
  // "gc" on standard input: collect, then print the resident MiB.
  // The measuring process gone (its end of the pipe closed): stop too.
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("data", () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.stdout.write(`${(m.heapUsed + m.external) / 2 ** 20}\n`);
  });
  process.on("SIGTERM", () => {
    void server.close().then(() => process.exit(0));
  });
}
