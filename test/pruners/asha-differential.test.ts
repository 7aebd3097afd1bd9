/**
 * SuccessiveHalvingPruner and HyperbandPruner against Optuna 3.1, scenario by scenario: the
 * same asks, reports (steps out of order included), shouldPrune calls and tells, with trials
 * interleaved and some left RUNNING, go through a skipjack study and through Optuna
 * (test/pruners/fixtures/asha_replay.py); every shouldPrune answer must be equal.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import { Rng } from "../../src/math/rng.js";
import { HyperbandPruner } from "../../src/pruners/hyperband.js";
import type { Pruner } from "../../src/pruners/pruner.js";
import { SuccessiveHalvingPruner } from "../../src/pruners/successive-halving.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import { createStudy } from "../../src/study/create.js";
import type { Trial } from "../../src/trial/trial.js";
import { optunaAvailable, PYTHON, tempDir } from "../storages/helpers.js";

setVerbosity(Verbosity.ERROR);

type Value = number | "NaN" | "Infinity" | "-Infinity";
type Event = ["ask"] | ["report", number, number, Value] | ["tell", number, Value];

interface Scenario {
  kind: "sh" | "hyperband";
  /** For a study continued by a second process: the index of its first event. */
  cut?: number;
  direction: "minimize" | "maximize";
  studyName: string;
  options: Record<string, number | "auto">;
  events: Event[];
}

const REPLAY = fileURLToPath(new URL("./fixtures/asha_replay.py", import.meta.url));

function value(v: Value): number {
  return typeof v === "number" ? v : Number(v);
}

/** A random scenario: interleaved trials, shuffled steps, tied values, NaN and ±inf. */
function scenario(kind: Scenario["kind"], index: number, random: () => number): Scenario {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const fixed = random() < 0.5;
  const options: Record<string, number | "auto"> =
    kind === "sh"
      ? {
          minResource: fixed ? int(1, 4) : "auto",
          reductionFactor: int(2, 4),
          minEarlyStoppingRate: int(0, 2),
          bootstrapCount: fixed ? pick([0, 0, 1, 2]) : 0,
        }
      : {
          minResource: int(1, 3),
          maxResource: fixed ? int(9, 40) : "auto",
          reductionFactor: int(2, 4),
          bootstrapCount: fixed ? pick([0, 0, 1]) : 0,
        };
  const pool = Array.from({ length: int(3, 8) }, () => Math.round(random() * 40) / 10 - 2);
  const draw = (): Value => {
    const u = random();
    if (u < 0.04) return "NaN";
    if (u < 0.06) return pick(["Infinity", "-Infinity"] as const);
    return pick(pool);
  };
  const maxStep = int(4, 60);
  const plans: Event[][] = [];
  const nTrials = int(3, 14);
  for (let k = 0; k < nTrials; k++) {
    const steps = new Set<number>();
    const n = int(1, 8);
    for (let i = 0; i < n; i++) steps.add(int(0, maxStep));
    const ordered = [...steps].sort((a, b) => a - b);
    if (random() < 0.5) {
      for (let i = ordered.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [ordered[i], ordered[j]] = [ordered[j]!, ordered[i]!];
      }
    }
    const plan: Event[] = ordered.map((step) => ["report", k, step, draw()]);
    const end = random();
    if (end < 0.8) {
      const v = draw();
      plan.push(["tell", k, v === "NaN" ? pick(pool) : v]);
    }
    plans.push(plan);
  }
  // Interleave: up to `width` trials open at once, the next event from a random open trial.
  const width = int(1, 4);
  const events: Event[] = [];
  const open: number[] = [];
  let next = 0;
  while (next < nTrials || open.length > 0) {
    while (next < nTrials && open.length < width) {
      events.push(["ask"]);
      open.push(next++);
    }
    const slot = Math.floor(random() * open.length);
    const k = open[slot]!;
    const event = plans[k]!.shift();
    if (event !== undefined) events.push(event);
    if (plans[k]!.length === 0) open.splice(slot, 1);
  }
  return {
    kind,
    direction: pick(["minimize", "maximize"] as const),
    studyName: `${kind}-${index}`,
    options,
    events,
  };
}

/**
 * Replays `s` through a skipjack study; with `storage`, only its events from `start` to `end`
 * against its study there (created or loaded, with a new pruner: another process).
 */
async function skipjack(
  s: Scenario,
  storage?: Storage,
  start = 0,
  end: number | undefined = undefined,
): Promise<boolean[]> {
  const o = s.options;
  const pruner: Pruner =
    s.kind === "sh"
      ? new SuccessiveHalvingPruner({
          minResource: o["minResource"]!,
          reductionFactor: o["reductionFactor"] as number,
          minEarlyStoppingRate: o["minEarlyStoppingRate"] as number,
          bootstrapCount: o["bootstrapCount"] as number,
        })
      : new HyperbandPruner({
          minResource: o["minResource"] as number,
          maxResource: o["maxResource"]!,
          reductionFactor: o["reductionFactor"] as number,
          bootstrapCount: o["bootstrapCount"] as number,
        });
  const study = await createStudy({
    studyName: s.studyName,
    direction: s.direction,
    pruner,
    ...(storage === undefined ? {} : { storage, loadIfExists: true }),
  });
  const trials = new Map<number, Trial>();
  const ended = new Set<number>();
  const answers: boolean[] = [];
  let asked = s.events.slice(0, start).filter((e) => e[0] === "ask").length;
  for (const event of s.events.slice(start, end)) {
    if (event[0] === "ask") {
      trials.set(asked++, await study.ask());
      continue;
    }
    const k = event[1];
    if (ended.has(k)) continue;
    if (event[0] === "report") {
      const trial = trials.get(k)!;
      await trial.report(value(event[3]), event[2]);
      const pruned = await trial.shouldPrune();
      answers.push(pruned);
      if (pruned) {
        await study.tell(trial, "PRUNED");
        ended.add(k);
      }
    } else {
      await study.tell(trials.get(k)!, value(event[2]));
      ended.add(k);
    }
  }
  return answers;
}

function optuna(scenarios: readonly Scenario[], dir: string, ...args: string[]): boolean[][] {
  const file = join(dir, "scenarios.json");
  writeFileSync(file, JSON.stringify(scenarios));
  return JSON.parse(
    execFileSync(PYTHON, ["-W", "ignore", REPLAY, file, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as boolean[][];
}

/** The issue's case: trial 1 reports step 9 before step 3; Optuna prunes trial 2. */
const OUT_OF_ORDER: Scenario = {
  kind: "sh",
  direction: "maximize",
  studyName: "out-of-order",
  options: { minResource: "auto", reductionFactor: 2, minEarlyStoppingRate: 0, bootstrapCount: 0 },
  events: [
    ["ask"],
    ["report", 0, 7, -0.9],
    ["tell", 0, 2.4],
    ["ask"],
    ["report", 1, 9, 1.5],
    ["report", 1, 3, 0.1],
    ["tell", 1, -1.0],
    ["ask"],
    ["report", 2, 1, 0.5],
  ],
};

describe("SuccessiveHalving and Hyperband decide as Optuna 3.1", () => {
  const tmp = tempDir("asha");
  afterAll(() => tmp.remove());

  it("prunes trial 2 after steps reported out of order (the value at the largest step counts)", async () => {
    expect(await skipjack(OUT_OF_ORDER)).toEqual([false, false, false, true]);
  });

  it.skipIf(!optunaAvailable())(
    "on random scenarios: steps out of order, interleaved trials, trials left RUNNING",
    async () => {
      const rng = new Rng(20261206);
      const random = () => rng.random();
      const scenarios = [OUT_OF_ORDER];
      for (let i = 0; i < 150; i++) scenarios.push(scenario("sh", i, random));
      for (let i = 0; i < 150; i++) scenarios.push(scenario("hyperband", i, random));
      const expected = optuna(scenarios, tmp.dir);
      expect(expected[0]).toEqual([false, false, false, true]);
      const wrong: unknown[] = [];
      let decisions = 0;
      let pruned = 0;
      for (const [i, s] of scenarios.entries()) {
        const got = await skipjack(s);
        decisions += got.length;
        pruned += got.filter(Boolean).length;
        if (JSON.stringify(got) !== JSON.stringify(expected[i])) {
          wrong.push({ scenario: s, optuna: expected[i], skipjack: got });
        }
      }
      expect(wrong.slice(0, 2)).toEqual([]);
      // The scenarios decide something: many answers, both ways.
      expect(decisions).toBeGreaterThan(2000);
      expect(pruned).toBeGreaterThan(200);

      // The same through SQLite: the rungs are written and read back by the storage.
      const storage = await openStorage(`sqlite:///${join(tmp.dir, "asha.db")}`);
      try {
        for (const [i, s] of scenarios.entries()) {
          if (i % 10 !== 0) continue;
          expect(await skipjack(s, storage), s.studyName).toEqual(expected[i]);
        }
      } finally {
        await storage.close();
      }
    },
    120_000,
  );

  it.skipIf(!optunaAvailable())(
    "a study begun by Optuna and continued by skipjack (and the reverse) decides as Optuna alone",
    async () => {
      const rng = new Rng(7);
      const random = () => rng.random();
      const scenarios: Scenario[] = [];
      for (let i = 0; i < 6; i++) {
        const kind = i % 2 === 0 ? "sh" : "hyperband";
        const a = scenario(kind, i, random);
        const b = scenario(kind, i, random);
        const shift = a.events.filter((e) => e[0] === "ask").length;
        const later = b.events.map(
          (e): Event =>
            e[0] === "ask"
              ? e
              : e[0] === "report"
                ? ["report", e[1] + shift, e[2], e[3]]
                : ["tell", e[1] + shift, e[2]],
        );
        scenarios.push({
          ...a,
          studyName: `mixed-${i}`,
          events: [...a.events, ...later],
          cut: a.events.length,
        });
      }
      // SQLite files in memory where there is a tmpfs: Optuna commits every call.
      const shm = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/skipjack-asha-") : tmp.dir;
      onTestFinished(() => rmSync(shm, { recursive: true, force: true }));
      const url = (name: string) => `sqlite:///${join(shm, `${name}.db`)}`;
      // Optuna alone, in two processes.
      const before = optuna(scenarios, tmp.dir, url("optuna"), "before");
      const after = optuna(scenarios, tmp.dir, url("optuna"), "after");
      expect(after.flat().filter(Boolean).length).toBeGreaterThan(3);
      // Optuna, then skipjack.
      optuna(scenarios, tmp.dir, url("then-skipjack"), "before");
      const storage = await openStorage(url("then-skipjack"));
      try {
        for (const [i, s] of scenarios.entries()) {
          expect(await skipjack(s, storage, s.cut!), s.studyName).toEqual(after[i]);
        }
      } finally {
        await storage.close();
      }
      // skipjack, then Optuna.
      const first = await openStorage(url("then-optuna"));
      try {
        for (const [i, s] of scenarios.entries()) {
          expect(await skipjack(s, first, 0, s.cut!), s.studyName).toEqual(before[i]);
        }
      } finally {
        await first.close();
      }
      expect(optuna(scenarios, tmp.dir, url("then-optuna"), "after")).toEqual(after);
    },
    120_000,
  );
});
