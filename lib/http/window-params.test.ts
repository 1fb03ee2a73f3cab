import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, getDb } from '@/lib/data/connection';
import { ensureTeams } from '@/lib/data/teams';
import { createApiToken } from '@/lib/data/tokens';
import { OPERATOR } from '@/lib/data/viewer';
import { pointServerAt, tempDatabase } from '@/lib/testing/db';
import { parseWindowParams } from './window-params';

// Token last-use times are written through the ingest worker: not in these tests.
vi.mock('@/lib/ingest/queue', () => ({ writeInWorker: () => Promise.resolve() }));

const NOW = Date.parse('2026-06-10T12:00:00Z');
const DAY = 86_400_000;
const parse = (query: string) => parseWindowParams(new URLSearchParams(query), NOW);

describe('parseWindowParams', () => {
  it('defaults asOf to now, to to asOf and from to 28 days before to', () => {
    expect(parse('')).toEqual({ ok: true, teams: null, window: { from: NOW - 28 * DAY, to: NOW, asOf: NOW }, filters: {} });
    const asOf = Date.parse('2026-05-01T00:00:00Z');
    expect(parse('asOf=2026-05-01T02:00:00%2B02:00')).toEqual({ ok: true, teams: null, window: { from: asOf - 28 * DAY, to: asOf, asOf }, filters: {} });
    expect(parse('to=2026-05-01T00:00:00Z')).toEqual({ ok: true, teams: null, window: { from: asOf - 28 * DAY, to: asOf, asOf: NOW }, filters: {} });
    expect(parse('from=2026-04-01T00:00:00.5Z&to=2026-05-01T00:00:00Z&asOf=2026-04-20T00:00:00-01:30')).toEqual({
      ok: true, teams: null,
      window: { from: Date.parse('2026-04-01T00:00:00.500Z'), to: asOf, asOf: Date.parse('2026-04-20T01:30:00Z') },
      filters: {},
    });
  });

  it('reads an offset whose + arrived as a space', () => {
    expect(parse('asOf=2026-05-01T02:00:00+02:00')).toMatchObject({ ok: true, window: { asOf: Date.parse('2026-05-01T00:00:00Z') } });
  });

  it('reads one or several teams', () => {
    expect(parse('team=acme')).toMatchObject({ ok: true, teams: ['acme'] });
    expect(parse('team=acme,other&team=third&team=acme')).toMatchObject({ ok: true, teams: ['acme', 'other', 'third'] });
  });

  it('reads the agent, model and repo filters: each one exact value, combinable', () => {
    expect(parse('agent=codex')).toMatchObject({ ok: true, filters: { agent: 'codex' } });
    expect(parse('model=claude-sonnet-4-5&repo=acme%2Fapi&agent=claude-code')).toMatchObject({
      ok: true, filters: { agent: 'claude-code', model: 'claude-sonnet-4-5', repo: 'acme/api' },
    });
    // As sent: no trimming, and a comma is part of the value.
    expect(parse('agent=%20a,b%20')).toMatchObject({ ok: true, filters: { agent: ' a,b ' } });
    expect(parse(`repo=${'r'.repeat(200)}`)).toMatchObject({ ok: true, filters: { repo: 'r'.repeat(200) } });
  });

  it('names a bad filter: empty, over 200 characters, or given twice', () => {
    for (const field of ['agent', 'model', 'repo']) {
      expect(parse(`${field}=`)).toEqual({ ok: false, field, error: expect.stringContaining('empty') });
      expect(parse(`${field}=${'x'.repeat(201)}`)).toEqual({ ok: false, field, error: expect.stringContaining('200') });
      expect(parse(`${field}=a&${field}=b`)).toEqual({ ok: false, field, error: expect.any(String) });
    }
  });

  it('names each bad parameter', () => {
    const field = (q: string) => {
      const p = parse(q);
      return p.ok ? null : p.field;
    };
    expect(field('from=yesterday')).toBe('from');
    expect(field('from=2026-05-01')).toBe('from'); // a date, not a date-time
    expect(field('to=2026-05-01T00:00:00')).toBe('to'); // no offset
    expect(field('to=2026-02-30T00:00:00Z')).toBe('to');
    expect(field('asOf=1750000000000')).toBe('asOf'); // epoch ms are for events, not here
    expect(field('asOf=')).toBe('asOf');
    expect(field('team=Acme')).toBe('team');
    expect(field('team=acme,')).toBe('team');
    expect(field('team=')).toBe('team');
    expect(field('from=2026-05-01T00:00:00Z&to=2026-05-01T00:00:00Z')).toBe('from'); // from = to
    expect(field('from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z')).toBe('from');
    expect(field('from=2026-05-02T00:00:00Z')).toBe(null); // before the default to (now)
    expect(field('from=2026-07-01T00:00:00Z')).toBe('from'); // after the default to
    expect(field('from=0001-01-01T00:00:00Z')).toBe('from'); // longer than any window allowed
    // Given twice, even when the second value is bad: which one counts would be a guess.
    expect(parse('asOf=2026-05-01T00:00:00Z&asOf=garbage')).toEqual({ ok: false, field: 'asOf', error: 'asOf may be given once' });
    expect(field('from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z')).toBe('to');
    expect(field('from=2026-04-01T00:00:00Z&from=2026-04-02T00:00:00Z')).toBe('from');
    const p = parse('to=nope');
    expect(p).toEqual({ ok: false, field: 'to', error: expect.stringContaining('RFC 3339') });
  });
});

describe('GET /api/v1/kpis, /kpis/weekly, /flags', () => {
  let cleanup: () => Promise<void>;
  let restoreEnv: () => void;
  let read = '';
  let ingestOnly = '';

  beforeAll(async () => {
    const t = await tempDatabase();
    cleanup = t.cleanup;
    restoreEnv = pointServerAt(t);
    const db = await getDb();
    await ensureTeams([{ slug: 'acme', name: 'Acme' }, { slug: 'other', name: 'Other' }], db);
    read = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['read'] }, db)).token;
    ingestOnly = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['ingest'] }, db)).token;
  });
  afterAll(async () => {
    await closeDb();
    restoreEnv();
    await cleanup();
  });

  const get = async (path: string, token: string | null) => {
    const url = `http://localhost${path}`;
    const request = new Request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const route = path.startsWith('/api/v1/kpis/weekly')
      ? await import('@/app/api/v1/kpis/weekly/route')
      : path.startsWith('/api/v1/kpis')
        ? await import('@/app/api/v1/kpis/route')
        : await import('@/app/api/v1/flags/route');
    const response = await route.GET(request);
    return { status: response.status, body: await response.json() };
  };

  it('answers 401, 403, 400 naming the parameter, 404 and 200', async () => {
    for (const path of ['/api/v1/kpis', '/api/v1/kpis/weekly', '/api/v1/flags']) {
      expect((await get(path, null)).status).toBe(401);
      expect((await get(path, 'lsk_unknown')).status).toBe(401);
      expect((await get(path, ingestOnly)).status).toBe(403);
      for (const [query, field] of [['from=x', 'from'], ['to=x', 'to'], ['asOf=x', 'asOf'], ['team=A', 'team'],
        ['from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z', 'from'], ['agent=', 'agent'], [`model=${'m'.repeat(201)}`, 'model'],
        ['repo=a&repo=b', 'repo']]) {
        expect(await get(`${path}?${query}`, read)).toEqual({ status: 400, body: { error: expect.any(String), field } });
      }
      expect(await get(`${path}?team=other`, read)).toEqual({ status: 404, body: { error: expect.any(String) } });
      expect(await get(`${path}?team=acme,other`, read)).toMatchObject({ status: 404 });
      expect(await get(`${path}?team=nope`, read)).toMatchObject({ status: 404 });
    }
    const window = 'from=2026-06-01T00:00:00Z&to=2026-06-15T00:00:00Z';
    const kpis = await get(`/api/v1/kpis?${window}`, read);
    expect(kpis).toMatchObject({ status: 200, body: { team: 'acme', mergedChanges: 0, mergedPerWeek: 0, costUsd: 0, runs: { ended: 0, converged: 0, convergenceRate: null } } });
    expect(await get(`/api/v1/kpis?team=acme&${window}`, read)).toEqual(kpis);
    const weekly = await get(`/api/v1/kpis/weekly?${window}`, read);
    expect(weekly.status).toBe(200);
    expect(weekly.body.weeks.map((w: { week: string }) => w.week)).toEqual(['2026-06-01', '2026-06-08']);
    expect(await get(`/api/v1/flags?${window}`, read)).toEqual({ status: 200, body: { flags: [] } });
    // Filters are accepted by all three (their figures: lib/data/kpis.test.ts).
    const filtered = await get(`/api/v1/kpis?${window}&agent=codex&model=gpt-5&repo=acme%2Fapi`, read);
    expect(filtered).toEqual(kpis);
    expect((await get(`/api/v1/kpis/weekly?${window}&repo=acme%2Fapi`, read)).status).toBe(200);
    expect(await get(`/api/v1/flags?${window}&agent=codex`, read)).toEqual({ status: 200, body: { flags: [] } });
  });
});
