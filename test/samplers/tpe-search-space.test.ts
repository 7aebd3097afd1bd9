import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  type SearchSpace,
} from "../../src/distributions/index.js";
import {
  GroupDecomposedSearchSpace,
  groupDecomposedSearchSpace,
} from "../../src/samplers/search-space/group.js";
import {
  IntersectionSearchSpace,
  intersectionSearchSpace,
} from "../../src/samplers/search-space/intersection.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import { createTrial, type FrozenTrial } from "../../src/trial/frozen.js";
import { TrialState } from "../../src/trial/state.js";

const x = new FloatDistribution(0, 1);
const y = new IntDistribution(0, 10);
const c = new CategoricalDistribution(["a", "b"]);
const single = new FloatDistribution(1, 1);

/** A trial with the given distributions (values at their low end / first choice). */
function trial(
  number: number,
  space: SearchSpace,
  state: TrialState = TrialState.COMPLETE,
): FrozenTrial {
  const params = Object.fromEntries(
    Object.entries(space).map(([name, d]) => [
      name,
      d.kind === "categorical" ? d.choices[0]! : d.low,
    ]),
  );
  return createTrial({
    state,
    ...(state === TrialState.COMPLETE ? { value: number } : {}),
    params,
    distributions: space,
  }).with({ number, trialId: number });
}

describe("intersection search space", () => {
  it("keeps the parameters every finished trial has with the same distribution", () => {
    const list = [
      trial(0, { x, y, c, s: single }),
      trial(1, { x, y, s: single }, TrialState.PRUNED),
      trial(2, { x, c }, TrialState.RUNNING),
      trial(3, { c }, TrialState.FAIL),
      trial(4, { x, y: new IntDistribution(0, 20), s: single }),
    ];
    expect(intersectionSearchSpace(list)).toEqual({ x });
    expect(Object.keys(intersectionSearchSpace(list.slice(0, 2)))).toEqual(["x", "y"]);
    expect(Object.keys(intersectionSearchSpace(list.slice(0, 2), { includeSingle: true }))).toEqual(
      ["s", "x", "y"],
    );
    expect(intersectionSearchSpace(list.slice(0, 2), { includePruned: false })).toEqual({
      c,
      x,
      y,
    });
    expect(intersectionSearchSpace([])).toEqual({});
    expect(intersectionSearchSpace([trial(0, { x }, TrialState.RUNNING)])).toEqual({});
  });

  it("orders the parameters by name", () => {
    expect(Object.keys(intersectionSearchSpace([trial(0, { z: x, a: y, m: c })]))).toEqual([
      "a",
      "m",
      "z",
    ]);
  });

  it("the incremental version agrees with the plain one as a study grows", () => {
    const spaces: SearchSpace[] = [{ x, y, c }, { x, y }, { x, y, c }, { x }, { y }];
    const states = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 30,
        }),
        (steps) => {
          const incremental = new IntersectionSearchSpace();
          const list: FrozenTrial[] = [];
          for (const [space, state] of steps) {
            // Earlier RUNNING trials may finish between snapshots.
            const running = list.findIndex((t) => t.state === TrialState.RUNNING);
            if (running >= 0 && state === 0) {
              list[running] = trial(running, list[running]!.distributions as SearchSpace);
            }
            list.push(trial(list.length, spaces[space]!, states[state]!));
            const snapshot = makeSnapshot("s", ["minimize"], [...list]);
            expect(incremental.calculate(snapshot)).toEqual(intersectionSearchSpace(list));
          }
        },
      ),
    );
  });

  it("starts over for another study", () => {
    const incremental = new IntersectionSearchSpace();
    expect(incremental.calculate(makeSnapshot("a", ["minimize"], [trial(0, { x })]))).toEqual({
      x,
    });
    expect(incremental.calculate(makeSnapshot("b", ["minimize"], [trial(0, { y })]))).toEqual({
      y,
    });
  });
});

describe("group-decomposed search space", () => {
  it("groups the parameters that always appear together", () => {
    const u = new FloatDistribution(-1, 1);
    const list = [
      trial(0, { kind: c, x, y }),
      trial(1, { kind: c, u }),
      trial(2, { kind: c, x, y }),
      trial(3, { kind: c, u }, TrialState.PRUNED),
      trial(4, { other: x }, TrialState.RUNNING),
    ];
    const groups = groupDecomposedSearchSpace(list);
    expect(groups.map((g) => Object.keys(g))).toEqual([["kind"], ["x", "y"], ["u"]]);
    expect(groups[1]).toEqual({ x, y });
  });

  it("splits a group when a trial has only part of it", () => {
    const list = [
      trial(0, { a: x, b: x, c: x }),
      trial(1, { a: x, b: x }),
      trial(2, { b: x, d: y }),
    ];
    expect(groupDecomposedSearchSpace(list).map((g) => Object.keys(g))).toEqual([
      ["b"],
      ["a"],
      ["c"],
      ["d"],
    ]);
  });

  it("is a partition that no trial splits", () => {
    const names = ["a", "b", "c", "d", "e"];
    fc.assert(
      fc.property(
        fc.array(fc.subarray(names, { minLength: 1 }), { minLength: 1, maxLength: 12 }),
        (subsets) => {
          const list = subsets.map((subset, i) =>
            trial(i, Object.fromEntries(subset.map((n) => [n, x]))),
          );
          const groups = groupDecomposedSearchSpace(list).map((g) => Object.keys(g));
          const seen = groups.flat().sort();
          expect(seen).toEqual([...new Set(subsets.flat())].sort());
          for (const subset of subsets) {
            for (const group of groups) {
              const inside = group.filter((n) => subset.includes(n)).length;
              expect(inside === 0 || inside === group.length).toBe(true);
            }
          }
        },
      ),
    );
  });

  it("the incremental version agrees with the plain one as a study grows", () => {
    const spaces: SearchSpace[] = [{ x, y, c }, { x, y }, { c }, { x, s: single }, { y, u: x }];
    const states = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 30,
        }),
        (steps) => {
          const incremental = new GroupDecomposedSearchSpace();
          const list: FrozenTrial[] = [];
          for (const [space, state] of steps) {
            const running = list.findIndex((t) => t.state === TrialState.RUNNING);
            if (running >= 0 && state === 0) {
              list[running] = trial(running, list[running]!.distributions as SearchSpace);
            }
            list.push(trial(list.length, spaces[space]!, states[state]!));
            const snapshot = makeSnapshot("s", ["minimize"], [...list]);
            const got = incremental.calculate(snapshot).map((g) => Object.keys(g).join());
            const want = groupDecomposedSearchSpace(list).map((g) => Object.keys(g).join());
            // The same partition (group order may differ when a trial finishes late).
            expect([...got].sort()).toEqual([...want].sort());
          }
        },
      ),
    );
  });

  it("drops single-valued parameters", () => {
    expect(groupDecomposedSearchSpace([trial(0, { s: single, x })])).toEqual([{ x }]);
  });
});
