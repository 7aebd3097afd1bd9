/**
 * What every figure shares: turning a study into a snapshot, the plotted target, feasibility,
 * how a parameter's axis is scaled, text escaping, and the subplot grid.
 */
import type { Distribution, ParamValue } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { Study } from "../study/study.js";
import type { FrozenTrial } from "../trial/frozen.js";
import type { PlotlyJson } from "./types.js";

/** A study, or a snapshot of one (for instance rebuilt from JSON in a browser). */
export type StudyInput = Study | StudySnapshot;

/** The value a figure plots for a trial, instead of its (single) objective value. */
export type Target = (trial: FrozenTrial) => number;

/** Options shared by the figures that plot one value per trial. */
export interface TargetOptions {
  /** The value to plot; required for a multi-objective study. Default: the objective value. */
  target?: Target;
  /** The name of the plotted value in titles and legends. Default "Objective Value". */
  targetName?: string;
}

/** Optuna's default name of the plotted value. */
export const DEFAULT_TARGET_NAME = "Objective Value";

/** Optuna's marker color for infeasible trials. */
export const INFEASIBLE_COLOR = "#cccccc";

/** The snapshot of a study (a snapshot is returned as it is). */
export async function toSnapshot(study: StudyInput): Promise<StudySnapshot> {
  return isSnapshot(study) ? study : study.snapshot();
}

function isSnapshot(study: StudyInput): study is StudySnapshot {
  return typeof (study as Partial<Study>).snapshot !== "function";
}

/** Throws (as Optuna) when a multi-objective study is plotted without a target. */
export function checkTarget(
  snapshot: StudySnapshot,
  target: Target | undefined,
  what: string,
): void {
  if (target === undefined && snapshot.directions.length > 1) {
    throw new InvalidArgumentError(
      `${what}: study "${snapshot.studyName}" has ${snapshot.directions.length} objectives; ` +
        "pass target (e.g. target: (t) => t.values[0]) to choose the plotted value.",
    );
  }
}

/** The plotted value of a trial: the target, else its first objective value (NaN if none). */
export function targetValue(trial: FrozenTrial, target: Target | undefined): number {
  if (target !== undefined) return target(trial);
  return trial.values?.[0] ?? Number.NaN;
}

/** COMPLETE trials whose plotted value is finite (Optuna omits NaN and infinite values). */
export function finiteCompleteTrials(
  snapshot: StudySnapshot,
  target: Target | undefined,
): FrozenTrial[] {
  const out: FrozenTrial[] = [];
  for (const trial of snapshot.getTrials(["COMPLETE"])) {
    if (Number.isFinite(targetValue(trial, target))) out.push(trial);
  }
  return out;
}

/**
 * Whether a trial satisfies its constraints: every value stored under the system attribute
 * "constraints" (Optuna's key) is <= 0. A trial without constraints is feasible.
 */
export function isFeasible(trial: FrozenTrial): boolean {
  const constraints = trial.systemAttrs["constraints"];
  if (!Array.isArray(constraints)) return true;
  for (const c of constraints) if (typeof c === "number" && c > 0) return false;
  return true;
}

/** Escapes text for Plotly, which reads a subset of HTML in every label: user text stays text. */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A categorical choice as a label (Python's spelling, as Optuna's figures show it). */
export function choiceLabel(value: ParamValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  return String(value);
}

/** How a parameter's axis is drawn. */
export interface ParamScale {
  readonly name: string;
  /** "log" for log-scaled distributions, "category" for categoricals with non-number choices. */
  readonly type: "linear" | "log" | "category";
  /** For "category": the labels in the distribution's order. */
  readonly categories: readonly string[];
  /** For "category": a choice's escaped label (memoized: labels repeat over many trials). */
  readonly labels?: Map<ParamValue, string>;
}

/**
 * The scale of a parameter, from the first trial that has it (as Optuna): log-scaled float or
 * int → "log"; categorical with only number choices → "linear" (Optuna plots those as numbers);
 * other categoricals → "category".
 */
export function paramScale(trials: readonly FrozenTrial[], name: string): ParamScale {
  let distribution: Distribution | undefined;
  for (const trial of trials) {
    distribution = trial.distributions[name];
    if (distribution !== undefined) break;
  }
  if (distribution === undefined) return { name, type: "linear", categories: [] };
  if (distribution.kind === "categorical") {
    const numeric = distribution.choices.every((c) => typeof c === "number");
    if (numeric) return { name, type: "linear", categories: [] };
    const labels = [...new Set(distribution.choices.map(choiceLabel))];
    // Other trials may use other choices (the space can change): add what they hold.
    const seen = new Set(labels);
    for (const trial of trials) {
      const value = trial.params[name];
      if (value === undefined) continue;
      const label = choiceLabel(value);
      if (!seen.has(label)) {
        seen.add(label);
        labels.push(label);
      }
    }
    const escaped = new Map<ParamValue, string>();
    return { name, type: "category", categories: labels.map(escapeText), labels: escaped };
  }
  return { name, type: distribution.log ? "log" : "linear", categories: [] };
}

/** A parameter's value as plotted on its axis (escaped label for categories). */
export function plotValue(scale: ParamScale, value: ParamValue): number | string {
  if (scale.type === "category") {
    let label = scale.labels?.get(value);
    if (label === undefined) {
      label = escapeText(choiceLabel(value));
      scale.labels?.set(value, label);
    }
    return label;
  }
  return typeof value === "number" ? value : Number(value);
}

/** Plotly axis attributes for a parameter's scale. */
export function axisOf(scale: ParamScale): Record<string, PlotlyJson> {
  if (scale.type === "log") return { type: "log" };
  if (scale.type === "category") {
    return { type: "category", categoryorder: "array", categoryarray: scale.categories };
  }
  return { type: "linear" };
}

/** The names of all parameters of `trials`, sorted (Optuna's order in its figures). */
export function sortedParamNames(trials: readonly FrozenTrial[]): string[] {
  const names = new Set<string>();
  for (const trial of trials) for (const name in trial.params) names.add(name);
  return [...names].sort();
}

/** The parameters to plot: `params` (each must exist) or every parameter, sorted. */
export function selectParams(
  trials: readonly FrozenTrial[],
  params: readonly string[] | undefined,
  what: string,
): string[] {
  const all = sortedParamNames(trials);
  if (params === undefined) return all;
  const known = new Set(all);
  for (const name of params) {
    if (!known.has(name)) {
      throw new InvalidArgumentError(
        `${what}: parameter "${name}" does not exist in the study's completed trials ` +
          `(known: ${all.join(", ") || "none"}).`,
      );
    }
  }
  return [...new Set(params)].sort();
}

/** Trial number, values, params and user attributes as hover text (escaped, lines by <br>). */
export function hoverText(trial: FrozenTrial): string {
  const lines = [`number: ${trial.number}`, `values: ${JSON.stringify(trial.values)}`];
  for (const name in trial.params) {
    const value = trial.params[name]!;
    lines.push(`${name}: ${typeof value === "number" ? value : choiceLabel(value)}`);
  }
  for (const name in trial.userAttrs) {
    const text = JSON.stringify(trial.userAttrs[name]) ?? "";
    lines.push(`${name}: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`);
  }
  return escapeText(lines.join("\n")).replace(/\n/g, "<br>");
}

/**
 * Up to this many points carry a full hover text (number, values, params, user attributes);
 * beyond, only the trial number, since the texts would dominate the figure's size.
 */
export const HOVER_DETAIL_LIMIT = 5000;

/** Hover attributes of a trace of `trials`: full texts, or trial numbers for large traces. */
export function hoverAttributes(
  trials: readonly FrozenTrial[],
  extra: string,
): Record<string, PlotlyJson> {
  if (trials.length <= HOVER_DETAIL_LIMIT) {
    return { text: trials.map(hoverText), hovertemplate: `%{text}<extra>${extra}</extra>` };
  }
  return {
    customdata: trials.map((t) => t.number),
    hovertemplate: `Trial %{customdata}<extra>${extra}</extra>`,
  };
}

/** A title attribute (the object form, which every Plotly version reads). */
export function title(text: string): { text: string } {
  return { text };
}

/** Axis ids and domains of a rows × cols grid of subplots (row 0 at the top). */
export interface GridCell {
  /** Trace references: "x", "x2", … */
  readonly x: string;
  readonly y: string;
  /** Layout keys: "xaxis", "xaxis2", … */
  readonly xKey: string;
  readonly yKey: string;
  readonly xDomain: [number, number];
  readonly yDomain: [number, number];
}

/** The cells of a subplot grid, row by row, with `spacing` (share of the figure) between them. */
export function subplotGrid(
  rows: number,
  cols: number,
  spacing: { horizontal: number; vertical: number },
): GridCell[][] {
  const width = (1 - spacing.horizontal * (cols - 1)) / cols;
  const height = (1 - spacing.vertical * (rows - 1)) / rows;
  const grid: GridCell[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: GridCell[] = [];
    for (let c = 0; c < cols; c++) {
      const index = r * cols + c + 1;
      const suffix = index === 1 ? "" : String(index);
      const x0 = c * (width + spacing.horizontal);
      const y1 = 1 - r * (height + spacing.vertical);
      row.push({
        x: `x${suffix}`,
        y: `y${suffix}`,
        xKey: `xaxis${suffix}`,
        yKey: `yaxis${suffix}`,
        xDomain: [round(x0), round(Math.min(1, x0 + width))],
        yDomain: [round(Math.max(0, y1 - height)), round(y1)],
      });
    }
    grid.push(row);
  }
  return grid;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * At most `cap` of `items`, evenly spread over them (deterministic, in order), always keeping
 * the items `keep` says to keep. Used where drawing every trial would be unreadable.
 */
export function evenSample<T>(items: readonly T[], cap: number, keep?: (item: T) => boolean): T[] {
  if (items.length <= cap) return [...items];
  const out: T[] = [];
  const stride = items.length / cap;
  let next = 0;
  for (let i = 0; i < items.length; i++) {
    if (i >= next) {
      out.push(items[i]!);
      next += stride;
    } else if (keep?.(items[i]!)) {
      out.push(items[i]!);
    }
  }
  return out;
}

/** Trace type for a scatter of `n` points: WebGL from `threshold` points on (Plotly's scattergl). */
export function scatterType(n: number, threshold = WEBGL_THRESHOLD): "scatter" | "scattergl" {
  return n >= threshold ? "scattergl" : "scatter";
}

/** From this many points a scatter is drawn with WebGL (SVG slows down beyond a few thousand). */
export const WEBGL_THRESHOLD = 2000;

/**
 * The ColorBrewer RdYlBu scale reversed (blue for low, red for high), which plotly.js does not
 * name: Optuna's rank plot colors by it.
 */
export const RD_YL_BU_R: readonly (readonly [number, string])[] = [
  "rgb(49,54,149)",
  "rgb(69,117,180)",
  "rgb(116,173,209)",
  "rgb(171,217,233)",
  "rgb(224,243,248)",
  "rgb(255,255,191)",
  "rgb(254,224,144)",
  "rgb(253,174,97)",
  "rgb(244,109,67)",
  "rgb(215,48,39)",
  "rgb(165,0,38)",
].map((color, i, all) => [i / (all.length - 1), color] as const);

/** The value a study's direction makes best: -1 to flip maximization into minimization. */
export function directionSign(snapshot: StudySnapshot, index = 0): 1 | -1 {
  return snapshot.directions[index] === "maximize" ? -1 : 1;
}

/**
 * ColorBrewer's sequential Blues as a Plotly colorscale: Optuna's COLOR_SCALE (Python plotly's
 * `sequential.Blues`; plotly.js's own "Blues" is a different scale).
 */
export const BLUES: readonly (readonly [number, string])[] = [
  "rgb(247,251,255)",
  "rgb(222,235,247)",
  "rgb(198,219,239)",
  "rgb(158,202,225)",
  "rgb(107,174,214)",
  "rgb(66,146,198)",
  "rgb(33,113,181)",
  "rgb(8,81,156)",
  "rgb(8,48,107)",
].map((color, i, all) => [i / (all.length - 1), color] as const);

/** Whether colors run reversed: a custom target or a minimized objective (Optuna's rule). */
export function isReverseScale(snapshot: StudySnapshot, target: Target | undefined): boolean {
  return target !== undefined || snapshot.directions[0] === "minimize";
}

/** Names longer than this are shortened on crowded axes (Optuna's 20 characters). */
export function truncateLabel(label: string, max = 20): string {
  return label.length > max ? `${label.slice(0, max - 3)}...` : label;
}
