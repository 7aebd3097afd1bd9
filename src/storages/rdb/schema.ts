/**
 * Optuna's RDB schema (schema version 12, alembic revision v3.2.0.a) for each SQL dialect:
 * the same tables, columns, types, indexes and constraints that Optuna's SQLAlchemy models
 * create, so that a database made by either tool opens in the other.
 */

export type Dialect = "sqlite" | "postgres" | "mysql";

/** Optuna's `SCHEMA_VERSION`, written to `version_info.schema_version`. */
export const SCHEMA_VERSION = 12;
/** The alembic revision skipjack creates databases at (Optuna >= 3.2). */
export const HEAD_REVISION = "v3.2.0.a";
/** The revision Optuna 3.0 and 3.1 leave databases at; opened without upgrading it. */
export const LEGACY_REVISION = "v3.0.0.d";
/** Revisions skipjack reads and writes. */
export const SUPPORTED_REVISIONS: readonly string[] = [HEAD_REVISION, LEGACY_REVISION];
/** Older Optuna revisions: Optuna's `optuna storage upgrade` brings them forward. */
export const OLDER_REVISIONS: readonly string[] = [
  "v0.9.0.a",
  "v1.2.0.a",
  "v1.3.0.a",
  "v2.4.0.a",
  "v2.6.0.a",
  "v3.0.0.a",
  "v3.0.0.b",
  "v3.0.0.c",
];
/**
 * `version_info.library_version` of a database skipjack creates: the Optuna release whose
 * schema it is (Optuna writes its own version there and shows it in its messages).
 */
export const LIBRARY_VERSION = "3.2.0";

/** Every table of the schema, parents before children. */
export const TABLES: readonly string[] = [
  "studies",
  "version_info",
  "study_directions",
  "study_user_attributes",
  "study_system_attributes",
  "trials",
  "trial_user_attributes",
  "trial_system_attributes",
  "trial_params",
  "trial_values",
  "trial_intermediate_values",
  "trial_heartbeats",
  "alembic_version",
];

interface Types {
  /** An auto-incrementing integer primary key column (name included). */
  serial: (column: string) => string;
  float: string;
  datetime: string;
  /** An enum column type; PostgreSQL names a type created beforehand. */
  enumeration: (pgType: string, values: readonly string[]) => string;
  /** Quotes the column named `key`. */
  key: string;
  /** Table options appended after the closing parenthesis. */
  tableSuffix: string;
}

const DIRECTIONS = ["NOT_SET", "MINIMIZE", "MAXIMIZE"] as const;
const STATES = ["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"] as const;
const VALUE_TYPES = ["FINITE", "INF_POS", "INF_NEG"] as const;
const INTERMEDIATE_TYPES = ["FINITE", "INF_POS", "INF_NEG", "NAN"] as const;

const PG_ENUMS: readonly [string, readonly string[]][] = [
  ["studydirection", DIRECTIONS],
  ["trialstate", STATES],
  ["trialvaluetype", VALUE_TYPES],
  ["trialintermediatevaluetype", INTERMEDIATE_TYPES],
];

const TYPES: Record<Dialect, Types> = {
  // SQLAlchemy's SQLite dialect: enums as VARCHAR of the longest name, FLOAT, DATETIME text.
  sqlite: {
    serial: (c) => `${c} INTEGER NOT NULL`,
    float: "FLOAT",
    datetime: "DATETIME",
    enumeration: (_t, values) => `VARCHAR(${Math.max(...values.map((v) => v.length))})`,
    key: '"key"',
    tableSuffix: "",
  },
  postgres: {
    serial: (c) => `${c} SERIAL NOT NULL`,
    float: "FLOAT(53)",
    datetime: "TIMESTAMP WITHOUT TIME ZONE",
    enumeration: (t) => t,
    key: '"key"',
    tableSuffix: "",
  },
  // utf8mb4 with a binary collation, so that any Unicode text round-trips and names that differ
  // only in case stay distinct (Optuna leaves both to the server's defaults).
  mysql: {
    serial: (c) => `${c} INTEGER NOT NULL AUTO_INCREMENT`,
    float: "FLOAT(53)",
    datetime: "DATETIME",
    enumeration: (_t, values) => `ENUM(${values.map((v) => `'${v}'`).join(",")})`,
    key: "`key`",
    tableSuffix: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
  },
};

function attributeTable(
  t: Types,
  table: string,
  id: string,
  owner: "study_id" | "trial_id",
): string {
  const parent = owner === "study_id" ? "studies" : "trials";
  return (
    `CREATE TABLE ${table} (\n` +
    `  ${t.serial(id)},\n` +
    `  ${owner} INTEGER,\n` +
    `  ${t.key} VARCHAR(512),\n` +
    "  value_json TEXT,\n" +
    `  PRIMARY KEY (${id}),\n` +
    `  UNIQUE (${owner}, ${t.key}),\n` +
    `  FOREIGN KEY (${owner}) REFERENCES ${parent} (${owner})\n` +
    `)${t.tableSuffix}`
  );
}

/**
 * The statements that create the schema at `HEAD_REVISION` (without `version_info` and
 * `alembic_version` rows: `initialRows` has them).
 */
export function createSchemaStatements(dialect: Dialect): string[] {
  const t = TYPES[dialect];
  const statements: string[] = [];
  if (dialect === "postgres") {
    // Enum types may outlive dropped tables: create those that are missing.
    for (const [name, values] of PG_ENUMS) {
      statements.push(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = " +
          `'${name}' AND typnamespace = current_schema()::regnamespace) THEN ` +
          `CREATE TYPE ${name} AS ENUM (${values.map((v) => `'${v}'`).join(", ")}); END IF; END $$`,
      );
    }
  }
  statements.push(
    "CREATE TABLE studies (\n" +
      `  ${t.serial("study_id")},\n` +
      "  study_name VARCHAR(512) NOT NULL,\n" +
      "  PRIMARY KEY (study_id)\n" +
      `)${t.tableSuffix}`,
    "CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name)",
    "CREATE TABLE version_info (\n" +
      "  version_info_id INTEGER NOT NULL,\n" +
      "  schema_version INTEGER,\n" +
      "  library_version VARCHAR(256),\n" +
      "  PRIMARY KEY (version_info_id),\n" +
      "  CHECK (version_info_id=1)\n" +
      `)${t.tableSuffix}`,
    "CREATE TABLE study_directions (\n" +
      `  ${t.serial("study_direction_id")},\n` +
      `  direction ${t.enumeration("studydirection", DIRECTIONS)} NOT NULL,\n` +
      "  study_id INTEGER NOT NULL,\n" +
      "  objective INTEGER NOT NULL,\n" +
      "  PRIMARY KEY (study_direction_id),\n" +
      "  UNIQUE (study_id, objective),\n" +
      "  FOREIGN KEY (study_id) REFERENCES studies (study_id)\n" +
      `)${t.tableSuffix}`,
    attributeTable(t, "study_user_attributes", "study_user_attribute_id", "study_id"),
    attributeTable(t, "study_system_attributes", "study_system_attribute_id", "study_id"),
    "CREATE TABLE trials (\n" +
      `  ${t.serial("trial_id")},\n` +
      "  number INTEGER,\n" +
      "  study_id INTEGER,\n" +
      `  state ${t.enumeration("trialstate", STATES)} NOT NULL,\n` +
      `  datetime_start ${t.datetime},\n` +
      `  datetime_complete ${t.datetime},\n` +
      "  PRIMARY KEY (trial_id),\n" +
      "  FOREIGN KEY (study_id) REFERENCES studies (study_id)\n" +
      `)${t.tableSuffix}`,
    // Revision v3.2.0.a: Optuna >= 3.2 creates this index (`index=True` on trials.study_id).
    "CREATE INDEX ix_trials_study_id ON trials (study_id)",
    attributeTable(t, "trial_user_attributes", "trial_user_attribute_id", "trial_id"),
    attributeTable(t, "trial_system_attributes", "trial_system_attribute_id", "trial_id"),
    "CREATE TABLE trial_params (\n" +
      `  ${t.serial("param_id")},\n` +
      "  trial_id INTEGER,\n" +
      "  param_name VARCHAR(512),\n" +
      `  param_value ${t.float},\n` +
      "  distribution_json TEXT,\n" +
      "  PRIMARY KEY (param_id),\n" +
      "  UNIQUE (trial_id, param_name),\n" +
      "  FOREIGN KEY (trial_id) REFERENCES trials (trial_id)\n" +
      `)${t.tableSuffix}`,
    "CREATE TABLE trial_values (\n" +
      `  ${t.serial("trial_value_id")},\n` +
      "  trial_id INTEGER NOT NULL,\n" +
      "  objective INTEGER NOT NULL,\n" +
      `  value ${t.float},\n` +
      `  value_type ${t.enumeration("trialvaluetype", VALUE_TYPES)} NOT NULL,\n` +
      "  PRIMARY KEY (trial_value_id),\n" +
      "  UNIQUE (trial_id, objective),\n" +
      "  FOREIGN KEY (trial_id) REFERENCES trials (trial_id)\n" +
      `)${t.tableSuffix}`,
    "CREATE TABLE trial_intermediate_values (\n" +
      `  ${t.serial("trial_intermediate_value_id")},\n` +
      "  trial_id INTEGER NOT NULL,\n" +
      "  step INTEGER NOT NULL,\n" +
      `  intermediate_value ${t.float},\n` +
      `  intermediate_value_type ${t.enumeration("trialintermediatevaluetype", INTERMEDIATE_TYPES)} NOT NULL,\n` +
      "  PRIMARY KEY (trial_intermediate_value_id),\n" +
      "  UNIQUE (trial_id, step),\n" +
      "  FOREIGN KEY (trial_id) REFERENCES trials (trial_id)\n" +
      `)${t.tableSuffix}`,
    "CREATE TABLE trial_heartbeats (\n" +
      `  ${t.serial("trial_heartbeat_id")},\n` +
      "  trial_id INTEGER NOT NULL,\n" +
      `  heartbeat ${t.datetime} NOT NULL,\n` +
      "  PRIMARY KEY (trial_heartbeat_id),\n" +
      "  UNIQUE (trial_id),\n" +
      "  FOREIGN KEY (trial_id) REFERENCES trials (trial_id)\n" +
      `)${t.tableSuffix}`,
    "CREATE TABLE alembic_version (\n" +
      "  version_num VARCHAR(32) NOT NULL,\n" +
      "  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n" +
      `)${t.tableSuffix}`,
  );
  return statements;
}

/** The rows Optuna writes into a new database: version_info and the alembic revision. */
export function initialRows(): { sql: string; params: (string | number)[] }[] {
  return [
    {
      sql: "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ?, ?)",
      params: [SCHEMA_VERSION, LIBRARY_VERSION],
    },
    { sql: "INSERT INTO alembic_version (version_num) VALUES (?)", params: [HEAD_REVISION] },
  ];
}
