/**
 * `npm run bench [-- --quick] [-- --only core,storage,...]`: measures skipjack, and Optuna where
 * it is installed (/usr/bin/python3), in the same run, and prints Markdown tables.
 */
import { measureCoreOverhead } from "./core.js";
import { runOptunaScript } from "./optuna/run.js";
import { formatNumber, printTable } from "./table.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1]?.split(",")) : null;
const wanted = (name: string): boolean => only === null || only.has(name);

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
