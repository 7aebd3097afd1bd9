/**
 * The guarantees every storage makes (src/storages/storage.ts), run against each backend.
 * `open` returns a new storage on the same database each call (a second "process").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
} from "../../src/distributions/index.js";
import {
  DuplicatedStudyError,
  IncompatibleDistributionError,
  InvalidArgumentError,
  NotFoundError,
  UpdateFinishedTrialError,
} from "../../src/errors/index.js";
import type { JsonValue } from "../../src/json/python.js";
import type { HeartbeatOptions } from "../../src/storages/heartbeat.js";
import type { Storage } from "../../src/storages/storage.js";
import { TrialState } from "../../src/trial/state.js";

export interface ContractOptions {
  /** Opens a storage on the shared database (each call: another connection, empty caches). */
  open: (options?: HeartbeatOptions) => Promise<Storage>;
  /** SQL storages keep Optuna's 512-character limit on names and keys. */
  sql: boolean;
  /** Seconds a heartbeat must be old to be stale in the heartbeat test. */
  grace?: number;
}

const float = new FloatDistribution(-10, 10);
const tricky = [
  "plain",
  "quote ' double \" back ` slash \\",
  "semi; DROP TABLE studies; --",
  "unicode é ü 中文 ☃ 🎉",
  "x".repeat(10_240),
  `${"é☃🎉".repeat(500)}`,
];

export function describeStorageContract(name: string, options: ContractOptions): void {
  describe(`${name}: the Storage contract`, () => {
    let storage: Storage;
    let other: Storage;
    const opened: Storage[] = [];
    let counter = 0;
    const unique = (base: string) => `${base}-${process.pid}-${counter++}`;

    beforeAll(async () => {
      storage = await options.open();
      other = await options.open();
      opened.push(storage, other);
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    it("creates, finds and deletes studies; names are unique", async () => {
      const studyName = unique("study ' \" ; é");
      const id = await storage.createNewStudy(["minimize", "maximize"], studyName);
      expect(await other.getStudyIdFromName(studyName)).toBe(id);
      expect(await other.getStudyNameFromId(id)).toBe(studyName);
      expect(await other.getStudyDirections(id)).toEqual(["minimize", "maximize"]);
      await expect(other.createNewStudy(["minimize"], studyName)).rejects.toBeInstanceOf(
        DuplicatedStudyError,
      );
      const all = await other.getAllStudies();
      expect(all.find((s) => s.studyId === id)?.directions).toEqual(["minimize", "maximize"]);
      await storage.createNewTrial(id);
      await other.deleteStudy(id);
      await expect(storage.getStudyIdFromName(studyName)).rejects.toBeInstanceOf(NotFoundError);
      await expect(storage.getAllTrials(id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(storage.deleteStudy(id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(storage.getStudyNameFromId(987654)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("round-trips quotes, semicolons, unicode and 10 KB strings exactly", async () => {
      for (const [i, text] of tricky.entries()) {
        const studyName =
          options.sql && text.length > 512 ? unique(`long${i}`) : `${text}${counter++}`;
        const id = await storage.createNewStudy(["minimize"], studyName);
        expect(await other.getStudyNameFromId(id)).toBe(studyName);
        const key = options.sql && text.length > 512 ? `k${text.slice(0, 100)}` : `k${text}`;
        const value: JsonValue = {
          text: `${text}\u0000`,
          list: [text, 1.5, -2, 1e-7, 1e300, null, true],
          nested: { [key]: text },
        };
        await storage.setStudyUserAttr(id, key, value);
        await storage.setStudySystemAttr(id, key, text);
        expect(await other.getStudyUserAttrs(id)).toEqual({ [key]: value });
        expect(await other.getStudySystemAttrs(id)).toEqual({ [key]: text });
        const trial = await storage.createNewTrial(id, {
          userAttrs: { [key]: value },
          systemAttrs: { [key]: text },
          params: {
            [`p${key}`]: { internal: 1, distribution: new CategoricalDistribution(["a", text]) },
          },
        });
        await storage.updateTrial(trial.trialId, { userAttrs: { second: text }, values: [1] });
        const read = await other.getTrial(trial.trialId);
        expect(read.userAttrs).toEqual({ [key]: value, second: text });
        expect(read.systemAttrs).toEqual({ [key]: text });
        expect(read.params).toEqual({ [`p${key}`]: text });
      }
    });

    if (options.sql) {
      it("refuses names and keys longer than Optuna's 512 characters, saying so", async () => {
        const long = "n".repeat(513);
        await expect(storage.createNewStudy(["minimize"], long)).rejects.toThrow(/at most 512/);
        const id = await storage.createNewStudy(["minimize"], unique("limits"));
        await expect(storage.setStudyUserAttr(id, long, 1)).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        // 512 characters of 4-byte text still fit.
        const fits = "🎉".repeat(512);
        await storage.setStudyUserAttr(id, fits, fits);
        expect(await other.getStudyUserAttrs(id)).toEqual({ [fits]: fits });
      });
    }

    it("claims a study system attribute exactly once", async () => {
      const id = await storage.createNewStudy(["minimize"], unique("claim"));
      const results = await Promise.all([
        storage.claimStudySystemAttr(id, "grid:0", "first"),
        other.claimStudySystemAttr(id, "grid:0", "second"),
        storage.claimStudySystemAttr(id, "grid:0", "third"),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = ["first", "second", "third"][results.indexOf(true)];
      expect((await other.getStudySystemAttrs(id))["grid:0"]).toBe(winner);
    });

    it("numbers trials from 0, stores every field, and reads them back equal", async () => {
      const id = await storage.createNewStudy(["minimize", "maximize"], unique("fields"));
      const params = {
        x: { internal: 0.25, distribution: float },
        n: { internal: 8, distribution: new IntDistribution(1, 64, { log: true }) },
        q: { internal: 0.5, distribution: new FloatDistribution(0, 1, { step: 0.25 }) },
        c: { internal: 2, distribution: new CategoricalDistribution(["a", 1, null, true]) },
      };
      const start = new Date(2024, 0, 2, 3, 4, 5, 678);
      const end = new Date(2024, 0, 2, 3, 4, 9, 123);
      const created = await storage.createNewTrial(id, {
        state: TrialState.COMPLETE,
        values: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
        datetimeStart: start,
        datetimeComplete: end,
        params,
        userAttrs: { a: [1, { b: "c" }] },
        systemAttrs: { s: 1.5 },
        intermediateValues: new Map([
          [2, Number.NaN],
          [0, 1.25],
          [1, Number.NEGATIVE_INFINITY],
        ]),
      });
      expect(created.number).toBe(0);
      const second = await storage.createNewTrial(id);
      expect(second.number).toBe(1);
      expect(second.state).toBe(TrialState.RUNNING);
      const read = await other.getTrial(created.trialId);
      expect(read).toEqual(created);
      expect(read.params).toEqual({ x: 0.25, n: 8, q: 0.5, c: null });
      // In the order they were written (as suggested), not the order of an index.
      expect(Object.keys(read.params)).toEqual(["x", "n", "q", "c"]);
      expect(Object.keys((await other.getAllTrials(id))[0]!.params)).toEqual(["x", "n", "q", "c"]);
      expect(read.values).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      expect([...read.intermediateValues.keys()]).toEqual([0, 1, 2]);
      expect(read.intermediateValues.get(2)).toBeNaN();
      const all = await other.getAllTrials(id);
      expect(all.map((t) => t.number)).toEqual([0, 1]);
      expect(await other.getNTrials(id)).toBe(2);
      expect(await other.getNTrials(id, [TrialState.RUNNING])).toBe(1);
      expect((await other.getAllTrials(id, { states: [TrialState.COMPLETE] })).length).toBe(1);
    });

    it("writes long learning curves (more rows than one statement binds)", async () => {
      const id = await storage.createNewStudy(["minimize"], unique("curve"));
      const first = new Map(Array.from({ length: 1000 }, (_, i) => [i, Math.sin(i)] as const));
      const trial = await storage.createNewTrial(id, { intermediateValues: first });
      const more = new Map(Array.from({ length: 700 }, (_, i) => [1000 + i, i / 7] as const));
      await storage.updateTrial(trial.trialId, { intermediateValues: more });
      const read = await other.getTrial(trial.trialId);
      expect([...read.intermediateValues]).toEqual([...first, ...more]);
    });

    it("applies a TrialUpdate atomically and keeps finished trials immutable", async () => {
      const id = await storage.createNewStudy(["minimize"], unique("update"));
      const first = await storage.createNewTrial(id, {
        params: { x: { internal: 1, distribution: float } },
      });
      const trial = await storage.createNewTrial(id);
      // An incompatible distribution fails the whole update: nothing of it is stored.
      await expect(
        other.updateTrial(trial.trialId, {
          params: {
            y: { internal: 1, distribution: float },
            x: { internal: 1, distribution: new IntDistribution(0, 5) },
          },
          userAttrs: { seen: true },
          state: TrialState.COMPLETE,
          values: [3],
        }),
      ).rejects.toBeInstanceOf(IncompatibleDistributionError);
      const untouched = await storage.getTrial(trial.trialId);
      expect(untouched.state).toBe(TrialState.RUNNING);
      expect(untouched.params).toEqual({});
      expect(untouched.userAttrs).toEqual({});
      await other.updateTrial(trial.trialId, {
        params: { x: { internal: 2, distribution: new FloatDistribution(0, 3) } },
        intermediateValues: new Map([[0, 5]]),
        userAttrs: { seen: true },
        systemAttrs: { s: "t" },
        state: TrialState.COMPLETE,
        values: [3],
      });
      const done = await storage.getTrial(trial.trialId);
      expect(done.state).toBe(TrialState.COMPLETE);
      expect(done.values).toEqual([3]);
      expect(done.params).toEqual({ x: 2 });
      expect(done.datetimeComplete).not.toBeNull();
      for (const s of [storage, other]) {
        await expect(
          s.updateTrial(trial.trialId, { userAttrs: { late: 1 } }),
        ).rejects.toBeInstanceOf(UpdateFinishedTrialError);
      }
      // A fresh connection (no cache) refuses too: the database is the judge.
      const fresh = await options.open();
      opened.push(fresh);
      await expect(fresh.updateTrial(trial.trialId, { state: TrialState.FAIL })).rejects.toThrow(
        UpdateFinishedTrialError,
      );
      await expect(fresh.updateTrial(first.trialId + 10_000_000, {})).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect((await fresh.getTrial(trial.trialId)).userAttrs).toEqual({ seen: true });
    });

    it("pops each WAITING trial once, oldest first", async () => {
      const id = await storage.createNewStudy(["minimize"], unique("pop"));
      expect(await storage.popWaitingTrial(id)).toBeNull();
      for (let i = 0; i < 6; i++) {
        await storage.createNewTrial(id, {
          state: TrialState.WAITING,
          systemAttrs: { fixed_params: { x: i } },
        });
      }
      const popped = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? storage : other).popWaitingTrial(id)),
      );
      const got = popped.filter((t) => t !== null).map((t) => t!.number);
      expect(got.sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(popped.filter((t) => t === null)).toHaveLength(2);
      for (const t of popped) if (t !== null) expect(t.state).toBe(TrialState.RUNNING);
      expect(await other.getNTrials(id, [TrialState.WAITING])).toBe(0);
      const sequential = await storage.createNewStudy(["minimize"], unique("fifo"));
      for (let i = 0; i < 3; i++) {
        await other.createNewTrial(sequential, { state: TrialState.WAITING });
      }
      await storage.getAllTrials(sequential);
      expect((await storage.popWaitingTrial(sequential))?.number).toBe(0);
      expect((await other.popWaitingTrial(sequential))?.number).toBe(1);
      expect((await storage.popWaitingTrial(sequential))?.number).toBe(2);
      expect(await storage.popWaitingTrial(sequential)).toBeNull();
    });

    it("keeps each process's snapshot up to date with the others' changes", async () => {
      const id = await storage.createNewStudy(["minimize"], unique("snapshot"));
      const a = await storage.createNewTrial(id);
      expect((await other.getAllTrials(id)).map((t) => t.state)).toEqual([TrialState.RUNNING]);
      await storage.updateTrial(a.trialId, { state: TrialState.COMPLETE, values: [1] });
      const b = await storage.createNewTrial(id);
      await storage.updateTrial(b.trialId, { userAttrs: { k: "v" } });
      let seen = await other.getAllTrials(id);
      expect(seen.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.RUNNING]);
      expect(seen[1]!.userAttrs).toEqual({ k: "v" });
      await storage.updateTrial(b.trialId, { state: TrialState.PRUNED, values: null });
      seen = await other.getAllTrials(id);
      expect(seen.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.PRUNED]);
      // Unchanged: the same list object comes back.
      expect(await other.getAllTrials(id)).toBe(await other.getAllTrials(id));
    });

    it("checks parameter distributions across the study and across processes", async () => {
      const id = await storage.createNewStudy(["minimize"], unique("dist"));
      const t1 = await storage.createNewTrial(id);
      await storage.updateTrial(t1.trialId, {
        params: {
          lr: { internal: 0.1, distribution: new FloatDistribution(1e-3, 1, { log: true }) },
        },
      });
      const t2 = await other.createNewTrial(id);
      await expect(
        other.updateTrial(t2.trialId, {
          params: { lr: { internal: 0.1, distribution: new FloatDistribution(1e-3, 1) } },
        }),
      ).rejects.toBeInstanceOf(IncompatibleDistributionError);
      await expect(
        other.createNewTrial(id, {
          params: { lr: { internal: 1, distribution: new IntDistribution(1, 3) } },
        }),
      ).rejects.toBeInstanceOf(IncompatibleDistributionError);
      await other.updateTrial(t2.trialId, {
        params: {
          lr: { internal: 0.2, distribution: new FloatDistribution(1e-2, 0.5, { log: true }) },
        },
      });
      expect((await storage.getTrial(t2.trialId)).params).toEqual({ lr: 0.2 });
    });

    it("fails stale RUNNING trials by heartbeat, each for exactly one caller", async () => {
      const grace = options.grace ?? 0.3;
      const settings = { heartbeatInterval: grace, gracePeriod: grace };
      const beating = await options.open(settings);
      const checkers = [await options.open(settings), await options.open(settings)];
      opened.push(beating, ...checkers);
      expect(beating.getHeartbeatInterval!()).toBe(grace);
      const id = await storage.createNewStudy(["minimize"], unique("heartbeat"));
      const stale = await storage.createNewTrial(id);
      const alive = await storage.createNewTrial(id);
      const noBeat = await storage.createNewTrial(id);
      await beating.recordHeartbeat!(stale.trialId);
      await beating.recordHeartbeat!(alive.trialId);
      await new Promise((resolve) => setTimeout(resolve, (grace + 1.1) * 1000));
      await beating.recordHeartbeat!(alive.trialId);
      const [one, two] = await Promise.all(checkers.map((c) => c.failStaleTrials!(id)));
      const failed = [...one, ...two];
      expect(failed.map((t) => t.trialId)).toEqual([stale.trialId]);
      expect(failed[0]!.state).toBe(TrialState.FAIL);
      expect((await other.getTrial(alive.trialId)).state).toBe(TrialState.RUNNING);
      expect((await other.getTrial(noBeat.trialId)).state).toBe(TrialState.RUNNING);
    }, 20_000);
  });
}
