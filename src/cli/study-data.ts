/**
 * What the read-only commands read, straight from Optuna's tables through a `Reader`: the
 * studies with their trial counts, and a study's trials in chunks (by trial id), so that a
 * 100,000-trial study prints without being held in memory.
 */
import { type Distribution, jsonToDistribution } from "../distributions/index.js";
import { NotFoundError } from "../errors/index.js";
import { type JsonValue, pythonJsonLoads } from "../json/python.js";
import { decodeDirection, decodeState, decodeValue } from "../storages/rdb/encoding.js";
import type { StoredParam } from "../storages/storage.js";
import type { StudyDirection, TrialState } from "../trial/state.js";
import { type Cell, PythonFloat } from "./cells.js";
import type { Reader } from "./reader.js";

/** A study as `studies` lists it. */
export interface StudyRow {
  readonly studyId: number;
  readonly name: string;
  readonly directions: StudyDirection[];
  readonly nTrials: number;
  /** Stored text of the earliest trial start, or null. */
  readonly datetimeStart: string | null;
  readonly userAttrs: [string, JsonValue][];
}

/** A trial as the trial commands print it. */
export interface TrialData {
  readonly trialId: number;
  readonly number: number;
  readonly state: TrialState;
  /** Stored datetimes (naive local time text), or null. */
  readonly datetimeStart: string | null;
  readonly datetimeComplete: string | null;
  /** Values by objective; null when none is stored. */
  readonly values: (number | null)[] | null;
  /** Parameters in their external form, sorted by name; floats as `PythonFloat`. */
  readonly params: [string, Cell][];
  readonly userAttrs: [string, JsonValue][];
  readonly systemAttrs: [string, JsonValue][];
  /** Intermediate values by step (when asked for). */
  readonly intermediate: [number, number][];
  /** The parameters as stored: internal value and distribution (when asked for). */
  readonly stored?: Map<string, StoredParam>;
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function decodeAttr(text: unknown): JsonValue {
  return pythonJsonLoads(String(text));
}

/** Every study with its directions, trial count, first start and user attributes. */
export async function listStudies(reader: Reader): Promise<StudyRow[]> {
  const studies = await reader.all(
    "SELECT s.study_id, s.study_name, COUNT(t.trial_id) AS n_trials, MIN(t.datetime_start) AS start " +
      "FROM studies s LEFT JOIN trials t ON t.study_id = s.study_id " +
      "GROUP BY s.study_id, s.study_name ORDER BY s.study_id",
  );
  const directions = new Map<number, StudyDirection[]>();
  for (const row of await reader.all(
    "SELECT study_id, direction FROM study_directions ORDER BY study_id, objective",
  )) {
    const id = Number(row["study_id"]);
    const list = directions.get(id) ?? [];
    list.push(decodeDirection(row["direction"]));
    directions.set(id, list);
  }
  const attrs = new Map<number, [string, JsonValue][]>();
  for (const row of await reader.all(
    'SELECT study_id, "key", value_json FROM study_user_attributes',
  )) {
    const id = Number(row["study_id"]);
    const list = attrs.get(id) ?? [];
    list.push([String(row["key"]), decodeAttr(row["value_json"])]);
    attrs.set(id, list);
  }
  return studies.map((row) => {
    const id = Number(row["study_id"]);
    return {
      studyId: id,
      name: String(row["study_name"]),
      directions: directions.get(id) ?? [],
      nTrials: Number(row["n_trials"]),
      datetimeStart: row["start"] === null ? null : String(row["start"]),
      userAttrs: (attrs.get(id) ?? []).sort(byKey),
    };
  });
}

/** The names of the studies, in creation order. */
export async function studyNames(reader: Reader): Promise<string[]> {
  const rows = await reader.all("SELECT study_name FROM studies ORDER BY study_id");
  return rows.map((r) => String(r["study_name"]));
}

/** The "no such study" error: it names the studies that exist. */
export function unknownStudy(name: string, names: readonly string[], where: string): NotFoundError {
  const shown = names.slice(0, 20).map((n) => JSON.stringify(n));
  const more =
    names.length > 20 ? ` and ${names.length - 20} more (see \`skipjack study-names\`)` : "";
  const existing =
    names.length === 0
      ? "it holds no study yet"
      : `the studies there are ${shown.join(", ")}${more}`;
  return new NotFoundError(`No study named ${JSON.stringify(name)} in ${where}; ${existing}.`);
}

/** A study's id and directions; `unknownStudy`'s error when the name does not exist. */
export async function findStudy(
  reader: Reader,
  name: string,
): Promise<{ studyId: number; directions: StudyDirection[] }> {
  const rows = await reader.all("SELECT study_id FROM studies WHERE study_name = ?", [name]);
  if (rows.length === 0) throw unknownStudy(name, await studyNames(reader), reader.description);
  const studyId = Number(rows[0]!["study_id"]);
  const directions = (
    await reader.all(
      "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective",
      [studyId],
    )
  ).map((r) => decodeDirection(r["direction"]));
  return { studyId, directions };
}

/** The sorted parameter names and user-attribute keys used by a study's trials. */
export async function studyColumns(
  reader: Reader,
  studyId: number,
): Promise<{ params: string[]; userAttrs: string[]; kinds: Map<string, Distribution> | null }> {
  const names = async (table: string, column: string): Promise<string[]> => {
    const rows = await reader.all(
      `SELECT DISTINCT c.${column} AS name FROM ${table} c JOIN trials t ON t.trial_id = c.trial_id WHERE t.study_id = ?`,
      [studyId],
    );
    return rows.map((r) => String(r["name"])).sort();
  };
  const { names: params, kinds } = await printingKinds(reader, studyId);
  return {
    params,
    kinds,
    userAttrs: await names("trial_user_attributes", '"key"'),
  };
}

/** Options of `streamTrials`. */
export interface StreamOptions {
  states?: readonly TrialState[];
  /** Read the intermediate values too (export). */
  intermediate?: boolean;
  /** Read the system attributes too (copy-study). */
  systemAttrs?: boolean;
  /** Keep each parameter as stored (copy-study). */
  withDistributions?: boolean;
  /** Only these trial numbers. */
  numbers?: readonly number[];
  /** Trials per chunk. */
  chunk?: number;
  /**
   * How to print each parameter name's values, when every trial of the study agrees on it
   * (`printingKinds`): then the distribution JSON of each row is not read.
   */
  kinds?: ReadonlyMap<string, Distribution>;
}

/**
 * One distribution per parameter name of a study, when all its stored distributions print
 * values alike (same kind, same choices; Optuna's compatibility rule makes them so); null when
 * some name does not (an odd database), and each row's own distribution must be read.
 */
export async function printingKinds(
  reader: Reader,
  studyId: number,
): Promise<{ names: string[]; kinds: Map<string, Distribution> | null }> {
  const rows = await reader.arrays(
    "SELECT DISTINCT c.param_name, c.distribution_json FROM trial_params c " +
      "JOIN trials t ON t.trial_id = c.trial_id WHERE t.study_id = ?",
    [studyId],
  );
  const kinds = new Map<string, Distribution>();
  let agree = true;
  for (const [name, json] of rows) {
    const distribution = jsonToDistribution(String(json));
    const seen = kinds.get(String(name));
    if (seen === undefined) kinds.set(String(name), distribution);
    else if (
      seen.kind !== distribution.kind ||
      (seen.kind === "categorical" &&
        JSON.stringify(seen.choices) !== JSON.stringify((distribution as typeof seen).choices))
    ) {
      agree = false;
    }
  }
  return { names: [...kinds.keys()].sort(), kinds: agree ? kinds : null };
}

function paramValue(distribution: Distribution, internal: number): Cell {
  switch (distribution.kind) {
    case "float":
      return new PythonFloat(internal);
    case "int":
      return Math.trunc(internal);
    case "categorical":
      return distribution.choices[Math.round(internal)] ?? null;
  }
}

/** A study's trials in number order, read a chunk at a time. */
export async function* streamTrials(
  reader: Reader,
  studyId: number,
  options: StreamOptions = {},
): AsyncGenerator<TrialData> {
  const chunk = options.chunk ?? 2000;
  const distributions = new Map<string, Distribution>();
  const stateFilter =
    options.states === undefined
      ? ""
      : ` AND state IN (${options.states.map((s) => `'${s}'`).join(", ")})`;
  const numberFilter =
    options.numbers === undefined
      ? ""
      : ` AND number IN (${options.numbers.map(Number).join(", ") || "NULL"})`;
  let after = -1;
  for (;;) {
    const trials = await reader.arrays(
      "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials " +
        `WHERE study_id = ? AND trial_id > ?${stateFilter}${numberFilter} ORDER BY trial_id LIMIT ${chunk}`,
      [studyId, after],
    );
    if (trials.length === 0) return;
    const first = Number(trials[0]![0]);
    const last = Number(trials[trials.length - 1]![0]);
    after = last;
    const byId = new Map<number, TrialData>();
    for (const [id, number, state, start, complete] of trials) {
      byId.set(Number(id), {
        trialId: Number(id),
        number: Number(number),
        state: decodeState(state),
        datetimeStart: start === null ? null : String(start),
        datetimeComplete: complete === null ? null : String(complete),
        values: null,
        params: [],
        userAttrs: [],
        systemAttrs: [],
        intermediate: [],
        ...(options.withDistributions ? { stored: new Map<string, StoredParam>() } : {}),
      });
    }
    // Children of the chunk: by a range of trial ids, which their unique (trial_id, ...) index
    // reads directly; rows of other studies' trials inside the range are skipped below.
    const children = (table: string, columns: string): Promise<unknown[][]> =>
      reader.arrays(
        `SELECT trial_id, ${columns} FROM ${table} WHERE trial_id >= ? AND trial_id <= ?`,
        [first, last],
      );
    const number = (v: unknown): unknown => (typeof v === "string" ? Number(v) : v);
    const stored = (value: unknown, type: unknown): number =>
      type === "FINITE" && value === null ? Number.NaN : decodeValue(number(value), type);
    for (const [id, objective, value, type] of await children(
      "trial_values",
      "objective, value, value_type",
    )) {
      const trial = byId.get(Number(id));
      if (trial === undefined) continue;
      const mutable = trial as { values: (number | null)[] | null };
      if (mutable.values === null) mutable.values = [];
      mutable.values[Number(objective)] = stored(value, type);
    }
    const kinds = options.withDistributions ? undefined : options.kinds;
    for (const [id, name, value, json] of await children(
      "trial_params",
      kinds === undefined
        ? "param_name, param_value, distribution_json"
        : "param_name, param_value",
    )) {
      const trial = byId.get(Number(id));
      if (trial === undefined) continue;
      let distribution = kinds?.get(name as string) ?? distributions.get(json as string);
      if (distribution === undefined) {
        distribution = jsonToDistribution(String(json));
        distributions.set(json as string, distribution);
      }
      trial.params.push([String(name), paramValue(distribution, Number(value))]);
      trial.stored?.set(String(name), { internal: Number(value), distribution });
    }
    for (const [id, key, json] of await children("trial_user_attributes", '"key", value_json')) {
      byId.get(Number(id))?.userAttrs.push([String(key), decodeAttr(json)]);
    }
    if (options.systemAttrs) {
      for (const [id, key, json] of await children(
        "trial_system_attributes",
        '"key", value_json',
      )) {
        byId.get(Number(id))?.systemAttrs.push([String(key), decodeAttr(json)]);
      }
    }
    if (options.intermediate) {
      for (const [id, step, value, type] of await children(
        "trial_intermediate_values",
        "step, intermediate_value, intermediate_value_type",
      )) {
        byId.get(Number(id))?.intermediate.push([Number(step), stored(value, type)]);
      }
    }
    const ordered = [...byId.values()].sort((a, b) => a.number - b.number);
    for (const trial of ordered) {
      trial.params.sort(byKey);
      trial.userAttrs.sort(byKey);
      trial.systemAttrs.sort(byKey);
      trial.intermediate.sort((a, b) => a[0] - b[0]);
      yield trial;
    }
    if (trials.length < chunk) return;
  }
}

/** The (number, values, completion) of a study's COMPLETE trials, for best-trial(s). */
export async function completedValues(
  reader: Reader,
  studyId: number,
): Promise<{ number: number; values: number[]; complete: string | null }[]> {
  const rows = await reader.all(
    "SELECT t.number, t.datetime_complete, v.objective, v.value, v.value_type FROM trials t " +
      "JOIN trial_values v ON v.trial_id = t.trial_id WHERE t.study_id = ? AND t.state = 'COMPLETE' " +
      "ORDER BY t.trial_id, v.objective",
    [studyId],
  );
  const out: { number: number; values: number[]; complete: string | null }[] = [];
  let current: { number: number; values: number[]; complete: string | null } | undefined;
  for (const row of rows) {
    const number = Number(row["number"]);
    if (current === undefined || current.number !== number) {
      current = {
        number,
        values: [],
        complete: row["datetime_complete"] === null ? null : String(row["datetime_complete"]),
      };
      out.push(current);
    }
    current.values[Number(row["objective"])] =
      row["value_type"] === "FINITE" && row["value"] === null
        ? Number.NaN
        : decodeValue(
            typeof row["value"] === "string" ? Number(row["value"]) : row["value"],
            row["value_type"],
          );
  }
  return out;
}
