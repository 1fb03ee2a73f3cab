/**
 * CSV that is safe to open in a spreadsheet: a text cell that starts with a control character
 * (tab, carriage return, line feed, NUL, …), or with `=`, `+`, `-` or `@` after any run of
 * whitespace, control or invisible format characters (spreadsheets skip those before a
 * formula), is prefixed with `'` so it is never read as a formula (OWASP "CSV injection");
 * numbers stay numbers. Cells with a comma, quote or line break are quoted.
 */
const FORMULA_START = /^(?:\p{Cc}|[\s\p{Cf}]*[=+\-@])/u;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}
