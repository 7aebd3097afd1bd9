/**
 * Zod schemas of the dashboard API: request bodies are validated with them, and the OpenAPI
 * document describes every answer with them. They mirror api-types.ts (the UI's contract).
 */
import { z } from "zod";

const Json: z.ZodType = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(Json),
    z.record(z.string(), Json),
  ]),
);
const Num = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]);
const State = z.enum(["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"]);
const Direction = z.enum(["minimize", "maximize"]);
const Time = z.number().int().nullable().describe("ms since the Unix epoch");
const Distribution = z
  .object({ name: z.string(), attributes: z.record(z.string(), Json) })
  .describe("Optuna's distribution JSON");
const Intermediate = z.tuple([z.array(z.number()), z.array(Num)]).describe("[steps, values]");

export const DashboardInfo = z.object({
  version: z.string(),
  readOnly: z.boolean(),
  tokenRequired: z.boolean(),
  storage: z.string(),
  serverTime: z.number(),
});

const Counts = z.object({
  RUNNING: z.number().int(),
  COMPLETE: z.number().int(),
  PRUNED: z.number().int(),
  FAIL: z.number().int(),
  WAITING: z.number().int(),
});

export const StudySummary = z.object({
  studyId: z.number().int(),
  name: z.string(),
  directions: z.array(Direction),
  nTrials: z.number().int(),
  counts: Counts,
  best: z.array(z.object({ number: z.number().int(), values: z.array(Num) })),
  datetimeStart: Time,
  lastActivity: Time,
  userAttrs: z.record(z.string(), Json),
});

export const StudiesResponse = z.object({
  studies: z.array(StudySummary),
  serverTime: z.number(),
});

export const Note = z.object({
  text: z.string(),
  version: z.number().int(),
  updated: Time,
});

export const StudyDetail = StudySummary.extend({
  systemAttrs: z.record(z.string(), Json),
  note: Note,
  paramNames: z.array(z.string()),
  distributions: z.array(Distribution),
});

const TrialRow = z.object({
  number: z.number().int(),
  state: State,
  values: z.array(Num).nullable(),
  params: z.array(z.number().nullable()).describe("internal values, aligned with paramNames"),
  start: Time,
  complete: Time,
  intermediate: Intermediate.optional(),
  userAttrs: z.record(z.string(), Json).optional(),
  failReason: z.string().optional(),
  constraints: z.array(Num).optional(),
});

export const TrialsResponse = z.object({
  studyId: z.number().int(),
  cursor: z.string().describe("pass as ?after= to get only what changed"),
  reset: z.boolean().describe("true: every trial (replace); false: changed trials (merge)"),
  nTrials: z.number().int(),
  directions: z.array(Direction),
  paramNames: z.array(z.string()),
  distributions: z.array(Distribution),
  trials: z.array(TrialRow),
  serverTime: z.number(),
});

export const TrialDetail = z.object({
  studyId: z.number().int(),
  number: z.number().int(),
  trialId: z.number().int(),
  state: State,
  values: z.array(Num).nullable(),
  params: z.array(
    z.object({ name: z.string(), internal: z.number(), value: Json, distribution: Distribution }),
  ),
  start: Time,
  complete: Time,
  intermediate: Intermediate,
  userAttrs: z.record(z.string(), Json),
  systemAttrs: z.record(z.string(), Json),
  failReason: z.string().nullable(),
  constraints: z.array(Num).nullable(),
  note: Note,
  log: z
    .object({
      path: z.string(),
      available: z.boolean(),
      content: z.string().nullable(),
      size: z.number().int().nullable(),
      truncated: z.boolean(),
    })
    .nullable(),
});

export const NoteRequest = z.strictObject({
  text: z.string(),
  version: z.number().int().min(0).optional(),
});

export const RenameRequest = z.strictObject({ name: z.string().min(1) });

export const DeleteResponse = z.object({ deleted: z.literal(true), studyId: z.number().int() });
