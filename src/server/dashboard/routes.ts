/**
 * The routes of the dashboard API (see api-types.ts for the contract), each described once:
 * method, path, query parameters, body and answer schemas (for validation and the OpenAPI
 * document), whether it writes, and what it does.
 */
import type { z } from "zod";
import { badRequest } from "../errors.js";
import type { DashboardInfo, DeleteResponse, StudiesResponse } from "./api-types.js";
import type { DashboardData } from "./data.js";
import * as S from "./schemas.js";
import { BadCursorError } from "./trial-cache.js";
import { DEFAULT_LOG_BYTES, MAX_LOG_BYTES } from "./trial-log.js";

/**
 * JSON made by hand, in pieces sent one after another (the trials answer joins cached rows
 * instead of serializing trials, and sends a whole study's cached bytes without copying them).
 */
export class RawJson {
  constructor(readonly chunks: readonly (string | Uint8Array)[]) {}
}

/** What a handler receives. */
export interface DashboardInput {
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  body: unknown;
  data: DashboardData;
  /** What the info route reports. */
  info: Omit<DashboardInfo, "serverTime">;
}

/** A query parameter, for the OpenAPI document. */
export interface QueryParam {
  name: string;
  description: string;
  type: "string" | "integer";
}

/** A route of the dashboard API. */
export interface DashboardRoute {
  readonly method: "get" | "put" | "post" | "delete";
  readonly path: string;
  readonly summary: string;
  readonly query?: readonly QueryParam[];
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** Changes the storage: needs the token and a same-origin request; gone with --read-only. */
  readonly write?: boolean;
  readonly handler: (input: DashboardInput) => Promise<unknown>;
}

/** A path parameter that must be a non-negative integer. */
function integer(params: Readonly<Record<string, string>>, name: string): number {
  const text = params[name] ?? "";
  if (!/^\d{1,15}$/.test(text)) {
    throw badRequest(`The ${name} in the path must be a non-negative integer, not "${text}".`);
  }
  return Number(text);
}

function logBytes(query: Readonly<Record<string, string>>): number {
  const text = query["logBytes"];
  if (text === undefined) return DEFAULT_LOG_BYTES;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > MAX_LOG_BYTES) {
    throw badRequest(`logBytes must be an integer from 0 to ${MAX_LOG_BYTES}, not "${text}".`);
  }
  return value;
}

const P = "/api/dashboard";

/** Every route of the dashboard API. */
export const DASHBOARD_ROUTES: readonly DashboardRoute[] = [
  {
    method: "get",
    path: `${P}/info`,
    summary: "The server's version, whether it is read-only and needs a token",
    response: S.DashboardInfo,
    handler: async ({ info }) => ({ ...info, serverTime: Date.now() }) satisfies DashboardInfo,
  },
  {
    method: "get",
    path: `${P}/studies`,
    summary: "Every study with directions, trials by state, best value(s), start and last activity",
    response: S.StudiesResponse,
    handler: async ({ data }) =>
      ({ studies: await data.studies(), serverTime: Date.now() }) satisfies StudiesResponse,
  },
  {
    method: "get",
    path: `${P}/studies/{studyId}`,
    summary: "A study's summary, attributes, note and parameters",
    response: S.StudyDetail,
    handler: ({ data, params }) => data.studyDetail(integer(params, "studyId")),
  },
  {
    method: "get",
    path: `${P}/studies/{studyId}/trials`,
    summary:
      "A study's trials in compact rows; with ?after=<cursor>, only the trials new or changed since",
    query: [
      {
        name: "after",
        type: "string",
        description: "the cursor of an earlier answer: send only what changed since",
      },
    ],
    response: S.TrialsResponse,
    handler: async ({ data, params, query }) => {
      const studyId = integer(params, "studyId");
      const cache = await data.trials(studyId);
      let delta: ReturnType<typeof cache.since>;
      try {
        delta = cache.since(query["after"]);
      } catch (error) {
        if (!(error instanceof BadCursorError)) throw error;
        throw badRequest(
          `The cursor "${error.message}" is not one this server gave: send the cursor of the last answer, or no after= for every trial.`,
        );
      }
      const head = JSON.stringify({
        studyId,
        cursor: delta.cursor,
        reset: delta.reset,
        nTrials: cache.nTrials,
        directions: cache.directions,
        paramNames: cache.paramNames,
        distributions: cache.paramDistributions,
        serverTime: Date.now(),
      });
      return new RawJson([`${head.slice(0, -1)},"trials":`, delta.rowsJson, "}"]);
    },
  },
  {
    method: "get",
    path: `${P}/studies/{studyId}/trials/{number}`,
    summary: "One trial in full, with its note and the end of its log file (skipjack run)",
    query: [
      {
        name: "logBytes",
        type: "integer",
        description: `bytes of the log's end to send (default ${DEFAULT_LOG_BYTES}, at most ${MAX_LOG_BYTES})`,
      },
    ],
    response: S.TrialDetail,
    handler: ({ data, params, query }) =>
      data.trialDetail(integer(params, "studyId"), integer(params, "number"), logBytes(query)),
  },
  {
    method: "put",
    path: `${P}/studies/{studyId}/note`,
    summary: "Saves the study's markdown note (in its system attributes)",
    body: S.NoteRequest,
    response: S.Note,
    write: true,
    handler: ({ data, params, body }) => {
      const { text, version } = body as z.infer<typeof S.NoteRequest>;
      return data.setStudyNote(integer(params, "studyId"), text, version);
    },
  },
  {
    method: "put",
    path: `${P}/studies/{studyId}/trials/{number}/note`,
    summary: "Saves a trial's markdown note (in the study's system attributes)",
    body: S.NoteRequest,
    response: S.Note,
    write: true,
    handler: ({ data, params, body }) => {
      const { text, version } = body as z.infer<typeof S.NoteRequest>;
      return data.setTrialNote(
        integer(params, "studyId"),
        integer(params, "number"),
        text,
        version,
      );
    },
  },
  {
    method: "post",
    path: `${P}/studies/{studyId}/rename`,
    summary: "Renames a study",
    body: S.RenameRequest,
    response: S.StudySummary,
    write: true,
    handler: ({ data, params, body }) =>
      data.rename(integer(params, "studyId"), (body as z.infer<typeof S.RenameRequest>).name),
  },
  {
    method: "delete",
    path: `${P}/studies/{studyId}`,
    summary: "Deletes a study and all its trials",
    response: S.DeleteResponse,
    write: true,
    handler: async ({ data, params }) => {
      const studyId = integer(params, "studyId");
      await data.delete(studyId);
      return { deleted: true, studyId } satisfies DeleteResponse;
    },
  },
];
