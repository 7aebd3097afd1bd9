/**
 * The dashboard API in-process (`app.request`): every endpoint, the incremental trials
 * cursor, notes, rename and delete, trial logs, and study text coming back as plain JSON.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type {
  DashboardInfo,
  Note,
  StudiesResponse,
  StudyDetail,
  StudySummary,
  TrialDetail,
  TrialsResponse,
} from "../../src/server/dashboard/api-types.js";
import { createDashboardApp } from "../../src/server/dashboard/app.js";
import { InMemoryStorage } from "../../src/storages/in-memory/in-memory-storage.js";
import type { Storage } from "../../src/storages/storage.js";
import { complete, sameOrigin, studyWith, X } from "./api-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "skipjack-dashboard-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let storage: Storage;
let app: ReturnType<typeof createDashboardApp>;

async function get<T>(path: string): Promise<T> {
  const response = await app.request(path);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return (await response.json()) as T;
}

beforeEach(() => {
  storage = new InMemoryStorage();
  app = createDashboardApp({ storage, uiDir: join(dir, "no-ui") });
});

describe("studies", () => {
  it("lists directions, counts by state, best value, start and last activity", async () => {
    const id = await studyWith(storage, "quadratic", [3, 1, 2]);
    await storage.createNewTrial(id, { state: "FAIL", datetimeStart: new Date(1_700_000_005_000) });
    await storage.createNewTrial(id);
    await storage.setStudyUserAttr(id, "owner", "ml-team");
    const { studies } = await get<StudiesResponse>("/api/dashboard/studies");
    expect(studies).toHaveLength(1);
    const s = studies[0]!;
    expect(s).toMatchObject({
      studyId: id,
      name: "quadratic",
      directions: ["minimize"],
      nTrials: 5,
      counts: { COMPLETE: 3, FAIL: 1, RUNNING: 1, PRUNED: 0, WAITING: 0 },
      best: [{ number: 1, values: [1] }],
      datetimeStart: 1_700_000_000_000,
      userAttrs: { owner: "ml-team" },
    });
    expect(s.lastActivity).toBeGreaterThanOrEqual(1_700_000_005_000);
  });

  it("gives the Pareto front of a multi-objective study", async () => {
    const id = await storage.createNewStudy(["minimize", "maximize"], "two");
    const points = [
      [1, 1],
      [2, 3],
      [3, 2], // dominated by [2, 3]
      [0, 0],
    ];
    for (const values of points) await storage.createNewTrial(id, { state: "COMPLETE", values });
    const detail = await get<StudyDetail>(`/api/dashboard/studies/${id}`);
    expect(detail.best.map((b) => b.number)).toEqual([0, 1, 3]);
  });

  it("keeps the best value while trials arrive between polls, maximizing", async () => {
    const id = await studyWith(storage, "max", [1, 5], ["maximize"]);
    expect((await get<StudyDetail>(`/api/dashboard/studies/${id}`)).best).toEqual([
      { number: 1, values: [5] },
    ]);
    await storage.createNewTrial(id, complete(7, 0, 0));
    await storage.createNewTrial(id, complete(2, 0, 0));
    expect((await get<StudyDetail>(`/api/dashboard/studies/${id}`)).best).toEqual([
      { number: 2, values: [7] },
    ]);
  });

  it("answers a study's detail with parameters and distributions", async () => {
    const id = await studyWith(storage, "s", [1]);
    await storage.setStudySystemAttr(id, "custom", 1);
    const detail = await get<StudyDetail>(`/api/dashboard/studies/${id}`);
    expect(detail.paramNames).toEqual(["x", "kind"]);
    expect(detail.distributions[0]).toEqual({
      name: "FloatDistribution",
      attributes: { step: null, low: -10, high: 10, log: false },
    });
    expect(detail.distributions[1]).toEqual({
      name: "CategoricalDistribution",
      attributes: { choices: ["a", "b", "c"] },
    });
    expect(detail.systemAttrs).toEqual({ custom: 1 });
    expect(detail.note).toEqual({ text: "", version: 0, updated: null });
  });

  it("404s an unknown study and 400s a malformed id, as JSON errors", async () => {
    const missing = await app.request("/api/dashboard/studies/99");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const bad = await app.request("/api/dashboard/studies/abc");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "bad_request" } });
  });

  it("returns a <script> study name and attribute as a plain JSON string", async () => {
    const name = "<script>alert(1)</script>";
    const id = await studyWith(storage, name, [1]);
    await storage.setStudyUserAttr(id, "html", "<img src=x onerror=alert(1)>");
    const response = await app.request("/api/dashboard/studies");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const body = (await response.json()) as StudiesResponse;
    expect(body.studies[0]!.name).toBe(name);
    expect(body.studies[0]!.userAttrs["html"]).toBe("<img src=x onerror=alert(1)>");
  });
});

describe("trials", () => {
  it("answers compact rows: internal params aligned with paramNames, values, times, attrs", async () => {
    const id = await studyWith(storage, "s", [0.5, 2]);
    const pruned = await storage.createNewTrial(id, {
      params: { x: { internal: 1.5, distribution: X } },
      intermediateValues: new Map([
        [1, 0.9],
        [0, Number.NaN],
      ]),
    });
    await storage.updateTrial(pruned.trialId, { state: "PRUNED" });
    await storage.createNewTrial(id, {
      state: "FAIL",
      systemAttrs: { fail_reason: "out of memory", constraints: [0.5, -1] },
      userAttrs: { log_path: "/tmp/3.log" },
    });
    await storage.createNewTrial(id, { state: "COMPLETE", values: [Number.POSITIVE_INFINITY] });
    const body = await get<TrialsResponse>(`/api/dashboard/studies/${id}/trials`);
    expect(body.reset).toBe(true);
    expect(body.nTrials).toBe(5);
    expect(body.paramNames).toEqual(["x", "kind"]);
    expect(body.directions).toEqual(["minimize"]);
    expect(body.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
    expect(body.trials[1]).toMatchObject({
      state: "COMPLETE",
      values: [2],
      params: [1, 1],
      start: 1_700_000_000_000,
      complete: 1_700_000_001_000,
    });
    expect(body.trials[2]).toMatchObject({
      state: "PRUNED",
      params: [1.5],
      intermediate: [
        [0, 1],
        ["NaN", 0.9],
      ],
    });
    expect(body.trials[3]).toMatchObject({
      state: "FAIL",
      failReason: "out of memory",
      constraints: [0.5, -1],
      userAttrs: { log_path: "/tmp/3.log" },
    });
    expect(body.trials[4]!.values).toEqual(["Infinity"]);
    expect(body.trials[0]).not.toHaveProperty("userAttrs");
  });

  it("sends with after= only new and changed trials, and finished ones only once", async () => {
    const id = await studyWith(storage, "s", [1, 2]);
    const running = await storage.createNewTrial(id);
    const first = await get<TrialsResponse>(`/api/dashboard/studies/${id}/trials`);
    expect(first.trials).toHaveLength(3);

    // Nothing changed: nothing sent, same cursor.
    const idle = await get<TrialsResponse>(
      `/api/dashboard/studies/${id}/trials?after=${first.cursor}`,
    );
    expect(idle).toMatchObject({ reset: false, trials: [], cursor: first.cursor, nTrials: 3 });

    // The running trial reports, a new trial starts: both sent, the finished ones not.
    await storage.updateTrial(running.trialId, { intermediateValues: new Map([[0, 0.5]]) });
    await storage.createNewTrial(id, complete(0.1, 2, 2));
    const second = await get<TrialsResponse>(
      `/api/dashboard/studies/${id}/trials?after=${first.cursor}`,
    );
    expect(second.reset).toBe(false);
    expect(second.trials.map((t) => t.number)).toEqual([2, 3]);
    expect(second.trials[0]!.intermediate).toEqual([[0], [0.5]]);
    expect(second.cursor).not.toBe(first.cursor);

    // The running trial finishes: it alone is sent, once.
    await storage.updateTrial(running.trialId, { state: "COMPLETE", values: [0.05] });
    const third = await get<TrialsResponse>(
      `/api/dashboard/studies/${id}/trials?after=${second.cursor}`,
    );
    expect(third.trials.map((t) => [t.number, t.state])).toEqual([[2, "COMPLETE"]]);
    const fourth = await get<TrialsResponse>(
      `/api/dashboard/studies/${id}/trials?after=${third.cursor}`,
    );
    expect(fourth.trials).toEqual([]);

    // An older cursor still gets everything since it.
    const since = await get<TrialsResponse>(
      `/api/dashboard/studies/${id}/trials?after=${first.cursor}`,
    );
    expect(since.trials.map((t) => t.number)).toEqual([2, 3]);
    expect((await get<StudyDetail>(`/api/dashboard/studies/${id}`)).best[0]!.number).toBe(2);
  });

  it("resets for a cursor of another server run, 400s a malformed one", async () => {
    const id = await studyWith(storage, "s", [1]);
    const other = createDashboardApp({ storage, uiDir: join(dir, "no-ui") });
    const foreign = (await (
      await other.request(`/api/dashboard/studies/${id}/trials`)
    ).json()) as TrialsResponse;
    const body = await get<TrialsResponse>(
      `/api/dashboard/studies/${id}/trials?after=${foreign.cursor}`,
    );
    expect(body.reset).toBe(true);
    expect(body.trials).toHaveLength(1);
    const bad = await app.request(`/api/dashboard/studies/${id}/trials?after=%3Cjunk%3E`);
    expect(bad.status).toBe(400);
  });

  it("starts over when a study id comes to hold another study's trials", async () => {
    // A SQLite database reuses the largest id after a delete: the same id, other trials.
    const first = await studyWith(storage, "first", [1, 2, 3]);
    const second = await studyWith(storage, "second", [7, 8, 9, 10]);
    let target = first;
    const reused = new Proxy(storage, {
      get(s, key) {
        if (key === "getAllTrials") return () => s.getAllTrials(target);
        if (key === "getStudyDirections") return () => s.getStudyDirections(target);
        const value = Reflect.get(s, key);
        return typeof value === "function" ? value.bind(s) : value;
      },
    });
    const view = createDashboardApp({ storage: reused });
    const path = `/api/dashboard/studies/${first}/trials`;
    const before = (await (await view.request(path)).json()) as TrialsResponse;
    expect(before.trials.map((t) => t.values)).toEqual([[1], [2], [3]]);
    target = second;
    const after = (await (
      await view.request(`${path}?after=${before.cursor}`)
    ).json()) as TrialsResponse;
    expect(after.reset).toBe(true);
    expect(after.trials.map((t) => t.values)).toEqual([[7], [8], [9], [10]]);
  });

  it("answers a trial in full, with its external param values and note", async () => {
    const id = await studyWith(storage, "s", [1, 2]);
    const t = await get<TrialDetail>(`/api/dashboard/studies/${id}/trials/1`);
    expect(t).toMatchObject({
      studyId: id,
      number: 1,
      state: "COMPLETE",
      values: [2],
      log: null,
      failReason: null,
      note: { text: "", version: 0 },
    });
    expect(t.params).toEqual([
      {
        name: "x",
        internal: 1,
        value: 1,
        distribution: {
          name: "FloatDistribution",
          attributes: { step: null, low: -10, high: 10, log: false },
        },
      },
      {
        name: "kind",
        internal: 1,
        value: "b",
        distribution: { name: "CategoricalDistribution", attributes: { choices: ["a", "b", "c"] } },
      },
    ]);
    expect((await app.request(`/api/dashboard/studies/${id}/trials/7`)).status).toBe(404);
  });
});

describe("trial logs", () => {
  async function trialWithLog(path: string): Promise<number> {
    const id = await storage.createNewStudy(["minimize"], `log-${Math.random()}`);
    await storage.createNewTrial(id, { state: "FAIL", userAttrs: { log_path: path } });
    return id;
  }

  it("sends a log file's content, and only its end past the cap", async () => {
    const path = join(dir, "0.log");
    writeFileSync(path, `${"a".repeat(1000)}é tail\n`);
    const id = await trialWithLog(path);
    const whole = await get<TrialDetail>(`/api/dashboard/studies/${id}/trials/0`);
    expect(whole.log).toMatchObject({ path, available: true, truncated: false, size: 1008 });
    expect(whole.log!.content).toBe(`${"a".repeat(1000)}é tail\n`);
    const capped = await get<TrialDetail>(`/api/dashboard/studies/${id}/trials/0?logBytes=7`);
    expect(capped.log).toMatchObject({ available: true, truncated: true, size: 1008 });
    // The cap falls inside "é" (2 bytes): the partial character is dropped.
    expect(capped.log!.content).toBe(" tail\n");
    expect((await app.request(`/api/dashboard/studies/${id}/trials/0?logBytes=-1`)).status).toBe(
      400,
    );
  });

  it("refuses files that are not regular .log files, and missing ones", async () => {
    const secret = join(dir, "secret.txt");
    writeFileSync(secret, "password");
    const link = join(dir, "link.log");
    symlinkSync(secret, link);
    for (const path of [secret, link, join(dir, "missing.log"), dir]) {
      const id = await trialWithLog(path);
      const t = await get<TrialDetail>(`/api/dashboard/studies/${id}/trials/0`);
      expect(t.log).toEqual({
        path,
        available: false,
        content: null,
        size: null,
        truncated: false,
      });
    }
  });
});

describe("writes", () => {
  it("saves study and trial notes in the study's system attributes, with versions", async () => {
    const id = await studyWith(storage, "s", [1]);
    const put = (path: string, body: unknown) => app.request(path, sameOrigin("PUT", body));
    const saved = await put(`/api/dashboard/studies/${id}/note`, { text: "# Plan\n<b>x</b>" });
    expect(saved.status).toBe(200);
    const note = (await saved.json()) as Note;
    expect(note).toMatchObject({ text: "# Plan\n<b>x</b>", version: 1 });
    // An edit started from an older version is refused.
    const stale = await put(`/api/dashboard/studies/${id}/note`, { text: "other", version: 0 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: { code: "conflict" } });
    const next = await put(`/api/dashboard/studies/${id}/note`, { text: "v2", version: 1 });
    expect(((await next.json()) as Note).version).toBe(2);

    const trialNote = await put(`/api/dashboard/studies/${id}/trials/0/note`, { text: "good" });
    expect(trialNote.status).toBe(200);
    expect((await get<TrialDetail>(`/api/dashboard/studies/${id}/trials/0`)).note.text).toBe(
      "good",
    );
    const detail = await get<StudyDetail>(`/api/dashboard/studies/${id}`);
    expect(detail.note.text).toBe("v2");
    // Notes are kept out of the attributes shown.
    expect(detail.systemAttrs).toEqual({});
    expect(Object.keys(await storage.getStudySystemAttrs(id)).sort()).toEqual([
      "dashboard:note",
      "dashboard:trial_note:0",
    ]);
    expect((await put(`/api/dashboard/studies/${id}/trials/9/note`, { text: "" })).status).toBe(
      404,
    );
    expect((await put(`/api/dashboard/studies/${id}/note`, { txt: "typo" })).status).toBe(400);
  });

  it("renames a study, refusing a name in use", async () => {
    const id = await studyWith(storage, "old", [1]);
    await studyWith(storage, "taken", []);
    const renamed = await app.request(
      `/api/dashboard/studies/${id}/rename`,
      sameOrigin("POST", { name: "new" }),
    );
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as StudySummary).name).toBe("new");
    expect(await storage.getStudyIdFromName("new")).toBe(id);
    const clash = await app.request(
      `/api/dashboard/studies/${id}/rename`,
      sameOrigin("POST", { name: "taken" }),
    );
    expect(clash.status).toBe(409);
    expect(await clash.json()).toMatchObject({ error: { code: "duplicated_study" } });
  });

  it("deletes a study", async () => {
    const id = await studyWith(storage, "doomed", [1, 2]);
    await get<TrialsResponse>(`/api/dashboard/studies/${id}/trials`);
    const deleted = await app.request(`/api/dashboard/studies/${id}`, sameOrigin("DELETE"));
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: true, studyId: id });
    expect((await get<StudiesResponse>("/api/dashboard/studies")).studies).toEqual([]);
    expect((await app.request(`/api/dashboard/studies/${id}/trials`)).status).toBe(404);
    expect((await app.request(`/api/dashboard/studies/${id}`, sameOrigin("DELETE"))).status).toBe(
      404,
    );
  });
});

describe("info, OpenAPI, files", () => {
  it("tells the UI whether it is read-only", async () => {
    const info = await get<DashboardInfo>("/api/dashboard/info");
    expect(info).toMatchObject({ readOnly: false, tokenRequired: false });
    const ro = createDashboardApp({ storage, readOnly: true });
    expect(
      ((await (await ro.request("/api/dashboard/info")).json()) as DashboardInfo).readOnly,
    ).toBe(true);
  });

  it("documents the dashboard routes beside the worker routes in one OpenAPI document", async () => {
    const doc = await get<{ paths: Record<string, Record<string, { tags: string[] }>> }>(
      "/openapi.json",
    );
    expect(doc.paths["/api/dashboard/studies/{studyId}/trials"]!["get"]!.tags).toEqual([
      "dashboard",
    ]);
    expect(doc.paths["/api/dashboard/studies/{studyId}"]!["delete"]).toBeDefined();
    expect(doc.paths["/api/v1/health"]!["get"]!.tags).toEqual(["worker"]);
  });

  it("says to run npm run build when the UI is missing", async () => {
    const response = await app.request("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain("npm run build");
  });

  it("serves the built UI with content types, SPA fallback, and no files outside it", async () => {
    const ui = join(dir, "ui");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(ui, "assets"), { recursive: true });
    writeFileSync(join(ui, "index.html"), "<!doctype html><title>ui</title>");
    writeFileSync(join(ui, "assets", "app-1234.js"), "console.log(1)");
    writeFileSync(join(ui, "assets", "app-1234.css"), "body{}");
    writeFileSync(join(dir, "outside.txt"), "secret");
    const withUi = createDashboardApp({ storage, uiDir: ui });
    const index = await withUi.request("/");
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await index.text()).toContain("<title>ui</title>");
    const js = await withUi.request("/assets/app-1234.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect((await withUi.request("/assets/app-1234.css")).headers.get("content-type")).toBe(
      "text/css; charset=utf-8",
    );
    // A client route without an extension gets index.html; a missing asset does not.
    expect(await (await withUi.request("/studies/3")).text()).toContain("<title>ui</title>");
    expect((await withUi.request("/assets/missing.js")).status).toBe(404);
    expect((await withUi.request("/..%2Foutside.txt")).status).toBe(404);
    expect((await withUi.request("/api/dashboard/nothing")).status).toBe(404);
  });

  it("serves Plotly from the installed package", async () => {
    const response = await app.request("/vendor/plotly.min.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const text = await response.text();
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text).toContain("plotly");
  });
});
