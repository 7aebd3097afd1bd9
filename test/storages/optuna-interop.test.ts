/**
 * Interoperability with a real Optuna (3.1, Debian's python3-optuna): Optuna creates studies
 * with every kind of field; skipjack reads them back equal, adds trials without changing the
 * schema revision; Optuna reads skipjack's trials back equal and continues the studies. And a
 * database that skipjack creates has Optuna's schema at revision v3.2.0.a.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { TrialPruned } from "../../src/errors/index.js";
import { pythonJsonLoads } from "../../src/json/python.js";
import { setVerbosity, Verbosity } from "../../src/logging/index.js";
import { RandomSampler } from "../../src/samplers/random/random-sampler.js";
import type { RdbStorage } from "../../src/storages/rdb/rdb-storage.js";
import { openStorage } from "../../src/storages/resolve.js";
import { createStudy, loadStudy } from "../../src/study/create.js";
import type { Trial } from "../../src/trial/trial.js";
import {
  freshMySQLDatabase,
  freshPostgresDatabase,
  HOW_TO_ENABLE_MYSQL,
  HOW_TO_ENABLE_POSTGRES,
  MYSQL_URL,
  normalizeOptunaTrial,
  type OptunaStudyView,
  optuna,
  optunaAvailable,
  POSTGRES_URL,
  tempDir,
  viewOfTrial,
} from "./helpers.js";

setVerbosity(Verbosity.ERROR);

const CHOICES = ["adam", 'sg"d;', 3, 2.5, null, true] as const;

/** The objective of interop.py's "single" study, written again in TypeScript. */
async function single(trial: Trial): Promise<number> {
  const x = trial.suggestFloat("x", -10, 10);
  const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
  const q = trial.suggestFloat("q", 0, 1, { step: 0.25 });
  const n = trial.suggestInt("n", 1, 9, { step: 2 });
  const m = trial.suggestInt("m", 1, 1024, { log: true });
  const c = trial.suggestCategorical("c", CHOICES);
  trial.setUserAttr("note", "skipjack h\u00e9llo \u2603 'q' \"dq\"; --");
  trial.setUserAttr("nested", { a: [1, 2.5, null, true], b: { c: "d" } });
  for (let step = 0; step < 3; step++) await trial.report(x * (step + 1), step);
  if (trial.number % 5 === 3) throw new TrialPruned();
  if (trial.number % 5 === 4) throw new Error("failed on purpose");
  return (x - 1) ** 2 + lr + q + n + Math.log(m) + (c === "adam" ? 0 : 1);
}

function two(trial: Trial): number[] {
  const x = trial.suggestFloat("x", 0, 5);
  const y = trial.suggestInt("y", 0, 3);
  if (trial.number % 4 === 2) return [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  return [x + y, (5 - x) ** 2];
}

function optunaDump(url: string, skipCheck = false): OptunaStudyView[] {
  const studies = pythonJsonLoads(optuna("dump", url, ...(skipCheck ? ["skip"] : []))) as unknown;
  return (studies as OptunaStudyView[])
    .map((s) => ({ ...s, trials: s.trials.map(normalizeOptunaTrial) }))
    .sort((a, b) => a.study_name.localeCompare(b.study_name));
}

async function skipjackView(url: string, fraction: boolean): Promise<OptunaStudyView[]> {
  const storage = await openStorage(url);
  try {
    const views: OptunaStudyView[] = [];
    for (const s of await storage.getAllStudies()) {
      const trials = await storage.getAllTrials(s.studyId);
      views.push({
        study_name: s.studyName,
        directions: s.directions.map((d) => d.toUpperCase()),
        user_attrs: { ...s.userAttrs },
        system_attrs: { ...s.systemAttrs },
        trials: trials.map((t) => viewOfTrial(t, fraction)),
      });
    }
    return views.sort((a, b) => a.study_name.localeCompare(b.study_name));
  } finally {
    await storage.close();
  }
}

async function addSkipjackTrials(url: string): Promise<void> {
  const study = await loadStudy({
    storage: url,
    studyName: "single",
    sampler: new RandomSampler({ seed: 7 }),
  });
  const before = await study.trials();
  const waiting = before.filter((t) => t.state === "WAITING");
  expect(waiting).toHaveLength(1);
  await study.optimize(single, { nTrials: 6, catch: [Error] });
  const after = await study.trials();
  // The enqueued trial was run by skipjack with its fixed parameters.
  const popped = after[waiting[0]!.number]!;
  expect(popped.state).not.toBe("WAITING");
  expect(popped.params["x"]).toBe(0.5);
  expect(popped.params["c"]).toBe("adam");
  expect(popped.userAttrs["enqueued"]).toBe(true);
  await study.storage.close();
  const multi = await loadStudy({ storage: url, studyName: "multi" });
  await multi.optimize(two, { nTrials: 4 });
  await multi.storage.close();
}

/** The whole exchange on one database URL. */
async function roundTrip(url: string, fraction: boolean): Promise<void> {
  optuna("create", url);
  const created = optunaDump(url);
  expect(created.map((s) => s.study_name)).toEqual(["multi", "single"]);
  // skipjack reads every field of Optuna's trials back equal.
  expect(await skipjackView(url, fraction)).toEqual(created);

  await addSkipjackTrials(url);
  // The revision is left as Optuna 3.1 wrote it: Optuna opens it without complaint.
  expect(JSON.parse(optuna("check", url))).toEqual({ ok: true, revision: "v3.0.0.d" });
  const storage = (await openStorage(url)) as RdbStorage;
  expect(storage.revision).toBe("v3.0.0.d");
  await storage.close();

  // Optuna reads skipjack's trials back equal.
  const mixed = optunaDump(url);
  expect(mixed.find((s) => s.study_name === "single")!.trials).toHaveLength(12 + 5);
  expect(await skipjackView(url, fraction)).toEqual(mixed);

  // Optuna continues the studies; skipjack reads the continuation.
  optuna("continue", url, "3");
  const continued = await skipjackView(url, fraction);
  expect(continued).toEqual(optunaDump(url));
  for (const s of continued) {
    expect(s.trials.map((t) => t.number)).toEqual(s.trials.map((_, i) => i));
  }
  expect(continued.find((s) => s.study_name === "single")!.trials).toHaveLength(20);
  expect(continued.find((s) => s.study_name === "multi")!.trials).toHaveLength(5 + 4 + 3);
}

/** A database skipjack creates: Optuna 3.1 refuses its newer revision, but reads it equal. */
async function skipjackCreated(url: string, fraction: boolean): Promise<void> {
  const study = await createStudy({
    storage: url,
    studyName: "single",
    sampler: new RandomSampler({ seed: 3 }),
  });
  await study.setUserAttr("owner", "r\u00e9mi");
  await study.enqueueTrial({ x: 0.5, c: "adam" }, { userAttrs: { enqueued: true } });
  await study.optimize(single, { nTrials: 8, catch: [Error] });
  await study.storage.close();
  const multi = await createStudy({
    storage: url,
    studyName: "multi",
    directions: ["minimize", "maximize"],
  });
  await multi.optimize(two, { nTrials: 5 });
  await multi.storage.close();

  const check = JSON.parse(optuna("check", url)) as { ok: boolean; error: string };
  expect(check.ok).toBe(false);
  expect(check.error).toMatch(/set up by optuna 3\.2\.0.*updating optuna/);
  expect(await skipjackView(url, fraction)).toEqual(optunaDump(url, true));
}

const hasOptuna = optunaAvailable();

describe.skipIf(!hasOptuna)("Optuna 3.1 and skipjack on one SQLite file", () => {
  const temp = tempDir("interop");
  afterAll(() => temp.remove());

  it("exchange studies both ways", async () => {
    await roundTrip(`sqlite:///${join(temp.dir, "optuna.db")}`, true);
  }, 60_000);

  it("Optuna reads a study skipjack created", async () => {
    await skipjackCreated(`sqlite:///${join(temp.dir, "skipjack.db")}`, true);
  }, 60_000);

  it("skipjack creates exactly Optuna's tables, plus v3.2.0.a's index", async () => {
    const optunaFile = join(temp.dir, "schema-optuna.db");
    optuna("check", `sqlite:///${optunaFile}`);
    const ours = await openStorage(join(temp.dir, "schema-skipjack.db"));
    await ours.close();
    const describeSchema = (file: string) => {
      const db = new Database(file, { readonly: true });
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all() as { name: string }[];
      const schema = tables.map(({ name }) => ({
        name,
        columns: db.pragma(`table_info(${name})`),
        foreignKeys: db.pragma(`foreign_key_list(${name})`),
        indexes: (db.pragma(`index_list(${name})`) as { name: string; unique: number }[])
          .map((index) => ({
            unique: index.unique,
            auto: index.name.startsWith("sqlite_autoindex"),
            name: index.name.startsWith("sqlite_autoindex") ? "" : index.name,
            columns: (db.pragma(`index_info(${index.name})`) as { name: string }[]).map(
              (c) => c.name,
            ),
          }))
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      }));
      const versions = db.prepare("SELECT * FROM version_info").all();
      db.close();
      return { schema, versions };
    };
    const theirs = describeSchema(optunaFile);
    const mine = describeSchema(join(temp.dir, "schema-skipjack.db"));
    const withoutNewIndex = mine.schema.map((t) =>
      t.name === "trials"
        ? { ...t, indexes: t.indexes.filter((i) => i.name !== "ix_trials_study_id") }
        : t,
    );
    expect(withoutNewIndex).toEqual(theirs.schema);
    expect(mine.schema.find((t) => t.name === "trials")!.indexes).toContainEqual({
      unique: 0,
      auto: false,
      name: "ix_trials_study_id",
      columns: ["study_id"],
    });
    expect(theirs.versions).toEqual([
      { version_info_id: 1, schema_version: 12, library_version: "3.1.0" },
    ]);
    expect(mine.versions).toEqual([
      { version_info_id: 1, schema_version: 12, library_version: "3.2.0" },
    ]);
  });
});

type Described = Record<string, unknown[]>;

/** The same exchange on a database server: PostgreSQL (psycopg2) or MySQL (PyMySQL). */
function serverSuite(
  label: string,
  admin: string | undefined,
  fresh: (admin: string, name: string) => Promise<{ url: string; drop: () => Promise<void> }>,
  describeSchema: (url: string) => Promise<Described>,
  onlyInMine: (described: Described) => Described,
  onlyInOptuna: (described: Described) => Described,
): void {
  describe.skipIf(!hasOptuna || admin === undefined || !optunaAvailable(label))(
    `Optuna 3.1 and skipjack on one ${label} database`,
    () => {
      const drops: (() => Promise<void>)[] = [];
      const database = async (name: string) => {
        const { url, drop } = await fresh(admin!, name);
        drops.push(drop);
        // SQLAlchemy needs the driver in the URL for MySQL; skipjack accepts that form too.
        return url.replace(/^mysql:/, "mysql+pymysql:");
      };
      afterAll(async () => {
        for (const drop of drops) await drop();
      });

      it("exchange studies both ways", async () => {
        await roundTrip(await database("interop"), true);
      }, 60_000);

      it("Optuna reads a study skipjack created", async () => {
        await skipjackCreated(await database("created"), true);
      }, 60_000);

      it("skipjack creates exactly Optuna's tables, types and constraints", async () => {
        const theirs = await database("schema_optuna");
        optuna("check", theirs);
        const mine = await database("schema_skipjack");
        await (await openStorage(mine)).close();
        expect(onlyInMine(await describeSchema(mine))).toEqual(
          onlyInOptuna(await describeSchema(theirs)),
        );
      }, 60_000);
    },
  );
}

serverSuite(
  "PostgreSQL",
  POSTGRES_URL,
  freshPostgresDatabase,
  async (url) => {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const query = async (sql: string) => (await client.query(sql)).rows as unknown[];
    const described = {
      columns: await query(
        "SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, " +
          "character_maximum_length, numeric_precision, column_default " +
          "FROM information_schema.columns WHERE table_schema = 'public' " +
          "ORDER BY table_name, ordinal_position",
      ),
      constraints: await query(
        "SELECT conrelid::regclass::text AS table_name, conname, contype, " +
          "pg_get_constraintdef(oid) AS definition FROM pg_constraint " +
          "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
      ),
      indexes: await query(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' " +
          "ORDER BY 1, 2",
      ),
      enums: await query(
        "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text AS labels " +
          "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1",
      ),
      sequences: await query(
        "SELECT sequence_name, data_type FROM information_schema.sequences ORDER BY 1",
      ),
    };
    await client.end();
    return described;
  },
  // Revision v3.2.0.a's index (Optuna >= 3.2 creates it too).
  (d) => ({
    ...d,
    indexes: d["indexes"]!.filter(
      (i) => (i as { indexname: string }).indexname !== "ix_trials_study_id",
    ),
  }),
  (d) => d,
);

serverSuite(
  "MySQL",
  MYSQL_URL,
  freshMySQLDatabase,
  async (url) => {
    const mysql = await import("mysql2/promise");
    const connection = await mysql.createConnection({
      uri: url.replace(/^mysql\+pymysql:/, "mysql:"),
    });
    const query = async (sql: string) => (await connection.query(sql))[0] as unknown[];
    const described = {
      columns: await query(
        "SELECT table_name AS t, column_name AS c, ordinal_position AS p, column_type AS type, " +
          "is_nullable AS n, column_default AS d, extra AS e, collation_name AS k " +
          "FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY 1, 3",
      ),
      indexes: await query(
        "SELECT table_name AS t, index_name AS i, non_unique AS u, " +
          "GROUP_CONCAT(column_name ORDER BY seq_in_index) AS c FROM information_schema.statistics " +
          "WHERE table_schema = DATABASE() GROUP BY 1, 2, 3 ORDER BY 1, 2",
      ),
      foreignKeys: await query(
        "SELECT table_name AS t, column_name AS c, referenced_table_name AS rt, " +
          "referenced_column_name AS rc FROM information_schema.key_column_usage " +
          "WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL ORDER BY 1, 2",
      ),
    };
    await connection.end();
    return described;
  },
  // InnoDB backs the foreign key trials.study_id with revision v3.2.0.a's index, where Optuna
  // 3.1 has it make one named after the column.
  (d) => ({
    ...d,
    indexes: d["indexes"]!.map((i) =>
      (i as { i: string }).i === "ix_trials_study_id" ? { ...(i as object), i: "study_id" } : i,
    ).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  }),
  (d) => ({
    ...d,
    indexes: [...d["indexes"]!].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  }),
);

if (POSTGRES_URL === undefined) console.warn(HOW_TO_ENABLE_POSTGRES);
if (MYSQL_URL === undefined) console.warn(HOW_TO_ENABLE_MYSQL);
