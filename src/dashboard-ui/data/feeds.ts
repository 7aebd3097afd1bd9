/** The shared feeds of the studies the pages show, and the hooks that read them. */
import { useCallback, useMemo, useRef, useSyncExternalStore } from "react";
import { api } from "./api.js";
import { type FeedState, StudyFeed } from "./feed.js";

const feeds = new Map<number, StudyFeed>();
/** Studies whose trials stay in memory after no page shows them (most recent last). */
const KEEP = 4;

/** The shared feed of a study. */
export function feedFor(studyId: number): StudyFeed {
  let feed = feeds.get(studyId);
  if (feed === undefined) {
    feed = new StudyFeed(studyId, api.trials);
  } else {
    feeds.delete(studyId);
  }
  feeds.set(studyId, feed);
  while (feeds.size > KEEP) feeds.delete(feeds.keys().next().value!);
  return feed;
}

/** Forgets a study's trials (after it was deleted). */
export function dropFeed(studyId: number): void {
  feeds.delete(studyId);
}

/** A study's live trials; re-renders on every change. */
export function useStudyFeed(studyId: number): FeedState {
  const feed = feedFor(studyId);
  const subscribe = useCallback((listener: () => void) => feed.subscribe(listener), [feed]);
  return useSyncExternalStore(subscribe, () => feed.state);
}

/** Several studies' live trials (the compare page); re-renders when any changes. */
export function useStudyFeeds(studyIds: readonly number[]): readonly FeedState[] {
  const key = studyIds.join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the ids.
  const feedList = useMemo(() => studyIds.map((id) => feedFor(id)), [key]);
  const cache = useRef<readonly FeedState[]>([]);
  const subscribe = useCallback(
    (listener: () => void) => {
      const stops = feedList.map((feed) => feed.subscribe(listener));
      return () => {
        for (const stop of stops) stop();
      };
    },
    [feedList],
  );
  const read = () => {
    const states = feedList.map((feed) => feed.state);
    const previous = cache.current;
    if (previous.length !== states.length || states.some((s, i) => s !== previous[i])) {
      cache.current = states;
    }
    return cache.current;
  };
  return useSyncExternalStore(subscribe, read);
}
