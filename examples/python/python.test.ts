/** The standard-library Python example, tuned by `skipjack run` as its docstring shows. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openStorage } from "../../src/storages/resolve.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/skipjack.js", import.meta.url));

describe("examples/python", () => {
  it("tunes SGD of train.py with TPE and the median pruner", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sj-example-"));
    const url = `sqlite:///${join(dir, "sgd.db")}`;
    const result = spawnSync(
      process.execPath,
      [
        ...[
          bin,
          "run",
          "--storage",
          url,
          "--study-name",
          "sgd",
          "--space",
          join(here, "space.yaml"),
        ],
        ...["--metric", "val_loss", "--trials", "16", "--concurrency", "2", "--no-progress"],
        ...["--sampler", "tpe", "--sampler-kwargs", '{"seed": 1, "n_startup_trials": 6}'],
        ...["--pruner", "median", "--pruner-kwargs", '{"n_startup_trials": 4}'],
        ...["--", "/usr/bin/python3", join(here, "train.py"), "--lr", "{lr}"],
        ...["--momentum", "{momentum}", "--batch-size", "{batch_size}", "--l2", "{l2}"],
      ],
      { cwd: dir, encoding: "utf8", timeout: 120_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    const storage = await openStorage(url);
    try {
      const trials = await storage.getAllTrials(await storage.getStudyIdFromName("sgd"));
      expect(trials).toHaveLength(16);
      const complete = trials.filter((t) => t.state === "COMPLETE");
      expect(complete.length).toBeGreaterThan(0);
      // The noise floor of the data is 0.09 (σ = 0.3); a good learning rate gets near it.
      expect(Math.min(...complete.map((t) => t.values![0]!))).toBeLessThan(0.2);
    } finally {
      await storage.close();
    }
  }, 120_000);
});
