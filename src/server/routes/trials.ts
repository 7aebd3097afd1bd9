/**
 * Routes on one trial, for a worker evaluating it: define-by-run suggestions, intermediate
 * values, pruning decisions, attributes, heartbeats and the result. A per-trial token lent to
 * a child process opens these routes for its own trial only.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { JsonValue } from "../../json/python.js";
import { heartbeatEnabled } from "../../storages/heartbeat.js";
import { checkValues } from "../../study/tell.js";
import { LiveTrial } from "../../trial/live-trial.js";
import type { TrialState } from "../../trial/state.js";
import { badRequest, finished } from "../errors.js";
import type { HeldTrial, Registry, TellOutcome } from "../registry.js";
import { route } from "../route.js";
import {
  Heartbeat,
  Ok,
  Report,
  ShouldPrune,
  Suggest,
  Suggested,
  Tell,
  TrialInfo,
  toNumber,
  UserAttr,
} from "../schemas.js";
import { trialInfo } from "./trial-info.js";

const TRIAL = "/api/v1/studies/{study}/trials/{number}";

/** The trial number of a path, or a 400 that says what it must be. */
export function trialNumber(text: string | undefined): number {
  const number = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(number)) {
    throw badRequest(
      `The trial number in the path must be a non-negative integer, got ${JSON.stringify(text)}.`,
    );
  }
  return number;
}

function running(registry: Registry, params: Readonly<Record<string, string>>): Promise<HeldTrial> {
  return registry.running(params["study"]!, trialNumber(params["number"]));
}

async function flush(held: HeldTrial): Promise<void> {
  if (held.trial instanceof LiveTrial) await held.trial.flush();
}

/** A tell body as the trial's end: state and values, checked as `study.tell` checks them. */
function outcomeOf(
  body: { values?: unknown; state?: string },
  objectives: number,
): TellOutcome & { reason?: string; given?: number[] } {
  const values =
    body.values === undefined
      ? undefined
      : Array.isArray(body.values)
        ? body.values.map((v) => toNumber(v as never))
        : [toNumber(body.values as never)];
  const state = body.state?.toUpperCase() as TellOutcome["state"] | undefined;
  if (state === "PRUNED" || state === "FAIL") {
    if (values !== undefined) throw badRequest(`A ${state} trial takes no values.`);
    return { state, values: null };
  }
  const checked =
    values === undefined
      ? { ok: false as const, reason: "tell was given no values." }
      : checkValues(values, objectives);
  if (checked.ok) return { state: "COMPLETE", values: [...checked.values] };
  if (state === "COMPLETE") {
    throw badRequest(
      `A COMPLETE trial needs values, one number per objective: ${checked.reason} Send them, or leave the state out to mark the trial FAIL.`,
    );
  }
  return {
    state: "FAIL",
    values: null,
    reason: checked.reason,
    ...(values === undefined ? {} : { given: values }),
  };
}

export const trialRoutes = [
  route({
    method: "get",
    path: TRIAL,
    summary: "A trial: state, parameters, values, intermediate values, user attributes",
    response: TrialInfo,
    trialScoped: true,
    handler: async ({ params, registry }) =>
      trialInfo(
        params["study"]!,
        await registry.frozen(params["study"]!, trialNumber(params["number"])),
      ),
  }),
  route({
    method: "post",
    path: `${TRIAL}/suggest`,
    summary:
      "Suggest a parameter (define-by-run), with the arguments of Optuna's suggest_float, suggest_int and suggest_categorical",
    body: Suggest,
    response: Suggested,
    trialScoped: true,
    handler: async ({ params, body, registry }) => {
      const { trial } = await running(registry, params);
      const options = {
        ...(body.log === undefined ? {} : { log: body.log }),
        ...(body.step === undefined || body.step === null ? {} : { step: body.step }),
      };
      const value =
        body.type === "categorical"
          ? trial.suggestCategorical(body.name, body.choices!)
          : body.type === "int"
            ? trial.suggestInt(body.name, body.low!, body.high!, options)
            : trial.suggestFloat(body.name, body.low!, body.high!, options);
      return { name: body.name, value };
    },
  }),
  route({
    method: "post",
    path: `${TRIAL}/report`,
    summary: "Report an intermediate value at a step, for the pruner",
    body: Report,
    response: Ok,
    trialScoped: true,
    handler: async ({ params, body, registry }) => {
      const held = await running(registry, params);
      const value = toNumber(body.value);
      await held.trial.report(value, body.step);
      held.lease?.hooks.onReport?.(value, body.step);
      return { ok: true };
    },
  }),
  route({
    method: "post",
    path: `${TRIAL}/should-prune`,
    summary: "Ask the study's pruner whether the trial should stop now",
    response: ShouldPrune,
    trialScoped: true,
    handler: async ({ params, registry }) => {
      const held = await running(registry, params);
      const prune = await held.trial.shouldPrune();
      held.lease?.hooks.onShouldPrune?.(prune);
      return { prune };
    },
  }),
  route({
    method: "post",
    path: `${TRIAL}/user-attrs`,
    summary: "Set a user attribute of the trial",
    body: UserAttr,
    response: Ok,
    trialScoped: true,
    handler: async ({ params, body, registry }) => {
      const held = await running(registry, params);
      held.trial.setUserAttr(body.key, body.value as JsonValue);
      await flush(held);
      return { ok: true };
    },
  }),
  route({
    method: "post",
    path: `${TRIAL}/heartbeat`,
    summary: "Record a heartbeat of the trial (when the server's storage has heartbeats on)",
    response: Heartbeat,
    trialScoped: true,
    handler: async ({ params, registry }) => {
      const held = await running(registry, params);
      const storage = held.study.storage;
      if (!heartbeatEnabled(storage) || !(held.trial instanceof LiveTrial)) {
        return { recorded: false };
      }
      await storage.recordHeartbeat!(held.trial.trialId);
      return { recorded: true };
    },
  }),
  route({
    method: "post",
    path: `${TRIAL}/tell`,
    summary:
      "Finish the trial: its values (COMPLETE), or state pruned or fail; values that are missing or NaN mark it FAIL",
    body: Tell,
    response: TrialInfo,
    trialScoped: true,
    handler: async ({ params, body, registry }) => {
      const held = await running(registry, params);
      const { study, trial } = held;
      const outcome = outcomeOf(body, study.directions.length);
      if (held.lease !== undefined) {
        // The runner that lent the trial finishes it when its process ends.
        await flush(held);
        registry.told(held, outcome);
        const frozen = await registry.frozen(study.studyName, trial.number);
        return {
          ...trialInfo(study.studyName, frozen),
          state: outcome.state,
          values: outcome.values,
        };
      }
      await flush(held);
      try {
        // Values that cannot be stored: study.tell marks the trial FAIL with the reason.
        const told =
          outcome.reason !== undefined
            ? await study.tell(
                trial.number,
                outcome.given === undefined ? {} : { values: outcome.given },
              )
            : await study.tell(trial.number, {
                state: outcome.state as TrialState,
                ...(outcome.values === null ? {} : { values: outcome.values }),
              });
        return trialInfo(study.studyName, told);
      } catch (error) {
        if (error instanceof InvalidArgumentError && /already/.test(error.message)) {
          throw finished(error.message);
        }
        throw error;
      } finally {
        registry.drop(study.studyName, trial.number);
      }
    },
  }),
];
