/**
 * The request and response bodies of the trial API, as zod schemas: the same objects validate
 * requests and make the OpenAPI document (`/openapi.json`). Field names are snake_case, as a
 * Python worker writes them.
 */
import { z } from "zod";

/** A number, or a non-finite one spelled as a string (JSON has no NaN or Infinity). */
export const Num = z
  .union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])])
  .describe('a number; "NaN", "Infinity" or "-Infinity" for the non-finite ones');

/** The JavaScript number of a `Num`. */
export function toNumber(value: z.infer<typeof Num>): number {
  if (typeof value === "number") return value;
  return value === "NaN"
    ? Number.NaN
    : value === "Infinity"
      ? Number.POSITIVE_INFINITY
      : Number.NEGATIVE_INFINITY;
}

const Direction = z.enum(["minimize", "maximize"]);
const Options = z.record(z.string(), z.unknown());
const JsonValue = z.unknown().describe("any JSON value");
const Choice = z.union([z.null(), z.boolean(), z.number(), z.string()]);

export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .describe("what went wrong and what to change");

export const StudyCreate = z.strictObject({
  name: z.string().min(1).describe("the study's name"),
  direction: Direction.optional().describe("one objective's direction (default minimize)"),
  directions: z.array(Direction).min(1).optional().describe("several objectives' directions"),
  sampler: z
    .string()
    .optional()
    .describe("tpe, gp, cmaes, random, qmc, grid, nsga2, nsga3, bruteforce or a class name"),
  sampler_kwargs: Options.optional().describe('the sampler\'s options, e.g. {"seed": 1}'),
  pruner: z
    .string()
    .optional()
    .describe("median, percentile, asha, hyperband, threshold, patient, wilcoxon or none"),
  pruner_kwargs: Options.optional().describe("the pruner's options"),
  load_if_exists: z.boolean().optional().describe("load the study if it exists (default true)"),
});

export const StudyInfo = z.object({
  name: z.string(),
  directions: z.array(Direction),
  sampler: z.string(),
  pruner: z.string(),
  n_trials: z.number().int(),
});

export const Ask = z.strictObject({
  search_space: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'parameters sampled at once, as Optuna\'s distribution JSON: {"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "log": false, "step": null}}}',
    ),
});

export const TrialInfo = z.object({
  study: z.string(),
  number: z.number().int(),
  state: z.enum(["RUNNING", "WAITING", "COMPLETE", "PRUNED", "FAIL"]),
  params: z.record(z.string(), Choice),
  values: z.array(Num).nullable(),
  intermediate_values: z.record(z.string(), Num),
  user_attrs: z.record(z.string(), JsonValue),
  datetime_start: z.string().nullable(),
  datetime_complete: z.string().nullable(),
});

export const Suggest = z
  .strictObject({
    name: z.string().min(1).describe("the parameter's name"),
    type: z.enum(["float", "int", "categorical"]),
    low: z.number().optional().describe("float and int: the lowest value"),
    high: z.number().optional().describe("float and int: the highest value"),
    step: z.number().positive().nullable().optional().describe("float and int: the step"),
    log: z.boolean().optional().describe("float and int: sample on a log scale"),
    choices: z.array(Choice).min(1).optional().describe("categorical: the choices"),
  })
  .superRefine((body, ctx) => {
    if (body.type === "categorical") {
      if (body.choices === undefined) {
        ctx.addIssue({ code: "custom", path: ["choices"], message: "categorical needs choices" });
      }
    } else {
      for (const key of ["low", "high"] as const) {
        if (body[key] === undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: `${body.type} needs ${key}` });
        }
      }
      if (body.choices !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["choices"],
          message: `${body.type} takes no choices`,
        });
      }
    }
  });

export const Suggested = z.object({ name: z.string(), value: Choice });

export const Report = z.strictObject({
  value: Num.describe("the intermediate value"),
  step: z.number().int().min(0).describe("the step (epoch) it was measured at"),
});

export const ShouldPrune = z.object({ prune: z.boolean() });

export const UserAttr = z.strictObject({
  key: z.string().min(1),
  value: JsonValue,
});

export const Tell = z.strictObject({
  values: z
    .union([Num, z.array(Num)])
    .optional()
    .describe("the objective value(s), one per objective"),
  state: z
    .enum(["complete", "pruned", "fail", "COMPLETE", "PRUNED", "FAIL"])
    .optional()
    .describe("how the trial ended (default complete with values)"),
});

export const Heartbeat = z.object({
  recorded: z.boolean().describe("false when the storage has heartbeats off"),
});

export const Ok = z.object({ ok: z.literal(true) });

export const Health = z.object({ ok: z.literal(true), version: z.string() });
