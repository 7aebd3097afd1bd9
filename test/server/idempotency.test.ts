/**
 * Idempotency keys: a retried POST is answered from the store, not acted on again. Direct
 * requests to the app, the store's bounds, and the Python client retrying through a proxy
 * that drops the connection after the server acted.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { InMemoryStorage } from "../../src/index.js";
import { createTrialApp } from "../../src/server/app.js";
import { IdempotencyStore } from "../../src/server/idempotency.js";
import { Registry } from "../../src/server/registry.js";
import { startTrialServer } from "../../src/server/server.js";
import { TrialState } from "../../src/trial/state.js";
import { runPython } from "./python-client.js";

type Json = Record<string, unknown>;
const S = "/api/v1/studies";

function setup() {
  const storage = new InMemoryStorage();
  const app = createTrialApp({ registry: new Registry(storage), noAuth: true });
  const call = async (path: string, body: unknown, key?: string) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key !== undefined) headers["idempotency-key"] = key;
    const response = await app.request(path, {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      replayed: response.headers.get("idempotent-replayed"),
      body: (await response.json()) as Json,
    };
  };
  const trials = async (name: string) =>
    storage.getAllTrials(await storage.getStudyIdFromName(name));
  return { app, call, trials };
}

const SPACE = { search_space: { x: { type: "float", low: 0, high: 1 } } };

describe("idempotency keys over HTTP", () => {
  it("answers a retried ask with the same trial, and the study holds one trial", async () => {
    const { call, trials } = setup();
    await call(S, { name: "s", sampler: "random" });
    const first = await call(`${S}/s/trials`, SPACE, "ask-1");
    const again = await call(`${S}/s/trials`, SPACE, "ask-1");
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    expect(again.status).toBe(201);
    expect(again.replayed).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await trials("s")).toHaveLength(1);
    // Another key is another call: a second trial.
    const other = await call(`${S}/s/trials`, SPACE, "ask-2");
    expect(other.body["number"]).toBe(1);
    expect(await trials("s")).toHaveLength(2);
  });

  it("answers a repeat that arrives while the first is still running with the same trial", async () => {
    const { call, trials } = setup();
    await call(S, { name: "s" });
    const answers = await Promise.all([1, 2, 3].map(() => call(`${S}/s/trials`, SPACE, "k")));
    expect(new Set(answers.map((a) => a.body["number"]))).toEqual(new Set([0]));
    expect(answers.filter((a) => a.replayed === "true")).toHaveLength(2);
    expect(await trials("s")).toHaveLength(1);
  });

  it("answers a retried tell and report with their first answers instead of acting again", async () => {
    const { call, trials } = setup();
    await call(S, { name: "s" });
    await call(`${S}/s/trials`, SPACE, "a");
    const reported = await call(`${S}/s/trials/0/report`, { value: 0.5, step: 1 }, "r");
    const reReported = await call(`${S}/s/trials/0/report`, { value: 0.5, step: 1 }, "r");
    expect(reReported).toMatchObject({ status: 200, replayed: "true", body: reported.body });
    const told = await call(`${S}/s/trials/0/tell`, { values: 0.25 }, "t");
    const retold = await call(`${S}/s/trials/0/tell`, { values: 0.25 }, "t");
    expect(told.status).toBe(200);
    expect(retold).toMatchObject({ status: 200, replayed: "true", body: told.body });
    // Without the key the same tell is refused: the trial has finished.
    expect((await call(`${S}/s/trials/0/tell`, { values: 0.25 })).status).toBe(409);
    const stored = await trials("s");
    expect(stored).toHaveLength(1);
    expect(stored[0]!.state).toBe(TrialState.COMPLETE);
    expect(stored[0]!.values).toEqual([0.25]);
  });

  it("refuses a key sent again with another body or route, saying so", async () => {
    const { call, trials } = setup();
    await call(S, { name: "s" });
    await call(`${S}/s/trials`, SPACE, "k");
    const otherBody = await call(`${S}/s/trials`, { search_space: {} }, "k");
    expect(otherBody.status).toBe(422);
    expect(otherBody.body["error"]).toMatchObject({ code: "idempotency_key_reused" });
    expect((otherBody.body["error"] as Json)["message"]).toMatch(/another route or body/);
    const otherRoute = await call(`${S}/s/trials/0/tell`, { values: 1 }, "k");
    expect(otherRoute.status).toBe(422);
    expect(await trials("s")).toHaveLength(1);
    expect((await trials("s"))[0]!.state).toBe(TrialState.RUNNING);
  });

  it("checks the token before the key: a wrong token gets a 401, not the stored answer", async () => {
    const storage = new InMemoryStorage();
    const registry = new Registry(storage);
    const app = createTrialApp({ registry, token: "server-token-1" });
    const post = (token: string, key: string) =>
      app.request(`${S}/s/trials`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "idempotency-key": key,
        },
        body: "{}",
      });
    const created = await app.request(S, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer server-token-1" },
      body: JSON.stringify({ name: "s" }),
    });
    expect(created.status).toBe(200);
    expect((await post("server-token-1", "k")).status).toBe(201);
    // A wrong token is refused before the key is looked at: no replay of the first answer.
    const stranger = await post("not-the-token", "k");
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get("idempotent-replayed")).toBeNull();
    expect(await storage.getAllTrials(await storage.getStudyIdFromName("s"))).toHaveLength(1);
  });

  it("stores refusals too, and refuses a malformed key", async () => {
    const { call } = setup();
    const missing = await call(`${S}/nope/trials`, {}, "m");
    expect(missing.status).toBe(404);
    await call(S, { name: "nope" });
    // The retry of that call still gets its answer, not a trial of the study made since.
    const retried = await call(`${S}/nope/trials`, {}, "m");
    expect(retried).toMatchObject({ status: 404, replayed: "true" });
    const bad = await call(`${S}/nope/trials`, {}, "has space");
    expect(bad.status).toBe(400);
    expect(bad.body["error"]).toMatchObject({ code: "bad_idempotency_key" });
  });

  it("describes the header in the OpenAPI document", async () => {
    const { app } = setup();
    const document = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters?: Json[]; responses: Json }>>;
    };
    const ask = document.paths["/api/v1/studies/{study}/trials"]!["post"]!;
    const header = ask.parameters!.find((p) => p["name"] === "Idempotency-Key")!;
    expect(header).toMatchObject({ in: "header", required: false });
    expect(header["description"]).toMatch(/4096 keys, each for 15 minutes/);
    expect(ask.responses["422"]).toBeDefined();
    const get = document.paths["/api/v1/studies/{study}"]!["get"]!;
    expect(get.parameters!.some((p) => p["name"] === "Idempotency-Key")).toBe(false);
  });
});

describe("IdempotencyStore bounds", () => {
  it("keeps at most maxEntries keys, dropping the least recently used", () => {
    const store = new IdempotencyStore({ maxEntries: 2 });
    const settle = (key: string) => {
      const claim = store.claim(key, "post /x", "{}");
      if (!claim.first) throw new Error(`${key} was not new`);
      claim.settle({ status: 200, body: { key } });
    };
    settle("a");
    settle("b");
    expect(store.claim("a", "post /x", "{}").first).toBe(false); // a is now the most recent
    settle("c"); // drops b
    expect(store.size).toBe(2);
    expect(store.claim("a", "post /x", "{}").first).toBe(false);
    expect(store.claim("b", "post /x", "{}").first).toBe(true);
  });

  it("forgets a key after ttlMs, and one whose first request failed on the server", async () => {
    let now = 0;
    const store = new IdempotencyStore({ ttlMs: 1000 }, () => now);
    const claim = store.claim("a", "post /x", "{}");
    if (claim.first) claim.settle({ status: 201, body: { n: 1 } });
    now = 999;
    const repeat = store.claim("a", "post /x", "{}");
    expect(repeat.first).toBe(false);
    if (!repeat.first) expect(await repeat.answer).toEqual({ status: 201, body: { n: 1 } });
    now = 1000;
    // Expired: acted on again, even with another body.
    expect(store.claim("a", "post /x", "other").first).toBe(true);

    const failing = store.claim("b", "post /x", "{}");
    const waiting = store.claim("b", "post /x", "{}");
    if (!failing.first || waiting.first) throw new Error("expected a first claim and a repeat");
    failing.abandon();
    await expect(waiting.answer).rejects.toMatchObject({ status: 503, code: "retry" });
    expect(store.claim("b", "post /x", "{}").first).toBe(true);
  });

  it("refuses bounds that are not positive", () => {
    expect(() => new IdempotencyStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new IdempotencyStore({ ttlMs: 0 })).toThrow(/ttlMs/);
  });
});

/**
 * A TCP proxy to `target` that, once for each pattern in `drops`, reads the server's answer to
 * a request whose request line matches and closes the client's connection instead of
 * forwarding it: the server acted, the client saw the connection drop.
 */
async function droppingProxy(target: number, drops: RegExp[]) {
  const pending = [...drops];
  const dropped: string[] = [];
  let forwarded = "";
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, "127.0.0.1");
    sockets.add(client).add(upstream);
    let requestLine = "";
    client.on("data", (chunk: Buffer) => {
      const text = chunk.toString("latin1");
      if (/^(GET|POST) /.test(text)) requestLine = text.slice(0, text.indexOf("\r\n"));
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      const index = pending.findIndex((p) => p.test(requestLine));
      if (index >= 0 && chunk.toString("latin1").startsWith("HTTP/1.1 ")) {
        pending.splice(index, 1);
        dropped.push(requestLine);
        client.destroy();
        upstream.destroy();
        return;
      }
      forwarded += chunk.toString("latin1");
      client.write(chunk);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    dropped,
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("the Python client's retries", () => {
  it("gets one trial when the connection drops after the server acted on ask, report and tell", async () => {
    const storage = new InMemoryStorage();
    const server = await startTrialServer({ storage, port: 0, noAuth: true });
    const proxy = await droppingProxy(server.port, [
      /^POST \/api\/v1\/studies\/w\/trials HTTP/,
      /\/report HTTP/,
      /\/tell HTTP/,
    ]);
    try {
      const result = await runPython(`
import json, skipjack_client as sj
study = sj.Study("http://127.0.0.1:${proxy.port}", name="w", sampler="random")
trial = study.ask({"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "log": False, "step": None}}})
trial.report(0.5, 0)
told = study.tell(trial, 0.125)
print(json.dumps({"number": trial.number, "state": told["state"], "values": told["values"]}))
`);
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.out)).toEqual({ number: 0, state: "COMPLETE", values: [0.125] });
      // Each of the three calls lost its first answer and was retried, answered from the store.
      expect(proxy.dropped).toHaveLength(3);
      expect(proxy.forwarded().match(/idempotent-replayed: true/gi)).toHaveLength(3);
      const trials = await storage.getAllTrials(await storage.getStudyIdFromName("w"));
      expect(trials).toHaveLength(1);
      expect(trials[0]!.state).toBe(TrialState.COMPLETE);
      expect(trials[0]!.values).toEqual([0.125]);
      expect([...trials[0]!.intermediateValues]).toEqual([[0, 0.5]]);
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});
