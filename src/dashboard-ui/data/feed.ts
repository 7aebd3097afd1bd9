/**
 * A study's trials, kept up to date by polling the incremental trials API once a second:
 * the first request returns every trial, later ones (`after=<cursor>`) only the trials that are
 * new or changed, merged here by number. Pages subscribe through `useStudyFeed`; a feed polls
 * only while some page shows it and keeps its trials for the next page that does (feeds.ts).
 */
import type { Direction, TrialsResponse } from "../../server/dashboard/api-types.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { type ParamSpace, paramSpace, toFrozenTrial } from "./convert.js";

/** Polling period: a trial finished by any worker shows within about 1 s (goal: 2 s). */
export const POLL_MS = 1000;

/** What a page reads from a feed. */
export interface FeedState {
  loading: boolean;
  error: string | null;
  directions: readonly Direction[];
  space: ParamSpace;
  /** Every trial, ordered by number. */
  trials: readonly FrozenTrial[];
  /** Server clock at the last answer minus ours, to show running trials' elapsed time. */
  clockOffsetMs: number;
  /** Increments whenever trials change. */
  version: number;
}

const EMPTY_SPACE = paramSpace([], []);

/** One study's live trials. */
export class StudyFeed {
  private cursor: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<() => void>();
  private inFlight = false;
  state: FeedState = {
    loading: true,
    error: null,
    directions: [],
    space: EMPTY_SPACE,
    trials: [],
    clockOffsetMs: 0,
    version: 0,
  };

  constructor(
    readonly studyId: number,
    private readonly fetchTrials: (
      studyId: number,
      after: string | null,
    ) => Promise<TrialsResponse>,
  ) {}

  /** Adds a listener; the feed polls while it has one. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) void this.poll();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== null) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  /** Fetches what changed now instead of at the next tick. */
  refresh(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const response = await this.fetchTrials(this.studyId, this.cursor);
      this.apply(response);
    } catch (error) {
      this.set({ ...this.state, loading: false, error: String((error as Error).message) });
    } finally {
      this.inFlight = false;
      if (this.listeners.size > 0 && this.timer === null) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.poll();
        }, POLL_MS);
      }
    }
  }

  /** Merges one answer of the API into the trials (exposed for tests). */
  apply(response: TrialsResponse): void {
    this.cursor = response.cursor;
    const previous = this.state;
    const spaceChanged = response.paramNames.length !== previous.space.names.length;
    const space = spaceChanged
      ? paramSpace(response.paramNames, response.distributions)
      : previous.space;
    const clockOffsetMs = response.serverTime - Date.now();
    if (!response.reset && response.trials.length === 0 && !previous.loading) {
      if (previous.error !== null) this.set({ ...previous, error: null, clockOffsetMs });
      return;
    }
    let trials: FrozenTrial[];
    if (response.reset) {
      trials = response.trials.map((row) => toFrozenTrial(row, space));
      trials.sort((a, b) => a.number - b.number);
    } else {
      trials = [...previous.trials];
      const position = new Map<number, number>();
      // Changed trials are nearly always the last ones; index only from the smallest number sent.
      let smallest = Number.POSITIVE_INFINITY;
      for (const row of response.trials) smallest = Math.min(smallest, row.number);
      for (let i = trials.length - 1; i >= 0 && trials[i]!.number >= smallest; i--) {
        position.set(trials[i]!.number, i);
      }
      let appended = false;
      for (const row of response.trials) {
        const trial = toFrozenTrial(row, space);
        const at = position.get(row.number);
        if (at === undefined) {
          if (trials.length > 0 && trials[trials.length - 1]!.number > row.number) appended = true;
          position.set(row.number, trials.length);
          trials.push(trial);
        } else {
          trials[at] = trial;
        }
      }
      if (appended) trials.sort((a, b) => a.number - b.number);
    }
    this.set({
      loading: false,
      error: null,
      directions: response.directions,
      space,
      trials,
      clockOffsetMs,
      version: previous.version + 1,
    });
  }

  private set(state: FeedState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
