/**
 * Markdown notes of a study and of its trials, kept in the study's system attributes (so
 * they travel with the database, and a trial note can be written after the trial finished,
 * which trial attributes cannot).
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { type JsonValue, pythonJsonDumps } from "../../json/python.js";
import type { Storage } from "../../storages/storage.js";
import { HttpError } from "../errors.js";
import type { Note } from "./api-types.js";

/** System attribute key of the study's note. */
export const STUDY_NOTE_KEY = "dashboard:note";
/** Prefix of the system attribute key of a trial's note (the trial number follows). */
export const TRIAL_NOTE_PREFIX = "dashboard:trial_note:";

/**
 * Longest note, as stored JSON text: MySQL's TEXT column (Optuna's value_json) holds 65,535
 * bytes, and Python-style JSON escapes every non-ASCII character to ASCII.
 */
export const MAX_NOTE_JSON = 60_000;

/** The key of a trial's note. */
export function trialNoteKey(number: number): string {
  return `${TRIAL_NOTE_PREFIX}${number}`;
}

/** Whether a system attribute is one of the dashboard's notes (left out of attribute lists). */
export function isNoteKey(key: string): boolean {
  return key === STUDY_NOTE_KEY || key.startsWith(TRIAL_NOTE_PREFIX);
}

const EMPTY: Note = { text: "", version: 0, updated: null };

/** The note stored under `key` in `attrs`, or an empty one. */
export function readNote(attrs: Readonly<Record<string, JsonValue>>, key: string): Note {
  const value = attrs[key];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return EMPTY;
  const text = value["text"];
  const version = value["version"];
  const updated = value["updated"];
  return {
    text: typeof text === "string" ? text : "",
    version: typeof version === "number" ? version : 0,
    updated: typeof updated === "number" ? updated : null,
  };
}

/**
 * Saves a note. With `expected`, refuses (409 conflict) when the stored version differs:
 * someone else saved meanwhile. The check and the write are two storage calls, so two
 * saves at the very same moment may both pass; the later one wins.
 */
export async function writeNote(
  storage: Storage,
  studyId: number,
  key: string,
  text: string,
  expected: number | undefined,
): Promise<Note> {
  const current = readNote(await storage.getStudySystemAttrs(studyId), key);
  if (expected !== undefined && expected !== current.version) {
    throw new HttpError(
      409,
      "conflict",
      `The note was saved by someone else meanwhile (version ${current.version}, not ${expected}): reload it and edit again.`,
    );
  }
  const note: Note = { text, version: current.version + 1, updated: Date.now() };
  const stored = { text: note.text, version: note.version, updated: note.updated };
  if (pythonJsonDumps(stored).length > MAX_NOTE_JSON) {
    throw new InvalidArgumentError(
      `The note is too long to store (over ${MAX_NOTE_JSON} bytes as JSON): shorten it.`,
    );
  }
  await storage.setStudySystemAttr(studyId, key, stored);
  return note;
}
