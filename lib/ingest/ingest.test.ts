import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTeams } from '@/lib/data/teams';
import { generateBenchEvents } from '@/lib/demo/bench-events';
import { generateDemoEvents } from '@/lib/demo/generate';
import { DEMO_TEAMS } from '@/lib/demo/teams';
import type { Sql } from '@/lib/data/connection';
import { chunksOf, ndjson, tempDatabase, tempSqliteDatabase, seededShuffle, testPostgresUrl } from '@/lib/testing/db';
import { ingest, ingestFile, type IngestRequest } from './ingest';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const t = await tempDatabase();
  cleanups.push(t.cleanup);
  await ensureTeams([{ slug: 'acme', name: 'Acme' }, { slug: 'other', name: 'Other' }], t.db);
  const acme = { id: 1, slug: 'acme' };
  const count = async (table: string) => (await t.db.get<{ n: number }>(`SELECT count(*) n FROM ${table}`))!.n;
  const run = (events: object[], req: Partial<IngestRequest> = {}) =>
    ingest(t.db, chunksOf(ndjson(events), 97), { format: 'ndjson', partial: false, source: 'cli', team: acme, ...req });
  return { ...t, acme, count, run };
}

const started = (id: string, run: string, ts: string, extra: object = {}) => ({ id, type: 'run.started', ts, run, ...extra });
const llm = (id: string, run: string, ts: string, input = 10, output = 5) => ({
  id, type: 'llm.call', ts, run, model: 'claude-sonnet-4-5', input_tokens: input, output_tokens: output,
});

/** Every entity and rollup row, in a stable order, to compare whole states. */
async function dumpEntities(db: Sql) {
  const q = (sql: string) => db.all(sql);
  return {
    runs: await q('SELECT * FROM runs ORDER BY team_id, run'),
    changes: await q('SELECT * FROM changes ORDER BY team_id, change'),
    changeEvents: await q('SELECT team_id, change, kind, ts, event_id, lines, by FROM change_events ORDER BY team_id, event_id'),
    defects: await q('SELECT * FROM defects ORDER BY team_id, defect'),
    defectLinks: await q('SELECT * FROM defect_links ORDER BY team_id, defect, change, ts'),
    dailyEvents: await q('SELECT * FROM daily_events ORDER BY team_id, day, type'),
    dailyUsage: await q(`SELECT team_id, day, model, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
      round(CAST(explicit_cost_usd AS numeric), 9) c, costless_calls, costless_input_tokens FROM daily_llm_usage ORDER BY team_id, day, model`),
    runUsage: await q(`SELECT team_id, run, model, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
      round(CAST(explicit_cost_usd AS numeric), 9) c, costless_calls, costless_input_tokens FROM run_llm_usage ORDER BY team_id, run, model`),
    events: await q('SELECT team_id, id, type, ts, run, payload FROM events ORDER BY team_id, id'),
  };
}

describe('ingest', () => {
  it('says why an input it cannot read as a whole is refused, even with partial, and only then', async () => {
    const s = await setup();
    for (const partial of [false, true]) {
      const notEvents = await ingest(s.db, chunksOf('name,size\nx,1\n', 5), { format: 'csv', partial, source: 'api', team: s.acme });
      expect(notEvents).toMatchObject({ ok: false, accepted: 0, unreadable: 'the header names no id, type or ts column: this is not a CSV of events' });
      const unknown = await ingest(s.db, chunksOf('meeting notes\n', 5), { format: 'auto', partial, source: 'upload', team: s.acme, filename: 'notes.txt' });
      expect(unknown).toMatchObject({ ok: false, unreadable: expect.stringMatching(/^cannot tell the format of notes\.txt/) });
    }
    // Bad events alone are not a reason of that kind.
    const bad = await s.run([{ id: 'x', type: 'run.started' }]);
    expect(bad.ok).toBe(false);
    expect(bad.unreadable).toBeUndefined();
    expect(await s.count('events')).toBe(0);
  });

  it('stores valid events with their entities and rollups', async () => {
    const s = await setup();
    const result = await s.run([
      started('a', 'r1', '2026-11-02T10:00:00Z', { repo: 'acme/api', branch: 'feat', agent: 'codex' }),
      llm('b', 'r1', '2026-11-02T10:05:00Z', 100, 40),
      llm('c', 'r1', '2026-11-03T10:05:00Z', 1, 2),
      { id: 'd', type: 'run.ended', ts: '2026-11-03T11:00:00Z', run: 'r1', status: 'succeeded' },
    ]);
    expect(result).toMatchObject({ ok: true, accepted: 4, duplicates: 0, rejectedCount: 0 });
    const run = await s.db.get('SELECT * FROM runs');
    expect(run).toMatchObject({
      run: 'r1', repo: 'acme/api', branch: 'feat', agent: 'codex', status: 'succeeded', llm_calls: 2,
      input_tokens: 101, output_tokens: 42, started_at: Date.parse('2026-11-02T10:00:00Z'),
      ended_at: Date.parse('2026-11-03T11:00:00Z'), last_event_at: Date.parse('2026-11-03T11:00:00Z'),
    });
    expect(await s.count('daily_llm_usage')).toBe(2);
    const stored = (await s.db.get("SELECT * FROM events WHERE id = 'b'"))!;
    // The event as validated (ts as RFC 3339 UTC), and its figures in typed columns.
    expect(JSON.parse(stored.payload as string)).toEqual({ ...llm('b', 'r1', '2026-11-02T10:05:00Z', 100, 40), ts: '2026-11-02T10:05:00.000Z' });
    expect(stored).toMatchObject({ model: 'claude-sonnet-4-5', input_tokens: 100, output_tokens: 40, cache_read_tokens: 0, cache_write_tokens: 0, cost_usd: null, failed: null });
    expect(await s.db.all('SELECT run, model, calls, input_tokens, output_tokens FROM run_llm_usage')).toEqual([
      { run: 'r1', model: 'claude-sonnet-4-5', calls: 2, input_tokens: 101, output_tokens: 42 },
    ]);
  });

  it('stores what was validated, not the text sent: unknown fields dropped, ts in UTC', async () => {
    const s = await setup();
    await s.run([{ id: 'x', type: 'test.result', ts: '2026-11-02T10:00:00+02:00', run: 'r1', passed: 3, failed: 2, extra: { big: 1 } }]);
    const stored = (await s.db.get<{ payload: string; failed: number }>("SELECT payload, failed FROM events WHERE id = 'x'"))!;
    expect(JSON.parse(stored.payload)).toEqual({ id: 'x', type: 'test.result', ts: '2026-11-02T08:00:00.000Z', run: 'r1', passed: 3, failed: 2 });
    expect(stored.failed).toBe(2);
  });

  it('refuses an event that names a field twice, at any depth, and stores nothing', async () => {
    const s = await setup();
    const text = [
      JSON.stringify(llm('ok', 'r1', '2026-11-02T10:05:00Z', 1, 1)),
      '{"id":"d1","type":"llm.call","ts":"2026-11-02T10:06:00Z","run":"r1","model":"m","input_tokens":100,"output_tokens":1,"input_tokens":900100}',
      '{"id":"d2","type":"iteration","ts":"2026-11-02T10:07:00Z","run":"r1","n":1,"attrs":{"a":{"b":1,"b":2}}}',
    ].join('\n');
    const result = await ingest(s.db, chunksOf(text), { format: 'ndjson', partial: false, source: 'cli', team: { id: 1, slug: 'acme' } });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { line: 2, field: 'input_tokens', message: "names the field 'input_tokens' twice" },
      { line: 3, field: 'attrs.a.b', message: "names the field 'attrs.a.b' twice" },
    ]);
    expect(await s.count('events')).toBe(0);
  });

  it('stores nothing when any event is bad, and lists every problem by line', async () => {
    const s = await setup();
    const result = await s.run([
      started('a', 'r1', '2026-11-02T10:00:00Z'),
      { id: 'b', type: 'llm.call', ts: '2026-11-02T10:05:00Z', run: 'r1', input_tokens: 1, output_tokens: 1 },
      started('c', 'r2', '2026-11-02T10:00:00Z'),
      { id: 'd', type: 'bogus', ts: 0 },
    ]);
    expect(result.ok).toBe(false);
    expect(result.rejectedCount).toBe(2);
    expect(result.problems).toEqual([
      { line: 2, field: 'model', message: expect.any(String) },
      { line: 4, field: 'type', message: expect.stringContaining('bogus') },
    ]);
    for (const table of ['events', 'runs', 'uploads', 'daily_events']) expect(await s.count(table)).toBe(0);
  });

  it('stores the valid events and lists the rest in partial mode', async () => {
    const s = await setup();
    const result = await s.run([started('a', 'r1', '2026-11-02T10:00:00Z'), { id: 'b', type: 'run.started', ts: 'yesterday', run: 'r1' }], {
      partial: true,
    });
    expect(result).toMatchObject({ ok: true, accepted: 1, rejectedCount: 1 });
    expect(result.problems[0]).toMatchObject({ line: 2, field: 'ts' });
    expect(await s.count('events')).toBe(1);
  });

  it('counts re-sent ids as duplicates and changes nothing', async () => {
    const s = await setup();
    const events = [started('a', 'r1', '2026-11-02T10:00:00Z'), llm('b', 'r1', '2026-11-02T10:01:00Z'), llm('b', 'r1', '2026-11-02T10:01:00Z')];
    expect(await s.run(events)).toMatchObject({ accepted: 2, duplicates: 1 });
    const before = await dumpEntities(s.db);
    expect(await s.run(events)).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await dumpEntities(s.db)).toEqual(before);
  });

  it('stores ids and text holding tabs, newlines and backslashes exactly as sent', async () => {
    const s = await setup();
    const odd = 'a\tb\\c\nd\re \\N';
    const event = { ...llm(odd, `run\\${odd}`, '2026-11-02T10:01:00Z'), model: `m\t${odd}` };
    expect(await s.run([event])).toMatchObject({ accepted: 1 });
    const row = await s.db.get<{ id: string; run: string; model: string; payload: string }>('SELECT id, run, model, payload FROM events');
    expect(row).toMatchObject({ id: odd, run: `run\\${odd}`, model: `m\t${odd}` });
    expect(JSON.parse(row!.payload)).toMatchObject({ id: odd, run: `run\\${odd}`, model: `m\t${odd}` });
    expect(await s.run([event])).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('refuses U+0000 in a field by line and field, on both backends alike, and keeps it in attrs', async () => {
    const s = await setup();
    const result = await s.run([
      started('a', 'r1', '2026-11-02T10:00:00Z'),
      { ...llm('b\u0000', 'r1', '2026-11-02T10:01:00Z'), attrs: { note: 'x\u0000' } },
      { ...started('c', 'r\u0000', '2026-11-02T10:00:00Z'), task: 'fix\u0000' },
    ]);
    expect(result).toMatchObject({ ok: false, rejectedCount: 2 });
    expect(result.problems).toEqual([
      { line: 2, field: 'id', message: 'must not contain the NUL character (U+0000)' },
      { line: 3, field: 'run', message: 'must not contain the NUL character (U+0000)' },
      { line: 3, field: 'task', message: 'must not contain the NUL character (U+0000)' },
    ]);
    for (const table of ['events', 'runs', 'uploads']) expect(await s.count(table)).toBe(0);
    expect(await s.run([{ ...llm('b', 'r1', '2026-11-02T10:01:00Z'), attrs: { note: 'x\u0000' } }])).toMatchObject({ ok: true, accepted: 1 });
    const row = await s.db.get<{ payload: string }>('SELECT payload FROM events');
    expect(JSON.parse(row!.payload).attrs).toEqual({ note: 'x\u0000' });
  });

  it('counts an id seen again thousands of events later in the same upload as a duplicate', async () => {
    const s = await setup();
    const events = Array.from({ length: 12_000 }, (_, i) => llm(`e${i % 11_000}`, `r${i % 7}`, '2026-11-02T10:01:00Z', i, 1));
    expect(await s.run(events)).toMatchObject({ accepted: 11_000, duplicates: 1_000 });
    expect(await s.count('events')).toBe(11_000);
    // The first of two events with one id is the one stored.
    expect(await s.db.get('SELECT input_tokens FROM events WHERE id = @id', { id: 'e5' })).toEqual({ input_tokens: 5 });
  });

  it('stores the same events sent twice at once exactly once, both uploads answering', async () => {
    const s = await setup();
    const file = path.join(s.dir, 'twice.ndjson');
    const events = Array.from({ length: 20_000 }, (_, i) => llm(`t${i}`, `r${i % 13}`, '2026-11-02T10:01:00Z'));
    fs.writeFileSync(file, ndjson(events));
    const request = { format: 'ndjson', partial: false, source: 'cli', team: s.acme } as const;
    const results = await Promise.all([ingestFile(s.db, file, request), ingestFile(s.db, file, request)]);
    expect(results.map((r) => r.accepted + r.duplicates)).toEqual([20_000, 20_000]);
    expect(results[0].accepted + results[1].accepted).toBe(20_000);
    expect(await s.count('events')).toBe(20_000);
    expect(await s.db.get('SELECT CAST(sum(calls) AS integer) AS n FROM run_llm_usage')).toEqual({ n: 20_000 });
  });

  it('rejects an event naming another team than the one the request fixes', async () => {
    const s = await setup();
    const result = await s.run([{ ...started('a', 'r1', '2026-11-02T10:00:00Z'), team: 'other' }]);
    expect(result.problems).toEqual([{ line: 1, field: 'team', message: expect.stringContaining('other') }]);
  });

  it('routes events to the team they name when the request fixes none, and rejects unknown teams', async () => {
    const s = await setup();
    const result = await s.run(
      [{ ...started('a', 'r1', '2026-11-02T10:00:00Z'), team: 'other' }, { ...started('b', 'r1', '2026-11-02T10:00:00Z'), team: 'nope' }],
      { team: undefined, partial: true },
    );
    expect(result).toMatchObject({ accepted: 1, rejectedCount: 1 });
    expect(result.problems[0]).toMatchObject({ line: 2, field: 'team' });
  });

  it('takes a run’s repo and branch from its earliest run.started whatever the upload order', async () => {
    const s = await setup();
    await s.run([started('late', 'r1', '2026-11-05T00:00:00Z', { repo: 'acme/late', branch: 'b2' })]);
    await s.run([started('early', 'r1', '2026-11-01T00:00:00Z', { repo: 'acme/early', branch: 'b1' })]);
    expect(await s.db.get('SELECT repo, branch, started_at FROM runs')).toEqual({
      repo: 'acme/early', branch: 'b1', started_at: Date.parse('2026-11-01T00:00:00Z'),
    });
  });

  it('builds the same entities and rollups whatever the order and split of the uploads', async () => {
    const demo = [...generateDemoEvents({ asOf: Date.parse('2026-11-26T00:00:00Z'), weeks: 3, teams: DEMO_TEAMS.slice(0, 2) })];
    const reference = await setup();
    await ensureTeams(DEMO_TEAMS.slice(0, 2), reference.db);
    await reference.run(demo, { team: undefined });
    const expected = await dumpEntities(reference.db);
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 4 }), async (seed, parts) => {
        const s = await setup();
        await ensureTeams(DEMO_TEAMS.slice(0, 2), s.db);
        const shuffled = seededShuffle(demo, seed);
        const size = Math.ceil(shuffled.length / parts);
        for (let i = 0; i < shuffled.length; i += size) await s.run(shuffled.slice(i, i + size), { team: undefined });
        await s.run(shuffled.slice(0, 50), { team: undefined }); // re-sent: duplicates only
        const got = await dumpEntities(s.db);
        expect(got).toEqual(expected);
        await s.cleanup();
      }),
      { numRuns: 4 },
    );
  }, 180_000); // five ingests of the demo: about a minute on PostgreSQL on a busy 2-core machine

  // The SQLite file itself: its WAL, its integrity after a kill.
  it.runIf(!testPostgresUrl())('leaves an upload killed mid-transaction fully absent and the database intact', async () => {
    const s = tempSqliteDatabase();
    cleanups.push(async () => s.cleanup());
    await ensureTeams([{ slug: 'acme', name: 'Acme' }], s.db);
    const file = path.join(s.dir, 'big.ndjson');
    const out = fs.createWriteStream(file);
    for (const e of generateBenchEvents({ count: 300_000, team: 'acme', asOf: Date.parse('2026-11-26T00:00:00Z') })) {
      out.write(JSON.stringify(e) + '\n');
    }
    await new Promise((resolve) => out.end(resolve));
    s.db.client.close();
    const child = spawn(
      process.execPath,
      ['--conditions=react-server', '--import', 'tsx', 'lib/cli/main.ts', 'import', file, '--team', 'acme'],
      { env: { ...process.env, DATABASE_PATH: s.file, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Kill once the transaction is well under way: the WAL has grown past a few pages.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const wal = `${s.file}-wal`;
        if (fs.existsSync(wal) && fs.statSync(wal).size > 4 * 1024 * 1024) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const db = new Database(s.file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) n FROM events').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) n FROM uploads').get()).toEqual({ n: 0 });
    db.close();
  });
});
