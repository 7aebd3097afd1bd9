/**
 * What the server holds between requests: the studies it has opened (with their samplers and
 * pruners), the trials it started for remote workers, and the trials a command runner lent
 * to its child processes (leases, each with its own token).
 */
import { InvalidArgumentError, NotFoundError } from "../errors/index.js";
import { failStaleTrials, heartbeatEnabled } from "../storages/heartbeat.js";
import type { Storage } from "../storages/storage.js";
import { createStudy, loadStudy } from "../study/create.js";
import type { Study } from "../study/study.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { LiveTrial } from "../trial/live-trial.js";
import { isFinished, type StudyDirection, TrialState } from "../trial/state.js";
import type { Trial } from "../trial/trial.js";
import { randomToken, tokenDigest } from "./auth.js";
import { finished, HttpError, notFound } from "./errors.js";
import { prunerByName, samplerByName } from "./study-config.js";

/** How a trial told through the API ended. */
export interface TellOutcome {
  state: "COMPLETE" | "PRUNED" | "FAIL";
  values: number[] | null;
}

/** What a command runner hears about the trial it lent to a child process. */
export interface LeaseHooks {
  /** After the child's report was stored. */
  onReport?: (value: number, step: number) => void;
  /** After each pruning decision sent to the child. */
  onShouldPrune?: (prune: boolean) => void;
  /** When the child told the trial's result (the trial is not finished in storage). */
  onTell?: (outcome: TellOutcome) => void;
}

/** A trial lent to one child process: its token, and the environment the child gets. */
export interface TrialLease {
  /** Opens only this trial's routes. */
  readonly token: string;
  /** SKIPJACK_API_URL, SKIPJACK_API_TOKEN, SKIPJACK_STUDY_NAME, SKIPJACK_TRIAL_NUMBER. */
  readonly env: Readonly<Record<string, string>>;
  /** What the child told, if it did. */
  told(): TellOutcome | undefined;
  /** Ends the lease: its token is refused from now on. */
  release(): void;
}

/** Study configuration sent by a client (names as `samplerByName`/`prunerByName` take them). */
export interface StudyConfig {
  directions?: readonly StudyDirection[];
  sampler?: string;
  samplerKwargs?: Record<string, unknown>;
  pruner?: string;
  prunerKwargs?: Record<string, unknown>;
  loadIfExists?: boolean;
}

/** A trial the server answers for. */
export interface HeldTrial {
  readonly study: Study;
  readonly trial: Trial;
  /** Set when the trial was lent by a runner. */
  readonly lease?: LeaseState;
}

interface LeaseState {
  readonly token: string;
  /** The token's digest, computed once (requests are checked against it). */
  readonly digest: Buffer;
  readonly hooks: LeaseHooks;
  outcome: TellOutcome | undefined;
  released: boolean;
}

function key(study: string, number: number): string {
  return `${number}\u0000${study}`;
}

export class Registry {
  private readonly studies = new Map<string, Promise<Study>>();
  private readonly held = new Map<string, Promise<HeldTrial>>();
  private readonly leases = new Map<string, HeldTrial & { lease: LeaseState }>();

  constructor(
    readonly storage: Storage,
    served: readonly Study[] = [],
  ) {
    for (const study of served) this.studies.set(study.studyName, Promise.resolve(study));
  }

  /** Opens (or creates) a study, with the sampler and pruner a client asked for. */
  async configureStudy(name: string, config: StudyConfig): Promise<Study> {
    const sampler =
      config.sampler === undefined
        ? undefined
        : await samplerByName(config.sampler, config.samplerKwargs);
    const pruner =
      config.pruner === undefined
        ? undefined
        : await prunerByName(config.pruner, config.prunerKwargs);
    if (config.sampler === undefined && config.samplerKwargs !== undefined) {
      throw new InvalidArgumentError(
        "sampler_kwargs is set without sampler: name the sampler too.",
      );
    }
    if (config.pruner === undefined && config.prunerKwargs !== undefined) {
      throw new InvalidArgumentError("pruner_kwargs is set without pruner: name the pruner too.");
    }
    const previous = this.studies.get(name);
    // A study opened before keeps its sampler unless the client names another one.
    if (previous !== undefined && sampler === undefined && pruner === undefined) {
      const known = await previous.catch(() => undefined);
      if (known !== undefined && config.loadIfExists !== false) {
        if (
          config.directions !== undefined &&
          config.directions.join() !== known.directions.join()
        ) {
          throw new InvalidArgumentError(
            `Study "${name}" exists with directions [${known.directions.join(", ")}], not [${config.directions.join(", ")}].`,
          );
        }
        return known;
      }
    }
    const chosen = {
      ...(sampler === undefined ? {} : { sampler }),
      ...(pruner === undefined ? {} : { pruner }),
    };
    const opening = (async () => {
      // An existing study keeps its directions when none were given.
      if (config.directions === undefined && config.loadIfExists !== false) {
        try {
          return await loadStudy({ storage: this.storage, studyName: name, ...chosen });
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
      }
      return createStudy({
        storage: this.storage,
        studyName: name,
        ...(config.directions === undefined ? {} : { directions: config.directions }),
        loadIfExists: config.loadIfExists ?? true,
        ...chosen,
      });
    })();
    this.studies.set(name, opening);
    try {
      return await opening;
    } catch (error) {
      if (this.studies.get(name) === opening) this.studies.delete(name);
      throw error;
    }
  }

  /** The study of this name (loaded with its default sampler on first use); 404 when none. */
  async study(name: string): Promise<Study> {
    const cached = this.studies.get(name);
    if (cached !== undefined) return cached;
    const loading = loadStudy({ storage: this.storage, studyName: name }).catch(
      (error: unknown) => {
        this.studies.delete(name);
        if (error instanceof NotFoundError) {
          throw notFound(
            `No study named ${JSON.stringify(name)}: create it first with POST /api/v1/studies.`,
          );
        }
        throw error;
      },
    );
    this.studies.set(name, loading);
    return loading;
  }

  /** Starts a trial for a remote worker; null when the sampler has nothing left. */
  async ask(study: Study, space: Parameters<Study["startTrial"]>[0]): Promise<HeldTrial | null> {
    const heartbeat = heartbeatEnabled(this.storage);
    if (heartbeat) {
      // Trials of workers that went silent end FAIL here; this server lets go of them.
      for (const stale of await failStaleTrials(study))
        this.held.delete(key(study.studyName, stale.number));
    }
    const trial = await study.startTrial(space, heartbeat ? { heartbeat: true } : {});
    if (trial === null) return null;
    const held: HeldTrial = { study, trial };
    this.held.set(key(study.studyName, trial.number), Promise.resolve(held));
    return held;
  }

  /** The lease on a trial, when a runner lent it (for per-trial tokens). */
  lease(study: string, number: number): { token: string; digest: Buffer } | undefined {
    const lent = this.leases.get(key(study, number));
    return lent === undefined || lent.lease.released ? undefined : lent.lease;
  }

  /**
   * The trial a request names, to change it: a lent one, one this server started, or a
   * RUNNING one of the storage (started by another server) taken up here. 404 when there is
   * no such trial, 409 when it finished.
   */
  async running(studyName: string, number: number): Promise<HeldTrial> {
    const k = key(studyName, number);
    const lent = this.leases.get(k);
    if (lent !== undefined && !lent.lease.released) {
      if (lent.lease.outcome !== undefined) {
        throw finished(
          `Trial ${number} of study ${JSON.stringify(studyName)} was already told (${lent.lease.outcome.state}); it takes no more calls.`,
        );
      }
      return lent;
    }
    let holding = this.held.get(k);
    if (holding === undefined) {
      holding = this.takeUp(studyName, number);
      this.held.set(k, holding);
      holding.catch(() => this.held.delete(k));
    }
    const held = await holding;
    const state = (held.trial as LiveTrial).finishedState;
    if (state !== null && state !== undefined) {
      this.held.delete(k);
      throw finished(
        `Trial ${number} of study ${JSON.stringify(studyName)} is already ${state}: ask for a new trial.`,
      );
    }
    return held;
  }

  /** A RUNNING trial of the storage, held from now on by this server. */
  private async takeUp(studyName: string, number: number): Promise<HeldTrial> {
    const study = await this.study(studyName);
    const stored = await this.stored(study, number);
    if (isFinished(stored.state)) {
      throw finished(
        `Trial ${number} of study ${JSON.stringify(studyName)} is already ${stored.state}: ask for a new trial.`,
      );
    }
    if (stored.state !== TrialState.RUNNING) {
      throw new HttpError(
        409,
        "trial_not_running",
        `Trial ${number} of study ${JSON.stringify(studyName)} is ${stored.state}: ask for a trial to start it.`,
      );
    }
    return { study, trial: new LiveTrial(study, stored, await study.snapshot()) };
  }

  /** The stored record of a trial by number; 404 when there is none. */
  async stored(study: Study, number: number): Promise<FrozenTrial> {
    const trials = await this.storage.getAllTrials(study.studyId);
    const found = trials[number];
    if (found === undefined || found.number !== number) {
      throw notFound(
        `Study ${JSON.stringify(study.studyName)} has no trial number ${number} (it has ${trials.length} trials).`,
      );
    }
    return found;
  }

  /** The trial as a reader sees it: held here (with what is not yet stored) or stored. */
  async frozen(studyName: string, number: number): Promise<FrozenTrial> {
    const k = key(studyName, number);
    const lent = this.leases.get(k);
    const held = lent ?? (await this.held.get(k)?.catch(() => undefined));
    if (
      held !== undefined &&
      held.trial instanceof LiveTrial &&
      held.trial.finishedState === null
    ) {
      return held.trial.frozen();
    }
    return this.stored(await this.study(studyName), number);
  }

  /** Forgets a trial this server started (after it was told). */
  drop(studyName: string, number: number): void {
    this.held.delete(key(studyName, number));
  }

  /** Records what a child told a lent trial and tells its runner. */
  told(held: HeldTrial, outcome: TellOutcome): void {
    if (held.lease === undefined) return;
    held.lease.outcome = outcome;
    held.lease.hooks.onTell?.(outcome);
  }

  /** Lends a trial started by a runner to one child process. */
  lend(study: Study, trial: Trial, hooks: LeaseHooks, url: string): TrialLease {
    const k = key(study.studyName, trial.number);
    const token = randomToken();
    const state: LeaseState = {
      token,
      digest: tokenDigest(token),
      hooks,
      outcome: undefined,
      released: false,
    };
    const held = { study, trial, lease: state };
    this.leases.set(k, held);
    if (!this.studies.has(study.studyName)) {
      this.studies.set(study.studyName, Promise.resolve(study));
    }
    return {
      token: state.token,
      env: {
        SKIPJACK_API_URL: url,
        SKIPJACK_API_TOKEN: state.token,
        SKIPJACK_STUDY_NAME: study.studyName,
        SKIPJACK_TRIAL_NUMBER: String(trial.number),
      },
      told: () => state.outcome,
      release: () => {
        state.released = true;
        if (this.leases.get(k) === held) this.leases.delete(k);
      },
    };
  }

  /** Ends every lease (the server is closing). */
  releaseAll(): void {
    for (const held of this.leases.values()) held.lease.released = true;
    this.leases.clear();
  }
}
