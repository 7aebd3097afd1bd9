/**
 * Figure building time (issue 14): every figure of `skipjack/visualization` on synthetic
 * studies of 10,000 trials (and 100,000 outside --quick), with every trial state, log, int,
 * categorical and conditional parameters and constraints. Reports the median wall time of 3
 * builds after a warm-up, the CPU time of the same builds (the machine is shared: CPU time
 * shows the work when other processes hold the cores), and the figure's JSON size. Optuna 3.1's
 * figures on the same kind of study are timed in the same run where it is installed.
 */

import type { PlotlyFigure } from "../src/visualization/index.js";
import * as viz from "../src/visualization/index.js";
import { fixtureStudy } from "../test/visualization/fixtures.js";
import { runOptunaScript } from "./optuna/run.js";

export interface FigureRow {
  figure: string;
  trials: number;
  wallMs: number;
  cpuMs: number;
  jsonMiB: number;
  optunaMs: number | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(
  build: () => PlotlyFigure,
  repeats: number,
): { wallMs: number; cpuMs: number; jsonMiB: number } {
  let figure = build();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    figure = build();
    walls.push(performance.now() - t0);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return {
    wallMs: median(walls),
    cpuMs: median(cpus),
    jsonMiB: JSON.stringify(figure).length / 2 ** 20,
  };
}

/** Times every figure at each size; Optuna's at 10,000 trials (not in quick runs). */
export function measureFigures(quick: boolean): {
  rows: FigureRow[];
  optunaVersion: string | null;
} {
  const sizes = quick ? [10_000] : [10_000, 100_000];
  const repeats = quick ? 1 : 3;
  const optuna = quick
    ? null
    : runOptunaScript<{ version: string; times: Record<string, number> }>("figures.py", ["10000"]);
  const rows: FigureRow[] = [];
  for (const n of sizes) {
    const single = fixtureStudy({ trials: n, studyName: "bench" });
    const other = fixtureStudy({ trials: n, seed: 2, studyName: "other" });
    const multi = fixtureStudy({ trials: n, directions: ["minimize", "maximize"] });
    const multi3 = fixtureStudy({ trials: n, directions: ["minimize", "maximize", "minimize"] });
    const importances = viz.paramImportancesFigure;
    const figures: [string, () => PlotlyFigure][] = [
      ["optimization history", () => viz.optimizationHistoryFigure(single)],
      [
        "optimization history, 2 studies, errorBar",
        () => viz.optimizationHistoryFigure([single, other], { errorBar: true }),
      ],
      ["intermediate values", () => viz.intermediateValuesFigure(single)],
      ["parallel coordinate", () => viz.parallelCoordinateFigure(single)],
      ["contour (5 parameters: 20 pairs)", () => viz.contourFigure(single)],
      ["slice", () => viz.sliceFigure(single)],
      ["parameter importances (PED-ANOVA)", () => importances(single)],
      ["EDF", () => viz.edfFigure(single)],
      ["rank", () => viz.rankFigure(single)],
      ["timeline", () => viz.timelineFigure(single)],
      ["Pareto front (2 objectives)", () => viz.paretoFrontFigure(multi)],
      ["Pareto front (3 objectives)", () => viz.paretoFrontFigure(multi3)],
      ["hypervolume history", () => viz.hypervolumeHistoryFigure(multi, [10, -10])],
      ["terminator improvement", () => viz.terminatorImprovementFigure(single)],
    ];
    for (const [name, build] of figures) {
      const m = measure(build, n > 10_000 ? 1 : repeats);
      rows.push({
        figure: name,
        trials: n,
        ...m,
        optunaMs: n === 10_000 ? (optuna?.times[name] ?? null) : null,
      });
    }
  }
  return { rows, optunaVersion: optuna?.version ?? null };
}
