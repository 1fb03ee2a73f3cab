import fs from 'node:fs';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import { describe, expect, it, onTestFinished } from 'vitest';
import { saveImportSettings } from '@/lib/data/import-settings';
import { ensureTeams } from '@/lib/data/teams';
import { OPERATOR } from '@/lib/data/viewer';
import { handleGithubWebhook } from '@/lib/ingest/github-webhook';
import { ingest, ingestFile, type IngestRequest } from '@/lib/ingest/ingest';
import { chunksOf, tempDatabase, useAsServerDatabase } from '@/lib/testing/db';
import { closingReferences, inferGithubEvent, mapGithubEvent, signGithubBody, verifyGithubSignature } from './github';

const FIXTURES = path.join(__dirname, 'fixtures');
const SECRET = 'It is a secret to everybody, 2026';

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A real payload of @octokit/webhooks-examples (a copy). */
function example(event: string, action: string, nth = 0): Payload {
  const group = (examples as { name: string; examples: Payload[] }[]).find((e) => e.name === event)!;
  return structuredClone(group.examples.filter((p) => p.action === action)[nth]);
}

function merged(payload: Payload, at = '2019-05-15T15:21:18Z'): Payload {
  Object.assign(payload.pull_request, { merged: true, merged_at: at, closed_at: at });
  return payload;
}

async function setup() {
  const t = await tempDatabase();
  onTestFinished(t.cleanup);
  useAsServerDatabase(t); // the webhook spools beside the database
  await ensureTeams([{ slug: 'acme', name: 'Acme' }, { slug: 'other', name: 'Other' }], t.db);
  const team = { id: 1, slug: 'acme' };
  const q = <T>(sql: string) => t.db.all<T>(sql);
  const count = async () => (await t.db.get<{ n: number }>('SELECT count(*) n FROM events'))!.n;
  const submitted: IngestRequest[] = [];
  const webhook = (body: string | Buffer, headers: Record<string, string>, query = '?team=acme') =>
    handleGithubWebhook(new Request(`http://localhost/api/v1/github/webhook${query}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers }), {
      db: t.db,
      submit: async (file, request) => {
        submitted.push(request);
        try {
          return await ingestFile(t.db, file, request);
        } finally {
          fs.rmSync(file, { force: true });
        }
      },
    });
  const deliver = (event: string, payload: unknown, delivery: string, secret = SECRET) => {
    const body = JSON.stringify(payload);
    return webhook(body, {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubBody(secret, body),
    });
  };
  return { ...t, team, q, count, webhook, deliver, submitted };
}

describe('GitHub webhook mapping (real payloads of @octokit/webhooks-examples)', () => {
  it('maps pull requests opened, merged and closed to change events with repo, branch and size', () => {
    const opened = mapGithubEvent('pull_request', example('pull_request', 'opened'));
    expect(opened.events).toEqual([
      {
        id: 'gh:pr:279147437:opened', type: 'change.opened', ts: '2019-05-15T15:20:33Z', change: 'Codertocat/Hello-World#2',
        repo: 'Codertocat/Hello-World', branch: 'changes', additions: 1, deletions: 1, title: 'Update the README with new information.',
      },
    ]);
    expect(mapGithubEvent('pull_request', example('pull_request', 'closed')).events).toEqual([
      { id: 'gh:pr:279147437:closed:2019-05-15T15:21:18Z', type: 'change.closed', ts: '2019-05-15T15:21:18Z', change: 'Codertocat/Hello-World#2', repo: 'Codertocat/Hello-World' },
    ]);
    expect(mapGithubEvent('pull_request', merged(example('pull_request', 'closed'))).events).toEqual([
      {
        id: 'gh:pr:279147437:merged', type: 'change.merged', ts: '2019-05-15T15:21:18Z', change: 'Codertocat/Hello-World#2',
        repo: 'Codertocat/Hello-World', branch: 'changes', additions: 1, deletions: 1,
      },
    ]);
  });

  it('recognises a revert by its body, its branch or its title, and fixes by closing keywords', () => {
    const revert = (pr: Payload) => {
      const p = merged(example('pull_request', 'closed'));
      Object.assign(p.pull_request, { number: 9, id: 9009, ...pr });
      if (pr.head) p.pull_request.head = { ...p.pull_request.head, ...pr.head };
      return mapGithubEvent('pull_request', p, { findChangeByTitle: (repo, title) => (title === 'Add the widget' ? `${repo}#5` : null) }).events;
    };
    const reverted = (events: Record<string, unknown>[]) => events.filter((e) => e.type === 'change.reverted').map((e) => [e.change, e.by]);
    expect(reverted(revert({ body: 'Reverts Codertocat/Hello-World#2\r\n\r\nIt broke sign-in.' }))).toEqual([['Codertocat/Hello-World#2', 'Codertocat/Hello-World#9']]);
    expect(reverted(revert({ head: { ref: 'revert-3-changes' }, body: '' }))).toEqual([['Codertocat/Hello-World#3', 'Codertocat/Hello-World#9']]);
    expect(reverted(revert({ title: 'Revert "Update the README (#4)"', body: null }))).toEqual([['Codertocat/Hello-World#4', 'Codertocat/Hello-World#9']]);
    expect(reverted(revert({ title: 'Revert "Add the widget"', body: null }))).toEqual([['Codertocat/Hello-World#5', 'Codertocat/Hello-World#9']]);
    expect(reverted(revert({ title: 'Revert "Something unknown"', body: null }))).toEqual([]);
    expect(reverted(revert({ title: 'Update the README', body: 'Not a revert' }))).toEqual([]);

    const fixes = merged(example('pull_request', 'closed'));
    fixes.pull_request.body = 'Fixes #1, closes Codertocat/Other#7 and resolves: https://github.com/Codertocat/Hello-World/issues/3. Not #8.';
    expect(mapGithubEvent('pull_request', fixes).events.filter((e) => e.type === 'defect.fixed').map((e) => [e.defect, e.change])).toEqual([
      ['Codertocat/Hello-World#1', 'Codertocat/Hello-World#2'],
      ['Codertocat/Other#7', 'Codertocat/Hello-World#2'],
      ['Codertocat/Hello-World#3', 'Codertocat/Hello-World#2'],
    ]);
    // GitHub only closes issues from pull requests into the default branch.
    fixes.pull_request.base.ref = 'release-1.x';
    expect(mapGithubEvent('pull_request', fixes).events.some((e) => e.type === 'defect.fixed')).toBe(false);
    expect(closingReferences('fixed #12\nFIXES #13, prefix#14', 'a/b')).toEqual(['a/b#12', 'a/b#13']);
  });

  it('maps issues labelled bug (label configurable) to defect.opened, and bugs closed to defect.fixed', () => {
    const opened = example('issues', 'opened');
    expect(opened.issue.labels.map((l: { name: string }) => l.name)).toContain('bug');
    const defect = { id: 'gh:issue:444500041:opened', type: 'defect.opened', ts: '2019-05-15T15:20:18Z', defect: 'Codertocat/Hello-World#1', repo: 'Codertocat/Hello-World' };
    expect(mapGithubEvent('issues', opened).events).toEqual([defect]);
    // Labelled later: the same defect, the same id.
    expect(mapGithubEvent('issues', example('issues', 'labeled')).events).toEqual([defect]);
    // Another label is the team's bug label: bug issues are not defects, `incident` ones are.
    expect(mapGithubEvent('issues', example('issues', 'labeled'), { bugLabel: 'incident' }).events).toEqual([]);
    const incident = example('issues', 'labeled');
    incident.label.name = 'Incident';
    incident.issue.labels.push({ name: 'Incident' }, { name: 'severity: high' });
    expect(mapGithubEvent('issues', incident, { bugLabel: 'incident' }).events).toEqual([{ ...defect, severity: 'high' }]);

    const closed = Object.assign(example('issues', 'opened'), { action: 'closed' });
    Object.assign(closed.issue, { state: 'closed', state_reason: 'completed', closed_at: '2019-05-16T09:00:00Z' });
    expect(mapGithubEvent('issues', closed).events).toEqual([
      { id: 'gh:issue:444500041:closed:2019-05-16T09:00:00Z', type: 'defect.fixed', ts: '2019-05-16T09:00:00Z', defect: 'Codertocat/Hello-World#1', repo: 'Codertocat/Hello-World' },
    ]);
    // Closed as not planned: it was never a defect to fix; from then on it is none.
    closed.issue.state_reason = 'not_planned';
    expect(mapGithubEvent('issues', closed).events).toEqual([
      { id: 'gh:issue:444500041:withdrawn:2019-05-16T09:00:00Z', type: 'defect.fixed', ts: '2019-05-16T09:00:00Z', defect: 'Codertocat/Hello-World#1', repo: 'Codertocat/Hello-World', withdrawn: true },
    ]);
  });

  it('opens a reopened bug again as a new defect from its reopening, and withdraws a bug whose label is removed', () => {
    // Reopened (real example): the defect `#1` keeps its first fix; the reopening is a defect of its own.
    const reopened = example('issues', 'reopened');
    expect(mapGithubEvent('issues', reopened).events).toEqual([
      { id: 'gh:issue:444500041:reopened:2021-10-11T16:40:56Z', type: 'defect.opened', ts: '2021-10-11T16:40:56Z', defect: 'Codertocat/Hello-World#1@2021-10-11T16:40:56Z', repo: 'Codertocat/Hello-World' },
    ]);
    // The bug label removed (real example): no longer a defect from then on.
    const unlabeled = example('issues', 'unlabeled');
    expect(unlabeled.label.name).toBe('bug');
    expect(mapGithubEvent('issues', unlabeled).events).toEqual([
      { id: 'gh:issue:444500041:withdrawn:2019-05-15T15:20:26Z', type: 'defect.fixed', ts: '2019-05-15T15:20:26Z', defect: 'Codertocat/Hello-World#1', repo: 'Codertocat/Hello-World', withdrawn: true },
    ]);
    // Another label removed: nothing.
    unlabeled.label.name = 'enhancement';
    expect(mapGithubEvent('issues', unlabeled).events).toEqual([]);
  });

  it('ignores every other example payload, and infers events from payload shapes', () => {
    const mapped = new Set(['pull_request:opened', 'pull_request:closed', 'issues:opened', 'issues:labeled', 'issues:reopened', 'issues:unlabeled']);
    for (const group of examples as { name: string; examples: Payload[] }[]) {
      for (const p of group.examples) {
        const r = mapGithubEvent(group.name, p);
        const key = `${group.name}:${p.action}`;
        if (!mapped.has(key)) expect(r, key).toMatchObject({ events: [], ignored: expect.any(String) });
        else expect(r.events.length, key).toBeGreaterThan(0);
        if (group.name === 'pull_request' || group.name === 'issues' || group.name === 'ping') expect(inferGithubEvent(p)).toBe(group.name);
      }
    }
  });

  it('verifies X-Hub-Signature-256 (GitHub documentation example) and nothing else', () => {
    const body = Buffer.from('Hello, World!');
    const good = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verifyGithubSignature("It's a Secret to Everybody", body, good)).toBe(true);
    expect(signGithubBody("It's a Secret to Everybody", body)).toBe(good);
    expect(verifyGithubSignature("It's a Secret to Everybody", body, good.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(verifyGithubSignature("It's a Secret to Everybody", Buffer.from('Hello, World?'), good)).toBe(false);
    expect(verifyGithubSignature('another secret', body, good)).toBe(false);
    expect(verifyGithubSignature("It's a Secret to Everybody", body, good.slice(0, -2))).toBe(false);
    expect(verifyGithubSignature("It's a Secret to Everybody", body, 'sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59')).toBe(false);
    expect(verifyGithubSignature("It's a Secret to Everybody", body, null)).toBe(false);
    expect(verifyGithubSignature('', body, good)).toBe(false);
  });
});

describe('GitHub payload files', () => {
  it('imports the deliveries API format (auto-detected), once', async () => {
    const s = await setup();
    const file = path.join(FIXTURES, 'github', 'deliveries.json');
    const r = await ingestFile(s.db, file, { format: 'auto', team: s.team, partial: false, source: 'cli', filename: 'deliveries.json' });
    expect(r).toMatchObject({ ok: true, format: 'github', accepted: 4 }); // opened, defect opened, merged, defect fixed (Fixes #1)
    expect(await s.q('SELECT change, opened_at, merged_at, repo, branch, additions FROM changes')).toEqual([
      { change: 'Codertocat/Hello-World#2', opened_at: Date.parse('2019-05-15T15:20:33Z'), merged_at: Date.parse('2019-05-15T15:21:18Z'), repo: 'Codertocat/Hello-World', branch: 'changes', additions: 1 },
    ]);
    expect(await s.q('SELECT defect, opened_at, fixed_at, fix_change FROM defects')).toEqual([
      { defect: 'Codertocat/Hello-World#1', opened_at: Date.parse('2019-05-15T15:20:18Z'), fixed_at: Date.parse('2019-05-15T15:21:18Z'), fix_change: 'Codertocat/Hello-World#2' },
    ]);
    expect(await ingestFile(s.db, file, { format: 'github', team: s.team, partial: false, source: 'cli' })).toMatchObject({ accepted: 0, duplicates: 4 });
  });

  it('rejects a malformed file whole, naming the line', async () => {
    const s = await setup();
    const r = await ingestFile(s.db, path.join(FIXTURES, 'github-malformed', 'deliveries.ndjson'), { format: 'github', team: s.team, partial: false, source: 'cli' });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ line: 2, field: '', message: expect.stringContaining('not valid JSON') }]);
    expect(await s.count()).toBe(0);
    const notGithub = await ingest(s.db, chunksOf('[{"action": "opened"}]'), { format: 'github', team: s.team, partial: false, source: 'cli' });
    expect(notGithub.problems).toEqual([{ line: 1, index: 0, field: '', message: expect.stringContaining('not a GitHub webhook payload') }]);
  });

  it('takes the revert of a change known only by its title from the team\'s changes', async () => {
    const s = await setup();
    const original = merged(example('pull_request', 'closed'));
    const revert = merged(example('pull_request', 'closed'), '2019-05-20T10:00:00Z');
    Object.assign(revert.pull_request, { id: 999, number: 9, title: 'Revert "Update the README with new information."', body: '', head: { ...revert.pull_request.head, ref: 'undo' } });
    const lines = [example('pull_request', 'opened'), original].map((p) => JSON.stringify({ event: 'pull_request', payload: p })).join('\n');
    await ingest(s.db, chunksOf(lines), { format: 'github', team: s.team, partial: false, source: 'cli' });
    const r = await ingest(s.db, chunksOf(JSON.stringify(revert)), { format: 'github', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, accepted: 2 });
    expect(await s.q(`SELECT change, kind, by FROM change_events WHERE kind = 'reverted'`)).toEqual([{ change: 'Codertocat/Hello-World#2', kind: 'reverted', by: 'Codertocat/Hello-World#9' }]);
  });
});

describe('GitHub defects over time', () => {
  it('follows a bug closed, reopened, closed again, unlabelled and labelled again, in any file order', async () => {
    const s = await setup();
    const at = (action: string, time: string, patch: Payload = {}, label?: string) => {
      const p = example('issues', 'opened');
      p.action = action;
      Object.assign(p.issue, { updated_at: time, ...patch });
      if (label) p.label = { name: label };
      return { event: 'issues', payload: p };
    };
    const closed = (time: string) => ({ state: 'closed', state_reason: 'completed', closed_at: time });
    const history = [
      at('opened', '2019-05-15T15:20:18Z'),
      at('closed', '2019-05-16T09:00:00Z', closed('2019-05-16T09:00:00Z')),
      at('reopened', '2019-05-18T09:00:00Z', { state: 'open', state_reason: 'reopened' }),
      at('closed', '2019-05-20T09:00:00Z', closed('2019-05-20T09:00:00Z')),
      at('reopened', '2019-05-22T09:00:00Z', { state: 'open', state_reason: 'reopened' }),
      at('unlabeled', '2019-05-23T09:00:00Z', {}, 'bug'),
      at('labeled', '2019-05-25T09:00:00Z', {}, 'bug'),
    ];
    // GitHub's deliveries API lists the newest first.
    const r = await ingest(s.db, chunksOf(JSON.stringify([...history].reverse())), { format: 'github', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, rejectedCount: 0 });
    const ms = (t: string) => Date.parse(t);
    const base = 'Codertocat/Hello-World#1';
    expect(await s.q('SELECT defect, opened_at, fixed_at, fix_withdrawn FROM defects ORDER BY opened_at')).toEqual([
      { defect: base, opened_at: ms('2019-05-15T15:20:18Z'), fixed_at: ms('2019-05-16T09:00:00Z'), fix_withdrawn: 0 },
      { defect: `${base}@2019-05-18T09:00:00Z`, opened_at: ms('2019-05-18T09:00:00Z'), fixed_at: ms('2019-05-20T09:00:00Z'), fix_withdrawn: 0 },
      { defect: `${base}@2019-05-22T09:00:00Z`, opened_at: ms('2019-05-22T09:00:00Z'), fixed_at: ms('2019-05-23T09:00:00Z'), fix_withdrawn: 1 },
      { defect: `${base}@2019-05-25T09:00:00Z`, opened_at: ms('2019-05-25T09:00:00Z'), fixed_at: null, fix_withdrawn: null },
    ]);
    // The same history again, one webhook delivery at a time (state from the team's defects): nothing new.
    const again = await ingest(s.db, chunksOf(history.map((h) => JSON.stringify(h)).join('\n')), { format: 'github', team: s.team, partial: false, source: 'cli' });
    expect(again).toMatchObject({ ok: true, accepted: 0 });
  });

  it('closes the reopened defect when the close arrives in a later delivery', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { githubWebhookSecret: SECRET }, s.db);
    const reopened = example('issues', 'reopened');
    expect(await s.deliver('issues', reopened, 'r-1')).toMatchObject({ status: 200, body: { accepted: 1 } });
    const closed = structuredClone(reopened);
    closed.action = 'closed';
    Object.assign(closed.issue, { state: 'closed', state_reason: 'completed', closed_at: '2021-10-12T08:00:00Z', updated_at: '2021-10-12T08:00:00Z' });
    expect(await s.deliver('issues', closed, 'r-2')).toMatchObject({ status: 200, body: { accepted: 1 } });
    const episode = `${reopened.repository.full_name}#${reopened.issue.number}@2021-10-11T16:40:56Z`;
    expect(await s.q('SELECT defect, fixed_at FROM defects')).toEqual([{ defect: episode, fixed_at: Date.parse('2021-10-12T08:00:00Z') }]);
  });
});

describe('GitHub webhook receiver', () => {
  it('accepts deliveries sent as application/x-www-form-urlencoded (payload=...), signed over the raw body', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { githubWebhookSecret: SECRET }, s.db);
    const body = new URLSearchParams({ payload: JSON.stringify(example('pull_request', 'opened')) }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'pull_request', 'x-github-delivery': 'form-1' };
    expect(await s.webhook(body, { ...headers, 'x-hub-signature-256': signGithubBody(SECRET, body) })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0, delivery: 'form-1' } });
    expect(await s.q('SELECT change FROM changes')).toEqual([{ change: 'Codertocat/Hello-World#2' }]);
    // The signature covers the form as sent, not the JSON inside it.
    const json = JSON.stringify(example('pull_request', 'opened'));
    expect(await s.webhook(body, { ...headers, 'x-github-delivery': 'form-2', 'x-hub-signature-256': signGithubBody(SECRET, json) })).toMatchObject({ status: 401 });
    expect(await s.webhook('nothing=here', { ...headers, 'x-github-delivery': 'form-3', 'x-hub-signature-256': signGithubBody(SECRET, 'nothing=here') })).toMatchObject({ status: 400, body: { error: expect.stringContaining('payload') } });
  });

  it('stores a signed delivery, processes a redelivery once, and derives ids from the pull request', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { githubWebhookSecret: SECRET }, s.db);
    const payload = example('pull_request', 'opened');
    expect(await s.deliver('pull_request', payload, 'd-1')).toEqual({ status: 200, body: { accepted: 1, duplicates: 0, delivery: 'd-1' } });
    expect(s.submitted[0]).toMatchObject({ format: 'github', source: 'webhook', options: { githubEvent: 'pull_request' }, delivery: { id: 'd-1', event: 'pull_request' } });
    // GitHub's "Redeliver": same delivery id.
    expect(await s.deliver('pull_request', payload, 'd-1')).toEqual({ status: 200, body: { duplicate: true, delivery: 'd-1' } });
    expect(s.submitted).toHaveLength(1);
    // A new delivery of the same change: nothing new either.
    expect(await s.deliver('pull_request', payload, 'd-2')).toEqual({ status: 200, body: { accepted: 0, duplicates: 1, delivery: 'd-2' } });
    expect(await s.count()).toBe(1);
    expect(await s.q('SELECT delivery_id, event FROM webhook_deliveries ORDER BY delivery_id')).toEqual([
      { delivery_id: 'd-1', event: 'pull_request' },
      { delivery_id: 'd-2', event: 'pull_request' },
    ]);
    // Two copies racing past the first check: the one transaction that records the delivery wins.
    const racing = await ingest(s.db, chunksOf(JSON.stringify(payload)), {
      format: 'github', team: s.team, partial: false, source: 'webhook', options: { githubEvent: 'pull_request' }, delivery: { id: 'd-1', event: 'pull_request' },
    });
    expect(racing).toMatchObject({ ok: true, accepted: 0, duplicateDelivery: true });

    const m = merged(example('pull_request', 'closed'));
    expect(await s.deliver('pull_request', m, 'd-3')).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await s.q('SELECT change, merged_at FROM changes')).toEqual([{ change: 'Codertocat/Hello-World#2', merged_at: Date.parse('2019-05-15T15:21:18Z') }]);
  });

  it('answers 401 and stores nothing without a valid SHA-256 signature of the team\'s secret', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { githubWebhookSecret: SECRET }, s.db);
    const body = JSON.stringify(example('pull_request', 'opened'));
    const base = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'd-9' };
    const unauthorized = { status: 401, body: { error: expect.stringContaining('signature') } };
    expect(await s.webhook(body, base)).toEqual(unauthorized);
    expect(await s.webhook(body, { ...base, 'x-hub-signature': 'sha1=' + 'a'.repeat(40) })).toEqual(unauthorized);
    expect(await s.webhook(body, { ...base, 'x-hub-signature-256': signGithubBody('wrong secret, long enough', body) })).toEqual(unauthorized);
    expect(await s.webhook(body, { ...base, 'x-hub-signature-256': signGithubBody(SECRET, body + ' ') })).toEqual(unauthorized);
    expect(await s.webhook(body, { ...base, 'x-hub-signature-256': 'sha256=abc' })).toEqual(unauthorized);
    // A team that does not exist, or has no secret, looks the same.
    expect(await s.webhook(body, { ...base, 'x-hub-signature-256': signGithubBody(SECRET, body) }, '?team=nope')).toEqual(unauthorized);
    expect(await s.webhook(body, { ...base, 'x-hub-signature-256': signGithubBody(SECRET, body) }, '?team=other')).toEqual(unauthorized);
    expect(await s.count()).toBe(0);
    expect(await s.q('SELECT * FROM webhook_deliveries')).toEqual([]);
    expect(await s.webhook(body, { ...base, 'x-hub-signature-256': signGithubBody(SECRET, body) }, '')).toMatchObject({ status: 400 });
  });

  it('acknowledges pings and ignores what does not map', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { githubWebhookSecret: SECRET }, s.db);
    expect(await s.deliver('ping', example('ping', undefined as unknown as string), 'p-1')).toEqual({ status: 200, body: { ok: true, ping: true } });
    expect(await s.deliver('pull_request', example('pull_request', 'synchronize'), 'i-1')).toMatchObject({ status: 202, body: { ignored: true } });
    expect(await s.deliver('issues', example('issues', 'pinned'), 'i-2')).toMatchObject({ status: 202, body: { ignored: true } });
    expect(await s.deliver('star', { action: 'created', repository: { full_name: 'a/b' } }, 'i-3')).toMatchObject({ status: 202, body: { ignored: true } });
    expect(s.submitted).toHaveLength(0);
    expect(await s.count()).toBe(0);
  });

  it('refuses a payload over the size limit with 413', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { githubWebhookSecret: SECRET }, s.db);
    const huge = JSON.stringify({ action: 'opened', padding: 'x'.repeat(26 * 1024 * 1024) });
    expect(await s.webhook(huge, { 'x-github-event': 'pull_request', 'x-hub-signature-256': signGithubBody(SECRET, huge) })).toMatchObject({ status: 413 });
  });
});
