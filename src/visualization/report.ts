/**
 * A study report as one self-contained HTML page: summary, best trial(s), parameter
 * importances and every figure that applies to the study. Pure string work (no Node.js
 * module); the `skipjack report` command writes it to a file.
 *
 * Every study text (names, parameter values, attributes) is escaped: it is shown, never
 * interpreted as markup.
 */
import { computeParamImportances } from "../importance/index.js";
import { bestOf } from "../study/best.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { choiceLabel } from "./common.js";
import { contourFigure } from "./contour.js";
import { edfFigure } from "./edf.js";
import { drawScript, escapeHtml, inlineScript, scriptJson } from "./html.js";
import { hypervolumeHistoryFigure } from "./hypervolume-history.js";
import { intermediateValuesFigure } from "./intermediate-values.js";
import { optimizationHistoryFigure } from "./optimization-history.js";
import { parallelCoordinateFigure } from "./parallel-coordinate.js";
import { paramImportancesFigure } from "./param-importances.js";
import { nonDominated } from "./pareto.js";
import { paretoFrontFigure } from "./pareto-front.js";
import { rankFigure } from "./rank.js";
import { sliceFigure } from "./slice.js";
import { terminatorImprovementFigure } from "./terminator-improvement.js";
import { timelineFigure } from "./timeline.js";
import type { PlotlyFigure } from "./types.js";

/** Options of `reportHtml`. */
export interface ReportOptions {
  /** The source of plotly.js, inlined in the page. */
  plotlyJs: string;
  /** When the report was made (shown, and the end of running trials' bars). Default: now. */
  now?: Date;
  /** Rows of the best-trials table at most (a Pareto front can be large). Default 50. */
  maxBestRows?: number;
}

interface Section {
  title: string;
  figure: PlotlyFigure | null;
  note?: string;
}

function valueText(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+(e|$)/, "$1");
}

function paramsText(trial: FrozenTrial): string {
  return Object.entries(trial.params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? valueText(v) : choiceLabel(v)}`)
    .join(", ");
}

function table(header: readonly string[] | null, rows: readonly (readonly string[])[]): string {
  const head = header === null ? "" : header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  const thead = header === null ? "" : `<thead><tr>${head}</tr></thead>`;
  return `<table>${thead}<tbody>\n${body}\n</tbody></table>`;
}

/** The trials' time span, as UTC text. */
function span(trials: readonly FrozenTrial[]): string {
  let first: number | null = null;
  let last: number | null = null;
  for (const t of trials) {
    const s = t.datetimeStart?.getTime();
    const e = t.datetimeComplete?.getTime() ?? s;
    if (s !== undefined && (first === null || s < first)) first = s;
    if (e !== undefined && (last === null || e > last)) last = e;
  }
  if (first === null || last === null) return "-";
  const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
  return `${iso(first)} to ${iso(last)} UTC`;
}

function summary(snapshot: StudySnapshot): string {
  const counts = new Map<string, number>();
  for (const t of snapshot.trials) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const states = ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"]
    .map((s) => `${s} ${counts.get(s) ?? 0}`)
    .join(", ");
  const params = new Map<string, string>();
  for (const t of snapshot.trials) {
    for (const [name, d] of Object.entries(t.distributions)) {
      if (params.has(name)) continue;
      params.set(
        name,
        d.kind === "categorical"
          ? `categorical [${d.choices.map(choiceLabel).join(", ")}]`
          : `${d.kind} [${d.low}, ${d.high}]${d.log ? " log" : ""}${d.step !== null && d.step !== undefined && d.step !== 1 ? ` step ${d.step}` : ""}`,
      );
    }
  }
  const rows: string[][] = [
    ["Study", snapshot.studyName],
    ["Directions", snapshot.directions.join(", ")],
    ["Trials", `${snapshot.trials.length} (${states})`],
    ["Time span", span(snapshot.trials)],
    ["Parameters", [...params].map(([n, d]) => `${n}: ${d}`).join("; ") || "-"],
  ];
  return table(null, rows);
}

function bestTrials(snapshot: StudySnapshot, maxRows: number): string {
  const complete = snapshot.getTrials(["COMPLETE"]).filter((t) => t.values !== null);
  if (complete.length === 0) return "<p>No trial has completed yet.</p>";
  if (snapshot.directions.length === 1) {
    const best = bestOf(complete, snapshot.directions[0]!);
    if (best === null) return "<p>No completed trial has a usable value.</p>";
    return table(
      ["Trial", "Value", "Parameters"],
      [[String(best.number), valueText(best.values![0]!), paramsText(best)]],
    );
  }
  const signs = snapshot.directions.map((d) => (d === "maximize" ? -1 : 1));
  const usable = complete.filter((t) => t.values!.every((v) => !Number.isNaN(v)));
  const front = nonDominated(usable.map((t) => t.values!.map((v, k) => signs[k]! * v))).map(
    (i) => usable[i]!,
  );
  const rows = front
    .slice(0, maxRows)
    .map((t) => [String(t.number), t.values!.map(valueText).join(", "), paramsText(t)]);
  const more =
    front.length > maxRows ? `<p>${front.length - maxRows} more trials on the front.</p>` : "";
  return `<p>${front.length} trials on the Pareto front.</p>${table(["Trial", "Values", "Parameters"], rows)}${more}`;
}

/** Runs a figure builder; a figure that cannot be drawn for this study becomes a note. */
function attempt(titleText: string, build: () => PlotlyFigure): Section {
  try {
    const figure = build();
    if (figure.data.length === 0)
      return { title: titleText, figure: null, note: "nothing to draw for this study yet." };
    return { title: titleText, figure };
  } catch (error) {
    return {
      title: titleText,
      figure: null,
      note: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * A reference point for the hypervolume: each objective's worst completed value pushed out by
 * 10% of its range (Optuna asks the user for one; a report has to choose).
 */
function referencePoint(snapshot: StudySnapshot): number[] | null {
  const complete = snapshot.getTrials(["COMPLETE"]).filter((t) => t.values !== null);
  if (complete.length === 0) return null;
  return snapshot.directions.map((d, k) => {
    const [lo, hi] = minMax(complete.map((t) => t.values![k]!).filter(Number.isFinite));
    const pad = (hi - lo) * 0.1 || 1;
    return d === "maximize" ? lo - pad : hi + pad;
  });
}

function minMax(values: readonly number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The sections with figures, in the report's order. */
function figureSections(
  snapshot: StudySnapshot,
  now: Date,
): { sections: Section[]; importances: string } {
  const multi = snapshot.directions.length > 1;
  // A multi-objective study's per-value figures show its first objective.
  const t = multi
    ? { target: (trial: FrozenTrial) => trial.values?.[0] ?? Number.NaN, targetName: "Objective 0" }
    : {};
  let importanceRows: string[][] = [];
  const sections: Section[] = [];
  if (multi) {
    sections.push(attempt("Pareto front", () => paretoFrontFigure(snapshot)));
    const reference = referencePoint(snapshot);
    if (reference !== null) {
      sections.push(
        attempt("Hypervolume history", () => hypervolumeHistoryFigure(snapshot, reference)),
      );
    }
  }
  sections.push(attempt("Optimization history", () => optimizationHistoryFigure(snapshot, t)));
  sections.push(
    attempt("Parameter importances", () => {
      const importances = computeParamImportances(snapshot, t);
      importanceRows = Object.entries(importances).map(([p, v]) => [p, v.toFixed(4)]);
      return paramImportancesFigure(snapshot, { ...t, importances });
    }),
  );
  sections.push(attempt("Intermediate values", () => intermediateValuesFigure(snapshot)));
  sections.push(attempt("Parallel coordinate", () => parallelCoordinateFigure(snapshot, t)));
  sections.push(attempt("Slice", () => sliceFigure(snapshot, t)));
  sections.push(attempt("Contour", () => contourFigure(snapshot, t)));
  sections.push(attempt("Rank", () => rankFigure(snapshot, t)));
  sections.push(attempt("Empirical distribution", () => edfFigure(snapshot, t)));
  sections.push(attempt("Timeline", () => timelineFigure(snapshot, { now })));
  if (!multi) {
    sections.push(attempt("Terminator improvement", () => terminatorImprovementFigure(snapshot)));
  }
  const importances =
    importanceRows.length > 0
      ? table(["Parameter", "Importance (PED-ANOVA, normalized)"], importanceRows)
      : "<p>Not computed: the study needs completed trials with parameters.</p>";
  return { sections, importances };
}

const STYLE = `body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0; } td, th { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
.figure { width: 100%; height: 520px; } .note { color: #666; font-style: italic; } nav a { margin-right: 0.8rem; }`;

/** The report of a study snapshot as one self-contained HTML page. */
export function reportHtml(snapshot: StudySnapshot, options: ReportOptions): string {
  const now = options.now ?? new Date();
  const { sections, importances } = figureSections(snapshot, now);
  const figures: PlotlyFigure[] = [];
  const parts = sections.map((s, i) => {
    const id = `figure-${i}`;
    if (s.figure === null) {
      return `<h2 id="${id}">${escapeHtml(s.title)}</h2>\n<p class="note">Not drawn: ${escapeHtml(s.note ?? "")}</p>`;
    }
    figures.push(s.figure);
    const layout = s.figure.layout;
    const width = typeof layout["width"] === "number" ? layout["width"] : null;
    const height = typeof layout["height"] === "number" ? layout["height"] : null;
    const style = [
      width === null ? "" : `min-width: ${width}px;`,
      height === null ? "" : `height: ${height}px;`,
    ].join(" ");
    return `<h2 id="${id}">${escapeHtml(s.title)}</h2>\n<div class="figure" data-figure="${figures.length - 1}" style="${style.trim()}"></div>`;
  });
  const nav = sections.map((s, i) => `<a href="#figure-${i}">${escapeHtml(s.title)}</a>`).join(" ");
  const name = escapeHtml(snapshot.studyName);
  const values = snapshot.getTrials(["COMPLETE"]).flatMap((t) => t.values ?? []);
  const [lo, hi] = minMax(values);
  const range =
    values.length > 0 ? `values from ${valueText(lo)} to ${valueText(hi)}` : "no values yet";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Study ${name}: skipjack report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Study ${name}</h1>
<p>Report made ${escapeHtml(now.toISOString().replace("T", " ").slice(0, 19))} UTC by skipjack; ${escapeHtml(range)}.</p>
<nav>${nav}</nav>
<h2>Summary</h2>
${summary(snapshot)}
<h2>Best ${snapshot.directions.length > 1 ? "trials" : "trial"}</h2>
${bestTrials(snapshot, options.maxBestRows ?? 50)}
<h2>Importances</h2>
${importances}
${parts.join("\n")}
<script>${inlineScript(options.plotlyJs)}</script>
<script type="application/json" id="skipjack-figures">${scriptJson(figures)}</script>
<script>${drawScript("skipjack-figures")}</script>
</body>
</html>
`;
}
