import { describe, expect, it } from 'vitest';
import { skimJson } from './skim';

const skim = (s: string, limit = 4, keep: string[] = []) => {
  const buf = Buffer.from(`xx${s}yy`);
  return skimJson(buf, 2, buf.length - 2, limit, new Set(keep));
};

describe('skimJson', () => {
  it('empties long string values and keeps keys, short values and kept keys', () => {
    const line = JSON.stringify({ longkey_________: 'abcdefgh', a: 'abc', cwd: '/a/long/path', n: [1, 'xxxxxxxx', { b: null }] });
    expect(JSON.parse(skim(line, 4, ['cwd']))).toEqual({ longkey_________: '', a: 'abc', cwd: '/a/long/path', n: [1, '', { b: null }] });
  });

  it('reads escapes: quotes, backslashes before a quote, non-ASCII', () => {
    const v = { a: 'say "hi" \\', b: 'naïve ✓', c: '\\\\"' };
    expect(JSON.parse(skim(JSON.stringify(v), 100))).toEqual(v);
    expect(JSON.parse(skim(JSON.stringify(v), 2))).toEqual({ a: '', b: '', c: '' });
  });

  it('leaves a line ending inside a string whole, for JSON.parse to report', () => {
    expect(skim('{"a":"abcdefgh')).toBe('{"a":"abcdefgh');
  });
});
