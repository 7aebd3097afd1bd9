/**
 * `npm run bench [-- --quick] [-- --only core,load,storage,...]`: measures skipjack, and Optuna
 * where it is installed (/usr/bin/python3), in the same run, and prints Markdown tables.
 */
import { loadavg } from "node:os";
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

/** The 1-minute load average, for the tables: on a shared machine other work stretches wall times. */
const load = (): string => loadavg()[0]!.toFixed(1);

// Issue 16's two overhead measures: the core's whole-trial overhead, and loading a study.
if (wanted("core")) {
  const ours = await measureCoreOverhead(quick ? 1 : 9);
  const optuna = quick
    ? null
    : runOptunaScript<{ version: string; msPerTrial: number; cpuMsPerTrial: number }>(
        "core_overhead.py",
        ["9"],
      );
  printTable(
    `Whole-trial overhead, RandomSampler, in-memory, 6 floats: ms per trial over trials 900-1000 of 1,000, median of ${ours.repeats} studies (wall, and the process's CPU time)`,
    [
      "measure",
      "skipjack",
      "skipjack CPU",
      optuna ? `Optuna ${optuna.version}` : "Optuna (not run)",
      "Optuna CPU",
      "speed-up (wall)",
      "target",
      "load average",
    ],
    [
      [
        "ms per trial",
        ours.msPerTrial,
        ours.cpuMsPerTrial,
        optuna?.msPerTrial ?? "-",
        optuna?.cpuMsPerTrial ?? "-",
        optuna ? `${formatNumber(optuna.msPerTrial / ours.msPerTrial)}x` : "-",
        "<= 0.05",
        load(),
      ],
    ],
  );
}

if (wanted("load")) {
  const { measureLoads } = await import("./storage.js");
  const rows = await measureLoads(quick);
  printTable(
    `Load a study into a new storage: getStudyIdFromName + getAllTrials, median of ${quick ? 1 : 5} loads (wall, and this process's CPU: not the server's); Optuna 3.1: load_study + get_trials on the same database, median of 3`,
    ["measure", "skipjack s", "skipjack CPU s", "Optuna s", "speed-up", "target", "load average"],
    rows.map((r) => [
      r.measure,
      r.skipjack ?? "-",
      r.skipjackCpu ?? "-",
      r.optuna ?? "-",
      r.skipjack !== null && r.optuna !== null ? `${formatNumber(r.optuna / r.skipjack)}x` : "-",
      r.target,
      load(),
    ]),
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
  const { runSamplerBenchmark } = await import("./samplers.js");
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
}

// --- GPSampler whole-trial time, Optuna 5.0's GPSampler in the same run (bench/gp.ts) ---
if (wanted("gp")) {
  const { measureGpTrialTimes } = await import("./gp.js");
  const result = await measureGpTrialTimes(quick);
  const optuna = result.optuna;
  const settings = optuna === null ? [] : Object.keys(optuna.threads);
  const label = (threads: string): string =>
    `Optuna ${optuna!.version}, ${threads === "default" ? "default threads" : `${threads} thread`} (${optuna!.threads[threads]})`;
  printTable(
    `GPSampler whole-trial wall time (ask + objective + tell), Hartmann6, ms per trial: mean of the window, median of ${result.repeats} studies${settings.includes("default") ? " (Optuna with default threads: 1 study)" : ""}; load average ${formatNumber(result.load[0])} before, ${formatNumber(result.load[1])} after`,
    [
      "trials",
      "skipjack",
      ...(optuna === null ? ["Optuna (not run)"] : settings.map(label)),
      "Optuna (faster setting) / skipjack",
      "CPU ms: skipjack / Optuna 1 thread",
      "target",
    ],
    result.rows.map((r) => {
      const theirs = settings.map((t) => r.optuna[t]).filter((v) => v !== undefined);
      const fastest = theirs.length > 0 ? Math.min(...theirs) : null;
      const theirCpu = r.optunaCpu["1"];
      return [
        `${r.from}-${r.to}`,
        r.skipjack,
        ...(optuna === null ? ["-"] : settings.map((t) => r.optuna[t] ?? "-")),
        fastest === null ? "-" : `${formatNumber(fastest / r.skipjack)}x`,
        `${formatNumber(r.skipjackCpu)} / ${theirCpu === undefined ? "-" : `${formatNumber(theirCpu)} (${formatNumber(theirCpu / r.skipjackCpu)}x)`}`,
        r.to > 300 ? "<= 100 ms" : ">= 20x",
      ];
    }),
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
    "ask + tell through skipjack serve (HTTP, keep-alive; another process), through the app in-process, and a bare node:http server that does no work, vs the library call; RandomSampler, one float",
    [
      "storage",
      "clients",
      "mode",
      "median ms",
      "p99 ms",
      "pairs/s",
      "server CPU ms/pair",
      "clients CPU ms/pair",
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
      r.serverCpuMs ?? "-",
      r.clientCpuMs ?? "-",
      r.addedMs ?? "-",
      r.addedMs === null ? "-" : "<= 2",
    ]),
  );
}

if (wanted("dashboard")) {
  const { measureDashboardApi } = await import("./dashboard-api.js");
  const rows = await measureDashboardApi(quick);
  printTable(
    "skipjack dashboard API over HTTP (SQLite; Optuna 3.1: its cached storage's get_all_trials, second call, plus json.dumps of the same fields, in the same run)",
    ["measure", "skipjack", "Optuna", "unit", "target"],
    rows.map((r) => [r.measure, r.skipjack, r.optuna ?? "-", r.unit, r.target]),
  );
}

if (wanted("dashboard-ui")) {
  const { measureDashboardUi } = await import("./dashboard-ui.js");
  const rows = await measureDashboardUi(quick);
  printTable(
    "skipjack dashboard in headless Chromium (SQLite; ms; first load after the server started, then median and max of further loads or of live updates)",
    ["measure", "trials", "first ms", "median ms", "max ms", "Chromium CPU ms", "target ms"],
    rows.map((r) => [
      r.measure,
      r.trials.toLocaleString("en-US"),
      r.first === null ? "-" : String(Math.round(r.first)),
      String(Math.round(r.median)),
      String(Math.round(r.max)),
      r.cpuMs === null ? "-" : String(Math.round(r.cpuMs)),
      r.target,
    ]),
  );
}

if (wanted("figures")) {
  const { measureFigures } = await import("./figures.js");
  const { rows, optunaVersion } = measureFigures(quick);
  printTable(
    `Figures (skipjack/visualization): build time of each figure, median of 3 (1 at 100,000 trials), wall and CPU; Optuna ${optunaVersion ?? "(not run)"} on the same kind of study in the same run`,
    ["figure", "trials", "wall ms", "CPU ms", "JSON MiB", "Optuna ms", "target"],
    rows.map((r) => [
      r.figure,
      r.trials,
      r.wallMs,
      r.cpuMs,
      r.jsonMiB,
      r.optunaMs ?? "-",
      r.trials === 10_000 ? "<= 200 ms" : "-",
    ]),
  );
}

if (wanted("importance")) {
  const { measureImportance } = await import("./importance.js");
  const { rows, load } = await measureImportance(quick);
  printTable(
    `Parameter importance (issue 14): computeParamImportances on uniform random studies, first call and median of ${quick ? 1 : 3} more (ms); Optuna on the same trials in the same run (fANOVA, MDI: 3.1 with scikit-learn; PED-ANOVA: 5.0); load average ${load}${quick ? "; --quick: 1,000 × 8 except PED-ANOVA, Optuna's PED-ANOVA only" : ""}`,
    [
      "evaluator",
      "trials × params",
      "first ms",
      "wall ms",
      "CPU ms",
      "Optuna ms",
      "Optuna",
      "speed-up",
      "target",
    ],
    rows.map((r) => [
      r.evaluator,
      r.size,
      r.firstMs,
      r.wallMs,
      r.cpuMs,
      r.optuna,
      r.optunaVersion,
      typeof r.optuna === "number" ? `${formatNumber(r.optuna / r.wallMs)}x` : "-",
      r.target,
    ]),
  );
}
