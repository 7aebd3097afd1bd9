/**
 * Replays learning curves through a pruner as Optuna's reference scripts do (ask, report,
 * shouldPrune after every report, tell), sequentially or round-robin over several workers,
 * with snapshots built by hand. Returns the step at which each trial was pruned (null: kept).
 */
import type { JsonValue } from "../../src/json/python.js";
import type { Pruner } from "../../src/pruners/pruner.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import { FrozenTrial } from "../../src/trial/frozen.js";
import type { StudyDirection, TrialState } from "../../src/trial/state.js";

export type Curve = readonly (readonly [number, number])[];

export function trialOf(
  number: number,
  state: TrialState,
  values: Map<number, number>,
  completedAt: number | null,
  value: number | null = null,
  systemAttrs: Record<string, JsonValue> = {},
): FrozenTrial {
  return new FrozenTrial({
    number,
    trialId: number,
    state,
    values: value === null ? null : [value],
    datetimeStart: new Date(0),
    datetimeComplete: completedAt === null ? null : new Date(completedAt),
    params: {},
    distributions: {},
    userAttrs: {},
    systemAttrs: { ...systemAttrs },
    intermediateValues: new Map(values),
  });
}

export function replay(
  pruner: Pruner,
  studyName: string,
  direction: StudyDirection,
  curves: readonly Curve[],
  workers: number,
): (number | null)[] {
  const trials: FrozenTrial[] = [];
  const outcome: (number | null)[] = curves.map(() => null);
  const queue = curves.map((_, i) => i);
  const running: { index: number; number: number; position: number }[] = [];
  const reported: Map<number, number>[] = [];
  // System attributes the pruner recorded per trial (successive halving's rungs).
  const attrs: Record<string, JsonValue>[] = [];
  let clock = 1;
  while (queue.length > 0 || running.length > 0) {
    while (queue.length > 0 && running.length < workers) {
      const index = queue.shift()!;
      const number = trials.length;
      reported.push(new Map());
      attrs.push({});
      trials.push(trialOf(number, "RUNNING", new Map(), null));
      running.push({ index, number, position: 0 });
    }
    const slot = running[0]!;
    const curve = curves[slot.index]!;
    const [step, value] = curve[slot.position]!;
    reported[slot.number]!.set(step, value);
    const own = attrs[slot.number]!;
    const current = trialOf(slot.number, "RUNNING", reported[slot.number]!, null, null, own);
    trials[slot.number] = current;
    const pruned = pruner.prune(
      makeSnapshot(studyName, [direction], [...trials]),
      current,
      (k, v) => {
        own[k] = v;
      },
    );
    if (pruned || slot.position + 1 === curve.length) {
      if (pruned) outcome[slot.index] = step;
      const last = curve[curve.length - 1]![1];
      trials[slot.number] = pruned
        ? trialOf(slot.number, "PRUNED", reported[slot.number]!, clock++, null, own)
        : trialOf(
            slot.number,
            "COMPLETE",
            reported[slot.number]!,
            clock++,
            Number.isNaN(last) ? 0 : last,
            own,
          );
      running.shift();
    } else {
      trials[slot.number] = trialOf(
        slot.number,
        "RUNNING",
        reported[slot.number]!,
        null,
        null,
        own,
      );
      slot.position++;
      running.push(running.shift()!);
    }
  }
  return outcome;
}

/** The 32-bit hash of the reference script (`mix`). */
export function mix(a: number, b: number): number {
  let h = Number((BigInt(a) * 0x9e3779b1n + BigInt(b) * 0x85ebca77n + 0x165667b1n) & 0xffffffffn);
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h = (h ^ (h >>> 12)) >>> 0;
  h = Math.imul(h, 0x297a2d39) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  return h;
}

/** The reference script's `curve_values`. */
export function curveValues(
  params: readonly number[],
  nSteps: number,
  every: number,
  maximize: boolean,
): [number, number][] {
  const [final, start, tau, noise, seed, nanPerMille] = params as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const out: [number, number][] = [];
  for (let t = 0; t < nSteps; t += every) {
    const u = mix(seed, t) / 2 ** 32 - 0.5;
    const v = final / 1000 + ((start - final) / 1000) * Math.exp(-t / tau) + (noise / 1000) * u;
    let milli = Math.floor(v * 1000);
    if (maximize) milli = -milli;
    out.push([t, mix(seed + 1, t) % 1000 < nanPerMille ? Number.NaN : milli / 1000]);
  }
  return out;
}
