/**
 * Numeric CSV loading into a `Dataset`: optional header, gzip, a chosen label column, and
 * errors that name the line and column to fix.
 */
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip as gunzipCallback, gunzipSync } from "node:zlib";
import { InvalidArgumentError } from "../../errors/index.js";
import type { Dataset, FeatureArray } from "./dataset.js";

const gunzip = promisify(gunzipCallback);

/** A CSV text that cannot be read as numbers; `line` is 1-based, as an editor shows it. */
export class CsvParseError extends InvalidArgumentError {
  readonly line: number;
  /** 1-based column of the bad cell, when one cell is to blame. */
  readonly column: number | undefined;

  constructor(message: string, line: number, column?: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/** Options of `parseCsv` and `loadCsv`. */
export interface CsvOptions {
  /** Whether the first line names the columns. Default "auto": yes when a non-empty cell of it is not a number. */
  header?: boolean | "auto";
  /** Cell separator. Default ",". */
  delimiter?: string;
  /**
   * The label column: a 0-based index (negative counts from the end) or a header name.
   * Default -1, the last column. Every other column is a feature.
   */
  labelColumn?: number | string;
  /** "classification" (labels are integers >= 0, an Int32Array) or "regression" (a Float64Array). Default "classification". */
  task?: "classification" | "regression";
  /** Feature precision. Default "float32", what TensorFlow.js trains in. */
  dtype?: "float32" | "float64";
  /** Number of classes; default the largest label + 1. */
  nClasses?: number;
  /** Name of the source shown in error messages (loadCsv passes the path). */
  source?: string;
}

/** A numeric table without a label column (what `parseCsvMatrix` returns). */
export interface CsvMatrix {
  /** Row-major values, `nRows × nColumns`. */
  values: Float64Array;
  nRows: number;
  nColumns: number;
  /** Header names, when the file has a header. */
  columnNames?: string[];
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/** A cell as a finite number, or undefined. `Number("")` is 0, so empty cells are caught first. */
function toNumber(cell: string): number | undefined {
  if (cell === "") return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

/** Whether a cell reads as a number of some kind (also NaN, Infinity): such a line is no header. */
function looksNumeric(cell: string): boolean {
  return cell === "" || !Number.isNaN(Number(cell)) || /^[+-]?nan$/i.test(cell);
}

interface RawTable {
  rows: { line: number; cells: string[] }[];
  header: string[] | undefined;
  headerLine: number;
}

function splitTable(text: string, options: CsvOptions): RawTable {
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length === 0) throw new InvalidArgumentError("CSV: delimiter must not be empty.");
  const where = options.source !== undefined ? `${options.source} ` : "";
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // byte-order mark
  const lines = body.split(/\r\n|\n|\r/);
  const rows: { line: number; cells: string[] }[] = [];
  let header: string[] | undefined;
  let headerLine = 0;
  let width = -1;
  let firstLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue; // blank lines (and the final newline) are skipped
    const cells = line.split(delimiter).map(unquote);
    if (width < 0) {
      width = cells.length;
      firstLine = i + 1;
      const wantHeader =
        options.header === "auto" || options.header === undefined
          ? cells.some((cell) => !looksNumeric(cell))
          : options.header;
      if (wantHeader) {
        header = cells;
        headerLine = i + 1;
        continue;
      }
    } else if (cells.length !== width) {
      throw new CsvParseError(
        `CSV ${where}line ${i + 1}: ${cells.length} cells where line ${firstLine} has ${width} (ragged row); every row needs the same number of "${delimiter}"-separated cells.`,
        i + 1,
      );
    }
    rows.push({ line: i + 1, cells });
  }
  if (rows.length === 0) {
    throw new CsvParseError(`CSV ${where}has no data rows.`, Math.max(1, headerLine));
  }
  return { rows, header, headerLine };
}

function decode(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  return Buffer.from(isGzip(input) ? gunzipSync(input) : input).toString("utf8");
}

function resolveLabelColumn(
  spec: number | string,
  width: number,
  header: string[] | undefined,
  where: string,
): number {
  if (typeof spec === "string") {
    const index = header?.indexOf(spec) ?? -1;
    if (index < 0) {
      throw new InvalidArgumentError(
        header === undefined
          ? `CSV ${where}has no header, so labelColumn "${spec}" cannot be found; pass a column index.`
          : `CSV ${where}has no column "${spec}"; columns are ${header.map((h) => JSON.stringify(h)).join(", ")}.`,
      );
    }
    return index;
  }
  const index = spec < 0 ? width + spec : spec;
  if (!(Number.isInteger(spec) && index >= 0 && index < width)) {
    throw new InvalidArgumentError(
      `CSV ${where}labelColumn ${spec} is outside the ${width} columns (use 0..${width - 1}, or -1 for the last).`,
    );
  }
  return index;
}

/**
 * Parses a numeric CSV (text, or bytes that may be gzip-compressed) into a `Dataset`.
 * Blank lines are skipped; cells may be wrapped in double quotes. A row with another
 * number of cells, an empty cell or a cell that is not a finite number throws a
 * `CsvParseError` naming its line and column.
 */
export function parseCsv(input: string | Uint8Array, options: CsvOptions = {}): Dataset {
  const table = splitTable(decode(input), options);
  const where = options.source !== undefined ? `${options.source} ` : "";
  const width = table.rows[0]!.cells.length;
  if (width < 2) {
    throw new CsvParseError(
      `CSV ${where}has ${width} column; a dataset needs at least one feature column and a label column.`,
      table.rows[0]!.line,
    );
  }
  const labelIndex = resolveLabelColumn(options.labelColumn ?? -1, width, table.header, where);
  const classification = (options.task ?? "classification") === "classification";
  const nRows = table.rows.length;
  const nFeatures = width - 1;
  const features: FeatureArray =
    (options.dtype ?? "float32") === "float32"
      ? new Float32Array(nRows * nFeatures)
      : new Float64Array(nRows * nFeatures);
  const labels = classification ? new Int32Array(nRows) : new Float64Array(nRows);
  const columnName = (c: number): string =>
    table.header !== undefined ? ` ("${table.header[c]}")` : "";
  let maxLabel = -1;
  for (let r = 0; r < nRows; r++) {
    const { line, cells } = table.rows[r]!;
    let f = r * nFeatures;
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!;
      const value = toNumber(cell);
      if (value === undefined) {
        throw new CsvParseError(
          cell === ""
            ? `CSV ${where}line ${line}, column ${c + 1}${columnName(c)}: empty cell; fill in the missing value or drop the row.`
            : `CSV ${where}line ${line}, column ${c + 1}${columnName(c)}: "${cell}" is not a finite number.`,
          line,
          c + 1,
        );
      }
      if (c !== labelIndex) {
        features[f++] = value;
        continue;
      }
      if (classification) {
        if (!(Number.isInteger(value) && value >= 0 && value < 2 ** 31)) {
          throw new CsvParseError(
            `CSV ${where}line ${line}, column ${c + 1}${columnName(c)}: class label "${cell}" is not an integer >= 0; pass task: "regression" for real-valued targets.`,
            line,
            c + 1,
          );
        }
        if (value > maxLabel) maxLabel = value;
      }
      labels[r] = value;
    }
  }
  let nClasses = 0;
  if (classification) {
    nClasses = options.nClasses ?? maxLabel + 1;
    if (maxLabel >= nClasses) {
      throw new InvalidArgumentError(
        `CSV ${where}has label ${maxLabel}, which does not fit nClasses = ${nClasses}.`,
      );
    }
  }
  return {
    features,
    labels,
    nFeatures,
    nClasses,
    ...(table.header !== undefined
      ? { featureNames: table.header.filter((_, c) => c !== labelIndex) }
      : {}),
  };
}

/**
 * Parses a numeric CSV into a plain row-major matrix (no label column), for data that is
 * not a supervised dataset. Same rules and errors as `parseCsv`.
 */
export function parseCsvMatrix(
  input: string | Uint8Array,
  options: Pick<CsvOptions, "header" | "delimiter" | "source"> = {},
): CsvMatrix {
  const table = splitTable(decode(input), options);
  const where = options.source !== undefined ? `${options.source} ` : "";
  const nColumns = table.rows[0]!.cells.length;
  const values = new Float64Array(table.rows.length * nColumns);
  table.rows.forEach(({ line, cells }, r) => {
    cells.forEach((cell, c) => {
      const value = toNumber(cell);
      if (value === undefined) {
        throw new CsvParseError(
          `CSV ${where}line ${line}, column ${c + 1}: ${cell === "" ? "empty cell" : `"${cell}" is not a finite number`}.`,
          line,
          c + 1,
        );
      }
      values[r * nColumns + c] = value;
    });
  });
  return {
    values,
    nRows: table.rows.length,
    nColumns,
    ...(table.header !== undefined ? { columnNames: table.header } : {}),
  };
}

/**
 * Reads a numeric CSV file into a `Dataset`; gzip files (by content, whatever their name)
 * are decompressed. See `parseCsv` for the options and errors.
 */
export async function loadCsv(path: string | URL, options: CsvOptions = {}): Promise<Dataset> {
  const bytes = new Uint8Array(await readFile(path));
  const text = Buffer.from(isGzip(bytes) ? await gunzip(bytes) : bytes).toString("utf8");
  const source = options.source ?? (typeof path === "string" ? path : path.pathname);
  return parseCsv(text, { ...options, source });
}
