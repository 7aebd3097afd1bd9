import type { Distribution, Params, ParamValue, SearchSpace } from "../distributions/index.js";
import { InvalidArgumentError, NotFoundError } from "../errors/index.js";
import { checkAttrs, checkJsonValue, checkName } from "../json/check.js";
import type { JsonValue } from "../json/python.js";
import { logger } from "../logging/index.js";
import type { Pruner } from "../pruners/pruner.js";
import type { Sampler } from "../samplers/sampler.js";
import type { Storage, StoredParam } from "../storages/storage.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { LiveTrial, type TrialHost } from "../trial/live-trial.js";
import { isFinished, type StudyDirection, TrialState } from "../trial/state.js";
import type { Trial } from "../trial/trial.js";
import { bestOf, paretoFront, singleDirection } from "./best.js";
import { type ExportFormat, exportTrials, type TrialRow, trialsToRows } from "./export.js";
import { type Objective, type OptimizeOptions, optimize } from "./optimize.js";
import { makeSnapshot, type StudySnapshot } from "./snapshot.js";
import { checkValues, prunedValues } from "./tell.js";

/** What `tell` accepts besides a bare value list. */
export interface TellOptions {
  values?: number | readonly number[];
  state?: TrialState;
  /** Do nothing (instead of throwing) when the trial already finished. */
  skipIfFinished?: boolean;
}

/** Options of `enqueueTrial`. */
export interface EnqueueOptions {
  userAttrs?: Record<string, JsonValue>;
  /** Skip when a trial with the same parameters is already waiting, running or finished. */
  skipIfExists?: boolean;
}

/** @internal How `optimize` starts a trial (see `Study.startTrial`). */
export interface StartTrialOptions {
  /** Record the trial's first heartbeat with it (the storage's heartbeats on). */
  heartbeat?: boolean;
  /** Called as soon as the trial exists, before sampling (optimize starts its heartbeat). */
  onCreated?: (trialId: number) => void;
}

/**
 * A study: an optimization task made of trials, stored in a `Storage`.
 * Create one with `createStudy` or `loadStudy`.
 */
export class Study implements TrialHost {
  readonly studyName: string;
  readonly studyId: number;
  readonly storage: Storage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly directions: readonly StudyDirection[];
  private stopRequested = false;
  private readonly live = new Map<number, LiveTrial>();
  /** A distribution per parameter name suggested in this process (for the suggest-time check). */
  private readonly suggested = new Map<string, Distribution>();

  /** @internal Use `createStudy` or `loadStudy`. */
  constructor(init: {
    studyName: string;
    studyId: number;
    storage: Storage;
    sampler: Sampler;
    pruner: Pruner;
    directions: readonly StudyDirection[];
  }) {
    this.studyName = init.studyName;
    this.studyId = init.studyId;
    this.storage = init.storage;
    this.sampler = init.sampler;
    this.pruner = init.pruner;
    this.directions = init.directions;
  }

  /** The direction of a single-objective study. */
  get direction(): StudyDirection {
    return singleDirection(this.directions, "study.direction");
  }

  /** Runs the objective on new trials until `nTrials`, `timeout`, `stop()` or Ctrl-C. */
  optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    return optimize(this, objective, options);
  }

  /** Asks the study to start no new trial; running ones finish. */
  stop(): void {
    this.stopRequested = true;
  }

  /** @internal Whether `stop()` was called; reading resets nothing. */
  get stopped(): boolean {
    return this.stopRequested;
  }

  /** @internal Clears a previous `stop()` when a new `optimize` starts. */
  resetStop(): void {
    this.stopRequested = false;
  }

  /** A snapshot of all trials now, as samplers and pruners see it. */
  async snapshot(): Promise<StudySnapshot> {
    const trials = await this.storage.getAllTrials(this.studyId);
    return makeSnapshot(this.studyName, this.directions, trials);
  }

  /** @internal The distribution `name` has in other trials: suggested here, else in `snapshot`. */
  knownDistribution(name: string, snapshot: StudySnapshot): Distribution | undefined {
    const mine = this.suggested.get(name);
    if (mine !== undefined) return mine;
    // Newest first: a name of the study is usually in the last trials.
    const trials = snapshot.trials;
    for (let i = trials.length - 1; i >= 0; i--) {
      const found = trials[i]!.distributions[name];
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** @internal Records the distribution of a name suggested in this process. */
  noteDistribution(name: string, distribution: Distribution): void {
    if (!this.suggested.has(name)) this.suggested.set(name, distribution);
  }

  /**
   * Starts a trial: an enqueued (WAITING) one if any, else a new one. With
   * `fixedDistributions`, those parameters are sampled at once (Optuna's `ask(fixed_distributions)`).
   * Returns null when the sampler has nothing left to try (e.g. an exhausted grid).
   */
  async startTrial(
    fixedDistributions?: SearchSpace,
    options: StartTrialOptions = {},
  ): Promise<LiveTrial | null> {
    const heartbeat = options.heartbeat === true ? { heartbeat: true } : {};
    let frozen = await this.storage.popWaitingTrial(this.studyId, heartbeat);
    if (frozen === null) {
      const reservation = this.sampler.reserveTrial
        ? await this.sampler.reserveTrial(this)
        : undefined;
      if (reservation === null) return null;
      frozen = await this.storage.createNewTrial(this.studyId, {
        systemAttrs: reservation?.systemAttrs ?? {},
        ...heartbeat,
      });
    }
    options.onCreated?.(frozen.trialId);
    if (this.sampler.beforeTrial !== undefined) {
      await this.sampler.beforeTrial(this, frozen);
      frozen = await this.storage.getTrial(frozen.trialId);
    }
    const trial = new LiveTrial(this, frozen, await this.snapshot());
    this.live.set(trial.number, trial);
    for (const [name, distribution] of Object.entries(fixedDistributions ?? {})) {
      trial.suggestDistribution(name, distribution);
    }
    return trial;
  }

  /** Creates a trial to evaluate outside `optimize`; finish it with `tell`. */
  async ask(fixedDistributions?: SearchSpace): Promise<Trial> {
    const trial = await this.startTrial(fixedDistributions);
    if (trial === null) {
      throw new InvalidArgumentError(
        "The sampler has nothing left to sample (e.g. every grid point was tried).",
      );
    }
    return trial;
  }

  /**
   * Finishes a trial started by `ask`: values complete it; a state (PRUNED, FAIL) ends it so.
   * NaN, a wrong number of values or no result at all (`tell(trial)`) marks it FAIL with the
   * reason, as Optuna does; an explicit `state: COMPLETE` without valid values is refused.
   */
  async tell(
    trial: Trial | number,
    result?: number | readonly number[] | TrialState | TellOptions,
  ): Promise<FrozenTrial> {
    const options: TellOptions =
      result === undefined
        ? {}
        : typeof result === "number" || Array.isArray(result)
          ? { values: result as number | number[] }
          : typeof result === "string"
            ? { state: result }
            : (result as TellOptions);
    const number = typeof trial === "number" ? trial : trial.number;
    const live = this.live.get(number);
    const stored =
      live !== undefined
        ? await this.storage.getTrial(live.trialId)
        : this.storage.getTrialByNumber !== undefined
          ? ((await this.storage.getTrialByNumber(this.studyId, number)) ?? undefined)
          : (await this.storage.getAllTrials(this.studyId))[number];
    if (stored === undefined) {
      throw new NotFoundError(`Study "${this.studyName}" has no trial number ${number}.`);
    }
    if (isFinished(stored.state)) {
      if (options.skipIfFinished) return stored;
      throw new InvalidArgumentError(
        `Trial ${number} is already ${stored.state}; pass skipIfFinished: true to ignore this.`,
      );
    }
    const state = options.state;
    if (
      state !== undefined &&
      state !== TrialState.COMPLETE &&
      state !== TrialState.PRUNED &&
      state !== TrialState.FAIL
    ) {
      throw new InvalidArgumentError(`tell: state must be COMPLETE, PRUNED or FAIL, not ${state}.`);
    }
    let values: number[] | null = null;
    let finalState: TrialState = state ?? TrialState.COMPLETE;
    let reason: string | undefined;
    if (state === undefined || state === TrialState.COMPLETE) {
      const outcome =
        options.values === undefined
          ? { ok: false as const, reason: "tell was given no values." }
          : checkValues(options.values, this.directions.length);
      if (outcome.ok) values = outcome.values;
      else if (state === TrialState.COMPLETE) {
        // Optuna refuses an explicit COMPLETE it cannot store, and the trial stays RUNNING.
        throw new InvalidArgumentError(
          `tell: a COMPLETE trial needs values, one number per objective: ${outcome.reason} ` +
            "Pass them, or leave the state out to mark the trial FAIL.",
        );
      } else {
        finalState = TrialState.FAIL;
        reason = outcome.reason;
      }
    } else if (options.values !== undefined) {
      throw new InvalidArgumentError(`tell: a ${state} trial takes no values.`);
    }
    return this.finishTrial(number, stored, finalState, values, reason);
  }

  /** @internal Ends a trial (live in this process or not) and runs the sampler's hook. */
  async finishTrial(
    number: number,
    stored: FrozenTrial,
    state: TrialState,
    values: number[] | null,
    failReason?: string,
  ): Promise<FrozenTrial> {
    const live = this.live.get(number);
    if (live !== undefined) {
      try {
        await live.flush();
      } catch (error) {
        // Something the trial was told could not be stored: it must not end as if it had been.
        // It ends FAIL with the reason, and the error goes on to the caller.
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        await this.finishTrial(number, stored, TrialState.FAIL, null, why).catch(
          (failure: unknown) => {
            logger.warn(`Trial ${number} could not be marked FAIL: ${String(failure)}`);
          },
        );
        throw error;
      }
    }
    this.live.delete(number);
    // The trial as stored, with all it was told: read only when something looks at it.
    const needsCurrent = state === TrialState.PRUNED || this.sampler.afterTrial !== undefined;
    const current =
      live === undefined || !needsCurrent ? stored : await this.storage.getTrial(stored.trialId);
    const finalValues =
      state === TrialState.PRUNED ? prunedValues(current, this.directions.length) : values;
    if (this.sampler.afterTrial !== undefined) {
      await this.sampler.afterTrial(this, current, state, finalValues);
    }
    const systemAttrs = failReason !== undefined ? { fail_reason: failReason } : undefined;
    if (live !== undefined) {
      if (!(await live.finish(state, finalValues, systemAttrs))) {
        return this.storage.getTrial(stored.trialId);
      }
    } else {
      await this.storage.updateTrial(stored.trialId, {
        state,
        values: finalValues,
        ...(systemAttrs !== undefined ? { systemAttrs } : {}),
      });
    }
    if (failReason !== undefined) {
      logger.warn(`Trial ${number} failed because of the following error: ${failReason}`);
    }
    return this.storage.getTrial(stored.trialId);
  }

  /** @internal Forgets a trial this process will not finish (given up, or failed elsewhere). */
  forgetTrial(trial: LiveTrial): void {
    if (this.live.get(trial.number) === trial) this.live.delete(trial.number);
  }

  /** @internal Ends a running trial of this process as FAIL from outside (e.g. Ctrl-C). */
  async interruptTrial(trial: LiveTrial, reason: string): Promise<void> {
    this.live.delete(trial.number);
    await trial.finish(TrialState.FAIL, null, { fail_reason: reason });
  }

  /**
   * Queues a trial with fixed parameter values; the next trial to start takes it.
   * Parameters not given are sampled as usual.
   */
  async enqueueTrial(params: Params, options: EnqueueOptions = {}): Promise<void> {
    for (const name of Object.keys(params)) checkName("enqueueTrial: the parameter name", name);
    const fixed = checkJsonValue("enqueueTrial: the parameters", params);
    const userAttrs = checkAttrs("enqueueTrial: user attribute", options.userAttrs ?? {});
    if (options.skipIfExists) {
      const trials = await this.storage.getAllTrials(this.studyId);
      const same = trials.some((t) => {
        const fixed = t.systemAttrs["fixed_params"];
        const existing =
          t.state === TrialState.WAITING && fixed !== null && typeof fixed === "object"
            ? (fixed as Params)
            : t.params;
        const keys = Object.keys(params);
        return (
          keys.length === Object.keys(existing).length &&
          keys.every((k) => k in existing && existing[k] === params[k])
        );
      });
      if (same) {
        logger.info(`Trial with params ${JSON.stringify(params)} already exists; not enqueued.`);
        return;
      }
    }
    await this.storage.createNewTrial(this.studyId, {
      state: TrialState.WAITING,
      systemAttrs: { fixed_params: fixed },
      userAttrs,
    });
  }

  /** Adds a finished (or WAITING) trial made with `createTrial`, e.g. from earlier runs. */
  async addTrial(trial: FrozenTrial): Promise<void> {
    if (trial.state === TrialState.RUNNING) {
      throw new InvalidArgumentError("addTrial: a RUNNING trial cannot be added; finish it first.");
    }
    if (trial.state === TrialState.COMPLETE && trial.values?.length !== this.directions.length) {
      throw new InvalidArgumentError(
        `addTrial: the trial has ${trial.values?.length ?? 0} values but the study has ${this.directions.length} objectives.`,
      );
    }
    const params: Record<string, StoredParam> = {};
    for (const [name, distribution] of Object.entries(trial.distributions)) {
      checkName("addTrial: the parameter name", name);
      params[name] = { internal: distribution.toInternalRepr(trial.params[name]), distribution };
    }
    const userAttrs = checkAttrs("addTrial: user attribute", trial.userAttrs);
    const systemAttrs = checkAttrs("addTrial: system attribute", trial.systemAttrs);
    await this.storage.createNewTrial(this.studyId, {
      state: trial.state,
      values: trial.values,
      datetimeStart: trial.datetimeStart,
      datetimeComplete: trial.datetimeComplete,
      params,
      userAttrs,
      systemAttrs,
      intermediateValues: trial.intermediateValues,
    });
  }

  /** Adds several trials. */
  async addTrials(trials: readonly FrozenTrial[]): Promise<void> {
    for (const trial of trials) await this.addTrial(trial);
  }

  /** All trials, or those in some states, ordered by number. */
  getTrials(options: { states?: readonly TrialState[] } = {}): Promise<readonly FrozenTrial[]> {
    return this.storage.getAllTrials(this.studyId, options);
  }

  /** All trials, ordered by number (Optuna's `study.trials`). */
  trials(): Promise<readonly FrozenTrial[]> {
    return this.storage.getAllTrials(this.studyId);
  }

  /** The best COMPLETE trial of a single-objective study; throws when none completed. */
  async bestTrial(): Promise<FrozenTrial> {
    const direction = singleDirection(this.directions, "bestTrial");
    const best = bestOf(await this.storage.getAllTrials(this.studyId), direction);
    if (best === null) {
      throw new NotFoundError(`Study "${this.studyName}" has no COMPLETE trial yet.`);
    }
    return best;
  }

  /** The best objective value of a single-objective study. */
  async bestValue(): Promise<number> {
    return (await this.bestTrial()).values![0]!;
  }

  /** The parameters of the best trial. */
  async bestParams(): Promise<Readonly<Record<string, ParamValue>>> {
    return (await this.bestTrial()).params;
  }

  /** The Pareto-optimal COMPLETE trials (for one objective: the trials tied for best). */
  async bestTrials(): Promise<FrozenTrial[]> {
    return paretoFront(await this.storage.getAllTrials(this.studyId), this.directions);
  }

  userAttrs(): Promise<Readonly<Record<string, JsonValue>>> {
    return this.storage.getStudyUserAttrs(this.studyId);
  }

  /** Sets a study user attribute; the key and value are checked at the call (see `Trial.setUserAttr`). */
  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    checkName("study.setUserAttr: the key", key);
    const stored = checkJsonValue(
      `study.setUserAttr: user attribute ${JSON.stringify(key)}`,
      value,
    );
    await this.storage.setStudyUserAttr(this.studyId, key, stored);
  }

  systemAttrs(): Promise<Readonly<Record<string, JsonValue>>> {
    return this.storage.getStudySystemAttrs(this.studyId);
  }

  async setSystemAttr(key: string, value: JsonValue): Promise<void> {
    checkName("study.setSystemAttr: the key", key);
    const stored = checkJsonValue(
      `study.setSystemAttr: system attribute ${JSON.stringify(key)}`,
      value,
    );
    await this.storage.setStudySystemAttr(this.studyId, key, stored);
  }

  /** Trials as flat rows (Optuna's `trials_dataframe` columns: `params_x`, `user_attrs_k`...). */
  async trialsDataframe(): Promise<TrialRow[]> {
    return trialsToRows(await this.trials(), this.directions.length);
  }

  /** Trials as CSV or JSON text. */
  async exportTrials(format: ExportFormat): Promise<string> {
    return exportTrials(await this.trialsDataframe(), format);
  }
}
