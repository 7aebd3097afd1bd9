import type { Distribution, Params, SearchSpace } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import type { JsonValue } from "../json/python.js";
import { isFinished, TrialState } from "./state.js";

/** Attribute key → JSON value. */
export type Attributes = Readonly<Record<string, JsonValue>>;

/** Everything a `FrozenTrial` is made of. */
export interface FrozenTrialInit {
  number: number;
  trialId: number;
  state: TrialState;
  values: readonly number[] | null;
  datetimeStart: Date | null;
  datetimeComplete: Date | null;
  params: Params;
  distributions: SearchSpace;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  intermediateValues: ReadonlyMap<number, number>;
}

/** An immutable record of a trial, as stored (Optuna's FrozenTrial). */
export class FrozenTrial {
  /** 0-based position of the trial in its study. */
  readonly number: number;
  /** Storage-wide id. */
  readonly trialId: number;
  readonly state: TrialState;
  /** Objective values (one per direction) of a COMPLETE trial; null otherwise (PRUNED may hold one). */
  readonly values: readonly number[] | null;
  readonly datetimeStart: Date | null;
  readonly datetimeComplete: Date | null;
  readonly params: Readonly<Params>;
  readonly distributions: Readonly<SearchSpace>;
  readonly userAttrs: Attributes;
  readonly systemAttrs: Attributes;
  /** step → reported value, in ascending step order. */
  readonly intermediateValues: ReadonlyMap<number, number>;

  constructor(init: FrozenTrialInit) {
    this.number = init.number;
    this.trialId = init.trialId;
    this.state = init.state;
    this.values =
      init.values === null || Object.isFrozen(init.values)
        ? init.values
        : Object.freeze([...init.values]);
    this.datetimeStart = init.datetimeStart;
    this.datetimeComplete = init.datetimeComplete;
    this.params = Object.freeze(init.params);
    this.distributions = Object.freeze(init.distributions);
    this.userAttrs = Object.freeze(init.userAttrs);
    this.systemAttrs = Object.freeze(init.systemAttrs);
    this.intermediateValues = init.intermediateValues;
    Object.freeze(this);
  }

  /** The single objective value; throws for a multi-objective trial. */
  get value(): number | null {
    if (this.values === null) return null;
    if (this.values.length !== 1) {
      throw new InvalidArgumentError(
        `Trial ${this.number} has ${this.values.length} values; use .values for several objectives.`,
      );
    }
    return this.values[0]!;
  }

  /** Milliseconds between start and completion, or null while unfinished. */
  get duration(): number | null {
    if (this.datetimeStart === null || this.datetimeComplete === null) return null;
    return this.datetimeComplete.getTime() - this.datetimeStart.getTime();
  }

  /** The largest reported step, or null when nothing was reported. */
  get lastStep(): number | null {
    let last: number | null = null;
    for (const step of this.intermediateValues.keys())
      if (last === null || step > last) last = step;
    return last;
  }

  /** A copy with some fields replaced (unchanged fields are shared: they are frozen). */
  with(changes: Partial<FrozenTrialInit>): FrozenTrial {
    return new FrozenTrial({
      number: this.number,
      trialId: this.trialId,
      state: this.state,
      values: this.values,
      datetimeStart: this.datetimeStart,
      datetimeComplete: this.datetimeComplete,
      params: this.params as Params,
      distributions: this.distributions as SearchSpace,
      userAttrs: this.userAttrs as Record<string, JsonValue>,
      systemAttrs: this.systemAttrs as Record<string, JsonValue>,
      intermediateValues: this.intermediateValues,
      ...changes,
    });
  }
}

/** What `createTrial` takes to build a trial for `study.addTrial` (Optuna's create_trial). */
export interface CreateTrialOptions {
  state?: TrialState;
  value?: number;
  values?: readonly number[];
  params?: Params;
  distributions?: SearchSpace;
  userAttrs?: Record<string, JsonValue>;
  systemAttrs?: Record<string, JsonValue>;
  intermediateValues?: ReadonlyMap<number, number> | Record<number, number>;
  datetimeStart?: Date;
  datetimeComplete?: Date;
}

/**
 * Builds a validated trial to add to a study with `study.addTrial` (e.g. results of runs made
 * before the study existed). Defaults to COMPLETE; start and completion times default to now.
 */
export function createTrial(options: CreateTrialOptions): FrozenTrial {
  const state = options.state ?? TrialState.COMPLETE;
  if (options.value !== undefined && options.values !== undefined) {
    throw new InvalidArgumentError("createTrial: give either value or values, not both.");
  }
  const values =
    options.values !== undefined
      ? [...options.values]
      : options.value !== undefined
        ? [options.value]
        : null;
  const params = options.params ?? {};
  const distributions = options.distributions ?? {};
  const names = new Set([...Object.keys(params), ...Object.keys(distributions)]);
  for (const name of names) {
    const distribution: Distribution | undefined = distributions[name];
    if (!(name in params) || distribution === undefined) {
      throw new InvalidArgumentError(
        `createTrial: parameter "${name}" needs both a value in params and a distribution.`,
      );
    }
    const internal = distribution.toInternalRepr(params[name]);
    if (!distribution.contains(internal)) {
      throw new InvalidArgumentError(
        `createTrial: value ${String(params[name])} of "${name}" is outside its distribution.`,
      );
    }
  }
  if (state === TrialState.COMPLETE && values === null) {
    throw new InvalidArgumentError("createTrial: a COMPLETE trial needs value or values.");
  }
  if (state !== TrialState.COMPLETE && state !== TrialState.PRUNED && values !== null) {
    throw new InvalidArgumentError(`createTrial: a ${state} trial cannot have values.`);
  }
  if (values?.some((v) => Number.isNaN(v))) {
    throw new InvalidArgumentError("createTrial: values must not be NaN.");
  }
  const now = new Date();
  const intermediate =
    options.intermediateValues instanceof Map
      ? new Map(options.intermediateValues)
      : new Map(Object.entries(options.intermediateValues ?? {}).map(([k, v]) => [Number(k), v]));
  return new FrozenTrial({
    number: -1,
    trialId: -1,
    state,
    values,
    datetimeStart: state === TrialState.WAITING ? null : (options.datetimeStart ?? now),
    datetimeComplete: isFinished(state) ? (options.datetimeComplete ?? now) : null,
    params: { ...params },
    distributions: { ...distributions },
    userAttrs: { ...(options.userAttrs ?? {}) },
    systemAttrs: { ...(options.systemAttrs ?? {}) },
    intermediateValues: new Map([...intermediate].sort((a, b) => a[0] - b[0])),
  });
}
