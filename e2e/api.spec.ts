import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { DEMO_MAX_UPLOAD_BYTES, E2E_SERVERS } from './servers';
import { cli, ndjson, uniqueTag, validEvents } from './helpers';

const server = E2E_SERVERS.demo;
const EVENTS = '/api/v1/events';
const NDJSON = 'application/x-ndjson';

let token = '';

test.beforeAll(() => {
  const slug = uniqueTag('api').toLowerCase();
  expect(cli(server, 'team', 'create', slug)).toBe(slug);
  token = cli(server, 'token', 'create', '--team', slug, '--scope', 'ingest,read');
  expect(token.length).toBeGreaterThan(10);
});

const auth = (contentType = NDJSON) => ({ authorization: `Bearer ${token}`, 'content-type': contentType });

test('GET /api/health answers ok', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
});

test('every API error is JSON: a method a route does not take (405 with Allow), an address that names no endpoint (404)', async ({ request }) => {
  const wrongMethod = await request.delete(EVENTS, { headers: auth() });
  expect(wrongMethod.status()).toBe(405);
  expect(wrongMethod.headers()['allow']).toBe('POST');
  expect(await wrongMethod.json()).toEqual({ error: 'DELETE is not allowed here; use POST' });
  const post = await request.post('/api/v1/kpis', { headers: auth() });
  expect(post.status()).toBe(405);
  expect(post.headers()['allow']).toBe('GET');
  for (const address of ['/api/v1/nope', '/api/v1/kpis/monthly', '/api/nothing']) {
    const res = await request.get(address, { headers: auth() });
    expect(res.status(), address).toBe(404);
    expect(res.headers()['content-type'], address).toContain('application/json');
    expect(await res.json(), address).toEqual({ error: `no endpoint at ${address}` });
  }
});

test('good NDJSON is accepted, and sent again counts only duplicates', async ({ request }) => {
  const events = validEvents(uniqueTag('good'), 5);
  const first = await request.post(EVENTS, { headers: auth(), data: ndjson(events) });
  expect(first.status()).toBe(200);
  expect(await first.json()).toEqual({ accepted: 5, duplicates: 0, rejected: [], rejectedCount: 0 });

  const again = await request.post(EVENTS, { headers: auth(), data: ndjson(events) });
  expect(again.status()).toBe(200);
  expect(await again.json()).toEqual({ accepted: 0, duplicates: 5, rejected: [], rejectedCount: 0 });
});

test('a malformed body is refused whole with every problem by line, and nothing is stored', async ({ request }) => {
  const events = validEvents(uniqueTag('mal'), 5);
  const lines = ndjson(events).split('\n').slice(0, 5);
  const good = [lines[0], lines[2], lines[4]];
  lines[1] = '{"id": "broken", "type": ';
  // Line 4 is an llm.call; input_tokens must be an integer.
  expect(events[3].type).toBe('llm.call');
  lines[3] = JSON.stringify({ ...events[3], input_tokens: 'many' });

  const res = await request.post(EVENTS, { headers: auth(), data: lines.join('\n') + '\n' });
  expect(res.status()).toBe(400);
  const body = await res.json();
  expect(body.error).toContain('nothing was stored');
  const problems = body.problems as { line: number; field: string; message: string }[];
  expect(problems.map((p) => p.line).sort()).toEqual([2, 4]);
  expect(problems.find((p) => p.line === 4)?.field).toBe('input_tokens');
  for (const p of problems) expect(p.message).toBeTruthy();

  // None of the good lines was stored: sent alone, they are all new.
  const rest = await request.post(EVENTS, { headers: auth(), data: good.join('\n') + '\n' });
  expect(rest.status()).toBe(200);
  expect(await rest.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [], rejectedCount: 0 });
});

test('?partial=1 stores the valid events and lists the rejected ones', async ({ request }) => {
  const events = validEvents(uniqueTag('part'), 4);
  delete events[1].model; // line 2: llm.call without model
  const res = await request.post(`${EVENTS}?partial=1`, { headers: auth(), data: ndjson(events) });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.accepted).toBe(3);
  expect(body.duplicates).toBe(0);
  expect(body.rejected).toEqual([expect.objectContaining({ line: 2, field: 'model' })]);
  expect(body.rejectedCount).toBe(1);
});

test('?partial=1 counts every rejected event, though it lists at most 1,000; another partial value is refused', async ({ request }) => {
  const [good] = validEvents(uniqueTag('many-bad'), 1);
  const bad = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ id: `bad-${i}`, type: 'iteration' }));
  const res = await request.post(`${EVENTS}?partial=1`, { headers: auth(), data: [JSON.stringify(good), ...bad].join('\n') + '\n' });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ accepted: 1, duplicates: 0, rejectedCount: 1500 });
  expect(body.rejected).toHaveLength(1000); // problems listed; the rest only counted

  const yes = await request.post(`${EVENTS}?partial=yes`, { headers: auth(), data: ndjson(validEvents(uniqueTag('partial-yes'), 1)) });
  expect(yes.status()).toBe(400);
  expect(await yes.json()).toEqual({ error: 'partial must be 1 or true (or 0 or false); got "yes"', field: 'partial' });
});

test('a JSON array body reports problems by index', async ({ request }) => {
  const events = validEvents(uniqueTag('arr'), 3);
  delete events[1].run;
  const body = '[\n' + events.map((e) => '  ' + JSON.stringify(e)).join(',\n') + '\n]\n';
  const res = await request.post(EVENTS, { headers: auth('application/json'), data: body });
  expect(res.status()).toBe(400);
  const problems = (await res.json()).problems as { line: number; index?: number; field: string }[];
  expect(problems).toEqual([expect.objectContaining({ index: 1, line: 3, field: 'run' })]);

  const fixed = validEvents(uniqueTag('arr-ok'), 3);
  const ok = await request.post(EVENTS, { headers: auth('application/json'), data: JSON.stringify(fixed) });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [], rejectedCount: 0 });
});

test('U+0000 in a field is refused by line and field, never a 500, on either backend', async ({ request }) => {
  const [first, second] = validEvents(uniqueTag('nul'), 2);
  const res = await request.post(EVENTS, { headers: auth(), data: ndjson([first, { ...second, id: `${second.id}\u0000` }]) });
  expect(res.status()).toBe(400);
  expect((await res.json()).problems).toEqual([{ line: 2, field: 'id', message: 'must not contain the NUL character (U+0000)' }]);
  // Inside attrs it is kept: stored as JSON, where it is escaped.
  const kept = await request.post(EVENTS, { headers: auth(), data: ndjson([{ ...first, attrs: { note: 'a\u0000b' } }]) });
  expect(kept.status()).toBe(200);
  expect(await kept.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [], rejectedCount: 0 });
});

test('without a valid token the answer is 401', async ({ request }) => {
  const data = ndjson(validEvents(uniqueTag('anon'), 2));
  const none = await request.post(EVENTS, { headers: { 'content-type': NDJSON }, data });
  expect(none.status()).toBe(401);
  expect(none.headers()['www-authenticate']).toBe('Bearer realm="loopscope"');
  expect((await none.json()).error).toBeTruthy();
  const wrong = await request.post(EVENTS, { headers: { authorization: 'Bearer not-a-token', 'content-type': NDJSON }, data });
  expect(wrong.status()).toBe(401);
});

test('a gzipped body is read, under its old name x-gzip too', async ({ request }) => {
  const events = validEvents(uniqueTag('x-gzip'), 3);
  const res = await request.post(EVENTS, { headers: { ...auth(), 'content-encoding': 'x-gzip' }, data: gzipSync(ndjson(events)) });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).accepted).toBe(3);
});

test('a body that cannot be read as events at all says so, rather than counting invalid events', async ({ request }) => {
  const res = await request.post(`${EVENTS}?partial=1`, { headers: auth('text/csv'), data: 'name,size\nreport.pdf,1200\n' });
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toBe('the body cannot be read: the header names no id, type or ts column: this is not a CSV of events; nothing was stored');
});

test('an unknown content type is refused with 415', async ({ request }) => {
  const res = await request.post(EVENTS, { headers: auth('text/plain'), data: ndjson(validEvents(uniqueTag('txt'), 2)) });
  expect(res.status()).toBe(415);
  expect((await res.json()).error).toBeTruthy();
});

test('a body over the upload limit is refused with 413', async ({ request }) => {
  const line = JSON.stringify(validEvents(uniqueTag('big'), 1)[0]) + '\n';
  const data = Buffer.from(line.repeat(Math.ceil((2 * DEMO_MAX_UPLOAD_BYTES) / line.length)));
  expect(data.length).toBeGreaterThan(DEMO_MAX_UPLOAD_BYTES);
  const res = await request.post(EVENTS, { headers: auth(), data });
  expect(res.status()).toBe(413);
  expect((await res.json()).error).toContain('limit');
});
