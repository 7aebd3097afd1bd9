/**
 * YAML as PyYAML's `yaml.safe_dump` writes it (what Optuna's `-f yaml` prints): block style,
 * keys sorted, sequences inside mappings not indented, strings plain when nothing could read
 * them as another type, otherwise quoted; ASCII only. (Long scalars stay on one line, where
 * PyYAML folds them at 80 columns; both read back the same.)
 */

import { pythonFloatRepr } from "../json/python.js";
import { type Cell, Dict, PythonFloat, Tuple } from "./cells.js";

/** YAML 1.1 plain scalars that a reader resolves to something other than a string. */
const RESOLVED = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL)$/,
  /^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

function plainAllowed(text: string): boolean {
  if (text === "" || !/^[\x20-\x7e]+$/.test(text)) return false;
  if (/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[-?:][^\s]/.test(text)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(text)) return false;
  if (/\s$/.test(text) || /: |:$| #/.test(text) || /[,[\]{}]/.test(text)) return false;
  if (text.startsWith("---") || text.startsWith("...")) return false;
  return !RESOLVED.some((re) => re.test(text));
}

const ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\b": "b",
  "\t": "t",
  "\n": "n",
  "\v": "v",
  "\f": "f",
  "\r": "r",
  "\x1b": "e",
  '"': '"',
  "\\": "\\",
  "\x85": "N",
  "\xa0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

function scalarString(text: string): string {
  if (plainAllowed(text)) return text;
  if (/^[\x20-\x7e]*$/.test(text)) return `'${text.replaceAll("'", "''")}'`;
  let out = '"';
  for (const ch of text) {
    const escaped = ESCAPES[ch];
    if (escaped !== undefined) out += `\\${escaped}`;
    else if (/^[\x20-\x7e]$/.test(ch)) out += ch;
    else {
      const code = ch.codePointAt(0)!;
      out +=
        code < 0x100
          ? `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`
          : code < 0x10000
            ? `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`
            : `\\U${code.toString(16).toUpperCase().padStart(8, "0")}`;
    }
  }
  return `${out}"`;
}

function scalarFloat(x: number): string {
  if (Number.isNaN(x)) return ".nan";
  if (x === Number.POSITIVE_INFINITY) return ".inf";
  if (x === Number.NEGATIVE_INFINITY) return "-.inf";
  const text = pythonFloatRepr(x).toLowerCase();
  return !text.includes(".") && text.includes("e") ? text.replace("e", ".0e") : text;
}

function scalar(cell: Cell): string | null {
  if (cell === null) return "null";
  if (cell instanceof PythonFloat) return scalarFloat(cell.value);
  switch (typeof cell) {
    case "boolean":
      return cell ? "true" : "false";
    case "number":
      return Number.isInteger(cell) && !Object.is(cell, -0) ? String(cell) : scalarFloat(cell);
    case "string":
      return scalarString(cell);
    default:
      return null;
  }
}

type Node = { kind: "seq"; items: Cell[] } | { kind: "map"; entries: [string, Cell][] };

function node(cell: Cell): Node | null {
  if (cell instanceof Tuple) return { kind: "seq", items: [...cell.items] };
  if (Array.isArray(cell)) return { kind: "seq", items: [...(cell as Cell[])] };
  const entries: [string, Cell][] | null =
    cell instanceof Dict
      ? cell.entries.map(([k, v]) => [k, v])
      : cell !== null && typeof cell === "object" && !(cell instanceof PythonFloat)
        ? Object.entries(cell as Record<string, Cell>)
        : null;
  if (entries === null) return null;
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { kind: "map", entries };
}

function emit(cell: Cell, indent: number, lines: string[], prefix: string): void {
  const n = node(cell);
  if (n === null) {
    lines.push(`${prefix}${scalar(cell)}`);
    return;
  }
  const pad = " ".repeat(indent);
  if (n.kind === "seq" ? n.items.length === 0 : n.entries.length === 0) {
    lines.push(`${prefix}${n.kind === "seq" ? "[]" : "{}"}`);
    return;
  }
  if (n.kind === "seq") {
    if (prefix !== "") lines.push(prefix.trimEnd());
    n.items.forEach((item) => {
      emit(item, indent + 2, lines, `${pad}- `);
    });
    return;
  }
  let first = true;
  for (const [key, value] of n.entries) {
    // The first entry of a mapping inside a sequence item shares the item's line.
    const head = first && prefix.endsWith("- ") ? prefix : pad;
    if (!(first && prefix.endsWith("- ")) && prefix !== "" && first) lines.push(prefix.trimEnd());
    first = false;
    const k = `${head}${scalarString(key)}:`;
    const child = node(value);
    if (
      child === null ||
      (child.kind === "seq" ? child.items.length : child.entries.length) === 0
    ) {
      emit(value, indent, lines, `${k} `);
    } else if (child.kind === "seq") {
      lines.push(k);
      // PyYAML writes a sequence inside a mapping at the mapping's own indentation.
      for (const item of child.items) emit(item, indent + 2, lines, `${pad}- `);
    } else {
      lines.push(k);
      emit(value, indent + 2, lines, "");
    }
  }
}

/** `yaml.safe_dump(value)` without its final newline (Optuna strips it). */
export function yamlDump(value: Cell): string {
  const lines: string[] = [];
  emit(value, 0, lines, "");
  return lines.join("\n");
}
