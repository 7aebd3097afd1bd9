/**
 * The HTTP layer's cost (issue 13): ask + tell through `skipjack serve` (a separate process,
 * clients over keep-alive connections) against the same calls on the library, 32 concurrent
 * clients each, on SQLite and on PostgreSQL (when SKIPJACK_BENCH_POSTGRES_URL or
 * SKIPJACK_TEST_POSTGRES_URL is set). RandomSampler, one float, so the sampler costs the same.
 * "app, no socket" sends the same requests through the Hono app in this process: the cost of
 * routing, validation and JSON alone, without the network and the second process.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RandomSampler } from "../src/index.js";
import { randomToken } from "../src/server/auth.js";
import { openStorage } from "../src/storages/resolve.js";
import { createStudy } from "../src/study/create.js";

/** One line of the table. */
export interface HttpBenchRow {
  storage: string;
  clients: number;
  mode: "library" | "HTTP" | "app, no socket";
  medianMs: number;
  p99Ms: number;
  perSecond: number;
  /** HTTP median minus the library's, on the HTTP row. */
  addedMs: number | null;
}

const CLIENTS = 32;
const SPACE = { x: { type: "float", low: -1, high: 1 } } as const;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * Runs `pair` `total` times from `clients` concurrent loops, after `warm` unmeasured pairs (the
 * first requests of a process compile code); median and p99 latency, and pairs per second.
 */
async function load(clients: number, total: number, warm: number, pair: () => Promise<void>) {
  for (let i = 0; i < warm; i++) await pair();
  const latencies: number[] = [];
  let started = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (started < total) {
        started++;
        const t0 = performance.now();
        await pair();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    medianMs: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    perSecond: total / seconds,
  };
}

type Runs = (pair: () => Promise<void>) => Promise<Measured[]>;
type Measured = Awaited<ReturnType<typeof load>> & { clients: number };

/** One client, then CLIENTS concurrent ones. */
function plan(total: number): Runs {
  return async (pair) => [
    // 200 unmeasured pairs first: a process's first requests run code not yet compiled.
    { clients: 1, ...(await load(1, Math.ceil(total / 2), 200, pair)) },
    { clients: CLIENTS, ...(await load(CLIENTS, total, 0, pair)) },
  ];
}

async function library(url: string, runs: Runs) {
  const storage = await openStorage(url, { createTables: true });
  try {
    const { FloatDistribution } = await import("../src/distributions/index.js");
    const study = await createStudy({
      storage,
      studyName: `http-bench-library-${process.pid}`,
      sampler: new RandomSampler({ seed: 0 }),
    });
    const space = { x: new FloatDistribution(-1, 1) };
    return await runs(async () => {
      const trial = await study.ask(space);
      await study.tell(trial, (trial.params["x"] as number) ** 2);
    });
  } finally {
    await storage.close();
  }
}

function startServe(url: string, token: string): Promise<{ stop(): void; url: string }> {
  const bin = fileURLToPath(new URL("../bin/skipjack.js", import.meta.url));
  const child = spawn(process.execPath, [bin, "serve", "--storage", url, "--port", "0", "-q"], {
    env: { ...process.env, SKIPJACK_SERVE_TOKEN: token },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n"))
        resolve({ url: out.split("\n")[0]!.trim(), stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`skipjack serve exited with ${code}`)));
  });
}

async function http(url: string, runs: Runs) {
  const token = randomToken();
  const server = await startServe(url, token);
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  // node:http with keep-alive, as a worker's client (Python's http.client) talks to the server;
  // undici's fetch costs about 1 ms of client CPU per request on its own.
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const base = new URL(server.url);
  const post = (path: string, body: unknown) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(
        { host: base.hostname, port: base.port, path, method: "POST", agent, headers },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () => {
            const answer = JSON.parse(text) as Record<string, unknown>;
            if ((res.statusCode ?? 500) >= 400) reject(new Error(`${path}: ${text}`));
            else resolve(answer);
          });
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(body));
    });
  try {
    const name = `http-bench-http-${process.pid}`;
    await post("/api/v1/studies", { name, sampler: "random", sampler_kwargs: { seed: 0 } });
    const trials = `/api/v1/studies/${name}/trials`;
    return await runs(async () => {
      const asked = await post(trials, { search_space: SPACE });
      const x = (asked["params"] as Record<string, number>)["x"]!;
      await post(`${trials}/${asked["number"] as number}/tell`, { values: x * x });
    });
  } finally {
    agent.destroy();
    server.stop();
  }
}

/** The same requests through the Hono app in this process, without sockets or a second process. */
async function inProcess(url: string, runs: Runs) {
  const { createTrialApp } = await import("../src/server/app.js");
  const { Registry } = await import("../src/server/registry.js");
  const storage = await openStorage(url, { createTables: true });
  try {
    const app = createTrialApp({ registry: new Registry(storage), noAuth: true });
    const post = async (path: string, body: unknown) => {
      const response = await app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const name = `http-bench-app-${process.pid}`;
    await post("/api/v1/studies", { name, sampler: "random", sampler_kwargs: { seed: 0 } });
    const trials = `/api/v1/studies/${name}/trials`;
    return await runs(async () => {
      const asked = await post(trials, { search_space: SPACE });
      const x = (asked["params"] as Record<string, number>)["x"]!;
      await post(`${trials}/${asked["number"] as number}/tell`, { values: x * x });
    });
  } finally {
    await storage.close();
  }
}

async function freshPostgres(admin: string) {
  const pg = (await import("pg")).default;
  const database = `sj_bench_http_${process.pid}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`DROP DATABASE IF EXISTS ${database}`);
  await run(`CREATE DATABASE ${database}`);
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: () => run(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  };
}

async function compare(label: string, url: string, total: number): Promise<HttpBenchRow[]> {
  const lib = await library(url, plan(total));
  const app = await inProcess(url, plan(total));
  const overHttp = await http(url, plan(total));
  const rows: HttpBenchRow[] = [];
  for (const [i, l] of lib.entries()) {
    const a = app[i]!;
    const h = overHttp[i]!;
    rows.push(
      { storage: label, mode: "library", ...l, addedMs: null },
      { storage: label, mode: "app, no socket", ...a, addedMs: a.medianMs - l.medianMs },
      { storage: label, mode: "HTTP", ...h, addedMs: h.medianMs - l.medianMs },
    );
  }
  return rows;
}

/** Measures ask + tell on the library and through HTTP; `quick` runs fewer pairs. */
export async function measureHttp(quick = false): Promise<HttpBenchRow[]> {
  const total = quick ? 200 : 2000;
  const dir = mkdtempSync(join(tmpdir(), "skipjack-bench-http-"));
  const rows = await compare("SQLite", `sqlite:///${join(dir, "http.db")}`, total);
  const admin =
    process.env["SKIPJACK_BENCH_POSTGRES_URL"] ?? process.env["SKIPJACK_TEST_POSTGRES_URL"];
  if (admin !== undefined) {
    const db = await freshPostgres(admin);
    try {
      rows.push(...(await compare("PostgreSQL", db.url, total)));
    } finally {
      await db.drop();
    }
  }
  return rows;
}
