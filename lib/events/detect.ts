/**
 * Which events-v1 format an input is in: from its content type, else its file name, else its
 * first bytes. No Node-only dependencies (usable in the browser).
 */
import type { InputFormat } from './types';

export interface FormatHint {
  contentType?: string | null;
  filename?: string | null;
  /** The start of the input (a few KiB is plenty). */
  firstBytes?: Uint8Array;
}

const CONTENT_TYPES: Record<string, InputFormat> = {
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonl': 'ndjson',
  'application/jsonlines': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/json': 'json',
  'text/csv': 'csv',
};

const EXTENSIONS: Record<string, InputFormat> = {
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'json',
  csv: 'csv',
};

export function detectFormat(hint: FormatHint): InputFormat | null {
  if (hint.contentType) {
    const semi = hint.contentType.indexOf(';');
    const type = (semi < 0 ? hint.contentType : hint.contentType.slice(0, semi)).trim().toLowerCase();
    const f = Object.prototype.hasOwnProperty.call(CONTENT_TYPES, type) ? CONTENT_TYPES[type] : undefined;
    if (f !== undefined) return f;
  }
  if (hint.filename) {
    const name = hint.filename.trim().toLowerCase();
    const dot = name.lastIndexOf('.');
    if (dot >= 0) {
      const ext = name.slice(dot + 1);
      if (Object.prototype.hasOwnProperty.call(EXTENSIONS, ext)) return EXTENSIONS[ext];
    }
  }
  if (hint.firstBytes) return sniff(hint.firstBytes);
  return null;
}

function sniff(bytes: Uint8Array): InputFormat | null {
  let i = 0;
  const n = bytes.length;
  if (n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < n && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (i === n) return null;
  if (bytes[i] === 0x5b) return 'json';
  if (bytes[i] === 0x7b) return 'ndjson';
  // A CSV header line naming at least `id` and `type`.
  let end = i;
  while (end < n && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
  const header = new TextDecoder().decode(bytes.subarray(i, end));
  let id = false;
  let type = false;
  for (const cell of header.split(',')) {
    let name = cell.trim();
    if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).trim();
    if (name === 'id') id = true;
    else if (name === 'type') type = true;
  }
  return id && type ? 'csv' : null;
}
