import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Text } from './parse-common';

describe('utf8Text', () => {
  it('is what UTF-8 decoding gives, for ASCII, other text and broken bytes alike', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ max: 0x7f, maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 32 }).map((s) => new Uint8Array(Buffer.from(s))),
      fc.uint8Array({ maxLength: 64 }),
    );
    fc.assert(
      fc.property(bytes, fc.nat(), fc.nat(), (array, a, b) => {
        const buf = Buffer.from(array);
        const start = buf.length ? a % (buf.length + 1) : 0;
        const end = start + (buf.length ? b % (buf.length - start + 1) : 0);
        expect(utf8Text(buf, start, end)).toBe(buf.toString('utf8', start, end));
      }),
      { numRuns: 2000 },
    );
  });
});
