import { readFileSync } from "node:fs";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { InMemoryStorage } from "../../src/index.js";
import { createTrialApp, ROUTES } from "../../src/server/app.js";
import { tokensEqual } from "../../src/server/auth.js";
import { Registry } from "../../src/server/registry.js";
import { startTrialServer } from "../../src/server/server.js";
import { createStudy } from "../../src/study/create.js";

type Json = Record<string, unknown>;

function setup(options: { token?: string; noAuth?: boolean; bodyLimit?: number } = {}) {
  const storage = new InMemoryStorage();
  const registry = new Registry(storage);
  const app = createTrialApp({ registry, noAuth: true, ...options });
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
    const response = await app.request(path, {
      method,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  return { storage, registry, app, call };
}

const S = "/api/v1/studies";

describe("trial API in-process", () => {
  it("creates a study, asks, suggests define-by-run, reports, prunes and tells", async () => {
    const { call, storage } = setup();
    const created = await call("POST", S, {
      name: "s",
      direction: "maximize",
      sampler: "random",
      sampler_kwargs: { seed: 1 },
      pruner: "none",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: "s",
      directions: ["maximize"],
      sampler: "RandomSampler",
      pruner: "NopPruner",
      n_trials: 0,
    });
    const asked = await call("POST", `${S}/s/trials`, {
      search_space: { x: { type: "float", low: 0, high: 1 } },
    });
    expect(asked.status).toBe(201);
    expect(asked.body["number"]).toBe(0);
    const x = (asked.body["params"] as Json)["x"] as number;
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThanOrEqual(1);

    const t = `${S}/s/trials/0`;
    const layers = await call("POST", `${t}/suggest`, {
      name: "layers",
      type: "int",
      low: 1,
      high: 4,
    });
    expect(layers.status).toBe(200);
    expect(Number.isInteger(layers.body["value"])).toBe(true);
    const again = await call("POST", `${t}/suggest`, {
      name: "layers",
      type: "int",
      low: 1,
      high: 4,
    });
    expect(again.body["value"]).toBe(layers.body["value"]);
    const act = await call("POST", `${t}/suggest`, {
      name: "act",
      type: "categorical",
      choices: ["relu", "tanh"],
    });
    expect(["relu", "tanh"]).toContain(act.body["value"]);
    const lr = await call("POST", `${t}/suggest`, {
      name: "lr",
      type: "float",
      low: 1e-4,
      high: 0.1,
      log: true,
    });
    expect(lr.body["value"]).toBeGreaterThanOrEqual(1e-4);
    expect((await call("POST", `${t}/report`, { value: 0.5, step: 0 })).status).toBe(200);
    expect((await call("POST", `${t}/should-prune`)).body).toEqual({ prune: false });
    expect((await call("POST", `${t}/user-attrs`, { key: "host", value: "gpu1" })).status).toBe(
      200,
    );
    expect((await call("POST", `${t}/heartbeat`)).body).toEqual({ recorded: false });
    const told = await call("POST", `${t}/tell`, { values: 0.75 });
    expect(told.status).toBe(200);
    expect(told.body).toMatchObject({ state: "COMPLETE", values: [0.75] });

    const [stored] = await storage.getAllTrials(await storage.getStudyIdFromName("s"));
    expect(stored!.state).toBe("COMPLETE");
    expect(stored!.params).toMatchObject({ layers: layers.body["value"], act: act.body["value"] });
    expect(stored!.userAttrs).toEqual({ host: "gpu1" });
    expect([...stored!.intermediateValues]).toEqual([[0, 0.5]]);
    const read = await call("GET", t);
    expect(read.body).toMatchObject({ state: "COMPLETE", intermediate_values: { "0": 0.5 } });
  });

  it("answers finished trials with 409, unknown ones with 404, bad bodies with 400", async () => {
    const { call } = setup();
    await call("POST", S, { name: "s" });
    await call("POST", `${S}/s/trials`, {});
    await call("POST", `${S}/s/trials/0/tell`, { state: "pruned" });
    const late = await call("POST", `${S}/s/trials/0/report`, { value: 1, step: 1 });
    expect(late.status).toBe(409);
    expect((late.body["error"] as Json)["message"]).toMatch(/already PRUNED: ask for a new trial/);
    expect((await call("POST", `${S}/s/trials/0/tell`, { values: 1 })).status).toBe(409);

    const missing = await call("POST", `${S}/s/trials/7/suggest`, {
      name: "x",
      type: "int",
      low: 0,
      high: 1,
    });
    expect(missing.status).toBe(404);
    expect((missing.body["error"] as Json)["message"]).toMatch(/no trial number 7/);
    expect((await call("GET", `${S}/nope`)).status).toBe(404);
    expect((await call("POST", `${S}/nope/trials`, {})).status).toBe(404);
    expect((await call("GET", "/api/v1/nothing")).status).toBe(404);

    await call("POST", `${S}/s/trials`, {});
    const cases: [string, unknown, RegExp][] = [
      ["suggest", { name: "x", type: "int", low: "a", high: 2 }, /low/],
      ["suggest", { name: "x", type: "float", low: 0 }, /float needs high/],
      ["suggest", { name: "x", type: "categorical" }, /categorical needs choices/],
      ["suggest", { name: "x", type: "complex", low: 0, high: 1 }, /type/],
      ["suggest", { name: "x", type: "float", low: 2, high: 1 }, /low|high/],
      ["suggest", { name: "x", type: "float", low: 0, high: 1, extra: 1 }, /extra/],
      ["report", { value: 1, step: -1 }, /step/],
      ["report", { value: "big", step: 1 }, /value/],
      ["tell", { values: 1, state: "pruned" }, /takes no values/],
      ["tell", { state: "complete" }, /needs values/],
      ["tell", "{not json", /not JSON/],
    ];
    for (const [route, body, message] of cases) {
      const answer = await call("POST", `${S}/s/trials/1/${route}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect((answer.body["error"] as Json)["message"]).toMatch(message);
    }
    const wrongNumber = await call("POST", `${S}/s/trials/x1/report`, { value: 1, step: 0 });
    expect(wrongNumber.status).toBe(400);
    // The trial is still usable after all that.
    expect((await call("POST", `${S}/s/trials/1/tell`, { values: 2 })).body["state"]).toBe(
      "COMPLETE",
    );
  });

  it("marks a NaN result FAIL with the reason, as study.tell does", async () => {
    const { call, storage } = setup();
    await call("POST", S, { name: "s" });
    await call("POST", `${S}/s/trials`, {});
    const told = await call("POST", `${S}/s/trials/0/tell`, { values: "NaN" });
    expect(told.body["state"]).toBe("FAIL");
    const [trial] = await storage.getAllTrials(await storage.getStudyIdFromName("s"));
    expect(String(trial!.systemAttrs["fail_reason"])).toMatch(/nan/i);
  });

  it("takes up a RUNNING trial another server started", async () => {
    const { call, storage } = setup();
    const study = await createStudy({ storage, studyName: "s" });
    const trial = await study.ask();
    const x = trial.suggestFloat("x", 0, 1);
    await (trial as unknown as { flush(): Promise<void> }).flush();
    const same = await call("POST", `${S}/s/trials/0/suggest`, {
      name: "x",
      type: "float",
      low: 0,
      high: 1,
    });
    expect(same.body["value"]).toBe(x);
    expect((await call("POST", `${S}/s/trials/0/tell`, { values: [x] })).body["state"]).toBe(
      "COMPLETE",
    );
  });

  it("refuses a body over the limit with 413 and stays up", async () => {
    const { call } = setup({ bodyLimit: 1000 });
    const big = await call("POST", S, { name: "s", pad: "x".repeat(5000) });
    expect(big.status).toBe(413);
    expect((big.body["error"] as Json)["code"]).toBe("body_too_large");
    expect((await call("POST", S, { name: "s" })).status).toBe(200);
  });

  it("needs the token when the server has one, and a per-trial token opens only its trial", async () => {
    const { call, registry } = setup({ token: "server-token-1", noAuth: false });
    const refused = await call("POST", S, { name: "s" });
    expect(refused.status).toBe(401);
    expect((await call("POST", S, { name: "s" }, "wrong-token")).status).toBe(401);
    expect((await call("POST", S, { name: "s" }, "server-token-1")).status).toBe(200);
    expect((await call("GET", "/api/v1/health")).status).toBe(200);

    const study = await registry.study("s");
    const a = await study.ask();
    const b = await study.ask();
    const seen: unknown[] = [];
    const lease = registry.lend(
      study,
      a,
      {
        onReport: (value, step) => seen.push(["report", value, step]),
        onShouldPrune: (prune) => seen.push(["prune", prune]),
        onTell: (outcome) => seen.push(["tell", outcome]),
      },
      "http://x",
    );
    expect(lease.env).toMatchObject({ SKIPJACK_TRIAL_NUMBER: "0", SKIPJACK_STUDY_NAME: "s" });
    const mine = `${S}/s/trials/${a.number}`;
    const units = await call(
      "POST",
      `${mine}/suggest`,
      { name: "u", type: "int", low: 1, high: 9 },
      lease.token,
    );
    expect(units.status).toBe(200);
    expect(a.params["u"]).toBe(units.body["value"]);
    expect((await call("POST", `${mine}/report`, { value: 3, step: 2 }, lease.token)).status).toBe(
      200,
    );
    expect((await call("POST", `${mine}/should-prune`, undefined, lease.token)).body).toEqual({
      prune: false,
    });
    // Not another trial, nor the study routes.
    expect(
      (await call("POST", `${S}/s/trials/${b.number}/report`, { value: 1, step: 0 }, lease.token))
        .status,
    ).toBe(401);
    expect((await call("POST", `${S}/s/trials`, {}, lease.token)).status).toBe(401);

    const told = await call("POST", `${mine}/tell`, { values: 0.25 }, lease.token);
    expect(told.body).toMatchObject({ state: "COMPLETE", values: [0.25] });
    expect(lease.told()).toEqual({ state: "COMPLETE", values: [0.25] });
    expect(seen).toEqual([
      ["report", 3, 2],
      ["prune", false],
      ["tell", { state: "COMPLETE", values: [0.25] }],
    ]);
    // The runner finishes the trial; the child's later calls are refused.
    expect((await registry.frozen("s", a.number)).state).toBe("RUNNING");
    expect((await call("POST", `${mine}/report`, { value: 1, step: 3 }, lease.token)).status).toBe(
      409,
    );
    lease.release();
    expect((await call("GET", mine, undefined, lease.token)).status).toBe(401);
  });

  it("compares tokens in constant time", () => {
    const source = readFileSync(new URL("../../src/server/auth.ts", import.meta.url), "utf8");
    expect(source).toMatch(/timingSafeEqual/);
    expect(tokensEqual("abc", "abc")).toBe(true);
    expect(tokensEqual("abc", "abd")).toBe(false);
    expect(tokensEqual("abc", "abcd")).toBe(false);
  });

  it("lists every route in the OpenAPI document, with the schemas that validate them", async () => {
    const { call } = setup();
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body["openapi"]).toBe("3.1.0");
    const paths = doc.body["paths"] as Record<string, Record<string, Json>>;
    for (const r of ROUTES)
      expect(paths[r.path]?.[r.method], `${r.method} ${r.path}`).toBeDefined();
    const suggest = paths["/api/v1/studies/{study}/trials/{number}/suggest"]!["post"]!;
    const schema = JSON.stringify(suggest["requestBody"]);
    expect(schema).toContain("categorical");
    expect(schema).toContain('"additionalProperties":false');
    expect(ROUTES.length).toBeGreaterThanOrEqual(11);
  });
});

describe("trial API over a socket", () => {
  /** POSTs `chunks` to the server, chunked (no Content-Length) unless `declared`. */
  function post(url: string, path: string, chunks: string[], declared: boolean) {
    return new Promise<{ status: number; body: Json }>((resolve, reject) => {
      const length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
      const req = request(
        `${url}${path}`,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(declared ? { "content-length": String(length) } : {}),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            text += c;
          });
          res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        },
      );
      req.on("error", reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  it("limits chunked bodies as they arrive and reads declared-length ones", async () => {
    const server = await startTrialServer({
      storage: new InMemoryStorage(),
      port: 0,
      noAuth: true,
      bodyLimit: 1000,
    });
    try {
      const small = JSON.stringify({ name: "s" });
      const ok = await post(server.url, S, [small.slice(0, 5), small.slice(5)], false);
      expect(ok.status).toBe(200);
      expect(ok.body["name"]).toBe("s");
      const big = `{"name": "t", "pad": "${"x".repeat(3000)}"}`;
      const chunked = await post(server.url, S, [big.slice(0, 600), big.slice(600)], false);
      expect(chunked.status).toBe(413);
      expect((chunked.body["error"] as Json)["code"]).toBe("body_too_large");
      const declared = await post(server.url, S, [big], true);
      expect(declared.status).toBe(413);
      const asked = await post(server.url, `${S}/s/trials`, ["{}"], true);
      expect(asked.status).toBe(201);
      const told = await post(server.url, `${S}/s/trials/0/tell`, ['{"values": 1.5}'], true);
      expect(told.body["state"]).toBe("COMPLETE");
      const bad = await post(server.url, S, ['{"name": 7}'], true);
      expect(bad.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
