import {
  checkDistributionCompatibility,
  type Distribution,
  type Params,
  type ParamValue,
  type SearchSpace,
  singleValue,
} from "../distributions/index.js";
import { InvalidArgumentError, UpdateFinishedTrialError } from "../errors/index.js";
import { checkJsonValue, checkName } from "../json/check.js";
import type { JsonValue } from "../json/python.js";
import { logger } from "../logging/index.js";
import type { Pruner } from "../pruners/pruner.js";
import type { Sampler } from "../samplers/sampler.js";
import { trackWrite } from "../storages/pending-writes.js";
import type { Storage, StoredParam, TrialUpdate } from "../storages/storage.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "./frozen.js";
import type { StudyDirection, TrialState } from "./state.js";
import { SuggestingTrial, type Trial } from "./trial.js";

/** The reports of a trial that has reported nothing (shared: views never change it). */
const NO_REPORTS: ReadonlyMap<number, number> = new Map();

/** What a live trial needs from its study. */
export interface TrialHost {
  readonly storage: Storage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly directions: readonly StudyDirection[];
  /** A fresh snapshot of the study. */
  snapshot(): Promise<StudySnapshot>;
  /**
   * The distribution of a parameter name in the study's other trials, if any: one suggested
   * in this process, else one found in `snapshot`. Suggestions are checked against it.
   */
  knownDistribution(name: string, snapshot: StudySnapshot): Distribution | undefined;
  /** Records the distribution of a name suggested in this process. */
  noteDistribution(name: string, distribution: Distribution): void;
}

/**
 * A trial running in this process. Suggestions are sampled synchronously from the snapshot
 * taken at start and checked at the call (names, compatibility with the study's other
 * trials, attribute values). What the trial is told is queued at once and written when the
 * caller's synchronous run ends (so what one run says is one write), in call order: stored
 * before anything the objective awaits on the event loop resumes it, and before
 * `storage.close()` ends (see pending-writes.ts). A failed write is logged and raised at the
 * trial's next `report`, `shouldPrune` or end.
 */
export class LiveTrial extends SuggestingTrial implements Trial {
  readonly number: number;
  readonly trialId: number;
  readonly datetimeStart: Date | null;
  private readonly host: TrialHost;
  private readonly snapshotAtStart: StudySnapshot;
  /** Every trial of the study at start (the sampler's snapshot may be a pruner's bracket). */
  private readonly wholeSnapshot: StudySnapshot;
  private readonly start: FrozenTrial;
  private readonly fixedParams: Params;
  private readonly relativeSpace: SearchSpace;
  private readonly relativeParams: Params;
  private readonly current: Params = {};
  private readonly currentDistributions: SearchSpace = {};
  private readonly attrs: Record<string, JsonValue>;
  private readonly intermediate = new Map<number, number>();
  private view: FrozenTrial | null = null;
  /** Copies in the last view of what changes seldom (attributes, reports); dropped on change. */
  private viewAttrs: Record<string, JsonValue> | null = null;
  private viewIntermediate: ReadonlyMap<number, number> | null = null;

  private pendingParams: Record<string, StoredParam> = {};
  private pendingIntermediate = new Map<number, number>();
  private pendingUserAttrs: Record<string, JsonValue> = {};
  private pendingSystemAttrs: Record<string, JsonValue> = {};
  private hasPending = false;
  /** A write that takes the pending changes when its turn comes is queued. */
  private scheduled = false;
  /** Every write, one after the other; never rejects (failures go to `writeError`). */
  private chain: Promise<void> = Promise.resolve();
  /** The first failed write not yet raised to the user. */
  private writeError: { error: unknown } | null = null;
  /** Created on first use of `signal`: an AbortController costs more than a whole trial. */
  private abort: AbortController | null = null;
  /** Set once the trial has ended (in this process or from outside). */
  finishedState: TrialState | null = null;

  constructor(host: TrialHost, start: FrozenTrial, snapshot: StudySnapshot) {
    super();
    this.host = host;
    this.start = start;
    this.number = start.number;
    this.trialId = start.trialId;
    this.datetimeStart = start.datetimeStart;
    this.wholeSnapshot = snapshot;
    this.snapshotAtStart = host.pruner.samplerSnapshot?.(snapshot, start) ?? snapshot;
    this.attrs = { ...start.userAttrs };
    Object.assign(this.current, start.params);
    Object.assign(this.currentDistributions, start.distributions);
    const fixed = start.systemAttrs["fixed_params"];
    this.fixedParams =
      fixed !== null && typeof fixed === "object" && !Array.isArray(fixed) ? (fixed as Params) : {};
    this.relativeSpace = host.sampler.inferRelativeSearchSpace(this.snapshotAtStart, start);
    this.relativeParams = host.sampler.sampleRelative(
      this.snapshotAtStart,
      start,
      this.relativeSpace,
    );
  }

  get params(): Readonly<Params> {
    return { ...this.current };
  }

  get distributions(): Readonly<SearchSpace> {
    return { ...this.currentDistributions };
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return structuredClone(this.attrs);
  }

  get signal(): AbortSignal {
    this.abort ??= new AbortController();
    if (this.finishedState !== null && !this.abort.signal.aborted) this.abort.abort();
    return this.abort.signal;
  }

  /** The trial as it is now, as samplers see it. */
  frozen(): FrozenTrial {
    if (this.view !== null) return this.view;
    // Copies by Object.assign, not spread: V8 freezes a spread copy (as FrozenTrial does) about
    // ten times slower.
    this.viewAttrs ??= Object.assign({}, this.attrs);
    this.viewIntermediate ??=
      this.intermediate.size === 0 ? NO_REPORTS : new Map(this.intermediate);
    this.view = this.start.with({
      params: Object.assign({}, this.current),
      distributions: Object.assign({}, this.currentDistributions),
      userAttrs: this.viewAttrs,
      intermediateValues: this.viewIntermediate,
    });
    return this.view;
  }

  private ensureRunning(action: string): void {
    if (this.finishedState !== null) {
      throw new UpdateFinishedTrialError(
        `Cannot ${action}: trial ${this.number} has already finished as ${this.finishedState}.`,
      );
    }
  }

  protected suggest(name: string, distribution: Distribution): unknown {
    this.ensureRunning(`suggest "${name}"`);
    const previous = this.currentDistributions[name];
    if (previous !== undefined) {
      checkDistributionCompatibility(name, previous, distribution);
      return this.current[name];
    }
    checkName("The parameter name", name);
    if (distribution.kind === "categorical") checkChoices(name, distribution.choices);
    // As Optuna's storages do when the suggestion is written: the name keeps one kind of
    // distribution across the study's trials.
    const known = this.host.knownDistribution(name, this.wholeSnapshot);
    if (known !== undefined) checkDistributionCompatibility(name, known, distribution);
    const value = this.pick(name, distribution);
    const internal = distribution.toInternalRepr(value);
    const external = distribution.toExternalRepr(internal);
    this.current[name] = external;
    this.currentDistributions[name] = distribution;
    this.host.noteDistribution(name, distribution);
    this.pendingParams[name] = { internal, distribution };
    this.changed();
    return external;
  }

  private pick(name: string, distribution: Distribution): ParamValue {
    if (name in this.fixedParams) {
      const value = this.fixedParams[name]!;
      if (!distribution.contains(distribution.toInternalRepr(value))) {
        logger.warn(
          `Fixed parameter "${name}" with value ${String(value)} is out of range for its distribution.`,
        );
      }
      return value;
    }
    if (distribution.single()) return singleValue(distribution);
    const relative = this.relativeSpace[name];
    if (relative !== undefined && name in this.relativeParams) {
      checkDistributionCompatibility(name, relative, distribution);
      const value = this.relativeParams[name]!;
      if (distribution.contains(distribution.toInternalRepr(value))) return value;
    }
    return this.host.sampler.sampleIndependent(
      this.snapshotAtStart,
      this.frozen(),
      name,
      distribution,
    );
  }

  /**
   * Something to write: queue a write at once, which takes what is pending when its turn comes
   * (a microtask later when no write is under way), so that what one synchronous run says is
   * one write.
   */
  private changed(): void {
    this.view = null;
    this.hasPending = true;
    if (this.scheduled) return;
    this.scheduled = true;
    trackWrite(
      this.host.storage,
      this.queueWrite(() => {
        this.scheduled = false;
        return this.takePending();
      }, true),
    );
  }

  private takePending(): TrialUpdate | null {
    if (!this.hasPending) return null;
    const update: TrialUpdate = {};
    if (Object.keys(this.pendingParams).length > 0) update.params = this.pendingParams;
    if (this.pendingIntermediate.size > 0) update.intermediateValues = this.pendingIntermediate;
    if (Object.keys(this.pendingUserAttrs).length > 0) update.userAttrs = this.pendingUserAttrs;
    if (Object.keys(this.pendingSystemAttrs).length > 0) {
      update.systemAttrs = this.pendingSystemAttrs;
    }
    this.pendingParams = {};
    this.pendingIntermediate = new Map();
    this.pendingUserAttrs = {};
    this.pendingSystemAttrs = {};
    this.hasPending = false;
    return update;
  }

  /**
   * Queues a write after the writes before it: `update`, or what is pending (taken now), or
   * what a function returns when the write's turn comes. The returned promise settles when it
   * is written and never rejects: a failure is kept for `raise`. A failed `background` write
   * (one nobody awaits) is also logged at once, so that it is seen even when the trial is
   * never awaited again.
   */
  private queueWrite(
    update: TrialUpdate | null | (() => TrialUpdate | null) = this.takePending(),
    background = false,
  ): Promise<void> {
    if (update === null) return this.chain;
    this.chain = this.chain
      .then(() => {
        const changes = typeof update === "function" ? update() : update;
        return changes === null ? undefined : this.host.storage.updateTrial(this.trialId, changes);
      })
      .catch((error: unknown) => {
        if (background) {
          logger.warn(
            `Could not store what trial ${this.number} was told: ${describeError(error)} ` +
              "(raised at the trial's next report, shouldPrune or end).",
          );
        }
        this.writeError ??= { error };
      });
    return this.chain;
  }

  /** Throws the first failed write not raised yet. */
  private raise(): void {
    const failed = this.writeError;
    if (failed !== null) {
      this.writeError = null;
      throw failed.error;
    }
  }

  /** Writes what is pending and waits for every queued write; throws one that failed. */
  async flush(): Promise<void> {
    await this.queueWrite();
    this.raise();
  }

  async report(value: number, step: number): Promise<void> {
    this.ensureRunning("report");
    if (this.host.directions.length > 1) {
      throw new InvalidArgumentError(
        "trial.report is not supported for multi-objective studies (pruning needs one objective).",
      );
    }
    if (typeof value !== "number") {
      throw new InvalidArgumentError(`report: value must be a number, got ${typeof value}.`);
    }
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new InvalidArgumentError(`report: step must be a non-negative integer, got ${step}.`);
    }
    if (this.intermediate.has(step)) {
      logger.warn(
        `The value reported at step ${step} of trial ${this.number} is ignored: that step was already reported.`,
      );
      return;
    }
    this.intermediate.set(step, value);
    this.pendingIntermediate.set(step, value);
    this.view = null;
    this.viewIntermediate = null;
    this.hasPending = true;
    await this.flush();
  }

  async shouldPrune(): Promise<boolean> {
    this.ensureRunning("check pruning");
    if (this.host.directions.length > 1) {
      throw new InvalidArgumentError(
        "trial.shouldPrune is not supported for multi-objective studies.",
      );
    }
    await this.flush();
    const snapshot = await this.host.snapshot();
    const self = snapshot.trials[this.number] ?? this.frozen();
    const current = self.trialId === this.trialId ? self : this.frozen();
    // What the pruner records (successive halving's rungs) is stored before the answer, as
    // Optuna writes it, so that the next decision of any worker sees it.
    const pruned = this.host.pruner.prune(snapshot, current, (key, value) =>
      this.setSystemAttr(key, value),
    );
    await this.flush();
    return pruned;
  }

  setUserAttr(key: string, value: JsonValue): void {
    this.ensureRunning("set a user attribute");
    checkName("setUserAttr: the key", key);
    const stored = checkJsonValue(`setUserAttr: user attribute ${JSON.stringify(key)}`, value);
    this.attrs[key] = stored;
    this.viewAttrs = null;
    this.pendingUserAttrs[key] = stored;
    this.changed();
  }

  /** Sets a system attribute (for samplers and integrations). */
  setSystemAttr(key: string, value: JsonValue): void {
    this.ensureRunning("set a system attribute");
    checkName("setSystemAttr: the key", key);
    this.pendingSystemAttrs[key] = checkJsonValue(
      `setSystemAttr: system attribute ${JSON.stringify(key)}`,
      value,
    );
    this.changed();
  }

  /**
   * Ends the trial: writes what is pending together with the final state and values.
   * Returns false (and writes nothing) when the trial had already ended.
   */
  async finish(
    state: TrialState,
    values: readonly number[] | null,
    systemAttrs?: Record<string, JsonValue>,
  ): Promise<boolean> {
    if (this.finishedState !== null) return false;
    this.finishedState = state;
    if (systemAttrs !== undefined) Object.assign(this.pendingSystemAttrs, systemAttrs);
    this.hasPending = true;
    const update = this.takePending() ?? {};
    update.state = state;
    update.values = values;
    try {
      await this.queueWrite(update);
      this.raise();
    } finally {
      this.abort?.abort();
    }
    return true;
  }

  /**
   * Gives the trial up without writing to it again: its heartbeats could not be recorded for
   * longer than the grace period, so other workers fail it as stale (and retry it). Aborts
   * `signal` with `reason`; pending writes are dropped and later calls throw.
   */
  abandon(reason: string): void {
    if (this.finishedState !== null) return;
    this.finishedState = "FAIL";
    this.takePending();
    this.abort ??= new AbortController();
    this.abort.abort(new Error(`Trial ${this.number} was given up: ${reason}.`));
  }

  /** Suggests a parameter from a distribution object (as `ask(fixedDistributions)` needs). */
  suggestDistribution(name: string, distribution: Distribution): unknown {
    return this.suggest(name, distribution);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Categorical string choices are stored in the distribution's JSON: they must be valid text. */
function checkChoices(name: string, choices: readonly unknown[]): void {
  for (const choice of choices) {
    if (typeof choice === "string") {
      checkJsonValue(`suggestCategorical(${JSON.stringify(name)}): a choice`, choice);
    }
  }
}
