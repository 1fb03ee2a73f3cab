import { describe, expect, it } from 'vitest';
import { encodeRunsCursor } from '@/lib/data/runs';
import { parseRunsPageParams } from './runs-params';

const parse = (query: string) => parseRunsPageParams(new URLSearchParams(query));

describe('GET /api/v1/runs paging parameters', () => {
  it('defaults to 100 runs from the newest', () => {
    expect(parse('')).toEqual({ ok: true, limit: 100, cursor: null });
  });

  it('takes a limit from 1 to 1000 and a cursor made by a page', () => {
    const next = encodeRunsCursor({ lastEventAt: 1_790_000_000_000, run: 'acme/r 1' });
    expect(parse(`limit=1000&cursor=${next}`)).toEqual({ ok: true, limit: 1000, cursor: { lastEventAt: 1_790_000_000_000, run: 'acme/r 1' } });
  });

  it('names the bad parameter', () => {
    for (const q of ['limit=0', 'limit=1001', 'limit=1.5', 'limit=-1', 'limit=', 'limit=1&limit=2', 'limit=1e3']) {
      expect(parse(q)).toMatchObject({ ok: false, field: 'limit' });
    }
    for (const q of ['cursor=x', 'cursor=', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`]) {
      expect(parse(q)).toMatchObject({ ok: false, field: 'cursor' });
    }
  });
});
