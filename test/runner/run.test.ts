/** `skipjack run` end to end, with Debian's python3 scripts as the trained programs. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alive, FIXTURES, PYTHON, run, startRun, trialsOf, workDir } from "./helpers.js";

const STATIC_SPACE = "x: {type: float, low: 0, high: 4}\ny: {type: int, low: 0, high: 2}\n";

function sqlite(dir: string): string {
  return `sqlite:///${join(dir, "hpo.db")}`;
}

async function waitFor(check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("skipjack run", () => {
  it("runs a static space: placeholders, env, metric lines, logs, trial dirs, --enqueue, --verbose", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "space.yaml"), STATIC_SPACE);
    const url = sqlite(dir);
    const result = await run(
      [
        ...["--storage", url, "--study-name", "static", "--space", "space.yaml"],
        ...["--metric", "loss", "--trials", "3", "--verbose", "--no-api"],
        ...["--enqueue", '{"x": 2.0, "y": 0}', "--sampler", "random"],
        "--",
        PYTHON,
        join(FIXTURES, "static.py"),
        ...["--x", "{x}", "--y", "{y}"],
      ],
      dir,
    );
    expect(result.stderr).toContain("[trial 0] starting");
    expect(result.stderr).toContain(
      `Study "static": 3 trials in this run (3 complete, 0 pruned, 0 failed); trial logs in skipjack-logs/static.`,
    );
    expect(result.status).toBe(0);
    const trials = await trialsOf(url, "static");
    expect(trials.map((t) => t.state)).toEqual(["COMPLETE", "COMPLETE", "COMPLETE"]);
    const first = trials[0]!;
    expect(first.params).toEqual({ x: 2, y: 0 });
    expect(first.values).toEqual([1 / 3]);
    expect([...first.intermediateValues.keys()]).toEqual([0, 1, 2]);
    for (const t of trials) {
      const { x, y } = t.params as { x: number; y: number };
      expect(t.values![0]).toBeCloseTo((x - 2) ** 2 + y + 1 / 3, 12);
      const log = t.userAttrs["log_path"] as string;
      expect(log).toBe(join(dir, "skipjack-logs", "static", `${t.number}.log`));
      expect(readFileSync(log, "utf8")).toContain('"other": "text"');
      expect(
        readFileSync(join(dir, "skipjack-trials", "static", String(t.number), "done.txt"), "utf8"),
      ).toBe(String(t.number));
    }
  });

  it("fails a crashing command with its exit code and standard error, and stops after --max-consecutive-failures", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const result = await run(
      [
        ...["--storage", url, "--study-name", "crash", "--metric", "loss", "--trials", "10"],
        ...["--max-consecutive-failures", "3", "--no-api"],
        "--",
        PYTHON,
        join(FIXTURES, "crash.py"),
      ],
      dir,
    );
    expect(result.status).toBe(1);
    const message = result.stderr.split("\n").find((l) => l.startsWith("skipjack: "));
    expect(message).toMatch(
      /3 trials failed in a row .*Command: \/usr\/bin\/python3 \S*crash\.py\. Last error: .*bad learning rate/,
    );
    const trials = await trialsOf(url, "crash");
    expect(trials).toHaveLength(3);
    for (const t of trials) {
      expect(t.state).toBe("FAIL");
      expect(t.systemAttrs["fail_reason"]).toMatch(
        /exit code 1; last lines of standard error:\n(.|\n)*RuntimeError: bad learning rate/,
      );
    }
  });

  it("kills a hanging command after --trial-timeout; a silent one fails with the missing key", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const common = ["--storage", url, "--metric", "loss", "--trials", "1", "--no-api"];
    const [hang, silent] = await Promise.all([
      run(
        [
          ...common,
          "--study-name",
          "hang",
          "--trial-timeout",
          "1",
          "--kill-grace",
          "0.5",
          "--",
          PYTHON,
          join(FIXTURES, "hang.py"),
        ],
        dir,
      ),
      run([...common, "--study-name", "silent", "--", PYTHON, join(FIXTURES, "silent.py")], dir),
    ]);
    expect(hang.status).toBe(0);
    expect(silent.status).toBe(0);
    const [h] = await trialsOf(url, "hang");
    expect(h!.state).toBe("FAIL");
    expect(h!.systemAttrs["fail_reason"]).toMatch(/timed out after 1 s \(--trial-timeout\)/);
    const [s] = await trialsOf(url, "silent");
    expect(s!.state).toBe("FAIL");
    expect(s!.systemAttrs["fail_reason"]).toBe(
      "Command failed: no line with key loss on standard output",
    );
  });

  it("prunes: the whole process group ends, and the trial is PRUNED with its last value", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const result = await run(
      [
        ...["--storage", url, "--study-name", "prune", "--metric", "loss", "--trials", "1"],
        ...["--pruner", "threshold", "--pruner-kwargs", '{"upper": 0.5}', "--kill-grace", "0.5"],
        ...["--no-api", "--", PYTHON, join(FIXTURES, "forking.py"), "1.0"],
      ],
      dir,
    );
    expect(result.status).toBe(0);
    const [t] = await trialsOf(url, "prune");
    expect(t!.state).toBe("PRUNED");
    expect(t!.values).toEqual([1]);
    const trialDir = join(dir, "skipjack-trials", "prune", "0");
    for (const file of ["child.pid", "grandchild.pid"]) {
      const pid = Number(readFileSync(join(trialDir, file), "utf8"));
      expect(alive(pid), `${file} ${pid}`).toBe(false);
    }
  });

  it("Ctrl-C kills every child's group, fails the running trials with the reason, exits 130", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const running = startRun(
      [
        ...["--storage", url, "--study-name", "sigint", "--metric", "loss", "--trials", "4"],
        ...["--concurrency", "2", "--no-api", "--", PYTHON, join(FIXTURES, "forking.py"), "1.0"],
      ],
      dir,
    );
    const trialsDir = join(dir, "skipjack-trials", "sigint");
    const pidFiles = ["0", "1"].flatMap((n) =>
      ["child.pid", "grandchild.pid"].map((f) => join(trialsDir, n, f)),
    );
    await waitFor(() => pidFiles.every((f) => existsSync(f) && readFileSync(f, "utf8") !== ""));
    const sentAt = Date.now();
    running.child.kill("SIGINT");
    const result = await running.done;
    expect(Date.now() - sentAt).toBeLessThan(8000);
    expect(result.status).toBe(130);
    for (const file of pidFiles) {
      expect(alive(Number(readFileSync(file, "utf8"))), file).toBe(false);
    }
    const trials = await trialsOf(url, "sigint");
    expect(trials.map((t) => t.state)).toEqual(["FAIL", "FAIL"]);
    for (const t of trials) expect(t.systemAttrs["fail_reason"]).toBe("Interrupted by SIGINT.");
  });

  it("SIGTERM kills every child's group and exits 143", async () => {
    const dir = workDir();
    const running = startRun(
      [
        ...["--storage", sqlite(dir), "--study-name", "sigterm", "--metric", "loss"],
        ...["--no-api", "--", PYTHON, join(FIXTURES, "forking.py"), "1.0"],
      ],
      dir,
    );
    const pidFiles = ["child.pid", "grandchild.pid"].map((f) =>
      join(dir, "skipjack-trials", "sigterm", "0", f),
    );
    await waitFor(() => pidFiles.every((f) => existsSync(f) && readFileSync(f, "utf8") !== ""));
    running.child.kill("SIGTERM");
    const result = await running.done;
    expect(result.status).toBe(143);
    await waitFor(() => pidFiles.every((f) => !alive(Number(readFileSync(f, "utf8")))), 2000);
  });

  it("passes hostile values intact, through placeholders, {args} and SKIPJACK_PARAMS; --gpus sets CUDA_VISIBLE_DEVICES", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const hostile = [
      `it's "quoted" $(touch pwned); rm -rf ~ \`id\``,
      "  spaces  and ünïcödé ✓ {x}",
    ];
    const space = JSON.stringify({ v: { type: "categorical", choices: hostile } });
    const result = await run(
      [
        ...["--storage", url, "--study-name", "hostile", "--space", space, "--metric", "loss"],
        ...["--trials", "2", "--sampler", "grid", "--gpus", "3,5", "--no-api"],
        ...["--", PYTHON, join(FIXTURES, "echo_argv.py"), "--v", "{v}", "{args}", "pre{v}post"],
      ],
      dir,
    );
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, "pwned"))).toBe(false);
    const trials = await trialsOf(url, "hostile");
    const seen = new Set<string>();
    const gpus = new Set<string>();
    for (const t of trials) {
      expect(t.state).toBe("COMPLETE");
      const v = t.params["v"] as string;
      seen.add(v);
      const echoed = JSON.parse(
        readFileSync(
          join(dir, "skipjack-trials", "hostile", String(t.number), "argv.json"),
          "utf8",
        ),
      ) as { argv: string[]; params: { v: string }; cuda: string };
      expect(echoed.argv).toEqual(["--v", v, `--v=${v}`, `pre${v}post`]);
      expect(echoed.params.v).toBe(v);
      gpus.add(echoed.cuda);
    }
    expect(seen).toEqual(new Set(hostile));
    expect(gpus).toEqual(new Set(["3", "5"]));
  });

  it("makes a multi-objective study of several --metric keys; --objective-value best", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const script = [
      "import json",
      'print(json.dumps({"a": 1, "b": 2}))',
      'print(json.dumps({"a": 0.5, "b": 1}))',
    ].join("\n");
    const common = ["--storage", url, "--metric", "a", "--metric", "b", "--trials", "1"];
    const directions = ["--direction", "minimize", "--direction", "maximize", "--no-api"];
    const [last, best] = await Promise.all([
      run([...common, ...directions, "--study-name", "last", "--", PYTHON, "-c", script], dir),
      run(
        [
          ...[...common, ...directions, "--study-name", "best", "--objective-value", "best"],
          ...["--", PYTHON, "-c", script],
        ],
        dir,
      ),
    ]);
    expect(last.status, last.stderr).toBe(0);
    expect(best.status, best.stderr).toBe(0);
    expect((await trialsOf(url, "last"))[0]!.values).toEqual([0.5, 1]);
    expect((await trialsOf(url, "best"))[0]!.values).toEqual([0.5, 2]);
  });

  it("refuses an unknown placeholder before any trial runs", async () => {
    const dir = workDir();
    const result = await run(
      [
        ...[
          "--storage",
          sqlite(dir),
          "--study-name",
          "typo",
          "--space",
          '{"x": {"type": "float", "low": 0, "high": 1}}',
        ],
        ...["--metric", "loss", "--no-api", "--", PYTHON, "train.py", "--x", "{xx}"],
      ],
      dir,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^skipjack: The command's argument "\{xx\}" names \{xx\}/m);
  });
});

describe("skipjack run, a worker that dies", () => {
  it("its trial is failed by the next worker after the grace period and retried with --retries", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const heartbeat = ["--heartbeat-interval", "0.5", "--grace-period", "1.5", "--retries", "1"];
    const dying = startRun(
      [
        ...["--storage", url, "--study-name", "dies", "--metric", "loss", "--trials", "1"],
        ...heartbeat,
        ...["--pruner", "none", "--no-api", "--", PYTHON, join(FIXTURES, "forking.py"), "1.0"],
      ],
      dir,
    );
    const pidFile = join(dir, "skipjack-trials", "dies", "0", "child.pid");
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "");
    dying.child.kill("SIGKILL");
    await dying.done;
    // The run's watchdog ends them after its grace period; end them at once here.
    process.kill(-Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    await new Promise((r) => setTimeout(r, 2000));
    const next = await run(
      [
        ...["--storage", url, "--study-name", "dies", "--metric", "loss", "--trials", "1"],
        ...heartbeat,
        ...["--pruner", "none", "--no-api", "--", PYTHON, join(FIXTURES, "echo_argv.py")],
      ],
      dir,
    );
    expect(next.status, next.stderr).toBe(0);
    const trials = await trialsOf(url, "dies");
    expect(trials.map((t) => t.state)).toEqual(["FAIL", "COMPLETE"]);
    expect(trials[1]!.systemAttrs["failed_trial"]).toBe(0);
  });
});

describe("skipjack run, SIGKILLed", () => {
  it("its watchdog ends every process of its trials, even silent ones", async () => {
    const dir = workDir();
    const running = startRun(
      [
        ...["--storage", sqlite(dir), "--study-name", "killed", "--metric", "loss"],
        ...["--concurrency", "2", "--kill-grace", "1", "--heartbeat-interval", "0"],
        ...["--no-api", "--", PYTHON, join(FIXTURES, "silent_forking.py")],
      ],
      dir,
    );
    const pidFiles = ["0", "1"].flatMap((n) =>
      ["child.pid", "grandchild.pid"].map((f) => join(dir, "skipjack-trials", "killed", n, f)),
    );
    await waitFor(() => pidFiles.every((f) => existsSync(f) && readFileSync(f, "utf8") !== ""));
    const pids = pidFiles.map((f) => Number(readFileSync(f, "utf8")));
    running.child.kill("SIGKILL");
    await running.done;
    try {
      await waitFor(() => pids.every((pid) => !alive(pid)), 5000);
    } finally {
      // Leave nothing behind when the assertion fails.
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
    expect(pids.filter(alive)).toEqual([]);
  });
});

describe("skipjack run, define-by-run through the Python client", () => {
  it("serves the trial API: a conditional space, reports, pruning, tell or a metric line", async () => {
    const dir = workDir();
    const url = sqlite(dir);
    const script = join(FIXTURES, "define_by_run.py");
    const [told, printed] = await Promise.all([
      run(
        [
          ...["--storage", url, "--study-name", "dbr", "--trials", "8", "--concurrency", "2"],
          ...["--pruner", "threshold", "--pruner-kwargs", '{"upper": 1.5}', "--sampler", "random"],
          ...["--sampler-kwargs", '{"seed": 3}', "--", PYTHON, script],
        ],
        dir,
      ),
      run(
        [
          ...["--storage", url, "--study-name", "dbr-print", "--trials", "2", "--metric", "loss"],
          ...["--pruner", "none", "--", PYTHON, script, "print"],
        ],
        dir,
      ),
    ]);
    expect(told.status, told.stderr).toBe(0);
    expect(printed.status, printed.stderr).toBe(0);
    const trials = await trialsOf(url, "dbr");
    expect(trials).toHaveLength(8);
    for (const t of trials) {
      const p = t.params as Record<string, number | string>;
      const layers = p["layers"] as number;
      const names = [
        "lr",
        "layers",
        ...Array.from({ length: layers }, (_, i) => `units_l${i}`),
        "kind",
        ...(p["kind"] === "b" ? ["extra"] : []),
      ];
      expect(Object.keys(p).sort()).toEqual(names.sort());
      const units = names.filter((n) => n.startsWith("units_")).map((n) => p[n] as number);
      const loss =
        Math.abs((p["lr"] as number) - 0.1) +
        layers * 0.01 +
        units.reduce((a, b) => a + b, 0) * 1e-4;
      // First report is loss + 1: over 1.5 the threshold pruner stops the trial at step 0.
      if (loss + 1 > 1.5) {
        expect(t.state).toBe("PRUNED");
        expect(t.values![0]).toBeCloseTo(loss + 1, 12);
      } else {
        expect(t.state).toBe("COMPLETE");
        expect(t.values![0]).toBeCloseTo(loss + 1 / 3, 12);
        expect([...t.intermediateValues.keys()]).toEqual([0, 1, 2]);
      }
    }
    // The seed gives both outcomes.
    expect(new Set(trials.map((t) => t.state))).toEqual(new Set(["PRUNED", "COMPLETE"]));
    const byLine = await trialsOf(url, "dbr-print");
    expect(byLine.map((t) => t.state)).toEqual(["COMPLETE", "COMPLETE"]);
  });
});

const POSTGRES = process.env["SKIPJACK_TEST_POSTGRES_URL"];
const MYSQL = process.env["SKIPJACK_TEST_MYSQL_URL"];

describe.each([
  ["SQLite", null as string | null],
  ...(POSTGRES === undefined || POSTGRES === ""
    ? []
    : [["PostgreSQL", POSTGRES] as [string, string]]),
  ...(MYSQL === undefined || MYSQL === "" ? [] : [["MySQL", MYSQL] as [string, string]]),
])("two skipjack run processes on one study (%s)", (_kind, shared) => {
  it("share the study: every trial completes once, numbers unique", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "space.yaml"), STATIC_SPACE);
    const url = shared ?? sqlite(dir);
    const study = `shared-${process.pid}-${Date.now()}`;
    const args = [
      ...["--storage", url, "--study-name", study, "--space", "space.yaml", "--metric", "loss"],
      ...[
        "--trials",
        "3",
        "--no-api",
        "--heartbeat-interval",
        "5",
        "--retries",
        "1",
        "--pruner",
        "none",
      ],
      ...["--", PYTHON, join(FIXTURES, "static.py"), "--x", "{x}", "--y", "{y}"],
    ];
    const results = await Promise.all([run(args, dir), run(args, dir)]);
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    const trials = await trialsOf(url, study);
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials.map((t) => [t.state, t.systemAttrs["fail_reason"] ?? null])).toEqual(
      trials.map(() => ["COMPLETE", null]),
    );
    if (shared !== null) {
      const { openStorage } = await import("../../src/storages/resolve.js");
      const storage = await openStorage(url);
      await storage.deleteStudy(await storage.getStudyIdFromName(study));
      await storage.close();
    }
  });
});
