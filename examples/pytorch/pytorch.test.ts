/**
 * The PyTorch example, tuned by `skipjack run` with the Hyperband pruner. It needs `torch`
 * importable by python3; where it is not, the test is skipped and says so on standard error.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openStorage } from "../../src/storages/resolve.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/skipjack.js", import.meta.url));
const python = process.env["SKIPJACK_TEST_PYTHON"] ?? "python3";
const torchCheck = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
const hasTorch = torchCheck.status === 0;
if (!hasTorch) {
  process.stderr.write(
    `examples/pytorch: skipped, torch is not importable by ${python} (set SKIPJACK_TEST_PYTHON to a Python with torch to run it).\n`,
  );
}

describe("examples/pytorch", () => {
  it.skipIf(!hasTorch)(
    "tunes the digits MLP with TPE and Hyperband; the best trial classifies well",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "sj-torch-"));
      const url = `sqlite:///${join(dir, "digits.db")}`;
      const result = spawnSync(
        process.execPath,
        [
          ...[bin, "run", "--storage", url, "--study-name", "digits-mlp"],
          ...["--space", join(here, "space.yaml"), "--metric", "val_loss", "--trials", "12"],
          ...["--sampler", "tpe", "--sampler-kwargs", '{"seed": 0}', "--no-progress"],
          ...[
            "--pruner",
            "hyperband",
            "--pruner-kwargs",
            '{"min_resource": 2, "max_resource": 10}',
          ],
          ...["--concurrency", "2", "--", python, join(here, "train.py"), "--epochs", "10"],
          ...["--lr", "{lr}", "--layers", "{layers}", "--units", "{units}"],
          ...["--dropout", "{dropout}", "--batch-size", "{batch_size}", "--out", "{trial_dir}"],
        ],
        { cwd: dir, encoding: "utf8", timeout: 300_000 },
      );
      expect(result.status, result.stderr).toBe(0);
      const storage = await openStorage(url);
      try {
        const trials = await storage.getAllTrials(await storage.getStudyIdFromName("digits-mlp"));
        expect(trials).toHaveLength(12);
        const complete = trials.filter((t) => t.state === "COMPLETE");
        expect(complete.length).toBeGreaterThan(0);
        expect(trials.every((t) => t.state !== "FAIL")).toBe(true);
        // Cross-entropy of a good digits MLP on held-out data is well under 0.3.
        expect(Math.min(...complete.map((t) => t.values![0]!))).toBeLessThan(0.3);
      } finally {
        await storage.close();
      }
    },
    300_000,
  );
});
