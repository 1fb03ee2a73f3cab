/**
 * CSV that is safe to open in a spreadsheet: a text cell starting with `=`, `+`, `-`, `@`, tab,
 * carriage return or NUL is prefixed with `'` so it is never read as a formula (OWASP "CSV
 * injection"); numbers stay numbers. Cells with a comma, quote or line break are quoted.
 */
const FORMULA_START = /^[=+\-@\t\r\0]/;

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
