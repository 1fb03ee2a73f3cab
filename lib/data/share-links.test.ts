import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret } from '@/lib/auth/tokens';
import { accessFixture, teamEvents, type AccessFixture } from '@/lib/testing/accounts';
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
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

function active(token: string, now: number): ActiveShareLink {
  const found = findShareLink(token, now, fx!.ctx.db);
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
    fx.ctx.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fs.readFileSync(fx.file);
    expect(bytes.includes(Buffer.from(link.token))).toBe(false);
    expect(bytes.includes(Buffer.from(hashSecret(link.token)))).toBe(true);
    const hashes = fx.ctx.db.$client.prepare('SELECT token_hash FROM share_links').all() as { token_hash: string }[];
    for (const { token_hash } of hashes) expect(findShareLink(token_hash, now, fx.ctx.db).status).toBe('unknown');
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
    const before = shareReport(active(snap.token, now), now, fx.ctx.db)!;
    expect(before.kpis.mergedChanges).toBe(1);
    expect(before.rangeLabel).toBe('12 weeks');
    expect(shareReport(active(live.token, now), now, fx.ctx.db)!.kpis.mergedChanges).toBe(1);

    await fx.send('alpha', teamEvents('alpha-later', now + 60_000, 30));
    const later = now + 120_000;
    const frozen = shareReport(active(snap.token, later), later, fx.ctx.db)!;
    const moved = shareReport(active(live.token, later), later, fx.ctx.db)!;
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
      return shareReport(active(link.token, now), now, fx!.ctx.db)!;
    };
    const all = await make({});
    const mine = await make({ repo: 'alpha-secret/repo', utm: 'ignored' });
    const none = await make({ repo: 'someone/else' });
    expect(all.filters).toEqual({});
    expect(mine.filters).toEqual({ repo: 'alpha-secret/repo' });
    expect(mine.kpis.mergedChanges).toBe(1);
    expect(none.kpis.mergedChanges).toBe(0);
    expect(listShareLinks(fx.users.alphaMember, 'alpha', now, fx.ctx.db)!.map((l) => l.rangeLabel)).toContain('4 weeks · repo someone/else');
  });

  it('a live link sees its own team only, whatever its view says', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const live = await createShareLink(fx.users.bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    // Even if the stored view named another team, the link's viewer could not read it.
    fx.ctx.db.$client.prepare(`UPDATE share_links SET view = '{"teams":["beta"],"range":{}}'`).run();
    expect(shareReport(active(live.token, now), now, fx.ctx.db)).toBeNull();
    fx.ctx.db.$client.prepare(`UPDATE share_links SET view = '{"teams":["alpha","beta"],"range":{}}'`).run();
    expect(shareReport(active(live.token, now), now, fx.ctx.db)).toBeNull();
  });

  it('expire at their time, and revoke at once (admins any link, members their own)', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const { alphaMember, bothMember, betaMember, admin } = fx.users;
    const day = await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot', expiresInDays: 1 }, fx.ctx, now);
    expect(findShareLink(day.token, now + DAY - 1, fx.ctx.db).status).toBe('active');
    expect(findShareLink(day.token, now + DAY, fx.ctx.db).status).toBe('gone');
    expect(findShareLink(day.token, now + DAY + 1000, fx.ctx.db).status).toBe('gone');

    const mine = await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot' }, fx.ctx, now);
    const id = active(mine.token, now).id;
    await expect(revokeShareLink(betaMember, id, fx.ctx)).rejects.toThrow('no such share link');
    await expect(revokeShareLink(bothMember, id, fx.ctx)).rejects.toThrow('no such share link');
    expect(findShareLink(mine.token, now, fx.ctx.db).status).toBe('active');
    await revokeShareLink(alphaMember, id, fx.ctx);
    expect(findShareLink(mine.token, Date.now(), fx.ctx.db).status).toBe('gone');
    // Revoked links keep no figures.
    expect(fx.ctx.db.$client.prepare('SELECT snapshot FROM share_links WHERE id = ?').get(id)).toEqual({ snapshot: null });

    const other = await createShareLink(bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    await revokeShareLink(admin, active(other.token, now).id, fx.ctx);
    expect(findShareLink(other.token, Date.now(), fx.ctx.db).status).toBe('gone');

    // Removing an account stops the links it made.
    const leaver = await createShareLink(betaMember, { teamSlug: 'beta', searchParams: {}, mode: 'snapshot' }, fx.ctx, now);
    await deleteUser(admin, betaMember.userId, fx.ctx);
    expect(findShareLink(leaver.token, Date.now(), fx.ctx.db).status).toBe('gone');
  });

  it('are listed per team with who made them: all for admins, their own for members', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const { alphaMember, bothMember, betaMember, admin } = fx.users;
    await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot' }, fx.ctx, now);
    await createShareLink(bothMember, { teamSlug: 'alpha', searchParams: { from: '2026-01-05', to: '2026-02-01' }, mode: 'live' }, fx.ctx, now);
    const expiring = await createShareLink(bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live', expiresInDays: 1 }, fx.ctx, now);
    expect(expiring.token).toBeTruthy();
    const all = listShareLinks(admin, 'alpha', now, fx.ctx.db)!;
    expect(all.map((l) => l.createdBy).sort()).toEqual(['alpha@example.com', 'both@example.com', 'both@example.com']);
    expect(all.map((l) => l.rangeLabel)).toContain('2026-01-05 → 2026-02-01');
    expect(listShareLinks(alphaMember, 'alpha', now, fx.ctx.db)!.map((l) => l.createdBy)).toEqual(['alpha@example.com']);
    expect(listShareLinks(betaMember, 'alpha', now, fx.ctx.db)).toBeNull();
    expect(listShareLinks(admin, 'alpha', now + 2 * DAY, fx.ctx.db)).toHaveLength(2); // the expired one is not active
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
    expect(fx.ctx.db.$client.prepare('SELECT count(*) AS n FROM share_links').get()).toEqual({ n: 0 });
    await expect(make({ from: '2017-01-01', to: '2026-11-26' })).resolves.toMatchObject({ token: expect.stringMatching(SHARE_TOKEN) });
  });

  it(`are capped at ${MAX_ACTIVE_SHARE_LINKS_PER_USER} active links per user; revoked and expired ones do not count`, async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const { alphaMember, bothMember } = fx.users;
    const { id: teamId } = fx.ctx.db.$client.prepare("SELECT id FROM teams WHERE slug = 'alpha'").get() as { id: number };
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
    for (let i = 0; i < MAX_ACTIVE_SHARE_LINKS_PER_USER - 1; i++) insertShareLink(fx.ctx.db, row(now + DAY));
    insertShareLink(fx.ctx.db, row(now - 1)); // expired: not active
    const last = await createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    const refused = createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now);
    await expect(refused).rejects.toBeInstanceOf(DataError);
    await expect(refused).rejects.toThrow(`you already have ${MAX_ACTIVE_SHARE_LINKS_PER_USER} active share links`);
    // The write itself re-checks, so two requests racing past the first check cannot exceed it.
    expect(() => insertShareLink(fx!.ctx.db, row(now + DAY))).toThrow(DataError);
    // Another user is not held back; revoking one of the hundred makes room again.
    await expect(createShareLink(bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now)).resolves.toBeTruthy();
    await revokeShareLink(alphaMember, active(last.token, now).id, fx.ctx);
    await expect(createShareLink(alphaMember, { teamSlug: 'alpha', searchParams: {}, mode: 'live' }, fx.ctx, now)).resolves.toBeTruthy();
  });

  it('housekeeping drops expired figures at once and the tombstone after 90 days (then 404)', async () => {
    const now = Date.now();
    fx = await accessFixture(now);
    const link = await createShareLink(fx.users.admin, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot', expiresInDays: 1 }, fx.ctx, now);
    purgeExpired(fx.ctx.db, now + DAY + 1);
    expect(fx.ctx.db.$client.prepare('SELECT snapshot FROM share_links').get()).toEqual({ snapshot: null });
    expect(findShareLink(link.token, now + DAY + 1, fx.ctx.db).status).toBe('gone');
    purgeExpired(fx.ctx.db, now + DAY + SHARE_TOMBSTONE_MS + 1);
    expect(findShareLink(link.token, now + DAY + SHARE_TOMBSTONE_MS + 1, fx.ctx.db).status).toBe('unknown');
  });
});
