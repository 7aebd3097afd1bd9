import { readFileSync } from "node:fs";
import type { FrozenTrial } from "../../src/trial/frozen.js";
import type { TrialState } from "../../src/trial/state.js";
import { trialOf } from "./replay.js";

/** JSON numbers with NaN and ±Infinity written as strings (the reference scripts' encoding). */
export type Num = number | "NaN" | "Infinity" | "-Infinity";

export function num(v: Num): number {
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  return v;
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
}

export interface Other {
  state: TrialState;
  value: Num | null;
  iv: [number, Num][];
}

/** The finished trials of a case, numbered from 0, completed in order. */
export function othersOf(others: readonly Other[]): FrozenTrial[] {
  return others.map((o, i) =>
    trialOf(
      i,
      o.state,
      new Map(o.iv.map(([s, v]) => [s, num(v)])),
      i + 1,
      o.state === "COMPLETE" && o.value !== null ? num(o.value) : null,
    ),
  );
}

/** The running target trial, its steps in the reported order. */
export function targetOf(number: number, iv: [number, Num][]): FrozenTrial {
  const map = new Map<number, number>();
  for (const [s, v] of iv) if (!map.has(s)) map.set(s, num(v));
  return trialOf(number, "RUNNING", map, null);
}
