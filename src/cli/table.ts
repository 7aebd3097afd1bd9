/**
 * Optuna's table layout (`+---+` rules, numbers right-aligned, text left-aligned), fitted to
 * the terminal: when the rows are wider than it, the widest text columns are narrowed and their
 * long cells end with "…" (the `json` format prints them whole).
 */

/** A column to lay out: its name, whether every cell is a number, and the cells as text. */
export interface TableColumn {
  readonly name: string;
  readonly numeric: boolean;
  readonly texts: readonly string[];
}

/** The narrowest a text column becomes (its name stays whole if longer). */
const MIN_WIDTH = 8;

function length(text: string): number {
  return [...text].length;
}

function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join("")}…`;
}

/** Widths that fit `limit` characters (each column costs its width + 3, plus 1). */
function fittedWidths(columns: readonly TableColumn[], limit: number | undefined): number[] {
  const widths = columns.map((c) => Math.max(length(c.name), ...c.texts.map((t) => length(t)), 0));
  if (limit === undefined) return widths;
  const total = (): number => widths.reduce((sum, w) => sum + w + 3, 1);
  while (total() > limit) {
    // Narrow the widest text column that can still give way.
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const floor = Math.max(MIN_WIDTH, length(columns[i]!.name));
      if (columns[i]!.numeric || widths[i]! <= floor) continue;
      if (widest < 0 || widths[i]! > widths[widest]!) widest = i;
    }
    if (widest < 0) break;
    const floor = Math.max(MIN_WIDTH, length(columns[widest]!.name));
    widths[widest] = Math.max(floor, widths[widest]! - (total() - limit));
  }
  return widths;
}

/** The table as Optuna prints it (without a final newline), within `limit` columns if given. */
export function fitTable(
  columns: readonly TableColumn[],
  nRows: number,
  limit: number | undefined,
): string {
  const widths = fittedWidths(columns, limit);
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const cell = (text: string, i: number): string => {
    const shown = clip(text, widths[i]!);
    const pad = " ".repeat(widths[i]! - length(shown));
    return columns[i]!.numeric ? `${pad}${shown}` : `${shown}${pad}`;
  };
  const lines = [rule, `|${columns.map((c, i) => ` ${cell(c.name, i)} `).join("|")}|`, rule];
  for (let r = 0; r < nRows; r++) {
    lines.push(`|${columns.map((c, i) => ` ${cell(c.texts[r]!, i)} `).join("|")}|`);
  }
  lines.push(rule);
  return lines.join("\n");
}
