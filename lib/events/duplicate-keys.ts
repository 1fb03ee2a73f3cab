/**
 * events-v1 Validation: an event that names the same field twice, at any depth, is invalid (JSON
 * leaves open which of the two counts; JSON.parse keeps the last, SQLite's json_extract the first).
 *
 * JSON.parse cannot report a repeated key, and a full tokenizer in JavaScript would cost more than
 * the parse itself on every event. So the check counts twice: the keys JSON.parse kept (over every
 * nested object) and the key tokens in the text (a string followed by `:`). The two differ exactly
 * when some object names a key twice; only then is the text walked again to name the field.
 */

/** The dotted path of the first key named twice in `text` (valid JSON that parsed to `parsed`), or null. */
export function repeatedKey(text: string, parsed: unknown): string | null {
  if (keysKept(parsed) === keyTokens(text)) return null;
  return new RepeatedKeyFinder(text).find();
}

/** Keys of every object in a parsed JSON value (iterative: nesting depth is the sender's choice). */
function keysKept(root: unknown): number {
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push(value[i]);
      continue;
    }
    for (const key in value) {
      n++;
      stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return n;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The index of the quote closing the string whose opening quote is at `open`. */
function closingQuote(text: string, open: number): number {
  let j = open;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j < 0) return text.length;
    let backslashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
}

/** Strings followed by `:` in valid JSON text: its object keys, repeated ones included. */
function keyTokens(text: string): number {
  let n = 0;
  let open = text.indexOf('"');
  while (open >= 0) {
    let i = closingQuote(text, open) + 1;
    while (isWhitespace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === COLON) n++;
    open = text.indexOf('"', i);
  }
  return n;
}

/** A walk over valid JSON text that tracks each object's keys (only run when one is repeated). */
class RepeatedKeyFinder {
  private i = 0;

  constructor(private readonly text: string) {}

  find(): string {
    try {
      return this.value([]) ?? '';
    } catch {
      // Nested deeper than the walk can follow: the repetition is there (the counts differ), unnamed.
      return '';
    }
  }

  private skipWhitespace(): void {
    while (isWhitespace(this.text.charCodeAt(this.i))) this.i++;
  }

  private value(path: string[]): string | null {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.i);
    if (c === 0x7b) return this.object(path);
    if (c === 0x5b) return this.array(path);
    if (c === QUOTE) {
      this.i = closingQuote(this.text, this.i) + 1;
      return null;
    }
    // A number, true, false or null: up to the next delimiter.
    while (this.i < this.text.length && !',]}'.includes(this.text[this.i]) && !isWhitespace(this.text.charCodeAt(this.i))) this.i++;
    return null;
  }

  private object(path: string[]): string | null {
    this.i++; // {
    const seen = new Set<string>();
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) === 0x7d) {
        this.i++;
        return null;
      }
      const start = this.i;
      this.i = closingQuote(this.text, start) + 1;
      const key = JSON.parse(this.text.slice(start, this.i)) as string;
      const here = [...path, key];
      if (seen.has(key)) return here.join('.');
      seen.add(key);
      this.skipWhitespace();
      this.i++; // :
      const inner = this.value(here);
      if (inner !== null) return inner;
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) === 0x2c) this.i++;
    }
  }

  private array(path: string[]): string | null {
    this.i++; // [
    for (let k = 0; ; k++) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) === 0x5d) {
        this.i++;
        return null;
      }
      const inner = this.value([...path, String(k)]);
      if (inner !== null) return inner;
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) === 0x2c) this.i++;
    }
  }
}
