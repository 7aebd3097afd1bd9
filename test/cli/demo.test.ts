import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createStudy, createTrial, loadStudy } from "../../src/index.js";

const bin = fileURLToPath(new URL("../../bin/skipjack.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "skipjack-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the demo quietly (warnings and errors only) and returns what it printed. */
function demo(storage: string, ...flags: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      bin,
      "demo",
      "--trials",
      "3",
      "--epochs",
      "4",
      "--storage",
      storage,
      "--no-progress",
      ...flags,
    ],
    {
      encoding: "utf8",
      env: { ...process.env, SKIPJACK_LOG_LEVEL: "WARNING", SKIPJACK_DEBUG: "" },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const testAccuracy = (stdout: string) =>
  /retrained on train\+validation: (\d+\.\d\d)%/.exec(stdout)?.[1];

describe("skipjack demo", () => {
  const storage = `sqlite:///${join(dir, "demo.db")}`;

  it("tunes on digits in a SQLite file, evaluates on test data, and continues quietly on a second run", async () => {
    const first = demo(storage);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/3 trials \(\d+ pruned\), TF\.js backend "wasm"/);
    expect(first.stdout).toMatch(/Validation accuracy of the best trial: \d+\.\d\d%/);
    expect(Number(testAccuracy(first.stdout))).toBeGreaterThan(50); // four epochs of the best of three MLPs
    expect(first.stdout).toMatch(
      /Epochs trained: \d+; saved by pruning and early stopping: \d+ of 12\n/,
    );

    // Continuing the study: no warning about the test set, which tests the best trial again.
    const second = demo(storage);
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/6 trials/);
    expect(second.stdout).toMatch(/saved by pruning and early stopping: \d+ of 24\n/);

    const study = await loadStudy({ studyName: "skipjack-demo", storage });
    const trials = await study.trials();
    expect(trials).toHaveLength(6);
    expect(Object.keys(trials[0]!.params)).toEqual(
      expect.arrayContaining([
        "learning_rate",
        "batch_size",
        "n_layers",
        "dropout",
        "weight_decay",
        "optimizer",
        "schedule",
      ]),
    );
    for (const trial of trials) expect(trial.userAttrs["max_epochs"]).toBe(4);
    const attrs = await study.userAttrs();
    expect(attrs["test_evaluations"]).toBe(2);
    expect(attrs["demo_settings"]).toEqual({
      seed: 0,
      max_epochs: 4,
      validation_size: 0.2,
      test_size: 0.2,
    });
    await study.storage.close();
  }, 180_000);

  it("refuses to continue a study with another seed or epoch budget, in one line", () => {
    for (const flags of [
      ["--seed", "1"],
      ["--epochs", "5"],
    ]) {
      const result = demo(storage, ...flags);
      expect(result.status).toBe(1);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(
        `skipjack: Study "skipjack-demo" in ${storage} was made with --seed 0 --epochs 4`,
      );
      expect(result.stderr).toContain("--study-name <name>");
    }
    const elsewhere = demo(storage, "--seed", "1", "--study-name", "seed-1", "--trials", "1");
    expect(elsewhere.status).toBe(0);
    expect(elsewhere.stdout).toContain('Study "seed-1"');
  }, 120_000);

  it("gives the same trials and test accuracy for the same seed in a fresh study", async () => {
    const again = `sqlite:///${join(dir, "again.db")}`;
    const run = demo(again);
    expect(run.status).toBe(0);
    const values = async (url: string) => {
      const study = await loadStudy({ studyName: "skipjack-demo", storage: url });
      const trials = (await study.trials()).slice(0, 3);
      await study.storage.close();
      return trials.map((t) => ({ params: t.params, value: t.value, state: t.state }));
    };
    const mine = await values(again);
    expect(mine.some((t) => t.value !== undefined)).toBe(true);
    expect(mine).toEqual(await values(storage));
    const fresh = demo(`sqlite:///${join(dir, "fresh.db")}`);
    expect(testAccuracy(fresh.stdout)).toBe(testAccuracy(run.stdout));
  }, 180_000);

  it("counts epochs saved per trial from its own budget, never below zero", async () => {
    // A study from an earlier version: a trial that trained 10 epochs, no budget recorded.
    const legacy = `sqlite:///${join(dir, "legacy.db")}`;
    const study = await createStudy({
      studyName: "skipjack-demo",
      storage: legacy,
      direction: "maximize",
    });
    await study.addTrial(createTrial({ value: 0.01, userAttrs: { epochs_trained: 10 } }));
    await study.storage.close();
    const result = demo(legacy, "--trials", "1");
    expect(result.status).toBe(0);
    const [, trained, saved, total] =
      /Epochs trained: (\d+); saved by pruning and early stopping: (-?\d+) of (\d+)/
        .exec(result.stdout)!
        .map(Number);
    expect(saved).toBeGreaterThanOrEqual(0);
    expect(trained! + saved!).toBe(total);
  }, 120_000);

  it("rejects bad flags with a clear message", () => {
    const result = demo(storage, "--trials", "0");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--trials must be an integer >= 1");
  });
});
