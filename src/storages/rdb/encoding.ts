/**
 * How values travel between skipjack and Optuna's RDB schema: objective values and intermediate
 * values with their FINITE / INF_POS / INF_NEG (/ NAN) tags, study directions, datetimes as
 * naive local time (Optuna stores `datetime.now()`), attributes as Python `json.dumps` text.
 */
import { InvalidArgumentError, StorageError } from "../../errors/index.js";
import { type JsonValue, pythonJsonDumps, pythonJsonLoads } from "../../json/python.js";
import { logger } from "../../logging/index.js";
import type { StudyDirection, TrialState } from "../../trial/state.js";

/** Optuna's `MAX_INDEXED_STRING_LENGTH`: study names, attribute keys and parameter names. */
export const MAX_INDEXED_STRING_LENGTH = 512;

/** Tag of a stored objective value (Optuna's `TrialValueModel.TrialValueType`). */
export type ValueType = "FINITE" | "INF_POS" | "INF_NEG";
/** Tag of a stored intermediate value (Optuna's `TrialIntermediateValueType`). */
export type IntermediateValueType = ValueType | "NAN";

/**
 * An objective value as its (value, value_type) columns. A live trial never stores NaN (it
 * FAILs instead), but a COMPLETE trial that Optuna's `add_trial` wrote with NaN can be copied:
 * it is stored as Optuna leaves it in SQLite, a FINITE NULL, which every database accepts and
 * `decodeObjectiveValue` reads back as NaN.
 */
export function encodeValue(value: number): [number | null, ValueType] {
  if (value === Number.POSITIVE_INFINITY) return [null, "INF_POS"];
  if (value === Number.NEGATIVE_INFINITY) return [null, "INF_NEG"];
  if (Number.isNaN(value)) return [null, "FINITE"];
  return [value, "FINITE"];
}

/** An intermediate value as its (intermediate_value, intermediate_value_type) columns. */
export function encodeIntermediate(value: number): [number | null, IntermediateValueType] {
  if (Number.isNaN(value)) return [null, "NAN"];
  return encodeValue(value);
}

/** Reads back a value stored by `encodeValue` or `encodeIntermediate` (or by Optuna). */
export function decodeValue(value: unknown, type: unknown): number {
  switch (type) {
    case "FINITE":
      if (typeof value !== "number") {
        throw new StorageError(`A FINITE value is stored as ${String(value)}, not a number.`);
      }
      return value;
    case "INF_POS":
      return Number.POSITIVE_INFINITY;
    case "INF_NEG":
      return Number.NEGATIVE_INFINITY;
    case "NAN":
      return Number.NaN;
    default:
      throw new StorageError(`Unknown stored value type ${String(type)}.`);
  }
}

/**
 * Reads back an objective value. Optuna's `add_trial` accepts a COMPLETE trial whose value is
 * NaN and stores it as FINITE: SQLite keeps a NaN REAL as NULL (PostgreSQL keeps NaN), so a
 * FINITE NULL is that NaN.
 */
export function decodeObjectiveValue(value: unknown, type: unknown): number {
  if (type === "FINITE" && value === null) return Number.NaN;
  return decodeValue(value, type);
}

/** skipjack's direction → Optuna's `StudyDirection` name. */
export function encodeDirection(direction: StudyDirection): string {
  return direction === "maximize" ? "MAXIMIZE" : "MINIMIZE";
}

/** Optuna's `StudyDirection` name → skipjack's direction (`NOT_SET`, from Optuna < 2, minimizes). */
export function decodeDirection(stored: unknown): StudyDirection {
  return stored === "MAXIMIZE" ? "maximize" : "minimize";
}

const STATES = new Set<string>(["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"]);

/** A stored trial state (Optuna's `TrialState` names are skipjack's). */
export function decodeState(stored: unknown): TrialState {
  if (typeof stored !== "string" || !STATES.has(stored)) {
    throw new StorageError(`Unknown stored trial state ${String(stored)}.`);
  }
  return stored as TrialState;
}

/** Attribute values are stored exactly as Python's `json.dumps` writes them. */
export function encodeJson(value: JsonValue): string {
  return pythonJsonDumps(value);
}

export function decodeJson(text: unknown): JsonValue {
  if (typeof text !== "string") return null;
  return pythonJsonLoads(text);
}

const undecodableStudyAttrs = new Set<string>();

/**
 * A study attribute as stored, or undefined (with one warning) when its text is not JSON, so
 * that one corrupt row never makes `getAllStudySummaries` of the whole storage fail.
 */
export function decodeStudyAttr(
  studyId: number,
  key: string,
  text: unknown,
): JsonValue | undefined {
  try {
    return decodeJson(text);
  } catch (error) {
    const id = `${studyId} ${key}`;
    if (!undecodableStudyAttrs.has(id)) {
      undecodableStudyAttrs.add(id);
      const why = error instanceof Error ? error.message : String(error);
      logger.warn(
        `The stored attribute ${JSON.stringify(key)} of study ${studyId} cannot be read and is left out: ${why}`,
      );
    }
    return undefined;
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * A date as naive local time, `YYYY-MM-DD HH:MM:SS.ffffff` (SQLAlchemy's form; Optuna stores
 * `datetime.now()`). Without `fraction`, whole seconds (MySQL's DATETIME keeps no fraction).
 */
export function formatLocalDatetime(date: Date, fraction = true): string {
  const base =
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return fraction ? `${base}.${pad(date.getMilliseconds(), 3)}000` : base;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** The last minute `parseLocalDatetime` computed: its text and its time. */
let lastMinute = "";
let lastMinuteMs = 0;

/** The digits of `text` from `start` to `end` as a number, or -1 if one is not a digit. */
function digits(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DD HH:MM:SS.ffffff`, the form skipjack and Optuna write, without a regular
 * expression or a local-time conversion per value: trials read together mostly start and end
 * in the same minute, whose local time is converted once. Offsets from UTC change only at
 * whole minutes, so the seconds add on. Null for any other form.
 */
function parseUsualDatetime(text: string): Date | null {
  if (text.length !== 26 || text.charCodeAt(19) !== 46 /* . */) return null;
  const seconds = digits(text, 17, 19);
  const micros = digits(text, 20, 26);
  if (seconds < 0 || seconds > 59 || micros < 0) return null;
  const minute = text.slice(0, 16);
  if (minute !== lastMinute) {
    const match = DATETIME.exec(`${minute}:00`);
    if (match === null) return null;
    const ms = new Date(
      Number(match[1]),
      Number(match[2]) - 1,
      Number(match[3]),
      Number(match[4]),
      Number(match[5]),
    ).getTime();
    lastMinute = minute;
    lastMinuteMs = ms;
  }
  return new Date(lastMinuteMs + seconds * 1000 + Math.floor(micros / 1000));
}

/** Parses a naive local datetime as stored (any fraction length), or null. */
export function parseLocalDatetime(stored: unknown): Date | null {
  if (stored === null || stored === undefined) return null;
  if (stored instanceof Date) return stored;
  if (typeof stored === "string") {
    const usual = parseUsualDatetime(stored);
    if (usual !== null) return usual;
  }
  const match = DATETIME.exec(String(stored));
  if (match === null) throw new StorageError(`Cannot read the stored datetime ${String(stored)}.`);
  const ms = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000 + 1e-6);
  return new Date(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6]),
    ms,
  );
}

/** Study names, attribute keys and parameter names fit Optuna's VARCHAR(512) columns. */
export function checkIndexedString(what: string, text: string): void {
  if (typeof text !== "string") {
    throw new InvalidArgumentError(`${what} must be a string, got ${typeof text}.`);
  }
  if (text.length > MAX_INDEXED_STRING_LENGTH && [...text].length > MAX_INDEXED_STRING_LENGTH) {
    throw new InvalidArgumentError(
      `${what} is ${[...text].length} characters long; Optuna's schema stores at most ` +
        `${MAX_INDEXED_STRING_LENGTH}. Use a shorter one.`,
    );
  }
}
