/**
 * Types of the dashboard's JSON API (`skipjack dashboard`), shared by the server and the
 * browser UI. Pure types: nothing here imports Node.
 *
 * Routes (all JSON; `{studyId}` is the storage's numeric study id, `{number}` a trial number):
 *
 *   GET    /api/dashboard/info                                  → DashboardInfo
 *   GET    /api/dashboard/studies                               → StudiesResponse
 *   GET    /api/dashboard/studies/{studyId}                     → StudyDetail
 *   GET    /api/dashboard/studies/{studyId}/trials[?after=C]    → TrialsResponse
 *   GET    /api/dashboard/studies/{studyId}/trials/{number}     → TrialDetail   (?logBytes=N)
 *   PUT    /api/dashboard/studies/{studyId}/note                ← NoteRequest → Note
 *   PUT    /api/dashboard/studies/{studyId}/trials/{number}/note ← NoteRequest → Note
 *   POST   /api/dashboard/studies/{studyId}/rename              ← RenameRequest → StudySummary
 *   DELETE /api/dashboard/studies/{studyId}                     → DeleteResponse
 *   GET    /openapi.json                                        (this API and the worker API)
 *   GET    /vendor/plotly.min.js                                (Plotly, from the npm package)
 *   GET    /, /studies/..., any other non-/api path             (the SPA: dist/dashboard/)
 *
 * Every failure is `ErrorBody` with a 4xx/5xx status. The write routes (PUT, POST, DELETE)
 * answer 403 `read_only` when the server runs with --read-only, 403 `cross_origin` for a
 * cross-site request, 401 `unauthorized` without the token when the server has one.
 *
 * Authentication: when the server has a token, every /api request carries it, either as
 * `Authorization: Bearer <token>` or as the cookie `skipjack_dashboard_token`, which the
 * server sets (HttpOnly, SameSite=Strict) when a page is first opened as `/?token=<token>`
 * and then redirects to the same address without the token. Write requests also need a
 * same-origin `Origin` (or `Sec-Fetch-Site: same-origin`) and `Content-Type: application/json`
 * when they have a body.
 *
 * Compare studies: fetch the trials of each study (there is no separate compare route).
 *
 * Numbers: objective and intermediate values may be NaN or ±infinity, which JSON cannot hold;
 * they come as the strings "NaN", "Infinity", "-Infinity" (see `Num`). Times are milliseconds
 * since the Unix epoch (UTC). Study and trial text (names, attributes, notes, logs) is data:
 * the UI renders it as text, never as HTML.
 */

/** A JSON value as stored in attributes. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A float that may be non-finite: non-finite ones are spelled as strings. */
export type Num = number | "NaN" | "Infinity" | "-Infinity";

/** The life cycle of a trial (Optuna's names). */
export type TrialStateName = "RUNNING" | "COMPLETE" | "PRUNED" | "FAIL" | "WAITING";

/** Which way an objective goes. */
export type Direction = "minimize" | "maximize";

/** A distribution in Optuna's JSON form (`distribution_to_json`), parsed. */
export type DistributionJson =
  | {
      name: "FloatDistribution";
      attributes: { low: number; high: number; step: number | null; log: boolean };
    }
  | {
      name: "IntDistribution";
      attributes: { low: number; high: number; step: number; log: boolean };
    }
  | {
      name: "CategoricalDistribution";
      /** A parameter's internal value is the index of its choice here. */
      attributes: { choices: (string | number | boolean | null)[] };
    };

/** The body of every error answer. */
export interface ErrorBody {
  error: {
    /** e.g. not_found, bad_request, unauthorized, cross_origin, read_only, conflict. */
    code: string;
    message: string;
  };
}

/** GET /api/dashboard/info: what the UI needs to know about this server. */
export interface DashboardInfo {
  /** skipjack's version. */
  version: string;
  /** The write routes are off: hide delete, rename and note editing. */
  readOnly: boolean;
  /** Requests need the token (header or cookie). */
  tokenRequired: boolean;
  /** The storage, with any password masked. */
  storage: string;
  /** Server clock (ms since epoch), to show running trials' elapsed time. */
  serverTime: number;
}

/** Trials of a study by state. */
export type StateCounts = Record<TrialStateName, number>;

/** A best trial: the best one (single objective) or one of the Pareto front (several). */
export interface BestTrial {
  number: number;
  values: Num[];
}

/** A study as the studies page lists it. */
export interface StudySummary {
  studyId: number;
  name: string;
  directions: Direction[];
  nTrials: number;
  counts: StateCounts;
  /**
   * Single objective: the best COMPLETE trial (0 or 1 entries). Several objectives: the
   * Pareto front of COMPLETE trials, in trial order (as `study.bestTrial` / `bestTrials`).
   */
  best: BestTrial[];
  /** Start of the earliest trial, or null without trials. */
  datetimeStart: number | null;
  /** Latest start or completion of any trial, or null without trials. */
  lastActivity: number | null;
  userAttrs: Record<string, JsonValue>;
}

/** GET /api/dashboard/studies. */
export interface StudiesResponse {
  studies: StudySummary[];
  serverTime: number;
}

/** A markdown note (of a study or of a trial), stored in the study's system attributes. */
export interface Note {
  /** Markdown source; "" when none was written. Render as text or sanitized markdown. */
  text: string;
  /** Increments at each save; 0 when none was written. */
  version: number;
  /** When it was last saved, or null. */
  updated: number | null;
}

/** GET /api/dashboard/studies/{studyId}: the summary and what the study page needs. */
export interface StudyDetail extends StudySummary {
  /** System attributes, less the dashboard's notes. */
  systemAttrs: Record<string, JsonValue>;
  note: Note;
  /** Parameter names in the order the trials response uses. */
  paramNames: string[];
  /** The distribution of each parameter of `paramNames`, same order. */
  distributions: DistributionJson[];
}

/**
 * A trial in compact form: params as internal floats aligned with the response's
 * `paramNames` (use `distributions` to turn a categorical index into its choice).
 */
export interface TrialRow {
  number: number;
  state: TrialStateName;
  /** Objective values (COMPLETE; a PRUNED trial may hold one), or null. */
  values: Num[] | null;
  /**
   * Internal value of each parameter, aligned with `paramNames`; null where the trial does
   * not have it. May be shorter than `paramNames` (missing tail = null).
   */
  params: (number | null)[];
  /** Start, or null (WAITING). */
  start: number | null;
  /** Completion, or null while unfinished. */
  complete: number | null;
  /** Intermediate values as [steps, values] in ascending step order; absent when none. */
  intermediate?: [number[], Num[]];
  /** User attributes; absent when none. */
  userAttrs?: Record<string, JsonValue>;
  /** Why a FAIL trial failed (system attribute fail_reason); absent otherwise. */
  failReason?: string;
  /** Constraint values (system attribute constraints; feasible when all ≤ 0); absent otherwise. */
  constraints?: Num[];
}

/**
 * GET /api/dashboard/studies/{studyId}/trials[?after=<cursor>].
 *
 * Without `after` (or with a cursor the server cannot continue from: another server run, a
 * study deleted and made again), `reset` is true and `trials` holds every trial: replace
 * what you have. With a valid `after`, `reset` is false and `trials` holds only the trials
 * that are new or changed since that cursor (a finished trial is sent once, then never
 * again): merge them by `number`. Pass the returned `cursor` as the next `after`.
 * `paramNames` and `distributions` are always complete and only grow while `reset` is
 * false, so an index in `params` keeps its meaning.
 */
export interface TrialsResponse {
  studyId: number;
  cursor: string;
  reset: boolean;
  /** Trials in the study now (the highest number + 1 for studies skipjack or Optuna wrote). */
  nTrials: number;
  directions: Direction[];
  paramNames: string[];
  distributions: DistributionJson[];
  trials: TrialRow[];
  serverTime: number;
}

/** The log file of a trial run by `skipjack run` (its user attribute `log_path`). */
export interface TrialLog {
  /** The recorded path. */
  path: string;
  /** Whether the file exists on this machine and could be read. */
  available: boolean;
  /** Its text (the end of it when `truncated`), or null when unavailable. */
  content: string | null;
  /** Its size in bytes, or null when unavailable. */
  size: number | null;
  /** Only the last `logBytes` bytes are in `content`. */
  truncated: boolean;
}

/** GET /api/dashboard/studies/{studyId}/trials/{number} (?logBytes=N, default 262144). */
export interface TrialDetail {
  studyId: number;
  number: number;
  trialId: number;
  state: TrialStateName;
  values: Num[] | null;
  /** Parameters by name: internal value, the value as the objective saw it, distribution. */
  params: { name: string; internal: number; value: JsonValue; distribution: DistributionJson }[];
  start: number | null;
  complete: number | null;
  intermediate: [number[], Num[]];
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  failReason: string | null;
  constraints: Num[] | null;
  note: Note;
  /** Null when the trial records no log path. */
  log: TrialLog | null;
}

/** PUT .../note. */
export interface NoteRequest {
  text: string;
  /**
   * The version the edit started from; a different stored version is a 409 `conflict`
   * (someone else saved meanwhile). Leave out to overwrite.
   */
  version?: number;
}

/** POST /api/dashboard/studies/{studyId}/rename. */
export interface RenameRequest {
  name: string;
}

/** DELETE /api/dashboard/studies/{studyId}. */
export interface DeleteResponse {
  deleted: true;
  studyId: number;
}
