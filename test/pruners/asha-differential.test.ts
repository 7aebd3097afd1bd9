/**
 * SuccessiveHalvingPruner and HyperbandPruner against Optuna 3.1, scenario by scenario: the
 * same asks, reports (steps out of order included), shouldPrune calls and tells, with trials
 * interleaved and some left RUNNING, go through a skipjack study and through Optuna
 * (test/pruners/fixtures/asha_replay.py); every shouldPrune answer must be equal.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
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

async function skipjack(s: Scenario, storage?: Storage): Promise<boolean[]> {
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
    ...(storage === undefined ? {} : { storage }),
  });
  const trials: Trial[] = [];
  const ended = new Set<number>();
  const answers: boolean[] = [];
  for (const event of s.events) {
    if (event[0] === "ask") {
      trials.push(await study.ask());
      continue;
    }
    const k = event[1];
    if (ended.has(k)) continue;
    if (event[0] === "report") {
      await trials[k]!.report(value(event[3]), event[2]);
      const pruned = await trials[k]!.shouldPrune();
      answers.push(pruned);
      if (pruned) {
        await study.tell(trials[k]!, "PRUNED");
        ended.add(k);
      }
    } else {
      await study.tell(trials[k]!, value(event[2]));
      ended.add(k);
    }
  }
  return answers;
}

function optuna(scenarios: readonly Scenario[], dir: string): boolean[][] {
  const file = join(dir, "scenarios.json");
  writeFileSync(file, JSON.stringify(scenarios));
  return JSON.parse(
    execFileSync(PYTHON, ["-W", "ignore", REPLAY, file], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as boolean[][];
}

/** The case: trial 1 reports step 9 before step 3; Optuna prunes trial 2. */
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
});
