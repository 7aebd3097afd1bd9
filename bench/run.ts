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
  const { measureOverhead, runSamplerBenchmark } = await import("./samplers.js");
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
  const gpRows = [];
  for (const problem of [branin, hartmann6]) {
    const trials = quick ? 30 : 100;
    const all = await measureOverhead("GP", samplers.GP, 1, { problem, trials, from: 0 });
    const last = await measureOverhead("GP", samplers.GP, 1, {
      problem,
      trials,
      from: trials - 10,
    });
    gpRows.push([`GP, ${problem.name}, ${trials} trials`, all.msPerTrial, last.msPerTrial]);
  }
  printTable(
    "Sampler time per trial (ms); Optuna: TPE 35-44 ms at trials 900-1000, GP 22-35 ms (average) and 35-57 ms (last 10)",
    ["measure", "average", "last window"],
    [
      ...result.overhead.map((o) => [
        `${o.sampler}, ${o.problem}, trials ${o.from}-${o.to}`,
        "-",
        o.msPerTrial,
      ]),
      ...gpRows,
    ],
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
