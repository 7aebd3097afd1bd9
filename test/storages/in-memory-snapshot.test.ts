/**
 * InMemoryStorage keeps each trial's frozen view and the study's list of views up to date one
 * changed trial at a time; a list or a view handed out must never change afterwards.
 */
import { describe, expect, it } from "vitest";
import { FloatDistribution } from "../../src/distributions/index.js";
import { InMemoryStorage } from "../../src/storages/in-memory/in-memory-storage.js";
import { TrialState } from "../../src/trial/state.js";

describe("InMemoryStorage snapshots", () => {
  it("hand out lists and views that later writes leave as they were", async () => {
    const storage = new InMemoryStorage();
    const studyId = await storage.createNewStudy(["minimize"], "s");
    const a = await storage.createNewTrial(studyId);
    const b = await storage.createNewTrial(studyId);
    const before = await storage.getAllTrials(studyId);
    expect(Object.isFrozen(before)).toBe(true);
    expect(before).toHaveLength(2);

    const x = new FloatDistribution(0, 1);
    await storage.updateTrial(a.trialId, {
      params: { x: { internal: 0.25, distribution: x } },
      userAttrs: { note: "first" },
    });
    await storage.updateTrial(a.trialId, { state: TrialState.COMPLETE, values: [1] });
    const c = await storage.createNewTrial(studyId);
    const after = await storage.getAllTrials(studyId);

    expect(before[0]!.state).toBe(TrialState.RUNNING);
    expect(before[0]!.params).toEqual({});
    expect(before).toHaveLength(2);
    expect(after.map((t) => t.trialId)).toEqual([a.trialId, b.trialId, c.trialId]);
    expect(after[0]!.state).toBe(TrialState.COMPLETE);
    expect(after[0]!.params).toEqual({ x: 0.25 });
    expect(after[0]!.userAttrs).toEqual({ note: "first" });
    // Unchanged trials keep their view; a read with nothing changed gives the same list.
    expect(after[1]).toBe(before[1]);
    expect(await storage.getAllTrials(studyId)).toBe(after);
    expect(await storage.getTrial(a.trialId)).toBe(after[0]);
  });

  it("keeps reports in ascending step order, whatever order they come in", async () => {
    const storage = new InMemoryStorage();
    const studyId = await storage.createNewStudy(["minimize"], "s");
    const trial = await storage.createNewTrial(studyId, {
      intermediateValues: new Map([
        [5, 0.5],
        [1, 0.1],
      ]),
    });
    await storage.updateTrial(trial.trialId, { intermediateValues: new Map([[9, 0.9]]) });
    const middle = await storage.getTrial(trial.trialId);
    await storage.updateTrial(trial.trialId, {
      intermediateValues: new Map([
        [3, 0.3],
        [5, 0.55],
      ]),
    });
    const last = await storage.getTrial(trial.trialId);
    expect([...middle.intermediateValues]).toEqual([
      [1, 0.1],
      [5, 0.5],
      [9, 0.9],
    ]);
    expect([...last.intermediateValues]).toEqual([
      [1, 0.1],
      [3, 0.3],
      [5, 0.55],
      [9, 0.9],
    ]);
    expect(last.lastStep).toBe(9);
  });
});
