import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret } from '@/lib/auth/tokens';
import { accessFixture, teamEvents, type AccessFixture } from '@/lib/testing/accounts';
import { sqliteClient } from './connection';
import { DataError } from './errors';
import { purgeExpired, SHARE_TOMBSTONE_MS } from './sessions';
import { deleteUser } from './users';
import {
  createShareLink,
  findShareLink,
  generateShareToken,
  insertShareLink,
  listShareLinks,
  MAX_ACTIVE_SHARE_LINKS_PER_USER,
  revokeShareLink,
  SHARE_TOKEN,
  shareReport,
  type ActiveShareLink,
} from './share-links';

const DAY = 86_400_000;
let fx: AccessFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

/**
 * What a copy of the database would hold: the SQLite file with its WAL folded in, or the text of
 * every row of every table on PostgreSQL.
 */
async function storedBytes(f: AccessFixture): Promise<Buffer> {
  const client = sqliteClient(f.db);
  if (client) {
    client.pragma('wal_checkpoint(TRUNCATE)');
    return fs.readFileSync(f.env.DATABASE_PATH);
  }
  const tables = await f.db.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const text: string[] = [];
  for (const { name } of tables) {
    for (const row of await f.db.all<{ t: string }>(`SELECT x::text AS t FROM "${name}" x`)) text.push(row.t);
  }
  return Buffer.from(text.join('\n'));
}

async function active(token: string, now: number): Promise<ActiveShareLink> {
  const found = await findShareLink(token, now, fx!.db);
  if (found.status !== 'active') throw new Error(`link is ${found.status}`);
  return found.link;
}

describe('share links', () => {
  it('are made for a visible team only, with a 256-bit token stored only as its hash', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const { alphaMember, admin } = fx.users;
    const link = await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot' }, fx.ctx, now);
    expect(link.token).toMatch(SHARE_TOKEN);
    expect(Buffer.from(link.token, 'base64url')).toHaveLength(32);
    expect(link.expiresAt).toBe(now + 30 * DAY);

    // A member of alpha cannot share beta, and learns nothing about it (same error as a missing team).
    await expect(createShareLink(alphaMember, { teamSlug: 'beta', searchParams: {}, mode: 'snapshot' }, fx.ctx, now)).rejects.toThrow(
      "no team 'beta'",
    );
    await expect(createShareLink(alphaMember, { teamSlug: 'nope', searchParams: {}, mode: 'snapshot' }, fx.ctx, now)).rejects.toThrow(
      "no team 'nope'",
    );
    await createShareLink(admin, { teamSlug: 'beta', searchParams: {}, mode: 'live' }, fx.ctx, now);

    // Expiry: at most a year.
    await expect(
      createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot', expiresInDays: 366 }, fx.ctx, now),
    ).rejects.toBeInstanceOf(DataError);

    // The database holds the hash, never the token: a copy of it opens no link.
    const bytes = await storedBytes(fx);
    expect(bytes.includes(Buffer.from(link.token))).toBe(false);
    expect(bytes.includes(Buffer.from(hashSecret(link.token)))).toBe(true);
    const hashes = await fx.db.all<{ token_hash: string }>('SELECT token_hash FROM share_links');
    for (const { token_hash } of hashes) expect((await findShareLink(token_hash, now, fx.db)).status).toBe('unknown');
  });

  it('tokens are unique, 43 characters of base64url (256 bits)', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 100_000; i++) tokens.add(generateShareToken());
    expect(tokens.size).toBe(100_000);
    for (const t of [...tokens].slice(0, 1000)) {
      expect(t).toHaveLength(43);
      expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('a snapshot stays frozen when new events arrive, while a live link moves', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const viewer = fx.users.alphaMember;
    const snap = await createShareLink(viewer, { teamSlug: 'alpha', searchParams: { range: '12w' }, mode: 'snapshot' }, fx.ctx, now);
    const live = await createShareLink(viewer, { teamSlug: 'alpha', searchParams: { range: '12w' }, mode: 'live' }, fx.ctx, now);
    const before = (await shareReport(await active(snap.token, now), now, fx.db))!;
    expect(before.kpis.mergedChanges).toBe(1);
    expect(before.rangeLabel).toBe('12 weeks');
    expect((await shareReport(await active(live.token, now), now, fx.db))!.kpis.mergedChanges).toBe(1);

    await fx.send('alpha', teamEvents('alpha-later', now + 60_000, 30));
    const later = now + 120_000;
    const frozen = (await shareReport(await active(snap.token, later), later, fx.db))!;
    const moved = (await shareReport(await active(live.token, later), later, fx.db))!;
    expect(frozen).toEqual(before);
    expect(frozen.window.asOf).toBe(now);
    expect(moved.kpis.mergedChanges).toBe(2);
    expect(moved.window.asOf).toBe(later);
    expect(moved.teams).toEqual([{ slug: 'alpha', name: 'Alpha Squad' }]);
  });

  it('carry the view\'s filters: the figures are narrowed as on the dashboard', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const make = async (searchParams: Record<string, string>) => {
      const link = await createShareLink(fx!.users.alphaMember, { teamSlug: 'alpha', searchParams, mode: 'live' }, fx!.ctx, now);
      return (await shareReport(await active(link.token, now), now, fx!.db))!;
    };
    const all = await make({});
    const mine = await make({ repo: 'alpha-secret/repo', utm: 'ignored' });
    const none = await make({ repo: 'someone/else' });
    expect(all.filters).toEqual({});
    expect(mine.filters).toEqual({ repo: 'alpha-secret/repo' });
    expect(mine.kpis.mergedChanges).toBe(1);
    expect(none.kpis.mergedChanges).toBe(0);
    expect((await listShareLinks(fx.users.alphaMember, 'alpha', now, fx.db))!.map((l) => l.rangeLabel)).toContain('4 weeks · repo someone/else');
  });

  it('a live link sees its own team only, whatever its view says', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const live = await createShareLink(fx.users.bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    // Even if the stored view named another team, the link's viewer could not read it.
    await fx.db.run(`UPDATE share_links SET view = '{"teams":["beta"],"range":{}}'`);
    expect(await shareReport(await active(live.token, now), now, fx.db)).toBeNull();
    await fx.db.run(`UPDATE share_links SET view = '{"teams":["alpha","beta"],"range":{}}'`);
    expect(await shareReport(await active(live.token, now), now, fx.db)).toBeNull();
  });

  it('expire at their time, and revoke at once (admins any link, members their own)', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const { alphaMember, bothMember, betaMember, admin } = fx.users;
    const day = await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot', expiresInDays: 1 }, fx.ctx, now);
    expect((await findShareLink(day.token, now + DAY - 1, fx.db)).status).toBe('active');
    expect((await findShareLink(day.token, now + DAY, fx.db)).status).toBe('gone');
    expect((await findShareLink(day.token, now + DAY + 1000, fx.db)).status).toBe('gone');

    const mine = await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot' }, fx.ctx, now);
    const id = (await active(mine.token, now)).id;
    await expect(revokeShareLink(betaMember, id, fx.ctx)).rejects.toThrow('no such share link');
    await expect(revokeShareLink(bothMember, id, fx.ctx)).rejects.toThrow('no such share link');
    expect((await findShareLink(mine.token, now, fx.db)).status).toBe('active');
    await revokeShareLink(alphaMember, id, fx.ctx);
    expect((await findShareLink(mine.token, Date.now(), fx.db)).status).toBe('gone');
    // Revoked links keep no figures.
    expect(await fx.db.get('SELECT snapshot FROM share_links WHERE id = @id', { id })).toEqual({ snapshot: null });

    const other = await createShareLink(bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    await revokeShareLink(admin, (await active(other.token, now)).id, fx.ctx);
    expect((await findShareLink(other.token, Date.now(), fx.db)).status).toBe('gone');

    // Removing an account stops the links it made.
    const leaver = await createShareLink(betaMember, { teamSlug: 'beta', searchParams: {}, mode: 'snapshot' }, fx.ctx, now);
    await deleteUser(admin, betaMember.userId, fx.ctx);
    expect((await findShareLink(leaver.token, Date.now(), fx.db)).status).toBe('gone');
  });

  it('are listed per team with who made them: all for admins, their own for members', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const { alphaMember, bothMember, betaMember, admin } = fx.users;
    await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot' }, fx.ctx, now);
    await createShareLink(bothMember, { teamSlug: 'alpha', searchParams: { from: '2026-01-05', to: '2026-02-01' }, mode: 'live' }, fx.ctx, now);
    const expiring = await createShareLink(bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live', expiresInDays: 1 }, fx.ctx, now);
    expect(expiring.token).toBeTruthy();
    const all = (await listShareLinks(admin, 'alpha', now, fx.db))!;
    expect(all.map((l) => l.createdBy).sort()).toEqual(['alpha@example.com', 'both@example.com', 'both@example.com']);
    expect(all.map((l) => l.rangeLabel)).toContain('2026-01-05 → 2026-02-01');
    expect((await listShareLinks(alphaMember, 'alpha', now, fx.db))!.map((l) => l.createdBy)).toEqual(['alpha@example.com']);
    expect(await listShareLinks(betaMember, 'alpha', now, fx.db)).toBeNull();
    expect(await listShareLinks(admin, 'alpha', now + 2 * DAY, fx.db)).toHaveLength(2); // the expired one is not active
  });

  it('refuse a range the dashboard would not show as asked: longer than 3,660 days, or malformed', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const make = (searchParams: Record<string, string>) =>
      createShareLink(fx!.users.alphaMember, { teamSlug: 'alpha', searchParams, mode: 'snapshot' }, fx!.ctx, now);
    await expect(make({ from: '0000-01-01', to: '2026-11-26' })).rejects.toThrow(/cannot share this view: .*longer than 3660 days/);
    await expect(make({ range: 'forever' })).rejects.toThrow(/unknown range 'forever'/);
    await expect(make({ from: '2026-01-01' })).rejects.toThrow(/to is missing/);
    await expect(make({ asOf: 'someday' })).rejects.toThrow(/asOf 'someday'/);
    expect(await fx.db.get('SELECT count(*) AS n FROM share_links')).toEqual({ n: 0 });
    await expect(make({ from: '2017-01-01', to: '2026-11-26' })).resolves.toMatchObject({ token: expect.stringMatching(SHARE_TOKEN) });
  });

  it(`are capped at ${MAX_ACTIVE_SHARE_LINKS_PER_USER} active links per user; revoked and expired ones do not count`, async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const { alphaMember, bothMember } = fx.users;
    const teamId = fx.teamIds.alpha;
    const row = (expiresAt: number) => ({
      tokenHash: hashSecret(generateShareToken()),
      teamId,
      teamIds: [teamId],
      view: '{"teams":["alpha"],"range":{}}',
      mode: 'live' as const,
      snapshot: null,
      createdBy: alphaMember.userId,
      at: now,
      expiresAt,
    });
    for (let i = 0; i < MAX_ACTIVE_SHARE_LINKS_PER_USER - 1; i++) await insertShareLink(fx.db, row(now + DAY));
    await insertShareLink(fx.db, row(now - 1)); // expired: not active
    const last = await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    const refused = createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    await expect(refused).rejects.toBeInstanceOf(DataError);
    await expect(refused).rejects.toThrow(`you already have ${MAX_ACTIVE_SHARE_LINKS_PER_USER} active share links`);
    // The write itself re-checks, so two requests racing past the first check cannot exceed it.
    await expect(insertShareLink(fx.db, row(now + DAY))).rejects.toThrow(DataError);
    // Another user is not held back; revoking one of the hundred makes room again.
    await expect(createShareLink(bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now)).resolves.toBeTruthy();
    await revokeShareLink(alphaMember, (await active(last.token, now)).id, fx.ctx);
    await expect(createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now)).resolves.toBeTruthy();
  });

  it('housekeeping drops expired figures at once and the tombstone after 90 days (then 404)', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const link = await createShareLink(fx.users.admin, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot', expiresInDays: 1 }, fx.ctx, now);
    await purgeExpired(fx.db, now + DAY + 1);
    expect(await fx.db.get('SELECT snapshot FROM share_links')).toEqual({ snapshot: null });
    expect((await findShareLink(link.token, now + DAY + 1, fx.db)).status).toBe('gone');
    await purgeExpired(fx.db, now + DAY + SHARE_TOMBSTONE_MS + 1);
    expect((await findShareLink(link.token, now + DAY + SHARE_TOMBSTONE_MS + 1, fx.db)).status).toBe('unknown');
  });
});
