/** Small data hooks: a request polled while the page shows it, and the server's info. */
import { useEffect, useState } from "react";
import type { DashboardInfo } from "../../server/dashboard/api-types.js";
import { api } from "./api.js";

/** The latest answer of a request, its error, and a function that asks again now. */
export interface Polled<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
}

/**
 * Calls `load` now and every `periodMs` (0: once) while mounted and while `key` is unchanged.
 * A slow answer never overwrites a newer one.
 */
export function usePolled<T>(load: () => Promise<T>, periodMs: number, key: string): Polled<T> {
  const [latest, setLatest] = useState<{ key: string; value: T } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is keyed by `key`.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = async () => {
      try {
        const value = await load();
        if (stopped) return;
        setLatest({ key, value });
        setError(null);
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
      if (!stopped && periodMs > 0) timer = setTimeout(run, periodMs);
    };
    void run();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    };
  }, [key, periodMs, tick]);
  const data = latest !== null && latest.key === key ? latest.value : null;
  return { data, error, reload: () => setTick((t) => t + 1) };
}

let infoPromise: Promise<DashboardInfo> | null = null;

/** The server's info (read-only or not, version), fetched once per page load. */
export function useInfo(): DashboardInfo | null {
  const [info, setInfo] = useState<DashboardInfo | null>(null);
  useEffect(() => {
    infoPromise ??= api.info();
    infoPromise.then(setInfo, () => {
      infoPromise = null;
    });
  }, []);
  return info;
}
