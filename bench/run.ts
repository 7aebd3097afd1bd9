/**
 * `npm run bench [-- --quick] [-- --only core,storage,...]`: measures skipjack, and Optuna where
 * it is installed (/usr/bin/python3), in the same run, and prints Markdown tables.
 */
import { setVerbosity, Verbosity } from "../src/index.js";
import { measureCoreOverhead } from "./core.js";
import { runOptunaScript } from "./optuna/run.js";
import { formatNumber, printTable } from "./table.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1]?.split(",")) : null;
const wanted = (name: string): boolean => only === null || only.has(name);

setVerbosity(Verbosity.WARNING);
console.log(`# skipjack benchmarks${quick ? " (quick)" : ""}`);
console.log(`node ${process.version}, ${new Date().toISOString()}`);

if (wanted("core")) {
  const ours = await measureCoreOverhead(quick ? 1 : 5);
  const optuna = quick
    ? null
    : runOptunaScript<{ version: string; msPerTrial: number }>("core_overhead.py");
  const optunaMs = optuna?.msPerTrial ?? Number.NaN;
  printTable(
    "Whole-trial overhead, RandomSampler, in-memory, 6 floats (ms per trial, trials 900-1000)",
    [
      "measure",
      "skipjack",
      optuna ? `Optuna ${optuna.version}` : "Optuna (not run)",
      "speed-up",
      "target",
    ],
    [
      [
        "ms per trial",
        ours.msPerTrial,
        optuna ? optunaMs : "-",
        optuna ? `${formatNumber(optunaMs / ours.msPerTrial)}x` : "-",
        "<= 0.05",
      ],
    ],
  );
}

if (wanted("storage")) {
  const { measureStorage } = await import("./storage.js");
  const rows = await measureStorage(quick);
  printTable(
    "Storage (Optuna 3.1.0 measured in the same run where it is installed)",
    ["measure", "skipjack", "Optuna", "ratio", "unit", "target"],
    rows.map((r) => [
      r.measure,
      r.skipjack ?? "-",
      r.optuna ?? "-",
      r.skipjack !== null && r.optuna !== null && r.unit !== "trials/s"
        ? `${formatNumber(r.optuna / r.skipjack)}x faster`
        : "-",
      r.unit,
      r.target,
    ]),
  );
}

if (wanted("samplers")) {
  const { CmaEsSampler, GPSampler, QMCSampler, RandomSampler, TPESampler } = await import(
    "../src/index.js"
  );
  const { branin, hartmann6 } = await import("./problems/synthetic.js");
  const { measureWindows, runSamplerBenchmark } = await import("./samplers.js");
  const samplers = {
    Random: (seed: number) => new RandomSampler({ seed }),
    QMC: (seed: number) => new QMCSampler({ seed }),
    TPE: (seed: number) => new TPESampler({ seed }),
    "CMA-ES": (seed: number) => new CmaEsSampler({ seed }),
    GP: (seed: number) => new GPSampler({ seed }),
  };
  const result = await runSamplerBenchmark({ quick, samplers, overhead: ["TPE"] });
  // Optuna's median final regret over 10 seeds, measured on this machine (issue 4).
  const optuna: Record<string, { gp: number; tpe: number; cma: number }> = {
    branin: { gp: 3.6e-5, tpe: 0.127, cma: 0.394 },
    hartmann6: { gp: 9.0e-5, tpe: 0.209, cma: 0.254 },
    rosenbrock4: { gp: 16.3, tpe: 51.3, cma: 38 },
    ackley5: { gp: 5.51, tpe: 7.93, cma: 6.2 },
  };
  printTable(
    `Simple regret, median over ${quick ? 2 : 10} seeds (IQR), and median regret at 10/25/50/100 trials`,
    [
      "problem",
      "sampler",
      "trials",
      "final median",
      "IQR",
      "@10",
      "@25",
      "@50",
      "@100",
      "Optuna (same algorithm)",
    ],
    result.rows.map((r) => {
      const ref = optuna[r.problem];
      const same =
        ref === undefined
          ? "-"
          : r.sampler === "GP"
            ? ref.gp
            : r.sampler === "TPE"
              ? ref.tpe
              : r.sampler === "CMA-ES"
                ? ref.cma
                : "-";
      return [
        r.problem,
        r.sampler,
        r.trials,
        r.finalRegretMedian,
        r.finalRegretIqr,
        r.regretAt[10] ?? "-",
        r.regretAt[25] ?? "-",
        r.regretAt[50] ?? "-",
        r.regretAt[100] ?? "-",
        same,
      ];
    }),
  );
  printTable(
    "Sampler time per trial (ms); Optuna: TPE 35-44 ms at trials 900-1000 (quoted in issue 4)",
    ["measure", "ms per trial"],
    result.overhead.map((o) => [
      `${o.sampler}, ${o.problem}, trials ${o.from}-${o.to}`,
      o.msPerTrial,
    ]),
  );
  // GP: the sampler's time per trial over a 100-trial study (median of 3 studies), against
  // issue 4's quoted Optuna 4.9 figures and, where SKIPJACK_BENCH_OPTUNA_GP_PYTHON names a
  // Python with Optuna >= 3.6 and torch (bench/RESULTS.md says how to build one), Optuna's
  // GPSampler timed in this same run. "Quiet": each trial's fastest of 3 reruns of its seeded
  // study, to compare with figures measured on an idle machine (the quoted ones).
  const { runOptunaScript } = await import("./optuna/run.js");
  const trials = quick ? 30 : 100;
  const quoted: Record<string, [number, number]> = { branin: [22, 35], hartmann6: [35, 57] };
  const gpRows = [];
  for (const problem of [branin, hartmann6]) {
    const windows = [
      [0, trials],
      [trials - 10, trials],
    ] as const;
    const [average, last] = await measureWindows(
      samplers.GP,
      quick ? 1 : 3,
      problem,
      trials,
      windows,
    );
    const [quietAverage, quietLast] = quick
      ? [Number.NaN, Number.NaN]
      : await measureWindows(samplers.GP, 3, problem, trials, windows, 3);
    const pythonPath = process.env.SKIPJACK_BENCH_OPTUNA_GP_PYTHON;
    const sameRun =
      quick || pythonPath === undefined
        ? null
        : runOptunaScript<{
            version: string;
            problems: Record<string, { average: number; last10: number }>;
          }>("gp_overhead.py", [problem.name], pythonPath);
    const optuna = sameRun?.problems[problem.name];
    const [qAverage, qLast] = quoted[problem.name]!;
    gpRows.push([
      `GP, ${problem.name}, ${trials} trials`,
      average!,
      last!,
      quick ? "-" : `${quietAverage!.toFixed(2)} / ${quietLast!.toFixed(2)}`,
      `${qAverage / 5} / ${qLast / 5}`,
      optuna === undefined
        ? "-"
        : `${optuna.average.toFixed(1)} / ${optuna.last10.toFixed(1)} (${sameRun!.version})`,
      optuna === undefined
        ? "-"
        : `${(optuna.average / average!).toFixed(1)}x / ${(optuna.last10 / last!).toFixed(1)}x`,
    ]);
  }
  printTable(
    "GP sampler time per trial (ms): average over the study and over its last 10 trials",
    [
      "measure",
      "average",
      "last 10",
      "quiet: average / last 10",
      "target: 1/5 of Optuna 4.9 (quoted)",
      "Optuna GP, same run",
      "Optuna / skipjack",
    ],
    gpRows,
  );
}

// --- LCBench surrogate (bench/lcbench/): issue 4's LCBench part and issue 5's multi-fidelity ---
if (wanted("lcbench")) {
  const { printLcbenchSamplers } = await import("./lcbench/report.js");
  await printLcbenchSamplers(quick);
}
if (wanted("multifidelity")) {
  const { printMultiFidelity } = await import("./lcbench/report.js");
  await printMultiFidelity(quick);
}

// --- The command line (bench/cli.ts): issue 12's targets ---
if (wanted("run")) {
  const { measureRunOverhead } = await import("./runner.js");
  const rows = await measureRunOverhead(quick);
  printTable(
    "skipjack run: overhead per trial beyond the child's own run time (SQLite, one slot)",
    [
      "command, setup",
      "trials",
      "ms per trial",
      "bare spawn ms",
      "overhead ms",
      "skipjack CPU ms per trial",
      "target",
    ],
    rows.map((r) => [
      r.measure,
      r.trials,
      r.msPerTrial,
      r.bareMsPerRun,
      r.overheadMs,
      r.cpuMsPerTrial,
      "overhead < 50",
    ]),
  );
}

if (wanted("cli")) {
  const { measureCli } = await import("./cli.js");
  const rows = await measureCli(quick);
  printTable(
    "Command line on SQLite, a new process per command (Optuna's optuna command in the same run where installed)",
    [
      "measure",
      "trials or studies",
      "skipjack s",
      "skipjack peak MiB",
      "in-process s",
      "Optuna (size)",
      "Optuna s",
      "target",
    ],
    rows.map((r) => [
      r.measure,
      String(r.size),
      r.skipjackSeconds,
      r.skipjackPeakMiB ?? "-",
      r.inProcessSeconds,
      r.optunaSize === null ? "-" : String(r.optunaSize),
      r.optunaSeconds ?? "-",
      r.target,
    ]),
  );
}

// --- The trial HTTP API (bench/http.ts): issue 13's target ---
if (wanted("http")) {
  const { measureHttp } = await import("./http.js");
  const rows = await measureHttp(quick);
  printTable(
    "ask + tell through skipjack serve (HTTP, keep-alive; another process) and through the app in-process, vs the library call; RandomSampler, one float",
    [
      "storage",
      "clients",
      "mode",
      "median ms",
      "p99 ms",
      "pairs/s",
      "CPU ms/pair",
      "adds (median ms)",
      "target",
    ],
    rows.map((r) => [
      r.storage,
      String(r.clients),
      r.mode,
      r.medianMs,
      r.p99Ms,
      r.perSecond,
      r.cpuMs ?? "-",
      r.addedMs ?? "-",
      r.mode === "library" ? "-" : "<= 2",
    ]),
  );
}
