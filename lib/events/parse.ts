/**
 * Streaming readers for events-v1 files: NDJSON, a JSON array, or CSV (../shared/spec/events-v1.md).
 *
 * Input arrives in chunks of bytes (or strings); `readEvents` never holds the whole input. Each format
 * is a small push parser working on bytes (`Buffer`), so multi-byte characters split across
 * chunks need no care (every delimiter is ASCII), and an over-long line / element / record is
 * skipped without being buffered. Every event is checked by `validateEvent`.
 */
import { CsvParser } from './parse-csv';
import { DEFAULT_MAX_LINE_BYTES, type ParsedItem, type ReadOptions, type StreamingEventParser } from './parse-common';
import { JsonArrayParser } from './parse-json-array';
import { NdjsonParser } from './parse-ndjson';
import type { InputFormat } from './types';

export { DEFAULT_MAX_LINE_BYTES, formatLimit, type EventParser, type ParsedItem, type ReadOptions, type StreamingEventParser } from './parse-common';

/**
 * Reads events from a stream of chunks. Yields one item per event (valid or not) and one per
 * problem that belongs to no event (e.g. an over-long line, a JSON array that is not closed).
 */
export async function* readEvents(
  input: AsyncIterable<Uint8Array | string>,
  format: InputFormat,
  options?: ReadOptions,
): AsyncGenerator<ParsedItem> {
  const parser = createEventParser(format, options);
  for await (const chunk of input) {
    const items = parser.push(chunk);
    for (let i = 0; i < items.length; i++) yield items[i];
  }
  const items = parser.end();
  for (let i = 0; i < items.length; i++) yield items[i];
}

/** Parses a whole input held in memory (small inputs, tests). */
export function parseEvents(input: Uint8Array | string, format: InputFormat, options?: ReadOptions): ParsedItem[] {
  const parser = createEventParser(format, options);
  const items = parser.push(input);
  const rest = parser.end();
  for (let i = 0; i < rest.length; i++) items.push(rest[i]);
  return items;
}

export function createEventParser(format: InputFormat, options?: ReadOptions): StreamingEventParser {
  const max = options?.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!(max >= 1)) throw new RangeError(`maxLineBytes must be at least 1, got ${max}`);
  const team = options?.fixedTeam;
  switch (format) {
    case 'ndjson':
      return new NdjsonParser(max, team);
    case 'json':
      return new JsonArrayParser(max, team);
    case 'csv':
      return new CsvParser(max, team);
    default:
      throw new RangeError(`unknown input format '${String(format)}'`);
  }
}
