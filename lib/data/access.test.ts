/**
 * The access matrix: every data-layer read and write, every read route handler and
 * export, and every share link, for a member of team alpha, of beta, of both, an admin, a team
 * API token of alpha, a share link of alpha and nobody — against both teams. Each cell is
 * asserted: allowed (with that team's data and no other's), or refused without data (null, a
 * DataError, or 404 with the same body as a missing team; 401 without credentials).
 * The browser-level matrix over every page is e2e/access.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as compareRoute } from '@/app/api/v1/compare/route';
import { GET as flagsRoute } from '@/app/api/v1/flags/route';
import { GET as kpisRoute } from '@/app/api/v1/kpis/route';
import { GET as weeklyRoute } from '@/app/api/v1/kpis/weekly/route';
import { GET as whatIfRoute } from '@/app/api/v1/whatif/route';
import { GET as shareCsvRoute } from '@/app/share/[token]/export.csv/route';
import { GET as shareJsonRoute } from '@/app/share/[token]/export.json/route';
import { GET as sharePageRoute } from '@/app/share/[token]/route';
import { GET as teamCsvRoute } from '@/app/teams/[slug]/export.csv/route';
import { GET as teamJsonRoute } from '@/app/teams/[slug]/export.json/route';
import { startSession } from '@/lib/auth/sign-in';
import { accessFixture, type AccessFixture } from '@/lib/testing/accounts';
import { pointServerAt } from '@/lib/testing/db';
import { closeDb } from './connection';
import { DataError } from './errors';
import { getCompare, getWhatIf } from './economics';
import { getFlags, getKpis, getWeeklyKpis } from './kpis';
import { buildReport } from './reports';
import { createShareLink, findShareLink, listShareLinks, revokeShareLink } from './share-links';
import { teamFlagThresholds, updateFlagThresholds } from './team-settings';
import { addTeam, findTeam, listTeamSummaries } from './teams';
import { createApiToken, issueApiToken, listApiTokens, revokeApiToken } from './tokens';
import { addTeamMember, createUser, deleteUser, listTeamMembers, listUsers, removeTeamMember, setUserRole } from './users';
import { type Viewer } from './viewer';

// Last-use times go through the ingest worker on the server: not in these tests.
vi.mock('@/lib/ingest/queue', () => ({ writeInWorker: () => Promise.resolve() }));

type Team = 'alpha' | 'beta';
const TEAMS: Team[] = ['alpha', 'beta'];
const NAMES = { alpha: 'Alpha Squad', beta: 'Beta Crew' };
/** Strings only a team's own data contains (its run, change and repo ids). */
const MARKERS = { alpha: 'alpha-secret', beta: 'beta-secret' };
const other = (t: Team): Team => (t === 'alpha' ? 'beta' : 'alpha');

type ViewerName = 'alphaMember' | 'betaMember' | 'bothMember' | 'admin' | 'alphaToken' | 'alphaShare';
const VIEWERS: ViewerName[] = ['alphaMember', 'betaMember', 'bothMember', 'admin', 'alphaToken', 'alphaShare'];
const SEES: Record<ViewerName, Team[]> = {
  alphaMember: ['alpha'],
  betaMember: ['beta'],
  bothMember: ['alpha', 'beta'],
  admin: ['alpha', 'beta'],
  alphaToken: ['alpha'],
  alphaShare: ['alpha'],
};
const isUser = (v: ViewerName) => ['alphaMember', 'betaMember', 'bothMember', 'admin'].includes(v);

let fx: AccessFixture;
let viewers: Record<ViewerName, Viewer>;
const tokens: Record<string, string> = {};
const cookies: Partial<Record<ViewerName, string>> = {};
const apiTokenIds: Record<Team, number> = { alpha: 0, beta: 0 };
const adminLinkIds: Record<Team, number> = { alpha: 0, beta: 0 };
const shareTokens: Record<Team, string> = { alpha: '', beta: '' };
let cells = 0;
let restoreEnv: () => void = () => {};

beforeAll(async () => {
  fx = await accessFixture();
  restoreEnv = pointServerAt(fx);
  const { ctx, users } = fx;
  tokens.alpha = (await createApiToken(users.admin, { teamId: fx.teamIds.alpha, scopes: ['read', 'ingest'] }, ctx.db)).token;
  for (const t of TEAMS) {
    apiTokenIds[t] = (await createApiToken(users.admin, { teamId: fx.teamIds[t], scopes: ['read'] }, ctx.db)).id;
    const link = await createShareLink(users.admin, { teamSlug: t, searchParams: {}, mode: 'live' }, ctx);
    shareTokens[t] = link.token;
    adminLinkIds[t] = link.id;
  }
  const alphaShare = await findShareLink(shareTokens.alpha, Date.now(), ctx.db);
  if (alphaShare.status !== 'active') throw new Error('share link');
  viewers = {
    ...users,
    alphaToken: { kind: 'token', tokenId: 1, teamId: fx.teamIds.alpha, scopes: ['read'] },
    alphaShare: alphaShare.link.viewer,
  };
  for (const v of ['alphaMember', 'betaMember', 'bothMember', 'admin'] as const) {
    cookies[v] = `loopscope_session=${(await startSession(users[v].userId, ctx)).sessionId}`;
  }
  await createUser(users.admin, { email: 'spare@example.com', password: 'tangerine-orbit-42', role: 'member' }, ctx);
}, 60_000); // five accounts, each password hashed with scrypt

afterAll(async () => {
  await closeDb();
  restoreEnv();
  await fx?.cleanup();
  // 6 viewers × 2 teams × 19 data-layer operations, 6 × 5 installation-wide ones,
  // 6 callers × 2 teams × 7 route handlers, 7 callers × 2 links × 3 share routes.
  expect(cells).toBe(6 * 2 * 19 + 6 * 5 + 6 * 2 * 7 + 7 * 2 * 3);
  console.log(`access matrix: ${cells} cells, all as expected`);
});

/** What a refused call looks like: null, or a DataError that names nothing of the other team. */
async function refused(call: () => unknown, team: Team): Promise<void> {
  let answer: unknown;
  try {
    answer = await call();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).not.toContain(NAMES[team]);
    expect((err as Error).message).not.toContain(MARKERS[team]);
    return;
  }
  expect(answer).toBeNull();
}

/** An allowed answer: present, with the team's own data at most (never the other team's). */
function ownDataOnly(answer: unknown, team: Team): void {
  expect(answer).not.toBeNull();
  expect(answer).not.toBeUndefined();
  const text = JSON.stringify(answer ?? '');
  expect(text).not.toContain(MARKERS[other(team)]);
  expect(text).not.toContain(NAMES[other(team)]);
}

const WINDOW = () => ({ from: Date.now() - 28 * 86_400_000, to: Date.now(), asOf: Date.now() });

interface Op {
  name: string;
  /** Who may: everyone who sees the team, users who see it, or admins. */
  who: 'sees' | 'users' | 'admin';
  run: (viewer: Viewer, team: Team) => unknown;
  /** An allowed answer carries the team's own data (a marker or its name). */
  showsData?: boolean;
}

const OPS: Op[] = [
  { name: 'findTeam', who: 'sees', run: (v, t) => findTeam(v, t, fx.ctx.db), showsData: true },
  { name: 'getKpis', who: 'sees', run: (v, t) => getKpis(v, [t], WINDOW(), { db: fx.ctx.db }) },
  { name: 'getWeeklyKpis', who: 'sees', run: (v, t) => getWeeklyKpis(v, [t], WINDOW(), { db: fx.ctx.db }) },
  { name: 'getFlags', who: 'sees', run: (v, t) => getFlags(v, [t], WINDOW(), { db: fx.ctx.db }) },
  { name: 'getCompare', who: 'sees', run: (v, t) => getCompare(v, [t], WINDOW(), 'agent', { db: fx.ctx.db }) },
  {
    name: 'getWhatIf',
    who: 'sees',
    run: (v, t) => getWhatIf(v, [t], WINDOW(), { kind: 'price', inputPerM: 1, outputPerM: 1, cacheReadPerM: 0, cacheWritePerM: 0 }, { db: fx.ctx.db }),
  },
  { name: 'buildReport', who: 'sees', run: (v, t) => buildReport(v, { teams: [t], range: {} }, Date.now(), fx.ctx.db), showsData: true },
  {
    name: 'listTeamSummaries',
    who: 'sees',
    run: async (v, t) => (await listTeamSummaries(v, fx.ctx.db)).find((s) => s.slug === t) ?? null,
    showsData: true,
  },
  { name: 'listShareLinks', who: 'users', run: (v, t) => listShareLinks(v, t, Date.now(), fx.ctx.db) },
  { name: 'listApiTokens', who: 'admin', run: (v, t) => listApiTokens(v, t, fx.ctx.db) },
  { name: 'listTeamMembers', who: 'admin', run: (v, t) => listTeamMembers(v, t, fx.ctx.db) },
  { name: 'teamFlagThresholds', who: 'admin', run: (v, t) => teamFlagThresholds(v, t, fx.ctx.db) },
  {
    name: 'createShareLink',
    who: 'users',
    run: async (v, t) => {
      const link = await createShareLink(v, { teamSlug: t, searchParams: {}, mode: 'snapshot' }, fx.ctx);
      const found = await findShareLink(link.token, Date.now(), fx.ctx.db);
      return found.status === 'active' ? JSON.parse(found.link.snapshot!) : null;
    },
    showsData: true,
  },
  { name: 'revokeShareLink (an admin-made link)', who: 'admin', run: (v, t) => revokeShareLink(v, adminLinkIds[t], fx.ctx).then(() => 'revoked') },
  { name: 'issueApiToken', who: 'admin', run: (v, t) => issueApiToken(v, t, { scopes: ['read'] }, fx.ctx) },
  { name: 'revokeApiToken', who: 'admin', run: (v, t) => revokeApiToken(v, t, apiTokenIds[t], fx.ctx).then(() => 'revoked') },
  { name: 'updateFlagThresholds', who: 'admin', run: (v, t) => updateFlagThresholds(v, t, { burnMinTokens: 300_000 }, fx.ctx).then(() => 'saved') },
  { name: 'addTeamMember', who: 'admin', run: (v, t) => addTeamMember(v, t, 'spare@example.com', fx.ctx).then(() => 'added') },
  { name: 'removeTeamMember', who: 'admin', run: (v, t) => removeTeamMember(v, t, 999_999, fx.ctx).then(() => 'removed') },
];

function allowed(op: Op['who'], v: ViewerName, team: Team): boolean {
  if (op === 'admin') return v === 'admin';
  if (op === 'users') return isUser(v) && SEES[v].includes(team);
  return SEES[v].includes(team);
}

describe('data layer', () => {
  for (const op of OPS) {
    for (const v of VIEWERS) {
      for (const team of TEAMS) {
        const yes = allowed(op.who, v, team);
        it(`${op.name}: ${v} on ${team} → ${yes ? 'allowed' : 'refused'}`, async () => {
          cells++;
          if (yes) {
            const answer = await op.run(viewers[v], team);
            ownDataOnly(answer, team);
            if (op.showsData) expect(JSON.stringify(answer)).toMatch(new RegExp(`${MARKERS[team]}|${NAMES[team]}|"${team}"`));
          } else {
            await refused(() => op.run(viewers[v], team), team);
          }
        });
      }
    }
  }

  const GLOBAL: { name: string; run: (v: Viewer) => Promise<unknown> }[] = [
    { name: 'listUsers', run: async (v) => listUsers(v, fx.ctx.db) },
    { name: 'createUser', run: (v) => createUser(v, { email: `new-${Math.random()}@example.com`, password: 'tangerine-orbit-42', role: 'admin' }, fx.ctx) },
    { name: 'addTeam', run: (v) => addTeam(v, { slug: `t-${Math.random().toString(36).slice(2, 8)}` }, fx.ctx) },
    { name: 'setUserRole', run: (v) => setUserRole(v, fx.users.alphaMember.userId, 'member', fx.ctx).then(() => 'set') },
    { name: 'deleteUser', run: (v) => deleteUser(v, 999_999, fx.ctx).then(() => 'deleted') },
  ];
  for (const op of GLOBAL) {
    for (const v of VIEWERS) {
      it(`${op.name}: ${v} → ${v === 'admin' ? 'allowed' : 'refused'}`, async () => {
        cells++;
        if (v !== 'admin') {
          await expect(op.run(viewers[v])).rejects.toThrow(/only an admin/);
        } else if (op.name === 'deleteUser') {
          await expect(op.run(viewers[v])).rejects.toThrow('no such user'); // allowed, and told the user is unknown
        } else {
          expect(await op.run(viewers[v])).toBeTruthy();
        }
      });
    }
  }
});

describe('route handlers', () => {
  type Caller = 'alphaMember' | 'betaMember' | 'bothMember' | 'admin' | 'alphaToken' | 'nobody';
  const CALLERS: Caller[] = ['alphaMember', 'betaMember', 'bothMember', 'admin', 'alphaToken', 'nobody'];
  const request = (path: string, caller: Caller) => {
    const headers: Record<string, string> = {};
    if (caller === 'alphaToken') headers.authorization = `Bearer ${tokens.alpha}`;
    else if (caller !== 'nobody') headers.cookie = cookies[caller]!;
    return new Request(`http://localhost${path}`, { headers });
  };
  const HANDLERS: { name: string; call: (team: Team, caller: Caller) => Promise<Response> }[] = [
    { name: 'GET /api/v1/kpis', call: (t, c) => kpisRoute(request(`/api/v1/kpis?team=${t}`, c)) },
    { name: 'GET /api/v1/kpis/weekly', call: (t, c) => weeklyRoute(request(`/api/v1/kpis/weekly?team=${t}`, c)) },
    { name: 'GET /api/v1/flags', call: (t, c) => flagsRoute(request(`/api/v1/flags?team=${t}`, c)) },
    { name: 'GET /api/v1/compare', call: (t, c) => compareRoute(request(`/api/v1/compare?team=${t}&by=model`, c)) },
    { name: 'GET /api/v1/whatif', call: (t, c) => whatIfRoute(request(`/api/v1/whatif?team=${t}&scenario=model&model=claude-sonnet-4-5`, c)) },
    { name: 'GET /teams/[slug]/export.csv', call: (t, c) => teamCsvRoute(request(`/teams/${t}/export.csv`, c), { params: Promise.resolve({ slug: t }) }) },
    { name: 'GET /teams/[slug]/export.json', call: (t, c) => teamJsonRoute(request(`/teams/${t}/export.json`, c), { params: Promise.resolve({ slug: t }) }) },
  ];
  for (const h of HANDLERS) {
    for (const caller of CALLERS) {
      for (const team of TEAMS) {
        const expected = caller === 'nobody' ? 401 : SEES[caller].includes(team) ? 200 : 404;
        it(`${h.name}: ${caller} on ${team} → ${expected}`, async () => {
          cells++;
          const res = await h.call(team, caller);
          const body = await res.text();
          expect(res.status).toBe(expected);
          expect(body).not.toContain(MARKERS[other(team)]);
          if (expected === 404) expect(JSON.parse(body)).toEqual({ error: 'no such team' });
          if (expected === 401) expect(Object.keys(JSON.parse(body))).toEqual(['error']);
          if (expected === 200 && h.name.includes('export')) expect(body).toContain(NAMES[team]);
        });
      }
    }
  }

  // A share link answers the same to everyone, and only its own team's report.
  const SHARE_ROUTES = [
    { name: 'GET /share/[token]', call: (token: string, r: Request) => sharePageRoute(r, { params: Promise.resolve({ token }) }) },
    { name: 'GET /share/[token]/export.csv', call: (token: string, r: Request) => shareCsvRoute(r, { params: Promise.resolve({ token }) }) },
    { name: 'GET /share/[token]/export.json', call: (token: string, r: Request) => shareJsonRoute(r, { params: Promise.resolve({ token }) }) },
  ];
  for (const route of SHARE_ROUTES) {
    for (const caller of [...CALLERS, 'alphaShare'] as const) {
      for (const team of TEAMS) {
        it(`${route.name}: ${caller} with ${team}'s link → 200, ${team} only`, async () => {
          cells++;
          const token = shareTokens[team];
          // The link was made live by the admin; a revoked one (data-layer cells) is remade here.
          if ((await findShareLink(token, Date.now(), fx.ctx.db)).status !== 'active') {
            const link = await createShareLink(fx.users.admin, { teamSlug: team, searchParams: {}, mode: 'live' }, fx.ctx);
            shareTokens[team] = link.token;
          }
          const r = caller === 'alphaShare' || caller === 'nobody' ? request('/share/x', 'nobody') : request('/share/x', caller);
          const res = await route.call(shareTokens[team], r);
          const body = await res.text();
          expect(res.status).toBe(200);
          expect(body).toContain(NAMES[team]);
          expect(body).not.toContain(NAMES[other(team)]);
          expect(body).not.toContain(MARKERS[other(team)]);
          expect(body).not.toMatch(/@example\.com/);
        });
      }
    }
  }
});
