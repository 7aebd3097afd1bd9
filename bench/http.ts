/**
 * The HTTP layer's cost (issue 13): ask + tell through `skipjack serve` (a separate process,
 * clients over keep-alive connections) against the same calls on the library, 1 client and
 * 32 concurrent ones each, on SQLite and on PostgreSQL (when SKIPJACK_BENCH_POSTGRES_URL or
 * SKIPJACK_TEST_POSTGRES_URL is set). RandomSampler, one float, so the sampler costs the same.
 * "app, no socket" sends the same requests through the Hono app in this process: the cost of
 * routing, validation and JSON alone, without the network and the second process. "node:http,
 * no work" is the floor of any HTTP layer in Node: a bare node:http server in its own process
 * that reads each body and answers a fixed trial, with no framework, no storage and no study.
 * With SKIPJACK_BENCH_HTTP_BEFORE naming a copy of the repository at an earlier commit,
 * "HTTP, before" runs that copy's `skipjack serve` in the same turns (a before/after in one
 * run); SKIPJACK_BENCH_HTTP_PAIRS sets the number of pairs.
 *
 * The modes take turns in rounds on studies open side by side (see `measure`), and each row
 * has the CPU time per pair of the server's process (the one that holds the storage: this one
 * for the library and the in-process app) and, over HTTP, of the clients' process (this one):
 * with 32 clients and no work between ask and tell the server's process is busy all the time,
 * so a pair's median latency is about 32 pairs' worth of that process's time, and the added
 * median is about 32 times the CPU the HTTP layer adds to the server per pair.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
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
  /** Concurrent clients, and the pause of each between its pairs when there is one. */
  clients: string;
  mode: Mode;
  medianMs: number;
  p99Ms: number;
  perSecond: number;
  /** CPU time per pair of the server's process: `skipjack serve`, or this one without HTTP. */
  serverCpuMs: number | null;
  /** CPU time per pair of the HTTP clients' process (this one); null without sockets. */
  clientCpuMs: number | null;
  /** This mode's median minus the library's, on the other rows; null for the library and floor. */
  addedMs: number | null;
}

type Mode = "library" | "HTTP" | "HTTP, before" | "app, no socket" | "node:http, no work";

/** Modes whose clients talk to another process over sockets. */
const OVER_SOCKETS: ReadonlySet<Mode> = new Set(["HTTP", "HTTP, before", "node:http, no work"]);

const CLIENTS = 32;
/** Each client count is measured in this many rounds, the modes taking turns within each. */
const ROUNDS = 4;
const SPACE = { x: { type: "float", low: -1, high: 1 } } as const;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** CPU seconds used so far by another process (Linux /proc; null elsewhere). */
function processCpuSeconds(pid: number): number | null {
  try {
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux build Node supports. */
const CLOCK_TICKS = 100;

/** One way to run ask + tell: the pair, and the other process working for it (if any). */
interface Side {
  pair: () => Promise<void>;
  serverPid?: number;
}

/** Latencies, wall time and CPU time of one mode, summed over its rounds. */
interface Tally {
  latencies: number[];
  seconds: number;
  /** This process's CPU seconds. */
  ownCpu: number;
  /** The server process's CPU seconds (null: no server process, or no /proc). */
  serverCpu: number | null;
  pairs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `pair` `total` times from `clients` concurrent loops (each loop starts its next pair
 * when its last one ends, or `pauseMs` later on average, as a worker evaluating its trial
 * does); adds the latencies, wall time and CPU time (this process, and the server's) to
 * `tally`. Only the pairs are timed, not the pauses.
 */
async function load(
  clients: number,
  total: number,
  pauseMs: number,
  side: Side,
  tally: Tally,
): Promise<void> {
  let started = 0;
  const cpu0 = process.cpuUsage();
  const server0 = side.serverPid === undefined ? 0 : processCpuSeconds(side.serverPid);
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (started < total) {
        started++;
        const t0 = performance.now();
        await side.pair();
        tally.latencies.push(performance.now() - t0);
        // From half to one and a half times the pause, so the clients do not march in step.
        if (pauseMs > 0) await sleep(pauseMs * (0.5 + Math.random()));
      }
    }),
  );
  tally.seconds += (performance.now() - begin) / 1000;
  tally.pairs += total;
  const cpu = process.cpuUsage(cpu0);
  tally.ownCpu += (cpu.user + cpu.system) / 1e6;
  const server1 = side.serverPid === undefined ? 0 : processCpuSeconds(side.serverPid);
  if (side.serverPid === undefined || server0 === null || server1 === null) {
    tally.serverCpu = null;
  } else if (tally.serverCpu !== null) tally.serverCpu += server1 - server0;
}

function summary(tally: Tally, overSockets: boolean) {
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const perPair = (seconds: number) => (1000 * seconds) / tally.pairs;
  return {
    medianMs: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    perSecond: tally.pairs / tally.seconds,
    // Without sockets this process is the server; with them, the clients.
    serverCpuMs: overSockets
      ? tally.serverCpu === null
        ? null
        : perPair(tally.serverCpu)
      : perPair(tally.ownCpu),
    clientCpuMs: overSockets ? perPair(tally.ownCpu) : null,
  };
}

/**
 * Measures every side with 1 client, CLIENTS concurrent ones back to back (the most the
 * storage can take: every mode saturated), then CLIENTS ones that pause between pairs so they
 * offer half the pairs per second the library managed back to back (as workers that evaluate
 * their trials do). The modes take turns in ROUNDS rounds (rotating which goes first) rather
 * than one after another, so a change in the machine's load during the run falls on all of
 * them alike; each study grows by the same number of trials at each turn, so every mode sees
 * the same study sizes.
 */
async function measure(sides: ReadonlyMap<Mode, Side>, total: number) {
  const modes = [...sides.keys()];
  // A process's first requests run code not yet compiled: 200 unmeasured pairs each.
  for (const side of sides.values()) for (let i = 0; i < 200; i++) await side.pair();
  const results: { clients: string; mode: Mode; tally: Tally }[] = [];
  const phase = async (label: string, clients: number, pairs: number, pauseMs: number) => {
    const tallies = new Map<Mode, Tally>(
      modes.map((m) => [m, { latencies: [], seconds: 0, ownCpu: 0, serverCpu: 0, pairs: 0 }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(round + k) % modes.length]!;
        const tally = tallies.get(mode)!;
        await load(clients, Math.ceil(pairs / ROUNDS), pauseMs, sides.get(mode)!, tally);
      }
    }
    for (const mode of modes) results.push({ clients: label, mode, tally: tallies.get(mode)! });
    return tallies.get("library")!;
  };
  await phase("1", 1, Math.ceil(total / 2), 0);
  const saturated = summary(await phase(String(CLIENTS), CLIENTS, total, 0), false);
  // CLIENTS clients each pausing p ms offer about CLIENTS / p pairs per ms.
  const pauseMs = Math.round((2 * 1000 * CLIENTS) / saturated.perSecond);
  await phase(`${CLIENTS}, ${pauseMs} ms apart`, CLIENTS, Math.ceil(total / 2), pauseMs);
  return results;
}

async function library(url: string): Promise<Side & { close(): Promise<void> }> {
  const storage = await openStorage(url, { createTables: true });
  const { FloatDistribution } = await import("../src/distributions/index.js");
  const study = await createStudy({
    storage,
    studyName: `http-bench-library-${process.pid}`,
    sampler: new RandomSampler({ seed: 0 }),
  });
  const space = { x: new FloatDistribution(-1, 1) };
  return {
    pair: async () => {
      const trial = await study.ask(space);
      await study.tell(trial, (trial.params["x"] as number) ** 2);
    },
    close: () => storage.close(),
  };
}

/** Starts a server process that prints its URL as its first line. */
function startServer(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ stop(): Promise<void>; url: string; pid: number }> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n"))
        resolve({
          url: out.split("\n")[0]!.trim(),
          pid: child.pid!,
          stop: () => {
            child.kill("SIGTERM");
            return exited;
          },
        });
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
}

/**
 * `skipjack serve` of this checkout, or of the one at `root` (SKIPJACK_BENCH_HTTP_BEFORE: an
 * earlier version of the code, measured in the same run as "HTTP, before").
 */
function startServe(url: string, token: string, root?: string) {
  const bin =
    root === undefined
      ? fileURLToPath(new URL("../bin/skipjack.js", import.meta.url))
      : join(root, "bin/skipjack.js");
  return startServer([bin, "serve", "--storage", url, "--port", "0", "-q"], {
    SKIPJACK_SERVE_TOKEN: token,
  });
}

/**
 * The floor: node:http alone, reading each JSON body and answering a fixed trial of the same
 * size as the API's (201 to an ask), keep-alive as `skipjack serve` keeps it.
 */
const FLOOR_SERVER = `
const { createServer } = require("node:http");
let number = 0;
const server = createServer((req, res) => {
  let text = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => { text += chunk; });
  req.on("end", () => {
    const body = JSON.parse(text || "{}");
    const told = req.url.endsWith("/tell");
    const answer = JSON.stringify({
      study: "floor", number: told ? 0 : number++, state: told ? "COMPLETE" : "RUNNING",
      params: { x: 0.5 }, values: told ? [body.values] : null, intermediate_values: {},
      user_attrs: {}, datetime_start: new Date().toISOString(),
      datetime_complete: told ? new Date().toISOString() : null,
    });
    res.writeHead(req.url.endsWith("/trials") ? 201 : 200, {
      "content-type": "application/json", "content-length": Buffer.byteLength(answer),
    });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log("http://127.0.0.1:" + server.address().port));
`;

/** A pair of requests for the trial API, by whatever sends one request. */
function pairOver(
  post: (path: string, body: unknown) => Promise<Record<string, unknown>>,
  name: string,
): () => Promise<void> {
  const trials = `/api/v1/studies/${name}/trials`;
  return async () => {
    const asked = await post(trials, { search_space: SPACE });
    const x = (asked["params"] as Record<string, number>)["x"]!;
    await post(`${trials}/${asked["number"] as number}/tell`, { values: x * x });
  };
}

/** Clients of `skipjack serve` at `url` (a storage), or of the floor server when it is null. */
async function http(url: string | null, root?: string): Promise<Side & { close(): Promise<void> }> {
  const token = randomToken();
  const server =
    url === null ? await startServer(["-e", FLOOR_SERVER], {}) : await startServe(url, token, root);
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  // node:http with keep-alive, as a worker's client (Python's http.client) talks to the server;
  // undici's fetch costs about 1 ms of client CPU per request on its own.
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const base = new URL(server.url);
  const post = (path: string, body: unknown) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      // A fresh idempotency key per call, as the Python client sends (the server hashes and
      // keeps each one).
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          path,
          method: "POST",
          agent,
          headers: { ...headers, "idempotency-key": randomUUID() },
        },
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
  const name = `http-bench-http-${root === undefined ? "" : "before-"}${process.pid}`;
  try {
    await post("/api/v1/studies", { name, sampler: "random", sampler_kwargs: { seed: 0 } });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    pair: pairOver(post, name),
    serverPid: server.pid,
    close: async () => {
      agent.destroy();
      await server.stop();
    },
  };
}

/** The same requests through the Hono app in this process, without sockets or a second process. */
async function inProcess(url: string): Promise<Side & { close(): Promise<void> }> {
  const { createTrialApp } = await import("../src/server/app.js");
  const { Registry } = await import("../src/server/registry.js");
  const storage = await openStorage(url, { createTables: true });
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
  return { pair: pairOver(post, name), close: () => storage.close() };
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
  const opened: { close(): Promise<void> }[] = [];
  try {
    const sides = new Map<Mode, Side>();
    const before = process.env["SKIPJACK_BENCH_HTTP_BEFORE"];
    for (const [mode, open] of [
      ["library", library],
      ["app, no socket", inProcess],
      ["HTTP", (u: string) => http(u)],
      ...(before === undefined ? [] : [["HTTP, before", (u: string) => http(u, before)] as const]),
      ["node:http, no work", () => http(null)],
    ] as const) {
      const side = await open(url);
      opened.push(side);
      sides.set(mode, side);
    }
    const results = await measure(sides, total);
    const rows: HttpBenchRow[] = [];
    for (const { clients, mode, tally } of results) {
      const base = results.find((r) => r.clients === clients && r.mode === "library")!;
      const row = summary(tally, OVER_SOCKETS.has(mode));
      rows.push({
        storage: label,
        clients,
        mode,
        ...row,
        addedMs:
          mode === "library" || mode === "node:http, no work"
            ? null
            : row.medianMs - summary(base.tally, false).medianMs,
      });
    }
    return rows;
  } finally {
    for (const side of opened.reverse()) await side.close();
  }
}

/**
 * Measures ask + tell on the library and through HTTP; `quick` runs fewer pairs, and
 * SKIPJACK_BENCH_HTTP_PAIRS sets how many (the 32-client rows; half as many for the others).
 */
export async function measureHttp(quick = false): Promise<HttpBenchRow[]> {
  const total = Number(process.env["SKIPJACK_BENCH_HTTP_PAIRS"] ?? (quick ? 200 : 2000));
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
