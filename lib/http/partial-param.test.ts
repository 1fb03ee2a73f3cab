import { describe, expect, it } from 'vitest';
import { parsePartialParam } from './partial-param';

const parse = (query: string) => parsePartialParam(new URLSearchParams(query));

describe('parsePartialParam', () => {
  it('reads 1 and true as yes; 0, false and no parameter as no', () => {
    expect(parse('partial=1')).toEqual({ ok: true, partial: true });
    expect(parse('partial=true')).toEqual({ ok: true, partial: true });
    expect(parse('partial=0')).toEqual({ ok: true, partial: false });
    expect(parse('partial=false')).toEqual({ ok: true, partial: false });
    expect(parse('')).toEqual({ ok: true, partial: false });
  });

  it('refuses any other value, and the parameter given twice', () => {
    for (const value of ['yes', 'on', 'TRUE', '2', '']) {
      expect(parse(`partial=${value}`)).toMatchObject({ ok: false, error: expect.stringMatching(/^partial must be 1 or true/) });
    }
    expect(parse('partial=1&partial=0')).toEqual({ ok: false, error: 'partial may be given once' });
  });
});
