/**
 * `skipjack/visualization/node`: everything of `skipjack/visualization`, plus writing figures
 * and reports to HTML files with Plotly's JavaScript inlined (read from the
 * `plotly.js-dist-min` package). Node.js only.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { StudyInput } from "./common.js";
import { toSnapshot } from "./common.js";
import { figureHtml } from "./html.js";
import { reportHtml } from "./report.js";
import type { PlotlyFigure } from "./types.js";

export * from "./index.js";

let plotlySource: string | undefined;

/** The source of plotly.js from the `plotly.js-dist-min` package (read once). */
export function plotlyJs(): string {
  if (plotlySource === undefined) {
    const require = createRequire(import.meta.url);
    plotlySource = readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  }
  return plotlySource;
}

/**
 * Writes one figure as a self-contained HTML file (Plotly inlined: it opens without network).
 */
export async function writeHtml(
  figure: PlotlyFigure,
  path: string,
  options: { title?: string } = {},
): Promise<void> {
  await writeFile(path, figureHtml(figure, { plotlyJs: plotlyJs(), ...options }));
}

/** Writes the report of a study (see `reportHtml`) as a self-contained HTML file. */
export async function writeReport(
  study: StudyInput,
  path: string,
  options: { now?: Date } = {},
): Promise<void> {
  const snapshot = await toSnapshot(study);
  await writeFile(path, reportHtml(snapshot, { plotlyJs: plotlyJs(), ...options }));
}
