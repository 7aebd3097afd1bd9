/**
 * What the dashboard's routes read and write: studies with their summaries, the trial caches
 * (one per study, see trial-cache.ts), trial details with their logs, notes, rename and
 * delete. One object per server, over one storage.
 */
import { InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import type { JsonValue } from "../../json/python.js";
import type { FrozenStudy, Storage } from "../../storages/storage.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import type { Note, StudyDetail, StudySummary, TrialDetail } from "./api-types.js";
import {
  constraintsOf,
  distributionJson,
  failReasonOf,
  intermediateColumns,
  nums,
} from "./encode.js";
import { isNoteKey, readNote, STUDY_NOTE_KEY, trialNoteKey, writeNote } from "./notes.js";
import { StaleCacheError, TrialCache } from "./trial-cache.js";
import { readTrialLog } from "./trial-log.js";

/** The dashboard's view of a storage. */
export class DashboardData {
  private readonly caches = new Map<number, TrialCache>();

  constructor(readonly storage: Storage) {}

  /** The up-to-date trial cache of a study (NotFoundError when there is no such study). */
  async trials(study: FrozenStudy | number): Promise<TrialCache> {
    const id = typeof study === "number" ? study : study.studyId;
    const directions =
      typeof study === "number" ? await this.storage.getStudyDirections(id) : study.directions;
    let cache = this.caches.get(id);
    if (cache === undefined || !sameDirections(cache.directions, directions)) {
      cache = new TrialCache(this.storage, id, directions);
      this.caches.set(id, cache);
    }
    try {
      await cache.refresh();
    } catch (error) {
      if (!(error instanceof StaleCacheError)) {
        if (error instanceof NotFoundError) this.caches.delete(id);
        throw error;
      }
      // Trials vanished: the study was deleted and another made with its id. Start over.
      cache = new TrialCache(this.storage, id, directions);
      this.caches.set(id, cache);
      await cache.refresh();
    }
    return cache;
  }

  /** Every study with its summary, in storage order. */
  async studies(): Promise<StudySummary[]> {
    const studies = await this.storage.getAllStudies();
    const live = new Set(studies.map((s) => s.studyId));
    for (const id of this.caches.keys()) if (!live.has(id)) this.caches.delete(id);
    const out: StudySummary[] = [];
    for (const study of studies) {
      try {
        out.push(summary(study, await this.trials(study)));
      } catch (error) {
        // Deleted between the list and its trials.
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    return out;
  }

  /** The study with this id. */
  async study(studyId: number): Promise<FrozenStudy> {
    const found = (await this.storage.getAllStudies()).find((s) => s.studyId === studyId);
    if (found === undefined) throw new NotFoundError(`No study with id ${studyId} exists.`);
    return found;
  }

  async studyDetail(studyId: number): Promise<StudyDetail> {
    const study = await this.study(studyId);
    const cache = await this.trials(study);
    const systemAttrs: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(study.systemAttrs)) {
      if (!isNoteKey(key)) systemAttrs[key] = value;
    }
    return {
      ...summary(study, cache),
      systemAttrs,
      note: readNote(study.systemAttrs, STUDY_NOTE_KEY),
      paramNames: [...cache.paramNames],
      distributions: [...cache.paramDistributions],
    };
  }

  private async trial(studyId: number, number: number): Promise<FrozenTrial> {
    const trial =
      this.storage.getTrialByNumber !== undefined
        ? await this.storage.getTrialByNumber(studyId, number)
        : ((await this.storage.getAllTrials(studyId)).find((t) => t.number === number) ?? null);
    if (trial === null) {
      throw new NotFoundError(`Study ${studyId} has no trial number ${number}.`);
    }
    return trial;
  }

  async trialDetail(studyId: number, number: number, logBytes: number): Promise<TrialDetail> {
    const attrs = await this.storage.getStudySystemAttrs(studyId);
    const trial = await this.trial(studyId, number);
    return {
      studyId,
      number: trial.number,
      trialId: trial.trialId,
      state: trial.state,
      values: trial.values === null ? null : nums(trial.values),
      params: Object.entries(trial.distributions).map(([name, distribution]) => ({
        name,
        internal: distribution.toInternalRepr(trial.params[name]),
        value: trial.params[name] as JsonValue,
        distribution: distributionJson(distribution),
      })),
      start: trial.datetimeStart?.getTime() ?? null,
      complete: trial.datetimeComplete?.getTime() ?? null,
      intermediate: intermediateColumns(trial.intermediateValues),
      userAttrs: { ...trial.userAttrs },
      systemAttrs: { ...trial.systemAttrs },
      failReason: failReasonOf(trial),
      constraints: constraintsOf(trial),
      note: readNote(attrs, trialNoteKey(number)),
      log: await readTrialLog(trial.userAttrs, logBytes),
    };
  }

  async setStudyNote(studyId: number, text: string, version?: number): Promise<Note> {
    await this.study(studyId);
    return writeNote(this.storage, studyId, STUDY_NOTE_KEY, text, version);
  }

  async setTrialNote(
    studyId: number,
    number: number,
    text: string,
    version?: number,
  ): Promise<Note> {
    await this.trial(studyId, number);
    return writeNote(this.storage, studyId, trialNoteKey(number), text, version);
  }

  async rename(studyId: number, name: string): Promise<StudySummary> {
    if (this.storage.renameStudy === undefined) {
      throw new InvalidArgumentError("This storage cannot rename studies.");
    }
    if (name.trim() === "") throw new InvalidArgumentError("A study name cannot be empty.");
    await this.storage.renameStudy(studyId, name);
    const study = await this.study(studyId);
    return summary(study, await this.trials(study));
  }

  async delete(studyId: number): Promise<void> {
    await this.storage.deleteStudy(studyId);
    this.caches.delete(studyId);
  }
}

function sameDirections(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function summary(study: FrozenStudy, cache: TrialCache): StudySummary {
  return {
    studyId: study.studyId,
    name: study.studyName,
    directions: [...study.directions],
    nTrials: cache.nTrials,
    counts: cache.stateCounts(),
    best: cache.best(),
    datetimeStart: cache.datetimeStart,
    lastActivity: cache.lastActivity,
    userAttrs: { ...study.userAttrs },
  };
}
