/**
 * Output formats of the command line, with Optuna's CLI shapes: a record is a list of fields
 * (name, cell); `--flatten` spreads a Dict field into `name_key` columns and a list or tuple
 * field into `name_0, name_1, ...`. Formats: value (cells joined by spaces, one record a line),
 * table (fitted to the terminal), json (Python's `json.dumps`), yaml, and csv (always flat).
 */
import { type Cell, cellJson, Dict, isNumeric, PythonFloat, pythonStr, Tuple } from "./cells.js";
import { fitTable } from "./table.js";
import { yamlDump } from "./yaml.js";

/** The formats of `-f/--format`. */
export const FORMATS = ["value", "table", "json", "yaml", "csv"] as const;
export type Format = (typeof FORMATS)[number];

/** One printed record: its fields in order. */
export type Fields = readonly (readonly [string, Cell])[];

/** Spreads nested fields as Optuna's `--flatten` does. */
export function flattenFields(fields: Fields): [string, Cell][] {
  const out: [string, Cell][] = [];
  for (const [name, cell] of fields) {
    if (cell instanceof Dict) {
      for (const [key, value] of cell.entries) out.push([`${name}_${key}`, value]);
    } else if (cell instanceof Tuple || Array.isArray(cell)) {
      const items = cell instanceof Tuple ? cell.items : (cell as readonly Cell[]);
      items.forEach((value, i) => {
        out.push([`${name}_${i}`, value]);
      });
    } else out.push([name, cell]);
  }
  return out;
}

/** A record as a JSON object (field order kept). */
export function recordJson(fields: Fields): string {
  return cellJson(new Dict(fields));
}

function valueLine(fields: Fields, header: readonly string[]): string {
  const byName = new Map(fields);
  return header
    .map((name) => {
      const cell = byName.get(name);
      return cell === undefined || cell === null ? "" : pythonStr(cell);
    })
    .join(" ");
}

/** RFC 4180 cell: empty for None, JSON for nested values, quoted when needed. */
export function csvCell(cell: Cell | undefined): string {
  if (cell === undefined || cell === null) return "";
  const nested =
    cell instanceof Dict ||
    cell instanceof Tuple ||
    Array.isArray(cell) ||
    (typeof cell === "object" && !(cell instanceof PythonFloat));
  const text = nested ? cellJson(cell) : pythonStr(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Prints records already written as JSON (a fast path for big studies): a JSON list, or one
 * object per line with `lines`, or the one object with `single`.
 */
export async function printJsonTexts(
  texts: AsyncIterable<string>,
  options: { lines: boolean; single?: boolean; sink: Sink },
): Promise<void> {
  const { sink } = options;
  const parts: string[] = [];
  let size = 0;
  let n = 0;
  const open = !options.lines && !options.single;
  if (open) parts.push("[");
  for await (const text of texts) {
    const piece = options.lines ? `${text}\n` : n === 0 ? text : `, ${text}`;
    n++;
    parts.push(piece);
    size += piece.length;
    if (size > 1 << 16) {
      await sink.write(parts.join(""));
      parts.length = 0;
      size = 0;
    }
  }
  if (open) parts.push("]");
  if (!options.lines) parts.push("\n");
  if (parts.length > 0) await sink.write(parts.join(""));
}

/** Where printed text goes, and how wide the terminal is (undefined when not a terminal). */
export interface Sink {
  write(text: string): void | Promise<void>;
  columns?: number | undefined;
}

/**
 * Prints records in a format. Records arrive as an async stream so that json, jsonl, value,
 * yaml and csv print as they are read; table (which measures every cell) gathers them first.
 * `header` names the columns (flattened when `flatten`), needed by table, value and csv.
 * `single` prints one record as an object rather than a list of one (best-trial, ask).
 */
export async function printRecords(
  records: AsyncIterable<Fields> | Iterable<Fields>,
  options: {
    format: Format | "jsonl";
    flatten: boolean;
    header: readonly string[];
    single?: boolean;
    sink: Sink;
  },
): Promise<void> {
  const { format, sink } = options;
  const flat = options.flatten || format === "csv";
  const header = options.header;
  const shape = (fields: Fields): Fields => (flat ? flattenFields(fields) : fields);
  const buffer: string[] = [];
  let bytes = 0;
  const push = async (text: string): Promise<void> => {
    buffer.push(text);
    bytes += text.length;
    if (bytes > 1 << 16) {
      const chunk = buffer.join("");
      buffer.length = 0;
      bytes = 0;
      await sink.write(chunk);
    }
  };
  const flush = async (): Promise<void> => {
    if (buffer.length > 0) await sink.write(buffer.join(""));
    buffer.length = 0;
  };
  switch (format) {
    case "json": {
      let n = 0;
      if (!options.single) await push("[");
      for await (const fields of records) {
        await push(`${n++ === 0 ? "" : ", "}${recordJson(shape(fields))}`);
      }
      if (!options.single) await push("]");
      await push("\n");
      break;
    }
    case "jsonl":
      for await (const fields of records) await push(`${recordJson(shape(fields))}\n`);
      break;
    case "yaml": {
      let any = false;
      for await (const fields of records) {
        const dumped = yamlDump(new Dict(shape(fields)));
        if (options.single) await push(`${dumped}\n`);
        else await push(`${dumped.replace(/^/gm, "  ").replace(/^ {2}/, "- ")}\n`);
        any = true;
      }
      if (!any && !options.single) await push("[]\n");
      break;
    }
    case "value":
      for await (const fields of records) await push(`${valueLine(shape(fields), header)}\n`);
      break;
    case "csv": {
      await push(`${header.map(csvCell).join(",")}\n`);
      for await (const fields of records) {
        const byName = new Map(shape(fields));
        await push(`${header.map((name) => csvCell(byName.get(name))).join(",")}\n`);
      }
      break;
    }
    case "table": {
      const rows: Map<string, Cell>[] = [];
      for await (const fields of records) rows.push(new Map(shape(fields)));
      const columns = header.map((name) => {
        const cells = rows.map((row) => row.get(name));
        const numeric = cells.every((c) => c === undefined || c === null || isNumeric(c));
        return {
          name,
          numeric,
          texts: cells.map((c) => (c === undefined || c === null ? "" : pythonStr(c))),
        };
      });
      await push(`${fitTable(columns, rows.length, sink.columns)}\n`);
      break;
    }
  }
  await flush();
}
