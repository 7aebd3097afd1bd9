/**
 * The PyTorch example, tuned by `skipjack run` with the Hyperband pruner. It needs `torch`
 * importable by python3, or by the Python that SKIPJACK_TEST_PYTHON names; where it is not,
 * the test is skipped and says so on standard error. CI has no torch; run it by hand with
 * `SKIPJACK_TEST_PYTHON=/path/to/venv/bin/python npx vitest run examples/pytorch`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
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

/** The metric lines a trial printed, read back from its log (`log_path`). */
function epochLines(logPath: string): { epoch: number; val_loss: number; val_acc: number }[] {
  return readFileSync(logPath, "utf8")
    .split("\n")
    .filter((line) => line.startsWith('{"epoch"'))
    .map((line) => JSON.parse(line) as { epoch: number; val_loss: number; val_acc: number });
}

describe("examples/pytorch", () => {
  it.skipIf(!hasTorch)(
    "tunes the digits MLP with TPE and Hyperband: poor trials are pruned, the best classifies well",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "sj-torch-"));
      const url = `sqlite:///${join(dir, "digits.db")}`;
      const epochs = 6;
      const result = spawnSync(
        process.execPath,
        [
          ...[bin, "run", "--storage", url, "--study-name", "digits-mlp", "--no-progress"],
          ...["--space", join(here, "space.yaml"), "--metric", "val_loss", "--trials", "8"],
          ...["--sampler", "tpe", "--sampler-kwargs", '{"seed": 0}', "--concurrency", "2"],
          ...[
            "--pruner",
            "hyperband",
            "--pruner-kwargs",
            `{"min_resource": 1, "max_resource": ${epochs}}`,
          ],
          // A known good configuration first: the bar the random ones are held to at each rung.
          ...[
            "--enqueue",
            '{"lr": 0.01, "layers": 2, "units": 64, "dropout": 0.1, "batch_size": 32}',
          ],
          ...["--", python, join(here, "train.py"), "--epochs", String(epochs)],
          ...["--lr", "{lr}", "--layers", "{layers}", "--units", "{units}"],
          ...["--dropout", "{dropout}", "--batch-size", "{batch_size}", "--out", "{trial_dir}"],
        ],
        { cwd: dir, encoding: "utf8", timeout: 300_000 },
      );
      expect(result.status, result.stderr).toBe(0);
      const storage = await openStorage(url);
      try {
        const trials = await storage.getAllTrials(await storage.getStudyIdFromName("digits-mlp"));
        expect(trials).toHaveLength(8);
        expect(trials.filter((t) => t.state === "FAIL")).toEqual([]);
        // Hyperband stops trials before the last epoch, at a rung (1 or 3 epochs done).
        const pruned = trials.filter((t) => t.state === "PRUNED");
        expect(pruned.length).toBeGreaterThan(0);
        for (const t of pruned) {
          const lines = epochLines(String(t.userAttrs["log_path"]));
          // Stopped: no report of the last epochs stored, and the process printed no more.
          expect(Math.max(...t.intermediateValues.keys())).toBeLessThan(epochs);
          expect(lines.length).toBeLessThan(epochs);
        }
        // Each complete trial reported every epoch, counted from 1, and its value is the last.
        const complete = trials.filter((t) => t.state === "COMPLETE");
        expect(complete.length).toBeGreaterThan(0);
        for (const t of complete) {
          const lines = epochLines(String(t.userAttrs["log_path"]));
          expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
          expect(t.values![0]).toBeCloseTo(lines.at(-1)!.val_loss, 10);
        }
        const best = complete.reduce((a, b) => (b.values![0]! < a.values![0]! ? b : a));
        // A good MLP on digits gets over 90 % of the held-out fifth right within 6 epochs.
        expect(best.values![0]).toBeLessThan(0.3);
        expect(epochLines(String(best.userAttrs["log_path"])).at(-1)!.val_acc).toBeGreaterThan(0.9);
      } finally {
        await storage.close();
      }
    },
    300_000,
  );
});
