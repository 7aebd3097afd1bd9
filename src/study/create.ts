import { DuplicatedStudyError, InvalidArgumentError } from "../errors/index.js";
import { checkName } from "../json/check.js";
import type { JsonValue } from "../json/python.js";
import { MedianPruner } from "../pruners/percentile.js";
import type { Pruner } from "../pruners/pruner.js";
import { NSGAIISampler } from "../samplers/nsga2/nsga2-sampler.js";
import type { Sampler } from "../samplers/sampler.js";
import { TPESampler } from "../samplers/tpe/tpe-sampler.js";
import { resolveStorage, type StorageLike } from "../storages/resolve.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { StudyDirection } from "../trial/state.js";
import { bestOf } from "./best.js";
import { Study } from "./study.js";

/** Options of `createStudy`. */
export interface CreateStudyOptions {
  /** Name of the study; a unique "no-name-…" name when omitted. */
  studyName?: string;
  /** A Storage object, or a database URL. Default: a new in-memory storage. */
  storage?: StorageLike;
  /** Default: TPESampler for one objective, NSGAIISampler for several (as Optuna). */
  sampler?: Sampler;
  /** Default: MedianPruner (Optuna's default). */
  pruner?: Pruner;
  /** One objective's direction. Default "minimize". */
  direction?: StudyDirection;
  /** Several objectives' directions. */
  directions?: readonly StudyDirection[];
  /** Load the study when the name exists instead of throwing `DuplicatedStudyError`. */
  loadIfExists?: boolean;
}

/** Options of `loadStudy`. */
export interface LoadStudyOptions {
  /** The study to load; may be omitted when the storage holds exactly one study. */
  studyName?: string;
  storage: StorageLike;
  sampler?: Sampler;
  pruner?: Pruner;
}

function checkDirections(options: CreateStudyOptions): readonly StudyDirection[] {
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new InvalidArgumentError("createStudy: give direction or directions, not both.");
  }
  const directions = options.directions ?? [options.direction ?? "minimize"];
  if (directions.length === 0) {
    throw new InvalidArgumentError("createStudy: directions must name at least one objective.");
  }
  for (const d of directions) {
    if (d !== "minimize" && d !== "maximize") {
      throw new InvalidArgumentError(
        `createStudy: direction must be "minimize" or "maximize", got ${JSON.stringify(d)}.`,
      );
    }
  }
  return directions;
}

/** Optuna's default: TPE for one objective, NSGA-II for several. */
function defaultSampler(directions: readonly StudyDirection[]): Sampler {
  return directions.length > 1 ? new NSGAIISampler() : new TPESampler();
}

function defaultName(): string {
  return `no-name-${globalThis.crypto.randomUUID()}`;
}

/** Creates a new study (or loads it with `loadIfExists`). */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  const directions = checkDirections(options);
  const studyName = options.studyName ?? defaultName();
  checkName("createStudy: the study name", studyName);
  const storage = await resolveStorage(options.storage);
  let studyId: number;
  try {
    studyId = await storage.createNewStudy(directions, studyName);
  } catch (error) {
    if (!(error instanceof DuplicatedStudyError) || !options.loadIfExists) throw error;
    studyId = await storage.getStudyIdFromName(studyName);
    const existing = await storage.getStudyDirections(studyId);
    if (existing.join() !== directions.join()) {
      throw new InvalidArgumentError(
        `Study "${studyName}" exists with directions [${existing.join(", ")}], not [${directions.join(", ")}].`,
      );
    }
  }
  return new Study({
    studyName,
    studyId,
    storage,
    sampler: options.sampler ?? defaultSampler(directions),
    pruner: options.pruner ?? new MedianPruner(),
    directions,
  });
}

/** Loads an existing study from a storage. */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  if (options.studyName !== undefined) checkName("loadStudy: the study name", options.studyName);
  const storage = await resolveStorage(options.storage);
  let studyName = options.studyName;
  if (studyName === undefined) {
    const studies = await storage.getAllStudies();
    if (studies.length !== 1) {
      throw new InvalidArgumentError(
        `loadStudy: the storage holds ${studies.length} studies; pass studyName to pick one.`,
      );
    }
    studyName = studies[0]!.studyName;
  }
  const studyId = await storage.getStudyIdFromName(studyName);
  const directions = await storage.getStudyDirections(studyId);
  return new Study({
    studyName,
    studyId,
    storage,
    sampler: options.sampler ?? defaultSampler(directions),
    pruner: options.pruner ?? new MedianPruner(),
    directions,
  });
}

/** Deletes a study and its trials. */
export async function deleteStudy(options: {
  studyName: string;
  storage: StorageLike;
}): Promise<void> {
  checkName("deleteStudy: the study name", options.studyName);
  const storage = await resolveStorage(options.storage);
  await storage.deleteStudy(await storage.getStudyIdFromName(options.studyName));
}

/** Copies a study with all its trials and attributes into another storage (or name). */
export async function copyStudy(options: {
  fromStudyName: string;
  fromStorage: StorageLike;
  toStorage: StorageLike;
  toStudyName?: string;
}): Promise<Study> {
  const from = await loadStudy({ studyName: options.fromStudyName, storage: options.fromStorage });
  const to = await createStudy({
    studyName: options.toStudyName ?? options.fromStudyName,
    storage: options.toStorage,
    directions: from.directions,
  });
  for (const [key, value] of Object.entries(await from.userAttrs()))
    await to.setUserAttr(key, value);
  for (const [key, value] of Object.entries(await from.systemAttrs()))
    await to.setSystemAttr(key, value);
  await to.addTrials(await from.trials());
  return to;
}

/** The names of all studies in a storage. */
export async function getAllStudyNames(storage: StorageLike): Promise<string[]> {
  const resolved = await resolveStorage(storage);
  return (await resolved.getAllStudies()).map((s) => s.studyName);
}

/** A study's overview as `getAllStudySummaries` lists it. */
export interface StudySummary {
  readonly studyName: string;
  readonly studyId: number;
  readonly directions: readonly StudyDirection[];
  /** Best COMPLETE trial of a single-objective study; null otherwise. */
  readonly bestTrial: FrozenTrial | null;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly nTrials: number;
  /** Start of the first trial, or null. */
  readonly datetimeStart: Date | null;
}

/** Summaries of all studies in a storage. */
export async function getAllStudySummaries(
  storage: StorageLike,
  options: { includeBestTrial?: boolean } = {},
): Promise<StudySummary[]> {
  const resolved = await resolveStorage(storage);
  const summaries: StudySummary[] = [];
  for (const study of await resolved.getAllStudies()) {
    const trials = await resolved.getAllTrials(study.studyId);
    let start: Date | null = null;
    for (const t of trials) {
      if (t.datetimeStart !== null && (start === null || t.datetimeStart < start))
        start = t.datetimeStart;
    }
    summaries.push({
      studyName: study.studyName,
      studyId: study.studyId,
      directions: study.directions,
      bestTrial:
        (options.includeBestTrial ?? true) && study.directions.length === 1
          ? bestOf(trials, study.directions[0]!)
          : null,
      userAttrs: study.userAttrs,
      systemAttrs: study.systemAttrs,
      nTrials: trials.length,
      datetimeStart: start,
    });
  }
  return summaries;
}
