/**
 * Metric lines: every line of the command's standard output that is a JSON object holding a
 * `--metric` key is a report. Its step is the line's `step` or `epoch` field (a non-negative
 * integer), else a counter of the reports so far. Other lines are plain output.
 */
import { pythonJsonLoads } from "../json/python.js";
import type { StudyDirection } from "../trial/state.js";

/** One report found on standard output. */
export interface MetricReport {
  readonly step: number;
  /** The value of each `--metric` key the line holds, by key. */
  readonly values: ReadonlyMap<string, number>;
}

/** Reads metric lines of one trial and keeps what its value(s) will be. */
export class MetricReader {
  private reports = 0;
  private readonly last = new Map<string, number>();
  private readonly best = new Map<string, number>();

  constructor(
    private readonly keys: readonly string[],
    private readonly directions: readonly StudyDirection[],
  ) {}

  /** The report a line holds, or null when it is plain output. */
  read(line: string): MetricReport | null {
    const text = line.trim();
    if (!text.startsWith("{") || !text.endsWith("}")) return null;
    let parsed: unknown;
    try {
      // Python's json.dumps writes NaN and Infinity; they are read as numbers too.
      parsed = pythonJsonLoads(text);
    } catch {
      return null;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    const record = parsed as Record<string, unknown>;
    const values = new Map<string, number>();
    for (const key of this.keys) {
      const value = numeric(record[key]);
      if (value !== undefined) values.set(key, value);
    }
    if (values.size === 0) return null;
    const step = stepOf(record["step"]) ?? stepOf(record["epoch"]) ?? this.reports;
    this.reports++;
    this.keys.forEach((key, i) => {
      const value = values.get(key);
      if (value === undefined) return;
      this.last.set(key, value);
      const previous = this.best.get(key);
      const better =
        previous === undefined ||
        Number.isNaN(previous) ||
        (this.directions[i] === "maximize" ? value > previous : value < previous);
      if (better) this.best.set(key, value);
    });
    return { step, values };
  }

  /** Number of reports read. */
  get count(): number {
    return this.reports;
  }

  /**
   * The trial's values, one per key, the last (or best) reported; a string naming the
   * missing keys when some key was never reported.
   */
  values(mode: "last" | "best"): number[] | string {
    const source = mode === "best" ? this.best : this.last;
    const missing = this.keys.filter((k) => !source.has(k));
    if (missing.length > 0) {
      return `no line with key ${missing.join(", ")} on standard output`;
    }
    return this.keys.map((k) => source.get(k) as number);
  }
}

function numeric(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  // A number printed as a string (e.g. f"{loss:.4f}" in quotes) is still the number.
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  return undefined;
}

function stepOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
