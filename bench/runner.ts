/**
 * `skipjack run` overhead per trial, beyond the child's own run time: the wall time of N
 * sequential trials of a trivial command (its metric line printed by /bin/echo, or by a
 * python3 that starts and prints), run by `runStudy` in this process on a SQLite file, minus
 * the wall time of the same N commands spawned one after another by Node itself.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childApi } from "../src/runner/api.js";
import { runStudy } from "../src/runner/run.js";
import { parseSpaceText } from "../src/runner/space.js";

/** One measured configuration. */
export interface RunOverheadRow {
  measure: string;
  trials: number;
  msPerTrial: number;
  bareMsPerRun: number;
  overheadMs: number;
  /** CPU time of this process (user + system, children excluded) per trial. */
  cpuMsPerTrial: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function spawnOnce(argv: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv as [string, ...string[]];
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.once("error", reject);
    child.once("close", () => resolve());
  });
}

async function bare(argv: readonly string[], n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await spawnOnce(argv);
  return (performance.now() - start) / n;
}

async function throughRun(
  argv: readonly string[],
  n: number,
  options: { api: boolean; pruner: string; heartbeatInterval: number },
): Promise<{ ms: number; cpuMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "sj-bench-run-"));
  try {
    const common = {
      storage: `sqlite:///${join(dir, "bench.db")}`,
      directions: ["minimize" as const],
      metrics: ["loss"],
      space: parseSpaceText('{"x": {"type": "float", "low": 0, "high": 1}}', "--space", false),
      command: argv,
      concurrency: 1,
      gpus: null,
      sampler: "random",
      pruner: options.pruner,
      objectiveValue: "last" as const,
      logDir: join(dir, "logs"),
      trialsDir: join(dir, "trials"),
      killGrace: 10,
      trialTimeout: null,
      maxConsecutiveFailures: 5,
      heartbeatInterval: options.heartbeatInterval,
      retries: 0,
      verbose: false,
      showProgressBar: false,
      api: options.api ? childApi : undefined,
    };
    // The first trials warm the study, the database and the JIT.
    await runStudy({ ...common, studyName: "warm", nTrials: 3 });
    const cpu = process.cpuUsage();
    const start = performance.now();
    await runStudy({ ...common, studyName: "timed", nTrials: n });
    const ms = (performance.now() - start) / n;
    const used = process.cpuUsage(cpu);
    return { ms, cpuMs: (used.user + used.system) / 1000 / n };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows of the `run` section. */
export async function measureRunOverhead(quick: boolean): Promise<RunOverheadRow[]> {
  const n = quick ? 10 : 20;
  // Rounds alternate the bare commands and the run, so that a busy spell of the machine
  // weighs on both; the medians of the rounds are compared.
  const rounds = quick ? 1 : 10;
  const commands: [string, string[]][] = [
    ["/bin/echo", ["/bin/echo", '{"loss": {x}}']],
    ["python3 -c print", ["/usr/bin/python3", "-c", "print('{\"loss\": {x}}')"]],
  ];
  const configs = [
    {
      label: "heartbeats off, no API, no pruner",
      api: false,
      pruner: "none",
      heartbeatInterval: 0,
    },
    {
      label: "defaults: heartbeats, trial API, median pruner",
      api: true,
      pruner: "median",
      heartbeatInterval: 60,
    },
  ];
  const rows: RunOverheadRow[] = [];
  for (const [name, argv] of commands) {
    if (quick && name !== "/bin/echo") continue;
    const bareArgv = argv.map((a) => a.replace("{x}", "0.5"));
    for (const config of name === "/bin/echo" ? configs : configs.slice(1)) {
      await bare(bareArgv, 3);
      const runs: number[] = [];
      const bares: number[] = [];
      const cpus: number[] = [];
      for (let r = 0; r < rounds; r++) {
        bares.push(await bare(bareArgv, n));
        const { ms, cpuMs } = await throughRun(argv, n, config);
        runs.push(ms);
        cpus.push(cpuMs);
      }
      rows.push({
        measure: `${name}, ${config.label}`,
        trials: n * rounds,
        msPerTrial: median(runs),
        bareMsPerRun: median(bares),
        overheadMs: median(runs) - median(bares),
        cpuMsPerTrial: median(cpus),
      });
    }
  }
  return rows;
}
