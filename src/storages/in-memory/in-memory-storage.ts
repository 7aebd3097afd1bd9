import {
  checkDistributionCompatibility,
  type Distribution,
  type Params,
  type SearchSpace,
} from "../../distributions/index.js";
import {
  DuplicatedStudyError,
  NotFoundError,
  StorageError,
  UpdateFinishedTrialError,
} from "../../errors/index.js";
import type { JsonValue } from "../../json/python.js";
import { FrozenTrial } from "../../trial/frozen.js";
import { isFinished, type StudyDirection, TrialState } from "../../trial/state.js";
import { completionTime } from "../completion-clock.js";
import {
  type FailedTrialCallback,
  type HeartbeatOptions,
  type HeartbeatSettings,
  heartbeatSettings,
} from "../heartbeat.js";
import { settleWrites } from "../pending-writes.js";
import type { FrozenStudy, Storage, StoredParam, TrialTemplate, TrialUpdate } from "../storage.js";

interface TrialRecord {
  readonly trialId: number;
  readonly number: number;
  readonly studyId: number;
  state: TrialState;
  values: readonly number[] | null;
  datetimeStart: Date | null;
  datetimeComplete: Date | null;
  params: Map<string, StoredParam>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  intermediateValues: Map<number, number>;
  /** Cached immutable view; dropped on every change. */
  frozen: FrozenTrial | null;
  /**
   * Frozen parts of the view, each dropped only when its own field changes: a change of state
   * (or a write of one field) builds the next view around the parts that stayed the same.
   */
  frozenParams: { params: Params; distributions: SearchSpace } | null;
  frozenUserAttrs: Record<string, JsonValue> | null;
  frozenSystemAttrs: Record<string, JsonValue> | null;
  frozenIntermediate: ReadonlyMap<number, number> | null;
}

interface StudyRecord {
  readonly studyId: number;
  name: string;
  readonly directions: readonly StudyDirection[];
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  trials: TrialRecord[];
  waiting: number;
  paramDistributions: Map<string, Distribution>;
  /** The views of the trials by number, kept up to date one changed trial at a time. */
  views: FrozenTrial[];
  /** Trials changed since `views` was last brought up to date. */
  changed: TrialRecord[];
  /** The frozen list handed out last; dropped on every change. */
  snapshot: readonly FrozenTrial[] | null;
}

const EMPTY_INTERMEDIATE: ReadonlyMap<number, number> = new Map();

/**
 * A frozen copy of attributes (plain JSON values, cloned when stored: a shallow copy is safe).
 * Object.assign rather than spread: V8 freezes a spread copy about ten times slower.
 */
function frozenCopy(attrs: Record<string, JsonValue>): Record<string, JsonValue> {
  return Object.freeze(Object.assign({}, attrs));
}

function freeze(record: TrialRecord): FrozenTrial {
  if (record.frozen !== null) return record.frozen;
  if (record.frozenParams === null) {
    const params: Params = {};
    const distributions: SearchSpace = {};
    for (const [name, stored] of record.params) {
      params[name] = stored.distribution.toExternalRepr(stored.internal);
      distributions[name] = stored.distribution;
    }
    record.frozenParams = { params, distributions };
  }
  record.frozenUserAttrs ??= frozenCopy(record.userAttrs);
  record.frozenSystemAttrs ??= frozenCopy(record.systemAttrs);
  record.frozenIntermediate ??=
    record.intermediateValues.size === 0 ? EMPTY_INTERMEDIATE : new Map(record.intermediateValues);
  record.frozen = new FrozenTrial({
    number: record.number,
    trialId: record.trialId,
    state: record.state,
    values: record.values,
    datetimeStart: record.datetimeStart,
    datetimeComplete: record.datetimeComplete,
    params: record.frozenParams.params,
    distributions: record.frozenParams.distributions,
    userAttrs: record.frozenUserAttrs,
    systemAttrs: record.frozenSystemAttrs,
    intermediateValues: record.frozenIntermediate,
  });
  return record.frozen;
}

/** A deep copy of attributes to store (`structuredClone`, skipped for an empty object). */
function cloneAttrs(
  attrs: Readonly<Record<string, JsonValue>> | undefined,
): Record<string, JsonValue> {
  if (attrs === undefined) return {};
  for (const _ in attrs) return structuredClone({ ...attrs });
  return {};
}

/**
 * Studies kept in this process's memory: the fastest storage, gone when the process exits.
 * Operations are atomic because JavaScript runs them to completion on one thread.
 */
export class InMemoryStorage implements Storage {
  private readonly studies = new Map<number, StudyRecord>();
  private readonly trials: TrialRecord[] = [];
  private nextStudyId = 0;
  private closed = false;
  private readonly heartbeat: HeartbeatSettings;
  /** Trial id → time of its last heartbeat (ms). */
  private readonly heartbeats = new Map<number, number>();

  /** Heartbeat options as SQL storages take them (useful with `concurrency` in one process). */
  constructor(options: HeartbeatOptions = {}) {
    this.heartbeat = heartbeatSettings(options);
  }

  private study(studyId: number): StudyRecord {
    this.ensureOpen();
    const study = this.studies.get(studyId);
    if (study === undefined) throw new NotFoundError(`No study with id ${studyId} exists.`);
    return study;
  }

  private trial(trialId: number): TrialRecord {
    this.ensureOpen();
    const trial = this.trials[trialId];
    if (trial === undefined) throw new NotFoundError(`No trial with id ${trialId} exists.`);
    return trial;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError("This InMemoryStorage was closed.");
  }

  private touched(record: TrialRecord): void {
    if (record.frozen === null) return;
    record.frozen = null;
    const study = this.study(record.studyId);
    study.changed.push(record);
    study.snapshot = null;
  }

  private checkParams(study: StudyRecord, params: Readonly<Record<string, StoredParam>>): void {
    for (const [name, { distribution }] of Object.entries(params)) {
      const known = study.paramDistributions.get(name);
      if (known !== undefined) checkDistributionCompatibility(name, known, distribution);
    }
    for (const [name, { distribution }] of Object.entries(params)) {
      study.paramDistributions.set(name, distribution);
    }
  }

  async createNewStudy(directions: readonly StudyDirection[], studyName: string): Promise<number> {
    this.ensureOpen();
    for (const study of this.studies.values()) {
      if (study.name === studyName) {
        throw new DuplicatedStudyError(
          `A study named "${studyName}" already exists; pick another name or pass loadIfExists: true.`,
        );
      }
    }
    const studyId = this.nextStudyId++;
    this.studies.set(studyId, {
      studyId,
      name: studyName,
      directions: Object.freeze([...directions]),
      userAttrs: {},
      systemAttrs: {},
      trials: [],
      waiting: 0,
      paramDistributions: new Map(),
      views: [],
      changed: [],
      snapshot: null,
    });
    return studyId;
  }

  async deleteStudy(studyId: number): Promise<void> {
    this.study(studyId);
    this.studies.delete(studyId);
  }

  async renameStudy(studyId: number, newName: string): Promise<void> {
    const study = this.study(studyId);
    for (const other of this.studies.values()) {
      if (other !== study && other.name === newName) {
        throw new DuplicatedStudyError(
          `A study named "${newName}" already exists; pick another name.`,
        );
      }
    }
    study.name = newName;
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.study(studyId).userAttrs[key] = structuredClone(value);
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.study(studyId).systemAttrs[key] = structuredClone(value);
  }

  async claimStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<boolean> {
    const study = this.study(studyId);
    if (key in study.systemAttrs) return false;
    study.systemAttrs[key] = structuredClone(value);
    return true;
  }

  async getStudyIdFromName(studyName: string): Promise<number> {
    this.ensureOpen();
    for (const study of this.studies.values()) if (study.name === studyName) return study.studyId;
    throw new NotFoundError(`No study named "${studyName}" exists in this storage.`);
  }

  async getStudyNameFromId(studyId: number): Promise<string> {
    return this.study(studyId).name;
  }

  async getStudyDirections(studyId: number): Promise<readonly StudyDirection[]> {
    return this.study(studyId).directions;
  }

  async getStudyUserAttrs(studyId: number): Promise<Readonly<Record<string, JsonValue>>> {
    return structuredClone(this.study(studyId).userAttrs);
  }

  async getStudySystemAttrs(studyId: number): Promise<Readonly<Record<string, JsonValue>>> {
    return structuredClone(this.study(studyId).systemAttrs);
  }

  async getAllStudies(): Promise<readonly FrozenStudy[]> {
    this.ensureOpen();
    return [...this.studies.values()].map((s) => ({
      studyId: s.studyId,
      studyName: s.name,
      directions: s.directions,
      userAttrs: structuredClone(s.userAttrs),
      systemAttrs: structuredClone(s.systemAttrs),
    }));
  }

  async createNewTrial(studyId: number, template: TrialTemplate = {}): Promise<FrozenTrial> {
    const study = this.study(studyId);
    const params = template.params ?? {};
    this.checkParams(study, params);
    const state = template.state ?? TrialState.RUNNING;
    const intermediate = template.intermediateValues;
    const record: TrialRecord = {
      trialId: this.trials.length,
      number: study.trials.length,
      studyId,
      state,
      values: template.values ?? null,
      datetimeStart:
        template.datetimeStart !== undefined
          ? template.datetimeStart
          : state === TrialState.WAITING
            ? null
            : new Date(),
      datetimeComplete:
        template.datetimeComplete !== undefined
          ? template.datetimeComplete
          : isFinished(state)
            ? completionTime()
            : null,
      params: new Map(Object.entries(params)),
      userAttrs: cloneAttrs(template.userAttrs),
      systemAttrs: cloneAttrs(template.systemAttrs),
      intermediateValues:
        intermediate === undefined || intermediate.size === 0
          ? new Map()
          : new Map([...intermediate].sort((a, b) => a[0] - b[0])),
      frozen: null,
      frozenParams: null,
      frozenUserAttrs: null,
      frozenSystemAttrs: null,
      frozenIntermediate: null,
    };
    this.trials.push(record);
    study.trials.push(record);
    if (state === TrialState.WAITING) study.waiting++;
    const view = freeze(record);
    study.views.push(view);
    study.snapshot = null;
    return view;
  }

  async popWaitingTrial(studyId: number): Promise<FrozenTrial | null> {
    const study = this.study(studyId);
    if (study.waiting === 0) return null;
    for (const record of study.trials) {
      if (record.state === TrialState.WAITING) {
        record.state = TrialState.RUNNING;
        record.datetimeStart = new Date();
        study.waiting--;
        this.touched(record);
        return freeze(record);
      }
    }
    return null;
  }

  async updateTrial(trialId: number, update: TrialUpdate): Promise<void> {
    const record = this.trial(trialId);
    if (isFinished(record.state)) {
      throw new UpdateFinishedTrialError(
        `Trial ${record.number} is already ${record.state} and cannot be changed.`,
      );
    }
    const study = this.study(record.studyId);
    if (update.params !== undefined) {
      this.checkParams(study, update.params);
      for (const [name, stored] of Object.entries(update.params)) record.params.set(name, stored);
      record.frozenParams = null;
    }
    if (update.intermediateValues !== undefined) {
      const steps = record.intermediateValues;
      let last = -Infinity;
      for (const step of steps.keys()) last = step;
      let ordered = true;
      for (const [step, value] of update.intermediateValues) {
        if (!steps.has(step) && step < last) ordered = false;
        else if (step > last) last = step;
        steps.set(step, value);
      }
      // Kept in ascending step order; a step reported out of order re-sorts.
      if (!ordered) record.intermediateValues = new Map([...steps].sort((a, b) => a[0] - b[0]));
      record.frozenIntermediate = null;
    }
    if (update.userAttrs !== undefined) {
      Object.assign(record.userAttrs, structuredClone(update.userAttrs));
      record.frozenUserAttrs = null;
    }
    if (update.systemAttrs !== undefined) {
      Object.assign(record.systemAttrs, structuredClone(update.systemAttrs));
      record.frozenSystemAttrs = null;
    }
    if (update.values !== undefined)
      record.values = update.values === null ? null : [...update.values];
    if (update.state !== undefined && update.state !== record.state) {
      if (record.state === TrialState.WAITING) study.waiting--;
      if (update.state === TrialState.WAITING) study.waiting++;
      if (update.state === TrialState.RUNNING && record.datetimeStart === null) {
        record.datetimeStart = new Date();
      }
      record.state = update.state;
      if (isFinished(update.state)) record.datetimeComplete = completionTime();
    }
    this.touched(record);
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    return freeze(this.trial(trialId));
  }

  async getTrialByNumber(studyId: number, number: number): Promise<FrozenTrial | null> {
    const record = this.study(studyId).trials[number];
    return record === undefined ? null : freeze(record);
  }

  async getAllTrials(
    studyId: number,
    options: { states?: readonly TrialState[] } = {},
  ): Promise<readonly FrozenTrial[]> {
    const study = this.study(studyId);
    if (study.snapshot === null) {
      // Only the trials changed since the last snapshot are frozen again; the list is copied
      // (a snapshot handed out never changes).
      for (const record of study.changed) study.views[record.number] = freeze(record);
      study.changed.length = 0;
      study.snapshot = Object.freeze(study.views.slice());
    }
    const states = options.states;
    if (states === undefined) return study.snapshot;
    return study.snapshot.filter((t) => states.includes(t.state));
  }

  async getNTrials(studyId: number, states?: readonly TrialState[]): Promise<number> {
    const study = this.study(studyId);
    if (states === undefined) return study.trials.length;
    let n = 0;
    for (const t of study.trials) if (states.includes(t.state)) n++;
    return n;
  }

  getHeartbeatInterval(): number | null {
    return this.heartbeat.interval;
  }

  getFailedTrialCallback(): FailedTrialCallback | null {
    return this.heartbeat.failedTrialCallback;
  }

  async recordHeartbeat(trialId: number): Promise<void> {
    this.trial(trialId);
    this.heartbeats.set(trialId, Date.now());
  }

  async failStaleTrials(studyId: number): Promise<FrozenTrial[]> {
    const study = this.study(studyId);
    const grace = this.heartbeat.gracePeriod;
    if (grace === null) return [];
    const now = Date.now();
    const failed: FrozenTrial[] = [];
    for (const record of study.trials) {
      const beat = this.heartbeats.get(record.trialId);
      if (record.state !== TrialState.RUNNING || beat === undefined) continue;
      if (now - beat <= grace * 1000) continue;
      record.state = TrialState.FAIL;
      record.datetimeComplete = new Date();
      this.touched(record);
      failed.push(freeze(record));
    }
    return failed;
  }

  async close(): Promise<void> {
    await settleWrites(this); // what live trials were told and not written yet
    this.closed = true;
  }
}
