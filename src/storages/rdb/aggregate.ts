/**
 * Reading trials with their child rows aggregated by the database: one row per trial, each
 * child table (parameters, values, intermediate values, attributes) folded into a JSON array
 * in SQL. A study of 10,000 trials with 6 parameters and 10 reports each is 180,000 child
 * rows; building one JavaScript object per row (and one string per value type) is most of the
 * time of loading it, while JSON arrays parse in bulk.
 *
 * No ORDER BY inside the aggregates (SQLite sorts each one in a temporary B-tree): every
 * element carries its row id or step, and the caller orders the few rows of a trial when the
 * database handed them out of order. Floats must survive the trip through JSON text exactly;
 * `ROUND_TRIP_PROBES` checks that once per storage (PostgreSQL writes the shortest text that
 * reads back to the same double while `extra_float_digits` >= 1, its default since version
 * 12; recent SQLite writes 17 significant digits where fewer do not round-trip). Where it
 * fails, and on MySQL, trials are read row by row.
 */
import type { SqlValue } from "./driver.js";
import type { Dialect } from "./schema.js";

/** Doubles whose shortest text needs 17 significant digits, or sits at the edges of the range. */
export const ROUND_TRIP_PROBES: readonly number[] = [
  0.1 + 0.2,
  1 / 3,
  Math.PI * 1e-300,
  2.2250738585072014e-308,
  5e-324,
  1.7976931348623157e308,
  -123456.78901234567,
  2 ** 53 + 2,
];

/**
 * A SELECT that writes `ROUND_TRIP_PROBES` (bound as parameters) into a JSON array, or null
 * for a dialect that does not aggregate.
 */
export function roundTripSql(dialect: Dialect): { sql: string; params: SqlValue[] } | null {
  if (dialect === "mysql") return null;
  const params = [...ROUND_TRIP_PROBES];
  if (dialect === "postgres") {
    // The way aggregatedTrialsSql writes floats there: float8 as text, in JSON text.
    const args = params.map(() => "CAST(CAST(? AS DOUBLE PRECISION) AS TEXT)").join(", ");
    return { sql: `SELECT '[' || concat_ws(',', ${args}) || ']' AS probes`, params };
  }
  const args = params.map(() => "CAST(? AS REAL)").join(", ");
  return { sql: `SELECT json_array(${args}) AS probes`, params };
}

/** Whether the probes came back from `roundTripSql` bit for bit. */
export function roundTrips(column: unknown): boolean {
  const probes = aggregatedArray(column);
  return (
    probes.length === ROUND_TRIP_PROBES.length &&
    ROUND_TRIP_PROBES.every((value, i) => Object.is(probes[i], value))
  );
}

/** A parameter name with one of its stored distributions, as `distinctParamsSql` lists them. */
export interface ParamKind {
  readonly name: string;
  readonly distributionJson: string;
}

/** Up to this many (name, distribution) pairs are numbered in SQL; beyond, rows carry both. */
export const MAX_NUMBERED_PARAM_KINDS = 64;

/** A SELECT of the distinct (param_name, distribution_json) pairs of the trials matching `where`. */
export function distinctParamsSql(where: string): string {
  return (
    "SELECT DISTINCT p.param_name, p.distribution_json FROM trials t " +
    `JOIN trial_params p ON p.trial_id = t.trial_id WHERE ${where}`
  );
}

/**
 * A SELECT of the trials matching `where` (a condition on `trials t`), ordered by trial id:
 * the trial's columns, then five aggregated columns (null or an empty array when a trial has
 * no such rows), each a JSON array in no particular order:
 * - `params`: `[param_id, kind, value]`, `kind` the index of the parameter's (name,
 *   distribution) pair in `kinds` (-1 for none), or `[param_id, name, value,
 *   distribution_json]` when `kinds` is null. Numbering the pairs in SQL spares a copy of the
 *   distribution's JSON text per row, most of the text otherwise;
 * - `trial_values`: `[objective, value, value_type]`;
 * - `reports`: `[step, value]` where the row is a FINITE number, else `[step, value, type]`
 *   (infinities, NaN, or a row that does not decode, which the caller reports as it would the
 *   row);
 * - `user_attrs`, `system_attrs`: `[attribute id, key, value_json]`.
 * The statement's parameters are `kindParams(kinds)` followed by those of `where`. Null for a
 * dialect that reads rows instead.
 */
export function aggregatedTrialsSql(
  dialect: Dialect,
  where: string,
  kinds: readonly ParamKind[] | null = null,
): string | null {
  if (dialect === "mysql") return null;
  const kind =
    kinds === null
      ? null
      : `CASE ${kinds
          .map((_, k) => `WHEN p.param_name = ? AND p.distribution_json = ? THEN ${k}`)
          .join(" ")} ELSE -1 END`;
  const columns = dialect === "sqlite" ? sqliteColumns(kind) : postgresColumns(kind);
  const child = ([element, table, alias, name]: readonly string[]): string =>
    `(SELECT ${element} FROM ${table} ${alias} WHERE ${alias}.trial_id = t.trial_id) AS ${name}`;
  return (
    "SELECT t.trial_id, t.number, t.study_id, t.state, t.datetime_start, t.datetime_complete, " +
    columns.map(child).join(", ") +
    ` FROM trials t WHERE ${where} ORDER BY t.trial_id`
  );
}

/** [aggregate, table, alias, column name] of each child table, in SQLite's JSON functions. */
function sqliteColumns(kind: string | null): readonly (readonly string[])[] {
  const param =
    kind === null
      ? "json_array(p.param_id, p.param_name, p.param_value, p.distribution_json)"
      : `json_array(p.param_id, ${kind}, p.param_value)`;
  const report =
    "CASE WHEN iv.intermediate_value_type = 'FINITE' " +
    "AND typeof(iv.intermediate_value) IN ('real', 'integer') " +
    "THEN json_array(iv.step, iv.intermediate_value) " +
    "ELSE json_array(iv.step, iv.intermediate_value, iv.intermediate_value_type) END";
  return [
    [`json_group_array(${param})`, "trial_params", "p", "params"],
    [
      "json_group_array(json_array(v.objective, v.value, v.value_type))",
      "trial_values",
      "v",
      "trial_values",
    ],
    [`json_group_array(${report})`, "trial_intermediate_values", "iv", "reports"],
    [
      'json_group_array(json_array(ua.trial_user_attribute_id, ua."key", ua.value_json))',
      "trial_user_attributes",
      "ua",
      "user_attrs",
    ],
    [
      'json_group_array(json_array(sa.trial_system_attribute_id, sa."key", sa.value_json))',
      "trial_system_attributes",
      "sa",
      "system_attrs",
    ],
  ];
}

/**
 * The same columns on PostgreSQL, as JSON text concatenated from float8's own text: its
 * json_build_array costs about four times as much server time per row as the rows themselves.
 * Rows whose numbers are not plain finite floats (NaN, infinities, NULL) go through
 * json_build_array, and a parameter with such a value is left unnumbered (kind -1, so that the
 * caller reads the parameters again with their names and JSON).
 */
function postgresColumns(kind: string | null): readonly (readonly string[])[] {
  const odd = (column: string): string =>
    `(${column} IS NULL OR ${column} IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8))`;
  const array = (element: string): string => `'[' || string_agg(${element}, ',') || ']'`;
  const param =
    kind === null
      ? "json_build_array(p.param_id, p.param_name, p.param_value, p.distribution_json)::text"
      : `'[' || p.param_id || ',' || CASE WHEN ${odd("p.param_value")} THEN '-1,0' ` +
        `ELSE (${kind}) || ',' || p.param_value::text END || ']'`;
  const value =
    `CASE WHEN ${odd("v.value")} ` +
    "THEN json_build_array(v.objective, v.value, v.value_type)::text " +
    `ELSE '[' || v.objective || ',' || v.value::text || ',"' || v.value_type || '"]' END`;
  const report =
    `CASE WHEN iv.intermediate_value_type = 'FINITE' AND NOT ${odd("iv.intermediate_value")} ` +
    "THEN '[' || iv.step || ',' || iv.intermediate_value::text || ']' " +
    "ELSE json_build_array(iv.step, iv.intermediate_value, iv.intermediate_value_type)::text END";
  return [
    [array(param), "trial_params", "p", "params"],
    [array(value), "trial_values", "v", "trial_values"],
    [array(report), "trial_intermediate_values", "iv", "reports"],
    [
      array('json_build_array(ua.trial_user_attribute_id, ua."key", ua.value_json)::text'),
      "trial_user_attributes",
      "ua",
      "user_attrs",
    ],
    [
      array('json_build_array(sa.trial_system_attribute_id, sa."key", sa.value_json)::text'),
      "trial_system_attributes",
      "sa",
      "system_attrs",
    ],
  ];
}

/** The statement parameters of the numbered pairs in `aggregatedTrialsSql`. */
export function kindParams(kinds: readonly ParamKind[] | null): SqlValue[] {
  return kinds === null ? [] : kinds.flatMap((k) => [k.name, k.distributionJson]);
}

/** An aggregated column (JSON text, or null for no rows) as an array. */
export function aggregatedArray(column: unknown): readonly unknown[] {
  if (column === null || column === undefined) return [];
  const parsed = typeof column === "string" ? (JSON.parse(column) as unknown) : column;
  return Array.isArray(parsed) ? parsed : [];
}

/** Rows `[id, ...]` in ascending id order (sorted only when they are not already). */
export function byId(rows: readonly unknown[]): readonly (readonly unknown[])[] {
  const list = rows as readonly (readonly unknown[])[];
  for (let i = 1; i < list.length; i++) {
    if (Number(list[i]![0]) < Number(list[i - 1]![0])) {
      return [...list].sort((a, b) => Number(a[0]) - Number(b[0]));
    }
  }
  return list;
}
