/**
 * The dashboard's cache of one study's trials, kept as pre-serialized JSON rows so that a
 * whole study answers by joining strings and a poll answers with only what changed.
 *
 * Finished trials (COMPLETE, PRUNED, FAIL) never change again (the Storage contract), so a
 * row made from a finished trial is final: a refresh rebuilds rows only for trials that were
 * unfinished or are new, and the SQL storages themselves re-read only those from the
 * database (their own cache of finished trials). Each refresh that changes anything bumps
 * the study's version; each row remembers the version that last changed it, which is what
 * the `after=` cursor compares against.
 */
import { randomBytes } from "node:crypto";
import type { Distribution } from "../../distributions/index.js";
import type { Storage } from "../../storages/storage.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { isFinished, type StudyDirection, type TrialState } from "../../trial/state.js";
import type { BestTrial, DistributionJson, StateCounts } from "./api-types.js";
import { distributionJson, nums, type ParamColumns, trialRow } from "./encode.js";
import { StudyStats } from "./study-stats.js";

/** What `TrialCache.since` answers: the rows to send and the cursor to come back with. */
export interface TrialDelta {
  cursor: string;
  /** Every trial (the client replaces what it has), or only changed ones (it merges). */
  reset: boolean;
  /** The rows as a JSON array: text, or its UTF-8 bytes (the whole study, kept between requests). */
  rowsJson: string | Uint8Array;
}

/** A cursor that does not parse: the client sent something this server never gave. */
export class BadCursorError extends Error {}

/**
 * The study lost trials, or a number now holds another trial, since the last refresh (the
 * study was deleted and another made with its id): start over.
 */
export class StaleCacheError extends Error {}

/** The trials of one study, as the dashboard serves them. */
export class TrialCache implements ParamColumns {
  /** Distinguishes this cache's cursors from those of another server run or study. */
  private readonly epoch = randomBytes(6).toString("base64url");
  private version = 0;
  private count = 0;
  /** JSON row by trial number. */
  private readonly rows: string[] = [];
  /** Version that last changed each row. */
  private readonly changedAt: number[] = [];
  /** Storage id of each row's trial: another id under a number means another study. */
  private readonly trialIds: number[] = [];
  /** State of each row (for counts; a finished row is final). */
  private readonly states: TrialState[] = [];
  private readonly names: string[] = [];
  private readonly positions = new Map<string, number>();
  private readonly distributions: DistributionJson[] = [];
  private readonly stats: StudyStats;
  private readonly counts: StateCounts = {
    RUNNING: 0,
    COMPLETE: 0,
    PRUNED: 0,
    FAIL: 0,
    WAITING: 0,
  };
  /** The storage's list at the last refresh; the same list means nothing changed. */
  private lastList: readonly FrozenTrial[] | null = null;
  /**
   * Every row joined, as of `version`, in UTF-8: the answer to every first request until a
   * trial changes, sent as it is (no string of the whole study made per request).
   */
  private all: { version: number; bytes: Uint8Array } | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly storage: Storage,
    readonly studyId: number,
    readonly directions: readonly StudyDirection[],
  ) {
    this.stats = new StudyStats(directions);
  }

  /** Position of a parameter in rows (ParamColumns). */
  index(name: string, distribution: Distribution): number {
    let i = this.positions.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.positions.set(name, i);
      this.distributions.push(distributionJson(distribution));
    }
    return i;
  }

  /**
   * Brings the cache up to date with the storage. Refreshes never overlap: a call made while
   * one runs waits for it and then runs one more (shared by every caller that came meanwhile),
   * so each caller sees everything written before it called.
   */
  refresh(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.start();
    const after = this.running.catch(() => undefined);
    this.queued = after.then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<void> {
    const run = this.refreshNow().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async refreshNow(): Promise<void> {
    const list = await this.storage.getAllTrials(this.studyId);
    if (list === this.lastList) return;
    if (list.length < this.count) throw new StaleCacheError(`study ${this.studyId}`);
    const next = this.version + 1;
    let changed = false;
    for (const trial of list) {
      const n = trial.number;
      const old = this.states[n];
      if (old !== undefined && this.trialIds[n] !== trial.trialId) {
        throw new StaleCacheError(`study ${this.studyId}`);
      }
      // A row made from a finished trial is final.
      if (old !== undefined && isFinished(old)) continue;
      const json = JSON.stringify(trialRow(trial, this));
      if (json === this.rows[n]) continue;
      if (this.rows[n] === undefined) this.count++;
      this.trialIds[n] = trial.trialId;
      this.rows[n] = json;
      this.changedAt[n] = next;
      if (old !== undefined) this.counts[old]--;
      this.counts[trial.state]++;
      this.states[n] = trial.state;
      this.stats.add(trial);
      changed = true;
    }
    this.lastList = list;
    if (changed) this.version = next;
  }

  /** The cursor of what the cache holds now. */
  get cursor(): string {
    return `${this.epoch}.${this.version}`;
  }

  /**
   * The rows changed after `after` (a cursor this cache gave), or every row when `after` is
   * undefined or from another cache (another server run, a study made again).
   */
  since(after: string | undefined): TrialDelta {
    let from: number | null = null;
    if (after !== undefined && after !== "") {
      const match = /^([A-Za-z0-9_-]+)\.(\d+)$/.exec(after);
      if (match === null) throw new BadCursorError(after);
      const version = Number(match[2]);
      if (match[1] === this.epoch && version <= this.version) from = version;
    }
    if (from === this.version) return { cursor: this.cursor, reset: false, rowsJson: "[]" };
    if (from === null) {
      // Every poller of a study that has not changed gets the same text: join it once.
      if (this.all?.version !== this.version) {
        const json = `[${this.rows.filter((r) => r !== undefined).join(",")}]`;
        this.all = { version: this.version, bytes: Buffer.from(json, "utf8") };
      }
      return { cursor: this.cursor, reset: true, rowsJson: this.all.bytes };
    }
    const parts: string[] = [];
    for (let n = 0; n < this.rows.length; n++) {
      const row = this.rows[n];
      if (row !== undefined && this.changedAt[n]! > from) parts.push(row);
    }
    return { cursor: this.cursor, reset: false, rowsJson: `[${parts.join(",")}]` };
  }

  /** Trials cached (one per number). */
  get nTrials(): number {
    return this.count;
  }

  get paramNames(): readonly string[] {
    return this.names;
  }

  get paramDistributions(): readonly DistributionJson[] {
    return this.distributions;
  }

  stateCounts(): StateCounts {
    return { ...this.counts };
  }

  best(): BestTrial[] {
    return this.stats.best().map((t) => ({ number: t.number, values: nums(t.values) }));
  }

  get datetimeStart(): number | null {
    return this.stats.datetimeStart;
  }

  get lastActivity(): number | null {
    return this.stats.lastActivity;
  }
}
