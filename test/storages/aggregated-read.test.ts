/**
 * SQLite and PostgreSQL read trials with their child rows aggregated into JSON by the database
 * (src/storages/rdb/aggregate.ts); MySQL reads them row by row. Both ways must give the same
 * trials, bit for bit, whatever the rows hold.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
} from "../../src/distributions/index.js";
import {
  aggregatedTrialsSql,
  byId,
  MAX_NUMBERED_PARAM_KINDS,
  roundTrips,
} from "../../src/storages/rdb/aggregate.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage, StoredParam } from "../../src/storages/storage.js";
import type { FrozenTrial } from "../../src/trial/frozen.js";
import { TrialState } from "../../src/trial/state.js";
import { freshPostgresDatabase, POSTGRES_URL, tempDir } from "./helpers.js";

describe("aggregate.ts", () => {
  it("aggregates on SQLite and PostgreSQL only", () => {
    expect(aggregatedTrialsSql("mysql", "t.study_id = ?")).toBeNull();
    expect(aggregatedTrialsSql("sqlite", "t.study_id = ?")).toContain("json_group_array");
    expect(aggregatedTrialsSql("postgres", "t.study_id = ?")).toContain("string_agg");
  });

  it("orders rows by id only when they are out of order", () => {
    const ordered = [
      [1, "a"],
      [2, "b"],
    ];
    expect(byId(ordered)).toBe(ordered);
    expect(
      byId([
        [5, "z"],
        [2, "a"],
        [9, "m"],
      ]),
    ).toEqual([
      [2, "a"],
      [5, "z"],
      [9, "m"],
    ]);
  });

  it("refuses JSON whose floats did not come back exactly", () => {
    expect(roundTrips("[0.3, 0.333]")).toBe(false);
    expect(roundTrips(null)).toBe(false);
  });
});

/** Trials whose rows exercise every branch of the aggregated read. */
async function fill(storage: Storage, kinds: number): Promise<number> {
  const studyId = await storage.createNewStudy(["minimize"], "odd");
  const float = new FloatDistribution(-5, 5);
  for (let i = 0; i < 12; i++) {
    // Names inserted out of alphabetical order: params keep the order they were written in.
    const params: Record<string, StoredParam> = {
      zeta: { internal: Math.sin(i) * 5, distribution: float },
      alpha: { internal: i % 7, distribution: new IntDistribution(0, 10) },
      mid: { internal: i % 3, distribution: new CategoricalDistribution(["a", null, 2.5]) },
    };
    // Many (name, distribution) pairs in one study: past the number numbered in SQL.
    for (let k = 0; k < kinds; k++) {
      params[`k${k}`] = {
        internal: 0.1 + 0.2 + i,
        distribution: new FloatDistribution(-k - 1, 100),
      };
    }
    const reports = new Map<number, number>([
      [9, 1 / 3 + i],
      [2, Number.NaN],
      [4, Number.POSITIVE_INFINITY],
      [1, Number.NEGATIVE_INFINITY],
      [7, 5e-324],
    ]);
    const state =
      i % 4 === 3 ? TrialState.PRUNED : i % 4 === 2 ? TrialState.FAIL : TrialState.COMPLETE;
    const trial = await storage.createNewTrial(studyId, {
      state: TrialState.RUNNING,
      params,
      userAttrs: { z: [1, { b: null }], a: "text \u00e9", [`n${i}`]: 1.7976931348623157e308 },
      systemAttrs: { fail_reason: i % 4 === 2 ? "boom" : null },
      intermediateValues: reports,
    });
    await storage.updateTrial(trial.trialId, {
      state,
      values:
        state === TrialState.COMPLETE
          ? [i === 0 ? Number.POSITIVE_INFINITY : -123456.78901234567 * i]
          : state === TrialState.PRUNED
            ? [1 / 3 + i]
            : null,
    });
  }
  // One RUNNING and one WAITING trial as well.
  await storage.createNewTrial(studyId, { params: { zeta: { internal: 1, distribution: float } } });
  await storage.createNewTrial(studyId, { state: TrialState.WAITING });
  return studyId;
}

/** Every trial read with a fresh storage, aggregated or row by row. */
async function readAll(url: string, aggregated: boolean): Promise<readonly FrozenTrial[]> {
  const storage = await openStorage(url);
  try {
    const flag = storage as unknown as { aggregating: boolean | undefined };
    if (!aggregated) flag.aggregating = false;
    const trials = await storage.getAllTrials(await storage.getStudyIdFromName("odd"));
    // The database passed the float round-trip check: the aggregated read did run.
    expect(flag.aggregating).toBe(aggregated);
    return trials;
  } finally {
    await storage.close();
  }
}

function plain(trial: FrozenTrial) {
  return {
    ...trial,
    paramOrder: Object.keys(trial.params),
    userAttrOrder: Object.keys(trial.userAttrs),
    intermediate: [...trial.intermediateValues],
  };
}

/**
 * Stores a parameter value skipjack never writes (NaN on PostgreSQL, NULL on SQLite, where a
 * NaN REAL is NULL), as another tool may have.
 */
async function storeOddParam(url: string): Promise<void> {
  const sql =
    "UPDATE trial_params SET param_value = %s WHERE param_name = 'zeta' AND trial_id IN " +
    "(SELECT trial_id FROM trials WHERE number = 3)";
  if (url.startsWith("sqlite:")) {
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(url.replace(/^sqlite:\/\/\//, ""));
    db.exec(sql.replace("%s", "NULL"));
    db.close();
    return;
  }
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql.replace("%s", "'NaN'"));
  await client.end();
}

async function expectSameBothWays(url: string, kinds: number): Promise<void> {
  const writer = await openStorage(url);
  await fill(writer, kinds);
  await writer.close();
  await storeOddParam(url);
  const aggregated = await readAll(url, true);
  const rows = await readAll(url, false);
  expect(aggregated).toHaveLength(14);
  expect(aggregated.map(plain)).toEqual(rows.map(plain));
  const first = aggregated[0]!;
  expect(Object.keys(first.params).slice(0, 3)).toEqual(["zeta", "alpha", "mid"]);
  expect(first.values).toEqual([Number.POSITIVE_INFINITY]);
  expect([...first.intermediateValues.keys()]).toEqual([1, 2, 4, 7, 9]);
  expect(first.intermediateValues.get(2)).toBeNaN();
  expect(first.intermediateValues.get(7)).toBe(5e-324);
  expect(aggregated[5]!.params["k0"]).toBe(0.1 + 0.2 + 5);
  expect(Object.keys(aggregated[3]!.params)).toContain("zeta");
  expect(aggregated[1]!.userAttrs).toEqual({
    z: [1, { b: null }],
    a: "text \u00e9",
    n1: 1.7976931348623157e308,
  });
}

describe("aggregated reads on SQLite", () => {
  const temp = tempDir("aggregated");
  afterAll(() => temp.remove());

  it("give the trials the row-by-row read gives", async () => {
    await expectSameBothWays(`sqlite:///${join(temp.dir, "few.db")}`, 2);
  });

  it("give them with more (name, distribution) pairs than are numbered in SQL", async () => {
    await expectSameBothWays(`sqlite:///${join(temp.dir, "many.db")}`, MAX_NUMBERED_PARAM_KINDS);
  });
});

describe.skipIf(POSTGRES_URL === undefined)("aggregated reads on PostgreSQL", () => {
  let few: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let many: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  beforeAll(async () => {
    few = await freshPostgresDatabase(POSTGRES_URL!, "aggfew");
    many = await freshPostgresDatabase(POSTGRES_URL!, "aggmany");
  });
  afterAll(async () => {
    await few?.drop();
    await many?.drop();
  });

  it("give the trials the row-by-row read gives", async () => {
    await expectSameBothWays(few.url, 2);
  }, 60_000);

  it("give them with more (name, distribution) pairs than are numbered in SQL", async () => {
    await expectSameBothWays(many.url, MAX_NUMBERED_PARAM_KINDS);
  }, 60_000);
});
