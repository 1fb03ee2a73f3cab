import { describe, expect, it } from 'vitest';
import { ingest } from '@/lib/ingest/ingest';
import { signGithubBody, verifyGithubSignature } from '@/lib/importers/github';
import { acmeDatabase, chunksOf } from '@/lib/testing/db';
import { githubWebhookSecretIsSet, newGithubWebhookSecret, sourceActivity } from './connect';
import { directContext } from './context';
import { getImportSettings } from './import-settings';
import type { UserViewer } from './viewer';
import { OPERATOR } from './viewer';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const admin: UserViewer = { kind: 'user', userId: 1, email: 'a@x.test', role: 'admin', teamIds: [] };
const member: UserViewer = { kind: 'user', userId: 2, email: 'm@x.test', role: 'member', teamIds: [1] };

describe('what agents have sent (Connect agents)', () => {
  it('gives each source and agent its latest request and the last hour\'s, from the uploads', async () => {
    const s = await acmeDatabase();
    expect(await sourceActivity(admin, 'acme', NOW, s.db)).toEqual([]);
    const end = (session: string) => `${JSON.stringify({ session_id: session, transcript_path: null, hook_event_name: 'SessionEnd' })}\n`;
    const send = (agent: 'claude-code' | 'codex', body: string, minutesAgo: number) =>
      ingest(s.db, chunksOf(body), { format: `${agent}-hook`, team: s.team, partial: true, source: 'hook', agent, options: { receivedAt: NOW } }, undefined, () => NOW - minutesAgo * 60_000);
    await send('claude-code', end('a'), 90);
    await send('claude-code', end('b'), 30);
    await send('claude-code', end('b'), 10); // a duplicate: received, nothing new
    await send('codex', '{"not a hook"}\n', 5);
    await ingest(s.db, chunksOf('{"id":"x","type":"run.started","ts":"2026-11-21T11:00:00Z","run":"r"}\n'), { format: 'ndjson', team: s.team, partial: false, source: 'api' });
    expect(await sourceActivity(admin, 'acme', NOW, s.db)).toEqual([
      { source: 'hook', agent: 'codex', lastAt: NOW - 5 * 60_000, lastHour: { requests: 1, accepted: 0, rejected: 1 } },
      { source: 'hook', agent: 'claude-code', lastAt: NOW - 10 * 60_000, lastHour: { requests: 2, accepted: 1, rejected: 0 } },
    ]);
    await expect(sourceActivity(member, 'acme', NOW, s.db)).rejects.toThrow(/admin/);
    expect(await sourceActivity(admin, 'nope', NOW, s.db)).toBeNull();
  });

  it('makes a new GitHub webhook secret, stored at once, for admins only', async () => {
    const s = await acmeDatabase();
    expect(await githubWebhookSecretIsSet(admin, 'acme', s.db)).toBe(false);
    const secret = (await newGithubWebhookSecret(OPERATOR, 'acme', directContext(s.db)))!;
    expect(secret).toMatch(/^[0-9a-f]{48}$/);
    expect(await githubWebhookSecretIsSet(admin, 'acme', s.db)).toBe(true);
    expect(verifyGithubSignature((await getImportSettings(1, s.db)).githubWebhookSecret!, Buffer.from('{}'), signGithubBody(secret, '{}'))).toBe(true);
    await expect(newGithubWebhookSecret(member, 'acme', directContext(s.db))).rejects.toThrow(/admin/);
  });
});
