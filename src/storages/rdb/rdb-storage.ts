/**
 * The storage shared by the SQL backends: Optuna's RDB schema, the same SQL for every dialect
 * (each driver adapts placeholders and quoting), and an in-process cache of finished trials,
 * which are immutable, so that a study snapshot reads only new and unfinished trials.
 */
import {
  type CategoricalChoice,
  checkDistributionCompatibility,
  type Distribution,
  distributionToJson,
  jsonToDistribution,
  type ParamValue,
} from "../../distributions/index.js";
import {
  DuplicatedStudyError,
  InvalidArgumentError,
  NotFoundError,
  SkipjackError,
  StorageError,
  UpdateFinishedTrialError,
} from "../../errors/index.js";
import type { JsonValue } from "../../json/python.js";
import { logger } from "../../logging/index.js";
import { FrozenTrial } from "../../trial/frozen.js";
import { isFinished, type StudyDirection, TrialState } from "../../trial/state.js";
import { completionTime } from "../completion-clock.js";
import {
  type FailedTrialCallback,
  type Heartbeat,
  type HeartbeatOptions,
  type HeartbeatSettings,
  heartbeatSettings,
  timerHeartbeat,
} from "../heartbeat.js";
import { settleWrites } from "../pending-writes.js";
import type { FrozenStudy, Storage, StoredParam, TrialTemplate, TrialUpdate } from "../storage.js";
import {
  aggregatedArray,
  aggregatedTrialsSql,
  byId,
  distinctParamsSql,
  kindParams,
  MAX_NUMBERED_PARAM_KINDS,
  type ParamKind,
  roundTripSql,
  roundTrips,
} from "./aggregate.js";
import type { RdbDriver, Row, SqlValue, Tx } from "./driver.js";
import {
  checkIndexedString,
  decodeDirection,
  decodeJson,
  decodeObjectiveValue,
  decodeState,
  decodeStudyAttr,
  decodeValue,
  encodeDirection,
  encodeIntermediate,
  encodeJson,
  encodeValue,
  formatLocalDatetime,
  parseLocalDatetime,
} from "./encoding.js";
import { HeartbeatThread } from "./heartbeat-thread.js";
import {
  createSchemaStatements,
  HEAD_REVISION,
  initialRows,
  LEGACY_REVISION,
  OLDER_REVISIONS,
  SUPPORTED_REVISIONS,
} from "./schema.js";

/** Options every SQL storage takes. */
export interface RdbStorageOptions extends HeartbeatOptions {
  /**
   * Create the tables when the database has none (default true). When false, a database
   * without Optuna's tables is an error.
   */
  createTables?: boolean;
  /**
   * Seconds to keep retrying an operation that fails with a transient error (connection
   * refused or lost, the server restarting, a deadlock, a serialization failure, SQLite busy)
   * before it fails with a `StorageError`. Default 60; 0 turns retries off (deadlocks and
   * serialization failures are still retried for a few seconds). Retrying a lost connection
   * is logged.
   */
  retryTimeout?: number;
}

/** A trial as read from its rows, before it becomes a `FrozenTrial`. */
interface TrialParts {
  trialId: number;
  number: number;
  studyId: number;
  state: TrialState;
  datetimeStart: Date | null;
  datetimeComplete: Date | null;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  values: number[] | null;
  intermediate: [number, number][];
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
}

/** What this process knows of a study's trials. */
interface StudyCache {
  /** Trials by number, as of the last refresh. */
  byNumber: FrozenTrial[];
  /** Ids of trials that were unfinished at the last refresh: they are read again. */
  unfinished: Set<number>;
  /** The largest trial id read; larger ids are new. */
  maxTrialId: number;
  /** The list handed out last; reused while nothing changes. */
  list: readonly FrozenTrial[];
  /** A distribution per parameter name seen in the study (all are compatible with it). */
  distributions: Map<string, Distribution>;
  /** Refreshes of one study run one after another. */
  lock: Promise<unknown>;
}

/** Unfinished trials are read again by id up to this many; beyond, by an id range. */
const MAX_IDS_IN_LIST = 100;
/** Rows written by one multi-row INSERT. */
const MAX_ROWS_PER_INSERT = 200;

function newStudyCache(): StudyCache {
  return {
    byNumber: [],
    unfinished: new Set(),
    maxTrialId: 0,
    list: Object.freeze([]),
    distributions: new Map(),
    lock: Promise.resolve(),
  };
}

function num(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

function placeholders(n: number): string {
  return new Array(n).fill("?").join(", ");
}

/** A trial's parts from its `trials` row, before its child rows are read. */
function emptyParts(trialId: number, r: Row): TrialParts {
  return {
    trialId,
    number: num(r["number"]),
    studyId: num(r["study_id"]),
    state: decodeState(r["state"]),
    datetimeStart: parseLocalDatetime(r["datetime_start"]),
    datetimeComplete: parseLocalDatetime(r["datetime_complete"]),
    params: {},
    distributions: {},
    values: null,
    intermediate: [],
    userAttrs: {},
    systemAttrs: {},
  };
}

/**
 * A `Storage` over Optuna's RDB schema. Use `SqliteStorage`, `PostgresStorage` or
 * `MySQLStorage` (or a URL with `createStudy`), which open the driver and call `open`.
 */
export class RdbStorage implements Storage {
  protected readonly driver: RdbDriver;
  private readonly heartbeat: HeartbeatSettings;
  private readonly studies = new Map<number, StudyCache>();
  private readonly finishedById = new Map<number, FrozenTrial>();
  private readonly distributionByJson = new Map<string, Distribution>();
  /** Stored fields that could not be decoded and were reported (trial id, field). */
  private readonly undecodable = new Set<string>();
  private revisionInUse = HEAD_REVISION;
  private closed = false;
  private heartbeatThread: HeartbeatThread | null | undefined;
  /** Whether trials are read with their child rows aggregated (see `aggregates`). */
  private aggregating: boolean | undefined;

  protected constructor(driver: RdbDriver, options: RdbStorageOptions = {}) {
    this.driver = driver;
    this.heartbeat = heartbeatSettings(options);
  }

  /** Creates the schema if needed and checks its revision; closes the driver on failure. */
  protected async init(options: RdbStorageOptions): Promise<void> {
    try {
      this.revisionInUse = await this.ensureSchema(options.createTables ?? true);
    } catch (error) {
      await this.driver.close().catch(() => undefined);
      throw error;
    }
  }

  /** The alembic revision of the database (`v3.2.0.a`, or `v3.0.0.d` left as found). */
  get revision(): string {
    return this.revisionInUse;
  }

  /** The database, with its password masked. */
  get description(): string {
    return this.driver.description;
  }

  private get dialect(): RdbDriver["dialect"] {
    return this.driver.dialect;
  }

  private get forUpdate(): string {
    return this.dialect === "sqlite" ? "" : " FOR UPDATE";
  }

  private ensureOpen(): void {
    if (this.closed) {
      throw new StorageError(`This storage (${this.driver.description}) was closed.`);
    }
  }

  // ---------------------------------------------------------------- schema

  private async readRevision(tx: Tx, tables: Set<string>): Promise<string | null> {
    if (!tables.has("alembic_version")) return null;
    const rows = await tx.all("SELECT version_num FROM alembic_version");
    return rows.length === 0 ? null : String(rows[0]!["version_num"]);
  }

  private async ensureSchema(createTables: boolean): Promise<string> {
    return this.driver.withSchemaLock(async (tx) => {
      const tables = await this.driver.tableNames(tx);
      if (!tables.has("studies")) {
        if (!createTables) {
          throw new StorageError(
            `${this.driver.description} has no Optuna tables; open it with createTables: true to create them.`,
          );
        }
        for (const statement of createSchemaStatements(this.dialect)) await tx.run(statement);
        for (const { sql, params } of initialRows()) await tx.run(sql, params);
        return HEAD_REVISION;
      }
      const revision = await this.readRevision(tx, tables);
      if (revision !== null && SUPPORTED_REVISIONS.includes(revision)) return revision;
      const where = this.driver.description;
      if (revision === null) {
        throw new StorageError(
          `${where} has Optuna's tables but no alembic revision (made by Optuna < 1.2?). ` +
            "Upgrade it with Optuna first: `optuna storage upgrade --storage <URL>`.",
        );
      }
      if (OLDER_REVISIONS.includes(revision)) {
        throw new StorageError(
          `${where} is at schema revision ${revision}, older than skipjack reads ` +
            `(${LEGACY_REVISION} or ${HEAD_REVISION}). Upgrade it with Optuna >= 3.0: ` +
            "`optuna storage upgrade --storage <URL>`.",
        );
      }
      throw new StorageError(
        `${where} is at schema revision ${revision}, which this skipjack does not know ` +
          `(it reads ${LEGACY_REVISION} and ${HEAD_REVISION}); it was probably written by a ` +
          "newer Optuna. Upgrade skipjack, or use a database made by Optuna <= 4.",
      );
    });
  }

  // ---------------------------------------------------------------- dialect fragments

  /**
   * INSERT of `rows` rows; with `unique`, an existing row with the same unique columns gets
   * the new values instead (an upsert).
   */
  private insertRows(
    table: string,
    columns: readonly string[],
    rows: number,
    unique?: readonly string[],
  ): string {
    const tuple = `(${placeholders(columns.length)})`;
    const insert = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${new Array(rows)
      .fill(tuple)
      .join(", ")}`;
    if (unique === undefined) return insert;
    const updates = columns.filter((c) => !unique.includes(c));
    if (this.dialect === "mysql") {
      return `${insert} ON DUPLICATE KEY UPDATE ${updates.map((c) => `${c} = VALUES(${c})`).join(", ")}`;
    }
    return `${insert} ON CONFLICT (${unique.join(", ")}) DO UPDATE SET ${updates
      .map((c) => `${c} = excluded.${c}`)
      .join(", ")}`;
  }

  /** INSERT that replaces the value of an existing row with the same unique columns. */
  private upsert(table: string, columns: readonly string[], unique: readonly string[]): string {
    return this.insertRows(table, columns, 1, unique);
  }

  private now(): Date {
    return this.storedDate(new Date());
  }

  /** The date as the database keeps it (MySQL's DATETIME drops the milliseconds). */
  private storedDate(date: Date): Date;
  private storedDate(date: Date | null): Date | null;
  private storedDate(date: Date | null): Date | null {
    if (date === null || this.dialect !== "mysql") return date;
    return new Date(Math.floor(date.getTime() / 1000) * 1000);
  }

  private datetime(date: Date | null): string | null {
    return date === null ? null : formatLocalDatetime(date, this.dialect !== "mysql");
  }

  private distribution(json: unknown): Distribution {
    const text = String(json);
    let distribution = this.distributionByJson.get(text);
    if (distribution === undefined) {
      distribution = jsonToDistribution(text);
      this.distributionByJson.set(text, distribution);
    }
    return distribution;
  }

  /**
   * Decodes one stored field of a trial. A row that cannot be decoded (a distribution or value
   * no version of Optuna or skipjack writes) is left out of the trial with one warning, so
   * that one odd row never makes the whole study unreadable.
   */
  private decodeField(part: TrialParts, field: string, decode: () => void): void {
    try {
      decode();
    } catch (error) {
      const key = `${part.trialId} ${field}`;
      if (this.undecodable.has(key)) return;
      this.undecodable.add(key);
      const why = error instanceof Error ? error.message : String(error);
      logger.warn(
        `The stored ${field} of trial ${part.number} (trial_id ${part.trialId}) cannot be ` +
          `read and is left out: ${why}`,
      );
    }
  }

  // ---------------------------------------------------------------- studies

  private async studyExists(tx: Tx, studyId: number, lock = false): Promise<void> {
    const rows = await tx.all(
      `SELECT study_id FROM studies WHERE study_id = ?${lock ? this.forUpdate : ""}`,
      [studyId],
    );
    if (rows.length === 0) throw new NotFoundError(`No study with id ${studyId} exists.`);
  }

  async createNewStudy(directions: readonly StudyDirection[], studyName: string): Promise<number> {
    this.ensureOpen();
    checkIndexedString("The study name", studyName);
    const duplicated = (): DuplicatedStudyError =>
      new DuplicatedStudyError(
        `A study named "${studyName}" already exists in ${this.driver.description}; pick another name or pass loadIfExists: true.`,
      );
    try {
      return await this.driver.write(async (tx) => {
        const existing = await tx.all("SELECT study_id FROM studies WHERE study_name = ?", [
          studyName,
        ]);
        if (existing.length > 0) throw duplicated();
        const studyId = await tx.insert(
          "INSERT INTO studies (study_name) VALUES (?)",
          [studyName],
          "study_id",
        );
        for (const [objective, direction] of directions.entries()) {
          await tx.run(
            "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
            [encodeDirection(direction), studyId, objective],
          );
        }
        return studyId;
      });
    } catch (error) {
      if (error instanceof DuplicatedStudyError) throw error;
      // Another process may have created the same name between our check and our insert.
      const rows = await this.driver
        .read((tx) => tx.all("SELECT study_id FROM studies WHERE study_name = ?", [studyName]))
        .catch(() => []);
      if (rows.length > 0) throw duplicated();
      throw error;
    }
  }

  async deleteStudy(studyId: number): Promise<void> {
    this.ensureOpen();
    const trialIds = await this.driver.write(async (tx) => {
      await this.studyExists(tx, studyId, true);
      const ids = (await tx.all("SELECT trial_id FROM trials WHERE study_id = ?", [studyId])).map(
        (r) => num(r["trial_id"]),
      );
      const ofStudy = "trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)";
      for (const table of [
        "trial_heartbeats",
        "trial_intermediate_values",
        "trial_values",
        "trial_params",
        "trial_system_attributes",
        "trial_user_attributes",
      ]) {
        await tx.run(`DELETE FROM ${table} WHERE ${ofStudy}`, [studyId]);
      }
      for (const table of [
        "trials",
        "study_system_attributes",
        "study_user_attributes",
        "study_directions",
        "studies",
      ]) {
        await tx.run(`DELETE FROM ${table} WHERE study_id = ?`, [studyId]);
      }
      return ids;
    });
    this.studies.delete(studyId);
    for (const id of trialIds) this.finishedById.delete(id);
  }

  async renameStudy(studyId: number, newName: string): Promise<void> {
    this.ensureOpen();
    checkIndexedString("The study name", newName);
    await this.driver.write(async (tx) => {
      await this.studyExists(tx, studyId, true);
      const taken = await tx.all(
        "SELECT study_id FROM studies WHERE study_name = ? AND study_id <> ?",
        [newName, studyId],
      );
      if (taken.length > 0) {
        throw new DuplicatedStudyError(
          `A study named "${newName}" already exists in ${this.driver.description}; pick another name.`,
        );
      }
      await tx.run("UPDATE studies SET study_name = ? WHERE study_id = ?", [newName, studyId]);
    });
  }

  private async setStudyAttr(
    table: "study_user_attributes" | "study_system_attributes",
    studyId: number,
    key: string,
    value: JsonValue,
  ): Promise<void> {
    this.ensureOpen();
    checkIndexedString("An attribute key", key);
    const json = encodeJson(value);
    await this.driver.write(
      async (tx) => {
        await this.studyExists(tx, studyId);
        await tx.run(
          this.upsert(table, ["study_id", '"key"', "value_json"], ["study_id", '"key"']),
          [studyId, key, json],
        );
      },
      { rerunnable: true },
    );
  }

  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.setStudyAttr("study_user_attributes", studyId, key, value);
  }

  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.setStudyAttr("study_system_attributes", studyId, key, value);
  }

  async claimStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<boolean> {
    this.ensureOpen();
    checkIndexedString("An attribute key", key);
    const json = encodeJson(value);
    const sql =
      this.dialect === "mysql"
        ? 'INSERT IGNORE INTO study_system_attributes (study_id, "key", value_json) VALUES (?, ?, ?)'
        : 'INSERT INTO study_system_attributes (study_id, "key", value_json) VALUES (?, ?, ?) ON CONFLICT DO NOTHING';
    return this.driver.write(async (tx) => {
      await this.studyExists(tx, studyId);
      return (await tx.run(sql, [studyId, key, json])) === 1;
    });
  }

  async getStudyIdFromName(studyName: string): Promise<number> {
    this.ensureOpen();
    const rows = await this.driver.query("SELECT study_id FROM studies WHERE study_name = ?", [
      studyName,
    ]);
    if (rows.length === 0) {
      throw new NotFoundError(
        `No study named "${studyName}" exists in ${this.driver.description}.`,
      );
    }
    return num(rows[0]!["study_id"]);
  }

  async getStudyNameFromId(studyId: number): Promise<string> {
    this.ensureOpen();
    const rows = await this.driver.query("SELECT study_name FROM studies WHERE study_id = ?", [
      studyId,
    ]);
    if (rows.length === 0) throw new NotFoundError(`No study with id ${studyId} exists.`);
    return String(rows[0]!["study_name"]);
  }

  async getStudyDirections(studyId: number): Promise<readonly StudyDirection[]> {
    this.ensureOpen();
    return this.driver.read(async (tx) => {
      await this.studyExists(tx, studyId);
      const rows = await tx.all(
        "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective",
        [studyId],
      );
      return Object.freeze(rows.map((r) => decodeDirection(r["direction"])));
    });
  }

  private async studyAttrs(
    table: "study_user_attributes" | "study_system_attributes",
    studyId: number,
  ): Promise<Record<string, JsonValue>> {
    this.ensureOpen();
    const idColumn =
      table === "study_user_attributes" ? "study_user_attribute_id" : "study_system_attribute_id";
    return this.driver.read(async (tx) => {
      await this.studyExists(tx, studyId);
      const rows = await tx.all(
        `SELECT "key", value_json FROM ${table} WHERE study_id = ? ORDER BY ${idColumn}`,
        [studyId],
      );
      const attrs: Record<string, JsonValue> = {};
      for (const r of rows) {
        const value = decodeStudyAttr(studyId, String(r["key"]), r["value_json"]);
        if (value !== undefined) attrs[String(r["key"])] = value;
      }
      return attrs;
    });
  }

  getStudyUserAttrs(studyId: number): Promise<Readonly<Record<string, JsonValue>>> {
    return this.studyAttrs("study_user_attributes", studyId);
  }

  getStudySystemAttrs(studyId: number): Promise<Readonly<Record<string, JsonValue>>> {
    return this.studyAttrs("study_system_attributes", studyId);
  }

  async getAllStudies(): Promise<readonly FrozenStudy[]> {
    this.ensureOpen();
    return this.driver.read(async (tx) => {
      const studies = await tx.all("SELECT study_id, study_name FROM studies ORDER BY study_id");
      const directions = new Map<number, StudyDirection[]>();
      for (const r of await tx.all(
        "SELECT study_id, direction FROM study_directions ORDER BY study_id, objective",
      )) {
        const id = num(r["study_id"]);
        const list = directions.get(id) ?? [];
        list.push(decodeDirection(r["direction"]));
        directions.set(id, list);
      }
      const attrs = async (table: string, idColumn: string) => {
        const byStudy = new Map<number, Record<string, JsonValue>>();
        for (const r of await tx.all(
          `SELECT study_id, "key", value_json FROM ${table} ORDER BY ${idColumn}`,
        )) {
          const id = num(r["study_id"]);
          const record = byStudy.get(id) ?? {};
          const value = decodeStudyAttr(id, String(r["key"]), r["value_json"]);
          if (value !== undefined) record[String(r["key"])] = value;
          byStudy.set(id, record);
        }
        return byStudy;
      };
      const user = await attrs("study_user_attributes", "study_user_attribute_id");
      const system = await attrs("study_system_attributes", "study_system_attribute_id");
      return studies.map((s) => {
        const studyId = num(s["study_id"]);
        return {
          studyId,
          studyName: String(s["study_name"]),
          directions: Object.freeze(directions.get(studyId) ?? []),
          userAttrs: user.get(studyId) ?? {},
          systemAttrs: system.get(studyId) ?? {},
        };
      });
    });
  }

  // ---------------------------------------------------------------- reading trials

  /**
   * Reads the trials matching `where` (a condition on `trials t`) with all their rows, in one
   * transaction: the trial rows, then params, values, intermediate values and attributes.
   */
  private async loadTrials(
    tx: Tx,
    where: string,
    params: readonly SqlValue[],
    skip?: ReadonlyMap<number, FrozenTrial>,
  ): Promise<{ parts: TrialParts[]; cached: FrozenTrial[] }> {
    if (await this.aggregates(tx)) return this.loadAggregated(tx, where, params, skip);
    const trialRows = await tx.all(
      "SELECT t.trial_id, t.number, t.study_id, t.state, t.datetime_start, t.datetime_complete " +
        `FROM trials t WHERE ${where} ORDER BY t.trial_id`,
      params,
    );
    const parts = new Map<number, TrialParts>();
    const cached: FrozenTrial[] = [];
    for (const r of trialRows) {
      const trialId = num(r["trial_id"]);
      const known = skip?.get(trialId);
      if (known !== undefined) {
        cached.push(known);
        continue;
      }
      parts.set(trialId, emptyParts(trialId, r));
    }
    if (parts.size === 0) return { parts: [], cached };
    /**
     * Reads one child table of the trials; with `idColumn`, applies each trial's rows in the
     * order they were inserted (sorted here: an ORDER BY would sort every row of the study).
     */
    const children = async (
      select: string,
      table: string,
      alias: string,
      idColumn: string,
      each: (part: TrialParts, row: Row) => void,
    ): Promise<void> => {
      const id = idColumn === "" ? "" : `, ${alias}.${idColumn} AS row_id`;
      const rows = await tx.all(
        `SELECT ${alias}.trial_id${id}, ${select} FROM trials t JOIN ${table} ${alias} ` +
          `ON ${alias}.trial_id = t.trial_id WHERE ${where}`,
        params,
      );
      if (idColumn === "") {
        for (const row of rows) {
          const part = parts.get(num(row["trial_id"]));
          if (part !== undefined) each(part, row);
        }
        return;
      }
      const byTrial = new Map<number, Row[]>();
      for (const row of rows) {
        const trialId = num(row["trial_id"]);
        const list = byTrial.get(trialId);
        if (list === undefined) byTrial.set(trialId, [row]);
        else list.push(row);
      }
      for (const [trialId, list] of byTrial) {
        const part = parts.get(trialId);
        if (part === undefined) continue;
        for (let i = 1; i < list.length; i++) {
          if (num(list[i]!["row_id"]) < num(list[i - 1]!["row_id"])) {
            list.sort((a, b) => num(a["row_id"]) - num(b["row_id"]));
            break;
          }
        }
        for (const row of list) each(part, row);
      }
    };
    await children(
      "p.param_name, p.param_value, p.distribution_json",
      "trial_params",
      "p",
      "param_id",
      (part, row) => {
        const name = String(row["param_name"]);
        this.decodeField(part, `parameter ${JSON.stringify(name)}`, () => {
          const distribution = this.distribution(row["distribution_json"]);
          const value = distribution.toExternalRepr(num(row["param_value"]));
          part.distributions[name] = distribution;
          part.params[name] = value;
        });
      },
    );
    await children("v.objective, v.value, v.value_type", "trial_values", "v", "", (part, row) => {
      part.values ??= [];
      const objective = num(row["objective"]);
      part.values[objective] = Number.NaN; // what is left when the value cannot be read
      this.decodeField(part, `value of objective ${objective}`, () => {
        part.values![objective] = decodeObjectiveValue(row["value"], row["value_type"]);
      });
    });
    await children(
      "iv.step, iv.intermediate_value, iv.intermediate_value_type",
      "trial_intermediate_values",
      "iv",
      "",
      (part, row) => {
        const step = num(row["step"]);
        this.decodeField(part, `intermediate value at step ${step}`, () => {
          part.intermediate.push([
            step,
            decodeValue(row["intermediate_value"], row["intermediate_value_type"]),
          ]);
        });
      },
    );
    await children(
      'ua."key", ua.value_json',
      "trial_user_attributes",
      "ua",
      "trial_user_attribute_id",
      (part, row) => {
        const key = String(row["key"]);
        this.decodeField(part, `user attribute ${JSON.stringify(key)}`, () => {
          part.userAttrs[key] = decodeJson(row["value_json"]);
        });
      },
    );
    await children(
      'sa."key", sa.value_json',
      "trial_system_attributes",
      "sa",
      "trial_system_attribute_id",
      (part, row) => {
        const key = String(row["key"]);
        this.decodeField(part, `system attribute ${JSON.stringify(key)}`, () => {
          part.systemAttrs[key] = decodeJson(row["value_json"]);
        });
      },
    );
    return { parts: [...parts.values()], cached };
  }

  /**
   * Whether this database folds child rows into JSON arrays (see aggregate.ts): it is not
   * MySQL, and floats come back from its JSON exactly. Asked once.
   */
  private async aggregates(tx: Tx): Promise<boolean> {
    if (this.aggregating === undefined) {
      const probe = roundTripSql(this.dialect);
      this.aggregating =
        probe !== null && roundTrips((await tx.all(probe.sql, probe.params))[0]?.["probes"]);
    }
    return this.aggregating;
  }

  /** `loadTrials` in one statement, child rows aggregated by the database (aggregate.ts). */
  private async loadAggregated(
    tx: Tx,
    where: string,
    params: readonly SqlValue[],
    skip?: ReadonlyMap<number, FrozenTrial>,
  ): Promise<{ parts: TrialParts[]; cached: FrozenTrial[] }> {
    // The (name, distribution) pairs of the parameters, numbered in SQL (see aggregate.ts).
    const pairs = await tx.all(distinctParamsSql(where), params);
    const kinds: ParamKind[] | null =
      pairs.length > 0 && pairs.length <= MAX_NUMBERED_PARAM_KINDS
        ? pairs.map((row) => ({
            name: String(row["param_name"]),
            distributionJson: String(row["distribution_json"]),
          }))
        : null;
    const rows = await tx.all(aggregatedTrialsSql(this.dialect, where, kinds)!, [
      ...kindParams(kinds),
      ...params,
    ]);
    const loaded = this.decodeAggregated(rows, kinds, skip);
    if (loaded !== null) return loaded;
    // A pair the first statement did not list (both read one snapshot: not expected).
    const plain = await tx.all(aggregatedTrialsSql(this.dialect, where, null)!, params);
    return this.decodeAggregated(plain, null, skip)!;
  }

  /**
   * Trials from the rows of `aggregatedTrialsSql`; null when a parameter has a (name,
   * distribution) pair that `kinds` lacks.
   */
  private decodeAggregated(
    rows: readonly Row[],
    kinds: readonly ParamKind[] | null,
    skip?: ReadonlyMap<number, FrozenTrial>,
  ): { parts: TrialParts[]; cached: FrozenTrial[] } | null {
    const parts: TrialParts[] = [];
    const cached: FrozenTrial[] = [];
    // PostgreSQL writes a NaN or infinite float8 in JSON as a string ("NaN", "Infinity").
    const float =
      this.dialect === "postgres"
        ? (value: unknown): unknown => (typeof value === "string" ? Number(value) : value)
        : (value: unknown): unknown => value;
    for (const r of rows) {
      const trialId = num(r["trial_id"]);
      const known = skip?.get(trialId);
      if (known !== undefined) {
        cached.push(known);
        continue;
      }
      const part = emptyParts(trialId, r);
      for (const item of byId(aggregatedArray(r["params"]))) {
        let key: string;
        let json: unknown;
        if (kinds === null) {
          key = String(item[1]);
          json = item[3];
        } else {
          const kind = kinds[item[1] as number];
          if (kind === undefined) return null;
          key = kind.name;
          json = kind.distributionJson;
        }
        const value = item[2];
        this.decodeField(part, `parameter ${JSON.stringify(key)}`, () => {
          const distribution = this.distribution(json);
          part.params[key] = distribution.toExternalRepr(num(float(value)));
          part.distributions[key] = distribution;
        });
      }
      for (const item of aggregatedArray(r["trial_values"])) {
        const [objectiveColumn, value, type] = item as [unknown, unknown, unknown];
        part.values ??= [];
        const values = part.values;
        const objective = num(objectiveColumn);
        values[objective] = Number.NaN; // what is left when the value cannot be read
        this.decodeField(part, `value of objective ${objective}`, () => {
          values[objective] = decodeObjectiveValue(float(value), type);
        });
      }
      for (const item of aggregatedArray(r["reports"])) {
        const report = item as [unknown, unknown, unknown?];
        const step = num(report[0]);
        if (report.length === 2 && typeof report[1] === "number") {
          part.intermediate.push([step, report[1]]);
          continue;
        }
        this.decodeField(part, `intermediate value at step ${step}`, () => {
          const type = report.length === 2 ? "FINITE" : report[2];
          part.intermediate.push([step, decodeValue(float(report[1]), type)]);
        });
      }
      for (const [column, target, what] of [
        ["user_attrs", part.userAttrs, "user"],
        ["system_attrs", part.systemAttrs, "system"],
      ] as const) {
        for (const [, keyColumn, json] of byId(aggregatedArray(r[column]))) {
          const key = String(keyColumn);
          this.decodeField(part, `${what} attribute ${JSON.stringify(key)}`, () => {
            target[key] = decodeJson(json);
          });
        }
      }
      parts.push(part);
    }
    return { parts, cached };
  }

  private freeze(part: TrialParts): FrozenTrial {
    const intermediate = part.intermediate;
    for (let i = 1; i < intermediate.length; i++) {
      if (intermediate[i]![0] < intermediate[i - 1]![0]) {
        intermediate.sort((a, b) => a[0] - b[0]);
        break;
      }
    }
    const values = part.values === null ? null : Array.from(part.values, (v) => v ?? Number.NaN);
    const trial = new FrozenTrial({
      number: part.number,
      trialId: part.trialId,
      state: part.state,
      values,
      datetimeStart: part.datetimeStart,
      datetimeComplete: part.datetimeComplete,
      params: part.params,
      distributions: part.distributions,
      userAttrs: part.userAttrs,
      systemAttrs: part.systemAttrs,
      intermediateValues: new Map(intermediate),
    });
    if (isFinished(trial.state)) this.finishedById.set(trial.trialId, trial);
    return trial;
  }

  private cacheOf(studyId: number): StudyCache {
    let cache = this.studies.get(studyId);
    if (cache === undefined) {
      cache = newStudyCache();
      this.studies.set(studyId, cache);
    }
    return cache;
  }

  /** Condition on `trials t` selecting what a refresh must read: new and unfinished trials. */
  private refreshCondition(studyId: number, cache: StudyCache): [string, SqlValue[]] {
    const unfinished = [...cache.unfinished];
    if (unfinished.length === 0) {
      return ["t.study_id = ? AND t.trial_id > ?", [studyId, cache.maxTrialId]];
    }
    if (unfinished.length > MAX_IDS_IN_LIST) {
      return ["t.study_id = ? AND t.trial_id >= ?", [studyId, Math.min(...unfinished)]];
    }
    // Two whole conditions on (study_id, trial_id), so each is an index search (SQLite's
    // multi-index OR, PostgreSQL's bitmap OR); `study_id = ? AND (a OR b)` scans every trial
    // of the study at each refresh.
    return [
      `((t.study_id = ? AND t.trial_id > ?) OR (t.study_id = ? AND t.trial_id IN (${placeholders(unfinished.length)})))`,
      [studyId, cache.maxTrialId, studyId, ...unfinished],
    ];
  }

  /** Brings the study's cached trial list up to date and returns it. */
  private refresh(studyId: number): Promise<readonly FrozenTrial[]> {
    const cache = this.cacheOf(studyId);
    const run = cache.lock.then(() => this.refreshNow(studyId, cache, false));
    cache.lock = run.catch(() => undefined);
    return run;
  }

  private async refreshNow(
    studyId: number,
    cache: StudyCache,
    full: boolean,
  ): Promise<readonly FrozenTrial[]> {
    this.ensureOpen();
    if (full) {
      cache.byNumber = [];
      cache.unfinished = new Set();
      cache.maxTrialId = 0;
      cache.list = Object.freeze([]);
    }
    const [where, params] = this.refreshCondition(studyId, cache);
    const { count, loaded } = await this.driver.read(async (tx) => {
      const head = await tx.all(
        "SELECT s.study_id, (SELECT COUNT(*) FROM trials c WHERE c.study_id = s.study_id) AS n " +
          "FROM studies s WHERE s.study_id = ?",
        [studyId],
      );
      if (head.length === 0) throw new NotFoundError(`No study with id ${studyId} exists.`);
      return {
        count: num(head[0]!["n"]),
        loaded: await this.loadTrials(tx, where, params, this.finishedById),
      };
    });
    if (loaded.parts.length === 0 && loaded.cached.length === 0 && cache.list.length === count) {
      return cache.list;
    }
    const unfinished = new Set<number>();
    const place = (trial: FrozenTrial): void => {
      cache.byNumber[trial.number] = trial;
      if (trial.trialId > cache.maxTrialId) cache.maxTrialId = trial.trialId;
      for (const [name, distribution] of Object.entries(trial.distributions)) {
        if (!cache.distributions.has(name)) cache.distributions.set(name, distribution);
      }
    };
    for (const part of loaded.parts) {
      const trial = this.freeze(part);
      place(trial);
      if (!isFinished(trial.state)) unfinished.add(trial.trialId);
    }
    // Rows of trials already cached as finished (finished by this process, or read again in
    // an id range) were not rebuilt: place the cached trial.
    for (const trial of loaded.cached) place(trial);
    cache.unfinished = unfinished;
    const list = cache.byNumber.slice();
    let complete = list.length === count;
    for (let i = 0; complete && i < list.length; i++) if (list[i] === undefined) complete = false;
    if (!complete) {
      // A trial appeared or vanished in a way increments cannot follow (a study deleted and
      // its id reused): read everything again once.
      if (!full) return this.refreshNow(studyId, cache, true);
      // Numbers with gaps or repeats (a database not written by skipjack or Optuna).
      cache.list = Object.freeze(list.filter((t) => t !== undefined));
      return cache.list;
    }
    cache.list = Object.freeze(list);
    return cache.list;
  }

  async getAllTrials(
    studyId: number,
    options: { states?: readonly TrialState[] } = {},
  ): Promise<readonly FrozenTrial[]> {
    const trials = await this.refresh(studyId);
    const states = options.states;
    if (states === undefined) return trials;
    return trials.filter((t) => states.includes(t.state));
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    this.ensureOpen();
    const cached = this.finishedById.get(trialId);
    if (cached !== undefined) return cached;
    const { parts } = await this.driver.read((tx) =>
      this.loadTrials(tx, "t.trial_id = ?", [trialId]),
    );
    if (parts.length === 0) throw new NotFoundError(`No trial with id ${trialId} exists.`);
    return this.freeze(parts[0]!);
  }

  async getTrialByNumber(studyId: number, number: number): Promise<FrozenTrial | null> {
    this.ensureOpen();
    const { parts } = await this.driver.read((tx) =>
      this.loadTrials(tx, "t.study_id = ? AND t.number = ?", [studyId, number]),
    );
    return parts.length === 0 ? null : this.freeze(parts[0]!);
  }

  async getNTrials(studyId: number, states?: readonly TrialState[]): Promise<number> {
    this.ensureOpen();
    const filter =
      states === undefined
        ? ""
        : states.length === 0
          ? " AND 1 = 0"
          : ` AND c.state IN (${placeholders(states.length)})`;
    const rows = await this.driver.query(
      `SELECT (SELECT COUNT(*) FROM trials c WHERE c.study_id = s.study_id${filter}) AS n ` +
        "FROM studies s WHERE s.study_id = ?",
      [...(states ?? []), studyId],
    );
    if (rows.length === 0) throw new NotFoundError(`No study with id ${studyId} exists.`);
    return num(rows[0]!["n"]);
  }

  // ---------------------------------------------------------------- writing trials

  private checkNames(
    params?: Readonly<Record<string, StoredParam>>,
    userAttrs?: Readonly<Record<string, JsonValue>>,
    systemAttrs?: Readonly<Record<string, JsonValue>>,
  ): void {
    for (const name of Object.keys(params ?? {})) checkIndexedString("A parameter name", name);
    for (const key of Object.keys(userAttrs ?? {})) checkIndexedString("An attribute key", key);
    for (const key of Object.keys(systemAttrs ?? {})) checkIndexedString("An attribute key", key);
    for (const [name, { internal }] of Object.entries(params ?? {})) {
      if (!Number.isFinite(internal)) {
        throw new InvalidArgumentError(
          `Parameter "${name}" has the internal value ${internal}; it must be a finite number.`,
        );
      }
    }
  }

  /**
   * Checks each parameter's distribution against the one the study already has for the name
   * (read from the database when this process has not seen the name; on the servers under a
   * lock on the study row, so that two first writers of a name cannot disagree).
   */
  private async checkDistributions(
    tx: Tx,
    studyId: number,
    params: Readonly<Record<string, StoredParam>>,
    studyLocked: boolean,
  ): Promise<Map<string, Distribution>> {
    const cache = this.cacheOf(studyId);
    const learned = new Map<string, Distribution>();
    let locked = studyLocked || this.dialect === "sqlite";
    for (const [name, { distribution }] of Object.entries(params)) {
      let known = cache.distributions.get(name);
      if (known === undefined) {
        if (!locked) {
          await this.studyExists(tx, studyId, true);
          locked = true;
        }
        const rows = await tx.all(
          "SELECT p.distribution_json FROM trial_params p JOIN trials t ON t.trial_id = p.trial_id " +
            "WHERE t.study_id = ? AND p.param_name = ? LIMIT 1",
          [studyId, name],
        );
        if (rows.length > 0) known = this.distribution(rows[0]!["distribution_json"]);
      }
      if (known !== undefined) checkDistributionCompatibility(name, known, distribution);
      learned.set(name, known ?? distribution);
    }
    return learned;
  }

  private learn(studyId: number, learned: Map<string, Distribution>): void {
    const cache = this.cacheOf(studyId);
    for (const [name, distribution] of learned) {
      if (!cache.distributions.has(name)) cache.distributions.set(name, distribution);
    }
  }

  /** Writes rows into a trial's child table in one statement (an upsert with `unique`). */
  private async writeRows(
    tx: Tx,
    table: string,
    columns: readonly string[],
    rows: SqlValue[][],
    unique: readonly string[] | undefined,
  ): Promise<void> {
    // In chunks, below every server's limit on bound parameters.
    for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + MAX_ROWS_PER_INSERT);
      await tx.run(this.insertRows(table, columns, chunk.length, unique), chunk.flat());
    }
  }

  private async writeParams(
    tx: Tx,
    trialId: number,
    params: Readonly<Record<string, StoredParam>>,
    upsert: boolean,
  ): Promise<void> {
    const rows = Object.entries(params).map(([name, { internal, distribution }]) => [
      trialId,
      name,
      internal,
      distributionToJson(distribution),
    ]);
    await this.writeRows(
      tx,
      "trial_params",
      ["trial_id", "param_name", "param_value", "distribution_json"],
      rows,
      upsert ? ["trial_id", "param_name"] : undefined,
    );
  }

  private async writeIntermediate(
    tx: Tx,
    trialId: number,
    values: ReadonlyMap<number, number>,
    upsert: boolean,
  ): Promise<void> {
    const rows: SqlValue[][] = [];
    for (const [step, value] of values) {
      if (!Number.isSafeInteger(step)) {
        throw new InvalidArgumentError(`An intermediate step must be an integer, got ${step}.`);
      }
      rows.push([trialId, step, ...encodeIntermediate(value)]);
    }
    await this.writeRows(
      tx,
      "trial_intermediate_values",
      ["trial_id", "step", "intermediate_value", "intermediate_value_type"],
      rows,
      upsert ? ["trial_id", "step"] : undefined,
    );
  }

  private async writeAttrs(
    tx: Tx,
    table: "trial_user_attributes" | "trial_system_attributes",
    trialId: number,
    attrs: Readonly<Record<string, JsonValue>>,
    upsert: boolean,
  ): Promise<void> {
    const rows = Object.entries(attrs).map(([key, value]) => [trialId, key, encodeJson(value)]);
    await this.writeRows(
      tx,
      table,
      ["trial_id", '"key"', "value_json"],
      rows,
      upsert ? ["trial_id", '"key"'] : undefined,
    );
  }

  private async writeValues(tx: Tx, trialId: number, values: readonly number[]): Promise<void> {
    const rows = values.map((value, objective) => [trialId, objective, ...encodeValue(value)]);
    await this.writeRows(
      tx,
      "trial_values",
      ["trial_id", "objective", "value", "value_type"],
      rows,
      undefined,
    );
  }

  async createNewTrial(studyId: number, template: TrialTemplate = {}): Promise<FrozenTrial> {
    this.ensureOpen();
    const params = template.params ?? {};
    const userAttrs = template.userAttrs ?? {};
    const systemAttrs = template.systemAttrs ?? {};
    const intermediate = template.intermediateValues ?? new Map<number, number>();
    this.checkNames(params, userAttrs, systemAttrs);
    const values = template.values ?? null;
    for (const v of values ?? []) encodeValue(v);
    const state = template.state ?? TrialState.RUNNING;
    const now = this.now();
    const datetimeStart = this.storedDate(
      template.datetimeStart !== undefined
        ? template.datetimeStart
        : state === TrialState.WAITING
          ? null
          : now,
    );
    const datetimeComplete = this.storedDate(
      template.datetimeComplete !== undefined
        ? template.datetimeComplete
        : isFinished(state)
          ? completionTime()
          : null,
    );
    const { trialId, number, learned } = await this.driver.write(
      async (tx) => {
        await this.studyExists(tx, studyId, true);
        const learned = await this.checkDistributions(tx, studyId, params, true);
        const counted = await tx.all("SELECT COUNT(*) AS n FROM trials WHERE study_id = ?", [
          studyId,
        ]);
        const number = num(counted[0]!["n"]);
        const trialId = await tx.insert(
          "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
            "VALUES (?, ?, ?, ?, ?)",
          [number, studyId, state, this.datetime(datetimeStart), this.datetime(datetimeComplete)],
          "trial_id",
        );
        await this.writeParams(tx, trialId, params, false);
        if (values !== null) await this.writeValues(tx, trialId, values);
        await this.writeIntermediate(tx, trialId, intermediate, false);
        await this.writeAttrs(tx, "trial_user_attributes", trialId, userAttrs, false);
        await this.writeAttrs(tx, "trial_system_attributes", trialId, systemAttrs, false);
        // The first heartbeat is committed with the trial: a worker killed right after creating
        // it leaves a trial that other workers find stale.
        if (this.beatsAtStart(template.heartbeat, state))
          await tx.run(this.heartbeatSql, [trialId]);
        return { trialId, number, learned };
      },
      {
        // A COMMIT whose answer was lost: the trial landed if its row is there (ids are never
        // reused), else the creation runs again; never two trials.
        verify: async (tx, created) =>
          (
            await tx.all("SELECT trial_id FROM trials WHERE trial_id = ? AND number = ?", [
              created.trialId,
              created.number,
            ])
          ).length === 1,
      },
    );
    this.learn(studyId, learned);
    const external: Record<string, ParamValue> = {};
    const distributions: Record<string, Distribution> = {};
    for (const [name, { internal, distribution }] of Object.entries(params)) {
      external[name] = distribution.toExternalRepr(internal) as CategoricalChoice;
      distributions[name] = distribution;
    }
    const trial = new FrozenTrial({
      number,
      trialId,
      state,
      values: values === null ? null : [...values],
      datetimeStart,
      datetimeComplete,
      params: external,
      distributions,
      userAttrs: structuredClone({ ...userAttrs }),
      systemAttrs: structuredClone({ ...systemAttrs }),
      intermediateValues: new Map([...intermediate].sort((a, b) => a[0] - b[0])),
    });
    if (isFinished(state)) this.finishedById.set(trialId, trial);
    return trial;
  }

  async popWaitingTrial(
    studyId: number,
    options: { heartbeat?: boolean } = {},
  ): Promise<FrozenTrial | null> {
    this.ensureOpen();
    // Trials this process saw finished never wait again: look only above the oldest trial
    // that may still wait, first without a lock.
    const cache = this.studies.get(studyId);
    let low = 0;
    if (cache !== undefined) {
      low = cache.maxTrialId + 1;
      for (const id of cache.unfinished) if (id < low) low = id;
    }
    const find =
      "SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' AND trial_id >= ? " +
      "ORDER BY trial_id LIMIT 1";
    const probe = await this.driver.query(find, [studyId, low]);
    if (probe.length === 0) return null;
    const lock = this.dialect === "sqlite" ? "" : " FOR UPDATE SKIP LOCKED";
    for (let attempt = 0; attempt < 100; attempt++) {
      const result = await this.driver.write(async (tx) => {
        const rows = await tx.all(find + lock, [studyId, low]);
        if (rows.length === 0) return null;
        const trialId = num(rows[0]!["trial_id"]);
        const changed = await tx.run(
          "UPDATE trials SET state = 'RUNNING', datetime_start = ? " +
            "WHERE trial_id = ? AND state = 'WAITING'",
          [this.datetime(this.now()), trialId],
        );
        if (changed !== 1) return undefined;
        if (this.beatsAtStart(options.heartbeat, TrialState.RUNNING)) {
          await tx.run(this.heartbeatSql, [trialId]);
        }
        const { parts } = await this.loadTrials(tx, "t.trial_id = ?", [trialId]);
        return this.freeze(parts[0]!);
      });
      if (result !== undefined) return result;
    }
    return null;
  }

  async updateTrial(trialId: number, update: TrialUpdate): Promise<void> {
    this.ensureOpen();
    this.checkNames(update.params, update.userAttrs, update.systemAttrs);
    for (const v of update.values ?? []) encodeValue(v);
    const now = this.now();
    const finished = this.finishedById.get(trialId);
    if (finished !== undefined) {
      throw new UpdateFinishedTrialError(
        `Trial ${finished.number} is already ${finished.state} and cannot be changed.`,
      );
    }
    let runs = 0;
    const { studyId, learned, final } = await this.driver.write(
      async (tx) => {
        runs++;
        const rows = await tx.all(
          `SELECT study_id, number, state FROM trials WHERE trial_id = ?${this.forUpdate}`,
          [trialId],
        );
        if (rows.length === 0) throw new NotFoundError(`No trial with id ${trialId} exists.`);
        const studyId = num(rows[0]!["study_id"]);
        const state = decodeState(rows[0]!["state"]);
        if (runs > 1 && isFinished(state) && state === update.state) {
          // Run again after a COMMIT whose answer was lost: the first run finished the trial.
          const final = (await this.loadTrials(tx, "t.trial_id = ?", [trialId])).parts[0];
          return { studyId, learned: new Map<string, Distribution>(), final };
        }
        if (isFinished(state)) {
          throw new UpdateFinishedTrialError(
            `Trial ${num(rows[0]!["number"])} is already ${state} and cannot be changed.`,
          );
        }
        let learned = new Map<string, Distribution>();
        if (update.params !== undefined) {
          learned = await this.checkDistributions(tx, studyId, update.params, false);
          await this.writeParams(tx, trialId, update.params, true);
        }
        if (update.intermediateValues !== undefined) {
          await this.writeIntermediate(tx, trialId, update.intermediateValues, true);
        }
        if (update.userAttrs !== undefined) {
          await this.writeAttrs(tx, "trial_user_attributes", trialId, update.userAttrs, true);
        }
        if (update.systemAttrs !== undefined) {
          await this.writeAttrs(tx, "trial_system_attributes", trialId, update.systemAttrs, true);
        }
        if (update.values !== undefined) {
          await tx.run("DELETE FROM trial_values WHERE trial_id = ?", [trialId]);
          if (update.values !== null) await this.writeValues(tx, trialId, update.values);
        }
        if (update.state !== undefined && update.state !== state) {
          const stamp = this.datetime(now);
          if (update.state === TrialState.RUNNING) {
            await tx.run(
              "UPDATE trials SET state = ?, datetime_start = COALESCE(datetime_start, ?) WHERE trial_id = ?",
              [update.state, stamp, trialId],
            );
          } else if (isFinished(update.state)) {
            await tx.run("UPDATE trials SET state = ?, datetime_complete = ? WHERE trial_id = ?", [
              update.state,
              this.datetime(this.storedDate(completionTime())),
              trialId,
            ]);
          } else {
            await tx.run("UPDATE trials SET state = ? WHERE trial_id = ?", [update.state, trialId]);
          }
        }
        // A trial that finishes is read back in the same transaction and cached: it never
        // changes again, and its worker reads it next.
        const final =
          update.state !== undefined && isFinished(update.state) && update.state !== state
            ? (await this.loadTrials(tx, "t.trial_id = ?", [trialId])).parts[0]
            : undefined;
        return { studyId, learned, final };
      },
      // Every other change is an upsert (values are replaced whole): running it again is safe.
      { rerunnable: true },
    );
    this.learn(studyId, learned);
    if (final !== undefined) this.freeze(final);
  }

  // ---------------------------------------------------------------- heartbeats

  getHeartbeatInterval(): number | null {
    return this.heartbeat.interval;
  }

  getFailedTrialCallback(): FailedTrialCallback | null {
    return this.heartbeat.failedTrialCallback;
  }

  /** Whether a trial created (or popped) in `state` gets its first heartbeat at once. */
  private beatsAtStart(requested: boolean | undefined, state: TrialState): boolean {
    return requested === true && this.heartbeat.interval !== null && state === TrialState.RUNNING;
  }

  /** The database's current time, as the heartbeat column keeps it. */
  private get heartbeatNow(): string {
    return {
      // UTC with microseconds, as Optuna's CURRENT_TIMESTAMP default and func.now() give.
      sqlite: "strftime('%Y-%m-%d %H:%M:%f000', 'now')",
      postgres: "LOCALTIMESTAMP",
      mysql: "CURRENT_TIMESTAMP",
    }[this.dialect];
  }

  private get heartbeatSql(): string {
    const now = this.heartbeatNow;
    return this.dialect === "mysql"
      ? `INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, ${now}) ON DUPLICATE KEY UPDATE heartbeat = ${now}`
      : `INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, ${now}) ON CONFLICT (trial_id) DO UPDATE SET heartbeat = ${now}`;
  }

  async recordHeartbeat(trialId: number): Promise<void> {
    this.ensureOpen();
    const sql = this.heartbeatSql;
    await this.driver.write((tx) => tx.run(sql, [trialId]), { rerunnable: true });
  }

  /**
   * Beats for the trial from a thread with its own connection (so that an objective blocking
   * the event loop still beats); from this thread's timers where no second connection can
   * reach the database (SQLite in memory).
   */
  startHeartbeat(trialId: number): Heartbeat {
    this.ensureOpen();
    const interval = this.heartbeat.interval;
    if (interval === null) return { stop: async () => undefined };
    if (this.heartbeatThread === undefined) {
      const spec = this.driver.heartbeatTarget(this.heartbeatSql);
      this.heartbeatThread =
        spec === null
          ? null
          : new HeartbeatThread(
              spec.target,
              spec.sql,
              interval,
              this.heartbeat.gracePeriod ?? 2 * interval,
              spec.describeError,
            );
    }
    if (this.heartbeatThread === null) return timerHeartbeat(this, trialId, interval);
    return this.heartbeatThread.start(trialId);
  }

  async failStaleTrials(studyId: number): Promise<FrozenTrial[]> {
    this.ensureOpen();
    const grace = this.heartbeat.gracePeriod;
    if (grace === null) return [];
    const age = {
      sqlite: "(julianday('now') - julianday(h.heartbeat)) * 86400.0",
      postgres: "EXTRACT(EPOCH FROM (LOCALTIMESTAMP - h.heartbeat))",
      mysql: "TIMESTAMPDIFF(SECOND, h.heartbeat, CURRENT_TIMESTAMP)",
    }[this.dialect];
    const stale = await this.driver.query(
      "SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id " +
        `WHERE t.study_id = ? AND t.state = 'RUNNING' AND ${age} > ? ORDER BY t.trial_id`,
      [studyId, grace],
    );
    const failed: FrozenTrial[] = [];
    for (const row of stale) {
      const trialId = num(row["trial_id"]);
      const changed = await this.driver.write((tx) =>
        tx.run(
          "UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id = ? AND state = 'RUNNING'",
          [this.datetime(this.now()), trialId],
        ),
      );
      if (changed === 1) failed.push(await this.getTrial(trialId));
    }
    return failed;
  }

  // ---------------------------------------------------------------- life cycle

  async close(): Promise<void> {
    if (this.closed) return;
    await settleWrites(this); // what live trials were told and not written yet
    this.closed = true;
    await this.heartbeatThread?.close();
    await this.driver.close();
  }
}

/** Wraps a driver failure (not one of ours) as a `StorageError` naming the database. */
export function storageFailure(description: string, error: unknown): unknown {
  if (error instanceof SkipjackError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StorageError(`${description}: ${message}`, { cause: error });
}
