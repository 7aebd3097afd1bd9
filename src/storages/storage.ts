import type { Distribution } from "../distributions/index.js";
import type { JsonValue } from "../json/python.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { StudyDirection, TrialState } from "../trial/state.js";
import type { FailedTrialCallback, Heartbeat } from "./heartbeat.js";

/** A study as a storage lists it. */
export interface FrozenStudy {
  readonly studyId: number;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
}

/** A parameter as stored: Optuna's internal float form and its distribution. */
export interface StoredParam {
  readonly internal: number;
  readonly distribution: Distribution;
}

/** The fields of a trial to create (all optional: a bare RUNNING trial by default). */
export interface TrialTemplate {
  state?: TrialState;
  values?: readonly number[] | null;
  datetimeStart?: Date | null;
  datetimeComplete?: Date | null;
  params?: Readonly<Record<string, StoredParam>>;
  userAttrs?: Readonly<Record<string, JsonValue>>;
  systemAttrs?: Readonly<Record<string, JsonValue>>;
  intermediateValues?: ReadonlyMap<number, number>;
  /**
   * Records the trial's first heartbeat together with it (when the storage has heartbeats and
   * the trial is RUNNING), as `optimize` asks: a worker killed before its heartbeat thread
   * beats still leaves a trial that other workers find stale. Not a field of the trial.
   */
  heartbeat?: boolean;
}

/**
 * Changes to a running trial, applied atomically in one call. Setting a finished `state`
 * also stamps the completion time; after that the trial is immutable.
 */
export interface TrialUpdate {
  params?: Readonly<Record<string, StoredParam>>;
  intermediateValues?: ReadonlyMap<number, number>;
  userAttrs?: Readonly<Record<string, JsonValue>>;
  systemAttrs?: Readonly<Record<string, JsonValue>>;
  state?: TrialState;
  values?: readonly number[] | null;
}

/**
 * Where studies and trials live. Every method is asynchronous so that networked databases fit
 * the same interface. Implementations guarantee, also across processes sharing one database:
 * - trial numbers of a study are allocated atomically (unique and contiguous from 0);
 * - `popWaitingTrial` hands each WAITING trial to exactly one caller;
 * - `claimStudySystemAttr` writes a key only if it is absent, atomically;
 * - a finished trial (COMPLETE, PRUNED, FAIL) is never changed again
 *   (`updateTrial` then throws `UpdateFinishedTrialError`);
 * - a parameter name keeps a compatible distribution across the trials of a study
 *   (`IncompatibleDistributionError` otherwise).
 */
export interface Storage {
  /** Creates a study; throws `DuplicatedStudyError` if the name is taken. Returns its id. */
  createNewStudy(directions: readonly StudyDirection[], studyName: string): Promise<number>;
  /** Deletes a study and all its trials; throws `NotFoundError` if it does not exist. */
  deleteStudy(studyId: number): Promise<void>;
  /**
   * Renames a study (optional; Optuna has no such call). Throws `DuplicatedStudyError` if the
   * name is taken, `NotFoundError` if the study does not exist.
   */
  renameStudy?(studyId: number, newName: string): Promise<void>;
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  /** Sets a study system attribute only if the key is absent; true when this call set it. */
  claimStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<boolean>;
  /** Throws `NotFoundError` for an unknown name. */
  getStudyIdFromName(studyName: string): Promise<number>;
  getStudyNameFromId(studyId: number): Promise<string>;
  getStudyDirections(studyId: number): Promise<readonly StudyDirection[]>;
  getStudyUserAttrs(studyId: number): Promise<Readonly<Record<string, JsonValue>>>;
  getStudySystemAttrs(studyId: number): Promise<Readonly<Record<string, JsonValue>>>;
  getAllStudies(): Promise<readonly FrozenStudy[]>;

  /** Creates a trial with the next number of the study (RUNNING unless the template says). */
  createNewTrial(studyId: number, template?: TrialTemplate): Promise<FrozenTrial>;
  /**
   * Atomically turns the oldest WAITING trial into RUNNING and returns it, or null. With
   * `heartbeat`, its first heartbeat is recorded in the same step (see `TrialTemplate`).
   */
  popWaitingTrial(studyId: number, options?: { heartbeat?: boolean }): Promise<FrozenTrial | null>;
  /** Applies changes to an unfinished trial atomically. */
  updateTrial(trialId: number, update: TrialUpdate): Promise<void>;
  getTrial(trialId: number): Promise<FrozenTrial>;
  /**
   * The trial of a study with this number, or null (Optuna's
   * `get_trial_id_from_study_id_trial_number`); optional: without it callers read every trial.
   */
  getTrialByNumber?(studyId: number, number: number): Promise<FrozenTrial | null>;
  /** All trials of a study ordered by number, optionally only some states. Do not mutate. */
  getAllTrials(
    studyId: number,
    options?: { states?: readonly TrialState[] },
  ): Promise<readonly FrozenTrial[]>;
  getNTrials(studyId: number, states?: readonly TrialState[]): Promise<number>;

  /**
   * Heartbeats (optional; Optuna's `BaseHeartbeat`, see heartbeat.ts). Seconds between the
   * heartbeats of a running trial, or null when heartbeats are off.
   */
  getHeartbeatInterval?(): number | null;
  /** Records that the trial's worker is alive, now (in the database's clock). */
  recordHeartbeat?(trialId: number): Promise<void>;
  /**
   * Records the trial's heartbeat now and every interval until `stop` (optional: by default
   * `recordHeartbeat` on a timer). SQL storages beat from a thread, so that an objective
   * blocking the event loop still beats.
   */
  startHeartbeat?(trialId: number): Heartbeat;
  /**
   * Marks FAIL the study's RUNNING trials whose last heartbeat is older than the grace period
   * and returns them. Each stale trial is returned by exactly one caller, across processes.
   */
  failStaleTrials?(studyId: number): Promise<FrozenTrial[]>;
  /** The callback to run on each trial that `failStaleTrials` failed, or null. */
  getFailedTrialCallback?(): FailedTrialCallback | null;
  /** Releases connections and files. The storage is unusable afterwards. */
  close(): Promise<void>;
}
