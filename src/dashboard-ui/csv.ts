/**
 * CSV export of the trials table as shown (RFC 4180 quoting). Text cells that a spreadsheet
 * would run as a formula (leading =, +, -, @) get a leading apostrophe (OWASP's advice on CSV
 * injection); numbers are written as they are.
 */

/** A cell value: numbers and null are written plainly, strings quoted when needed. */
export type CsvCell = string | number | boolean | null;

function cell(value: CsvCell): string {
  if (value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of a header row and data rows, lines ended by CRLF as RFC 4180 says. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header.map(cell).join(",")];
  for (const row of rows) lines.push(row.map(cell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
