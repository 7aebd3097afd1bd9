/**
 * Which trials and parameters an importance evaluator looks at (Optuna's
 * `optuna.importance._base`): COMPLETE trials with a finite target, and the parameters shared
 * by all of them or named by the caller.
 */

import { distributionsEqual } from "../distributions/compat.js";
import type { Distribution, SearchSpace } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { TrialState } from "../trial/state.js";
import type { ImportanceTarget } from "./types.js";

/** Throws unless a single-objective study or a `target` says which value to assess. */
export function requireTarget(study: StudySnapshot, target: ImportanceTarget | undefined): void {
  if (target === undefined && study.directions.length > 1) {
    throw new InvalidArgumentError(
      `The study has ${study.directions.length} objectives: pass \`target\` to say which value ` +
        "to assess, e.g. `target: (t) => t.values![0]` for the first objective.",
    );
  }
}

/** Throws unless `params` is a list of names. */
export function checkParams(params: readonly string[] | undefined): void {
  if (params === undefined) return;
  if (!Array.isArray(params) || params.some((p) => typeof p !== "string")) {
    throw new InvalidArgumentError(
      `params must be a list of parameter names (strings); got ${JSON.stringify(params)}.`,
    );
  }
}

/** The study's COMPLETE trials. */
export function completeTrials(study: StudySnapshot): readonly FrozenTrial[] {
  return study.getTrials([TrialState.COMPLETE]);
}

/** The value to assess: `target(trial)`, or the single objective value. */
export function targetValue(trial: FrozenTrial, target: ImportanceTarget | undefined): number {
  return target === undefined ? (trial.values?.[0] ?? Number.NaN) : target(trial);
}

/**
 * The parameters to assess and their distributions, ordered by name (Optuna's
 * `_get_distributions`): without `params`, those every COMPLETE trial has with the same
 * distribution; with `params`, their distributions in the COMPLETE trials that have them all,
 * which must not change from trial to trial.
 */
export function assessedSpace(
  study: StudySnapshot,
  params: readonly string[] | undefined,
): SearchSpace {
  checkParams(params);
  const complete = completeTrials(study);
  if (params === undefined) return sharedSpace(complete);
  if (params.length === 0) return {};
  let found: Map<string, Distribution> | null = null;
  for (const trial of complete) {
    if (!params.every((name) => trial.distributions[name] !== undefined)) continue;
    if (found === null) {
      found = new Map(params.map((name) => [name, trial.distributions[name]!]));
      continue;
    }
    for (const [name, distribution] of found) {
      if (!distributionsEqual(distribution, trial.distributions[name]!)) {
        throw new InvalidArgumentError(
          `Parameter "${name}" has different distributions in different trials; importances ` +
            "of named parameters need one search space. Leave it out of params, or assess " +
            "trials with a single search space.",
        );
      }
    }
  }
  if (found === null) {
    throw new InvalidArgumentError(
      `No COMPLETE trial has all of the parameters ${JSON.stringify(params)}; name ` +
        "parameters that some completed trials share.",
    );
  }
  const space: SearchSpace = {};
  for (const name of [...found.keys()].sort()) space[name] = found.get(name)!;
  return space;
}

/** The COMPLETE trials that have every parameter in `names` and a finite target. */
export function usableTrials(
  study: StudySnapshot,
  names: readonly string[],
  target: ImportanceTarget | undefined,
): FrozenTrial[] {
  return completeTrials(study).filter(
    (trial) =>
      names.every((name) => trial.params[name] !== undefined) &&
      Number.isFinite(targetValue(trial, target)),
  );
}

/**
 * The parameters every trial has with the same distribution, ordered by name (the
 * intersection search space of the COMPLETE trials, single values included, as Optuna's
 * importance evaluators use it). Trials of one study usually share distribution objects, so
 * identity is checked before equality.
 */
function sharedSpace(trials: readonly FrozenTrial[]): SearchSpace {
  if (trials.length === 0) return {};
  const common = new Map(Object.entries(trials[0]!.distributions));
  for (let t = 1; t < trials.length && common.size > 0; t++) {
    const distributions = trials[t]!.distributions;
    for (const [name, distribution] of common) {
      const other = distributions[name];
      if (other === distribution) continue;
      if (other === undefined || !distributionsEqual(distribution, other)) common.delete(name);
    }
  }
  const space: SearchSpace = {};
  for (const name of [...common.keys()].sort()) space[name] = common.get(name)!;
  return space;
}
