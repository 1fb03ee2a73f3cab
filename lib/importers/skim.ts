/**
 * The text of one JSON line with its long string values emptied, for importers that need a
 * line's structure and short fields but not its bulk: a Claude Code transcript's bytes are
 * mostly tool results (file contents, written twice), which decoding and JSON.parse would
 * copy only to drop. Hopping from quote to quote (a native search) costs a fraction of
 * decoding and parsing those strings, and the result parses to the same object but for those strings, which
 * become "". Keys are never emptied, nor the values of `keep` keys.
 *
 * No JSON library offers this (streaming parsers such as @streamparser/json still decode and
 * build every string), hence the hand-written loop.
 */
import { utf8Text } from '@/lib/events/parse-common';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * `buf[start, end)` as text, each string value longer than `limit` bytes (and not the value of
 * a key in `keep`) replaced by "". A line that ends inside a string comes back whole, so
 * JSON.parse reports it as it would have.
 */
export function skimJson(buf: Buffer, start: number, end: number, limit: number, keep: ReadonlySet<string>): string {
  let pieces: string[] | null = null;
  let from = start;
  let keyStart = 0;
  let keyEnd = 0;
  let i = start;
  for (;;) {
    const open = buf.indexOf(QUOTE, i);
    if (open < 0 || open >= end) break;
    // the closing quote: the next one not escaped (after an even run of backslashes)
    let close = open;
    let b = 0;
    do {
      close = buf.indexOf(QUOTE, close + 1);
      if (close < 0 || close >= end) break;
      for (b = close - 1; buf[b] === BACKSLASH; b--);
    } while ((close - b) % 2 === 0);
    if (close < 0 || close >= end) break; // unterminated: left for JSON.parse to report
    i = close + 1;
    let c = 0;
    let next = i;
    while (next < end && ((c = buf[next]) === 0x20 || c === 0x09)) next++;
    if (next < end && buf[next] === COLON) {
      keyStart = open + 1;
      keyEnd = close;
    } else if (close - open > limit && !keep.has(buf.toString('utf8', keyStart, keyEnd))) {
      (pieces ??= []).push(utf8Text(buf, from, open + 1));
      from = close;
    }
  }
  if (pieces === null) return utf8Text(buf, start, end);
  pieces.push(utf8Text(buf, from, end));
  return pieces.join('');
}
