import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadStudy, setVerbosity, Verbosity } from "../../src/index.js";

const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "skipjack-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("skipjack demo", () => {
  it("tunes on digits in a SQLite file, evaluates on test data, and continues on a second run", async () => {
    setVerbosity(Verbosity.WARNING);
    const storage = `sqlite:///${join(dir, "demo.db")}`;
    const run = () =>
      execFileSync(
        process.execPath,
        [
          "--import",
          "tsx",
          main,
          "demo",
          "--trials",
          "3",
          "--epochs",
          "4",
          "--storage",
          storage,
          "--no-progress",
        ],
        { encoding: "utf8", env: { ...process.env, SKIPJACK_LOG_LEVEL: "WARNING" } },
      );
    const first = run();
    expect(first).toMatch(/3 trials \(\d+ pruned\), TF\.js backend "wasm"/);
    expect(first).toMatch(/Validation accuracy of the best trial: \d+\.\d\d%/);
    const test = Number(/retrained on train\+validation: (\d+\.\d\d)%/.exec(first)![1]);
    expect(test).toBeGreaterThan(50); // four epochs of the best of three random MLPs on digits
    expect(first).toMatch(/Epochs trained: \d+; saved by pruning and early stopping: \d+ of 12/);
    const second = run();
    expect(second).toMatch(/6 trials/);
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
    expect((await study.userAttrs())["test_evaluations"]).toBe(2);
    await study.storage.close();
  }, 120_000);

  it("rejects bad flags with a clear message", () => {
    let message = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", main, "demo", "--trials", "0"], {
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (error) {
      message = String((error as { stderr: string }).stderr);
    }
    expect(message).toContain("--trials must be an integer >= 1");
  });
});
