/**
 * The dashboard API over SQLite databases that others write: one Optuna 3.1 wrote (Debian's
 * python3-optuna), and one that another storage handle and an Optuna process write to while
 * the dashboard polls with `after=`.
 */
import { execFileSync, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  StudiesResponse,
  TrialDetail,
  TrialRow,
  TrialsResponse,
} from "../../src/server/dashboard/api-types.js";
import { createDashboardApp } from "../../src/server/dashboard/app.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import { optunaAvailable, PYTHON, tempDir } from "../storages/helpers.js";
import { complete, X } from "./api-helpers.js";

const hasOptuna = optunaAvailable();
const { dir, remove } = tempDir("dashboard-live");
const url = `sqlite:///${dir}/optuna.db`;

const CREATE = `
import json, math, sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
url = sys.argv[1]
def f(trial):
    x = trial.suggest_float("x", -5, 5)
    c = trial.suggest_categorical("c", ["adam", "sgd"])
    for step in range(3):
        trial.report(x * x + step, step)
    if trial.number % 4 == 2:
        raise optuna.TrialPruned()
    if trial.number % 4 == 3:
        raise ValueError("failed on purpose")
    return x * x + (0 if c == "adam" else 1)
s = optuna.create_study(study_name="single", storage=url, sampler=optuna.samplers.RandomSampler(seed=1))
s.optimize(f, n_trials=12, catch=(ValueError,))
m = optuna.create_study(study_name="multi", storage=url, directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=2))
m.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=10)
counts = {st.name: 0 for st in optuna.trial.TrialState}
for t in s.trials: counts[t.state.name] += 1
print(json.dumps({"best": s.best_value, "bestNumber": s.best_trial.number, "counts": counts,
  "pareto": sorted(t.number for t in m.best_trials),
  "fail": [t.number for t in s.trials if t.state.name == "FAIL"]}))
`;

const WRITE = `
import sys, time, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name="single", storage=sys.argv[1])
def f(trial):
    x = trial.suggest_float("x", -5, 5)
    trial.suggest_categorical("c", ["adam", "sgd"])
    time.sleep(0.02)
    return x * x
s.optimize(f, n_trials=int(sys.argv[2]))
`;

let storage: Storage;
let app: ReturnType<typeof createDashboardApp>;
let expected: {
  best: number;
  bestNumber: number;
  counts: Record<string, number>;
  pareto: number[];
  fail: number[];
};

beforeAll(async () => {
  if (!hasOptuna) return;
  expected = JSON.parse(
    execFileSync(PYTHON, ["-W", "ignore", "-c", CREATE, url], { encoding: "utf8" }),
  ) as typeof expected;
  storage = await openStorage(url, { createTables: false });
  app = createDashboardApp({ storage });
}, 60_000);

afterAll(async () => {
  await storage?.close();
  remove();
});

async function get<T>(path: string): Promise<T> {
  const response = await app.request(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

describe.runIf(hasOptuna)("a database Optuna wrote", () => {
  it("lists its studies with Optuna's counts, best value and Pareto front", async () => {
    const { studies } = await get<StudiesResponse>("/api/dashboard/studies");
    const single = studies.find((s) => s.name === "single")!;
    const multi = studies.find((s) => s.name === "multi")!;
    expect(single.counts).toEqual({
      RUNNING: expected.counts["RUNNING"],
      COMPLETE: expected.counts["COMPLETE"],
      PRUNED: expected.counts["PRUNED"],
      FAIL: expected.counts["FAIL"],
      WAITING: expected.counts["WAITING"],
    });
    expect(single.best).toEqual([{ number: expected.bestNumber, values: [expected.best] }]);
    expect(multi.directions).toEqual(["minimize", "maximize"]);
    expect(multi.best.map((b) => b.number)).toEqual(expected.pareto);
    expect(single.datetimeStart).not.toBeNull();
  });

  it("answers its trials: pruned ones with their learning curves, failed ones", async () => {
    const { studies } = await get<StudiesResponse>("/api/dashboard/studies");
    const id = studies.find((s) => s.name === "single")!.studyId;
    const body = await get<TrialsResponse>(`/api/dashboard/studies/${id}/trials`);
    expect(body.trials).toHaveLength(12);
    expect(body.paramNames).toEqual(["x", "c"]);
    const pruned = body.trials.find((t) => t.state === "PRUNED")!;
    expect(pruned.intermediate![0]).toEqual([0, 1, 2]);
    const failed = body.trials.find((t) => t.number === expected.fail[0])!;
    expect(failed.state).toBe("FAIL");
    // Optuna 3 logs the reason without storing it (skipjack stores it as fail_reason).
    expect(failed).not.toHaveProperty("failReason");
    const detail = await get<TrialDetail>(`/api/dashboard/studies/${id}/trials/0`);
    expect(detail.params.map((p) => p.name)).toEqual(["x", "c"]);
    expect(["adam", "sgd"]).toContain(detail.params[1]!.value);
  });
});

describe.runIf(hasOptuna)("rename and delete in SQLite", () => {
  it("renames a study Optuna wrote, refusing a taken name, and deletes one", async () => {
    const id = await storage.getStudyIdFromName("multi");
    const write = (path: string, method: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const clash = await write(`/api/dashboard/studies/${id}/rename`, "POST", { name: "single" });
    expect(clash.status).toBe(409);
    const renamed = await write(`/api/dashboard/studies/${id}/rename`, "POST", { name: "pareto" });
    expect(renamed.status).toBe(200);
    const other = await openStorage(url, { createTables: false });
    try {
      expect(await other.getStudyIdFromName("pareto")).toBe(id);
      const doomed = await other.createNewStudy(["minimize"], "doomed");
      await other.createNewTrial(doomed, complete(1, 0, 0));
      expect((await write(`/api/dashboard/studies/${doomed}`, "DELETE")).status).toBe(200);
      expect((await other.getAllStudies()).map((s) => s.studyName).sort()).toEqual([
        "pareto",
        "single",
      ]);
    } finally {
      await other.close();
    }
  });
});

describe.runIf(hasOptuna)("while others write", () => {
  it("sends a trial told through another storage handle in the next after= answer", async () => {
    const id = await storage.getStudyIdFromName("single");
    const first = await get<TrialsResponse>(`/api/dashboard/studies/${id}/trials`);
    const other = await openStorage(url, { createTables: false });
    try {
      const running = await other.createNewTrial(id, {
        params: { x: { internal: 0.5, distribution: X } },
      });
      const started = await get<TrialsResponse>(
        `/api/dashboard/studies/${id}/trials?after=${first.cursor}`,
      );
      expect(started.trials.map((t) => [t.number, t.state])).toEqual([[running.number, "RUNNING"]]);
      await other.updateTrial(running.trialId, { state: "COMPLETE", values: [0.25] });
      await other.createNewTrial(id, complete(9, 1, 0));
      const told = await get<TrialsResponse>(
        `/api/dashboard/studies/${id}/trials?after=${started.cursor}`,
      );
      expect(told.trials.map((t) => [t.number, t.state, t.values])).toEqual([
        [running.number, "COMPLETE", [0.25]],
        [running.number + 1, "COMPLETE", [9]],
      ]);
      const after = await get<TrialsResponse>(
        `/api/dashboard/studies/${id}/trials?after=${told.cursor}`,
      );
      expect(after.trials).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("follows an Optuna process optimizing: merged answers equal a fresh full read", async () => {
    const id = await storage.getStudyIdFromName("single");
    const start = await get<TrialsResponse>(`/api/dashboard/studies/${id}/trials`);
    const rows = new Map<number, TrialRow>(start.trials.map((t) => [t.number, t]));
    const finishedSends = new Map<number, number>();
    const child = spawn(PYTHON, ["-W", "ignore", "-c", WRITE, url, "10"], { stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    let done = false;
    void exited.then(() => {
      done = true;
    });
    let cursor = start.cursor;
    let polls = 0;
    for (;;) {
      const last = done;
      const delta = await get<TrialsResponse>(
        `/api/dashboard/studies/${id}/trials?after=${cursor}`,
      );
      expect(delta.reset).toBe(false);
      for (const t of delta.trials) {
        if (rows.get(t.number)?.state === "COMPLETE") {
          throw new Error(`trial ${t.number} was sent again after it finished`);
        }
        rows.set(t.number, t);
        if (t.state === "COMPLETE")
          finishedSends.set(t.number, (finishedSends.get(t.number) ?? 0) + 1);
      }
      cursor = delta.cursor;
      polls++;
      if (last) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await exited).toBe(0);
    expect(finishedSends.size).toBe(10);
    expect(polls).toBeGreaterThan(2);
    const fresh = createDashboardApp({ storage });
    const full = (await (
      await fresh.request(`/api/dashboard/studies/${id}/trials`)
    ).json()) as TrialsResponse;
    expect([...rows.values()].sort((a, b) => a.number - b.number)).toEqual(full.trials);
  }, 60_000);
});
