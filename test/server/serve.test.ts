/**
 * `skipjack serve` as a real process, with workers using the Python client
 * (clients/python/skipjack_client.py) under Debian's python3, standard library only.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "../../src/storages/resolve.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin/skipjack.js");
const clientDir = join(root, "clients/python");
const python = "/usr/bin/python3";
const dir = mkdtempSync(join(tmpdir(), "skipjack-serve-"));
const storage = `sqlite:///${join(dir, "hpo.db")}`;
const TOKEN = "test-token-0123456789";

let server: ChildProcess;
let url: string;
let serverLog = "";

function startServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, "serve", ...args], {
    env: { ...process.env, SKIPJACK_DEBUG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    serverLog += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line !== undefined) resolve({ child, url: line.trim() });
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

function runPython(code: string, env: Record<string, string> = {}) {
  const file = join(dir, `worker-${Math.random().toString(36).slice(2)}.py`);
  writeFileSync(file, code);
  return spawnSync(python, [file], {
    env: { PATH: process.env["PATH"] ?? "", PYTHONPATH: clientDir, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

function raw(method: string, path: string, body: string, token = TOKEN) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  ({ child: server, url } = await startServe([
    "--storage",
    storage,
    "--port",
    "0",
    "--token",
    TOKEN,
  ]));
}, 60_000);

afterAll(() => {
  server?.kill("SIGTERM");
});

describe("skipjack serve with the Python client", () => {
  it("runs a remote worker loop with a conditional space", async () => {
    const result = runPython(
      `
import skipjack_client as sj

study = sj.Study("${url}", token="${TOKEN}", name="remote", direction="minimize",
                 sampler="random", sampler_kwargs={"seed": 3}, pruner="none")

def objective(trial):
    layers = trial.suggest_int("layers", 1, 3)
    units = [trial.suggest_int("units_l%d" % i, 4, 64, log=True) for i in range(layers)]
    kind = trial.suggest_categorical("kind", ["mlp", "cnn"])
    if kind == "cnn":
        trial.suggest_float("kernel", 1.0, 5.0, step=2.0)
    x = trial.suggest_float("x", -2.0, 2.0)
    for step in range(3):
        trial.report(x * x + step, step)
        if trial.should_prune():
            raise sj.TrialPruned()
    trial.set_user_attr("units", units)
    return x * x + sum(units) / 1000.0

study.optimize(objective, n_trials=6)

t = study.ask()
t.suggest_float("x", -2.0, 2.0)
t.report(float("nan"), 0)
study.tell(t, state="pruned")

t = study.ask({"x": {"name": "FloatDistribution", "attributes": {"low": 0.5, "high": 0.6, "log": False, "step": None}}})
assert 0.5 <= t.params["x"] <= 0.6, t.params
study.tell(t.number, float("nan"))

try:
    t.report(1.0, 1)
except sj.SkipjackError as e:
    assert e.status == 409, e
    print("late report:", e.status)
print("done", study.trial(0)["state"])
`,
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("late report: 409");
    expect(result.stdout).toContain("done COMPLETE");

    const db = await openStorage(storage);
    try {
      const trials = await db.getAllTrials(await db.getStudyIdFromName("remote"));
      expect(trials.map((t) => t.state)).toEqual([...Array(6).fill("COMPLETE"), "PRUNED", "FAIL"]);
      for (const t of trials.slice(0, 6)) {
        const layers = t.params["layers"] as number;
        for (let i = 0; i < 3; i++) expect(`units_l${i}` in t.params).toBe(i < layers);
        expect("kernel" in t.params).toBe(t.params["kind"] === "cnn");
        expect((t.userAttrs["units"] as number[]).length).toBe(layers);
        expect([...t.intermediateValues.keys()]).toEqual([0, 1, 2]);
      }
      expect(Number.isNaN(trials[6]!.intermediateValues.get(0))).toBe(true);
      expect(String(trials[7]!.systemAttrs["fail_reason"])).toMatch(/nan/i);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("stops optimize when a grid is exhausted, and marks a raising objective FAIL", () => {
    const result = runPython(`
import skipjack_client as sj
study = sj.Study("${url}", token="${TOKEN}", name="grid", sampler="grid",
                 sampler_kwargs={"search_space": {"x": [1, 2, 3]}})
seen = []
def objective(trial):
    x = trial.suggest_categorical("x", [1, 2, 3])
    seen.append(x)
    if x == 2:
        raise ValueError("boom")
    return x
study.optimize(objective, catch=(ValueError,))
print(sorted(seen), [study.trial(n)["state"] for n in range(3)])
try:
    study.optimize(lambda t: 1 / 0, n_trials=1)
except sj.SkipjackError:
    print("exhausted is not an error")
except ZeroDivisionError:
    print("raised")
`);
    expect(result.stderr).toBe("");
    const [line] = result.stdout.trim().split("\n");
    expect(line).toMatch(
      /^\[1, 2, 3\] \['(COMPLETE|FAIL)', '(COMPLETE|FAIL)', '(COMPLETE|FAIL)'\]$/,
    );
    expect(line!.match(/FAIL/g)).toHaveLength(1);
    expect(result.stdout).not.toContain("raised");
  }, 60_000);

  it("refuses a wrong token, and current_trial needs the environment", () => {
    const result = runPython(`
import skipjack_client as sj
try:
    sj.Study("${url}", token="not-the-token", name="remote")
except sj.SkipjackError as e:
    print("refused", e.status, e.code)
try:
    sj.current_trial()
except sj.SkipjackError as e:
    print("no env:", "SKIPJACK_API_URL" in str(e))
`);
    expect(result.stdout).toContain("refused 401 unauthorized");
    expect(result.stdout).toContain("no env: True");
  }, 60_000);

  it("answers malformed requests with 4xx JSON errors and stays up", async () => {
    const bad = await raw("POST", "/api/v1/studies", "{oops");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/not JSON/);
    const wrongType = await raw("POST", "/api/v1/studies", JSON.stringify({ name: 7 }));
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.body).error.message).toMatch(/name/);
    const big = await raw(
      "POST",
      "/api/v1/studies",
      JSON.stringify({ name: "x".repeat(2_000_000) }),
    );
    expect(big.status).toBe(413);
    const unknown = await raw(
      "POST",
      "/api/v1/studies/remote/trials/999/report",
      '{"value":1,"step":0}',
    );
    expect(unknown.status).toBe(404);
    const noToken = await raw("GET", "/api/v1/studies/remote", "", "");
    expect(noToken.status).toBe(401);
    const health = await raw("GET", "/api/v1/health", "");
    expect(JSON.parse(health.body).ok).toBe(true);
    const doc = await raw("GET", "/openapi.json", "");
    expect(Object.keys(JSON.parse(doc.body).paths)).toContain(
      "/api/v1/studies/{study}/trials/{number}/should-prune",
    );
  });

  it("never prints the token", () => {
    expect(serverLog).toMatch(/Serving the trial API of sqlite:.* \(token required\)/);
    expect(serverLog).not.toContain(TOKEN);
  });

  it("refuses to bind off loopback without a token", () => {
    const result = spawnSync(
      process.execPath,
      [bin, "serve", "--storage", storage, "--host", "0.0.0.0", "--port", "0"],
      { encoding: "utf8", timeout: 60_000, env: { ...process.env, SKIPJACK_SERVE_TOKEN: "" } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^skipjack: Binding to 0\.0\.0\.0 .*--token.*--no-auth/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("prints the Python client's path", () => {
    const result = spawnSync(process.execPath, [bin, "client", "python"], { encoding: "utf8" });
    expect(result.stdout.trim()).toBe(join(clientDir, "skipjack_client.py"));
  }, 60_000);
});
