import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { ensureTeams } from '@/lib/data/teams';
import { ingest } from '@/lib/ingest/ingest';
import { tempDatabase } from '@/lib/testing/db';
import { carryRanges, changeOfCommit, gitHistoryEvents, originRepo } from './git';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-01T09:00:00Z');

/** A repository built commit by commit with real git, at chosen times. */
function makeRepo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-git-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  let at = T0;
  const env = () => {
    const date = `${Math.floor(at / 1000)} +0000`;
    return {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com',
      GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
    };
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: env(), encoding: 'utf8' });
  const write = (file: string, lines: string[]) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), lines.map((l) => l + '\n').join(''));
  };
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').slice(0, -1);
  const commit = (day: number, message: string) => {
    at = T0 + day * DAY;
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  git('init', '-q', '-b', 'main');
  return { dir, git, write, read, commit, setDay: (day: number) => (at = T0 + day * DAY) };
}

const lines = (prefix: string, n: number, from = 1) => Array.from({ length: n }, (_, i) => `${prefix} ${from + i}`);

describe('git history importer', () => {
  it('carries line ranges through hunks like blame does', () => {
    // Lines 5–10 tracked. Insert 2 after line 2; rewrite 6–7 as one line; delete 12.
    const hunks = [
      { a: 2, b: 0, c: 3, d: 2 },
      { a: 6, b: 2, c: 8, d: 1 },
      { a: 12, b: 1, c: 13, d: 0 },
    ];
    expect(carryRanges([[5, 10]], hunks)).toEqual({ ranges: [[7, 7], [9, 11]], removed: 2 });
    // A removal spanning two tracked ranges, and insertions right at their edges.
    expect(carryRanges([[1, 3], [6, 8]], [{ a: 3, b: 4, c: 3, d: 0 }])).toEqual({ ranges: [[1, 4]], removed: 2 });
    expect(carryRanges([[4, 4]], [{ a: 4, b: 0, c: 5, d: 3 }, { a: 3, b: 0, c: 4, d: 1 }].sort((x, y) => x.a - y.a))).toEqual({ ranges: [[5, 5]], removed: 0 });
    expect(carryRanges([], [{ a: 1, b: 1, c: 1, d: 1 }])).toEqual({ ranges: [], removed: 0 });
  });

  it('names merged changes as the GitHub importer does', () => {
    expect(changeOfCommit({ sha: 'abc', parents: ['p1', 'p2'], subject: 'Merge pull request #12 from octo/feature/login' }, 'acme/api')).toEqual({ id: 'acme/api#12', branch: 'feature/login' });
    expect(changeOfCommit({ sha: 'abc', parents: ['p1'], subject: 'Add the widget (#13)' }, 'acme/api')).toEqual({ id: 'acme/api#13' });
    expect(changeOfCommit({ sha: 'abc', parents: ['p1', 'p2'], subject: "Merge branch 'hotfix' into main" }, 'acme/api')).toEqual({ id: 'abc', branch: 'hotfix' });
    expect(changeOfCommit({ sha: 'abc', parents: ['p1'], subject: 'Fix typo' }, 'acme/api')).toBeNull();
  });

  it('finds, line by line, later commits that modified what a merged change introduced within the window', async () => {
    const r = makeRepo();
    r.write('src/app.ts', lines('base', 10));
    r.write('README.md', ['# app']);
    r.commit(0, 'Initial commit');
    // PR #1 on a branch, merged with a merge commit: adds lines 11–15 of app.ts.
    r.git('checkout', '-q', '-b', 'feature-x');
    r.write('src/app.ts', [...lines('base', 10), ...lines('feat', 5)]);
    r.commit(1, 'Add feature x');
    r.git('checkout', '-q', 'main');
    r.setDay(1.5);
    r.git('merge', '-q', '--no-ff', 'feature-x', '-m', 'Merge pull request #1 from acme/feature-x');
    // Filler commits elsewhere.
    for (let i = 0; i < 20; i++) {
      r.write(`docs/note-${i}.md`, [`note ${i}`]);
      r.commit(1.6 + i * 0.01, `Add note ${i}`);
    }
    // Squash-merged PR #2: a new file.
    r.write('src/util.ts', lines('util', 6));
    r.commit(2, 'Add util helpers (#2)');
    // Day 3: insert 3 lines at the top of app.ts (moves #1's lines, modifies none of them).
    r.write('src/app.ts', [...lines('header', 3), ...r.read('src/app.ts')]);
    r.commit(3, 'Add a header');
    // Day 4: rewrite feat 2 and feat 3 (now lines 15–16), and base 1 (not #1's).
    const app = r.read('src/app.ts');
    app[14] = 'feat 2 fixed';
    app[15] = 'feat 3 fixed';
    app[3] = 'base 1 changed';
    r.write('src/app.ts', app);
    r.commit(4, 'Fix feature x');
    // Day 5: rename util.ts and change one of its lines in the same commit.
    r.git('mv', 'src/util.ts', 'src/helpers.ts');
    const helpers = r.read('src/helpers.ts');
    helpers[1] = 'util 2 renamed';
    r.write('src/helpers.ts', helpers);
    r.commit(5, 'Rename util to helpers');
    // Day 6: delete feat 5 (the last line): #1 again.
    r.write('src/app.ts', r.read('src/app.ts').slice(0, -1));
    r.commit(6, 'Drop feat 5');
    // Day 12: outside #1's 7-day window (merged day 1.5) and #2's (day 2).
    const late = r.read('src/app.ts');
    late[13] = 'feat 1 late';
    r.write('src/app.ts', late);
    const helpersLate = r.read('src/helpers.ts');
    helpersLate[0] = 'util 1 late';
    r.write('src/helpers.ts', helpersLate);
    r.commit(12, 'Late changes');
    // PR #3 merged on day 13, then modified on day 14.
    r.write('src/late.ts', lines('late', 4));
    r.commit(13, 'Add late.ts (#3)');
    r.write('src/late.ts', ['late 1', 'LATE 2', 'late 3', 'late 4']);
    const fix = r.commit(14, 'Shout');

    const events = [];
    const stats = { commits: 0, changes: 0, modified: 0, reverted: 0 };
    for await (const e of gitHistoryEvents({ repoPath: r.dir, repo: 'acme/api' }, stats)) events.push(e);
    expect(stats).toEqual({ commits: 30, changes: 3, modified: 4, reverted: 0 });
    const merged = events.filter((e) => e.type === 'change.merged');
    expect(merged.map((e) => [e.change, e.ts, e.branch, e.additions, e.deletions])).toEqual([
      ['acme/api#1', new Date(T0 + 1.5 * DAY).toISOString(), 'feature-x', 5, 0],
      ['acme/api#2', new Date(T0 + 2 * DAY).toISOString(), undefined, 6, 0],
      ['acme/api#3', new Date(T0 + 13 * DAY).toISOString(), undefined, 4, 0],
    ]);
    const modified = events.filter((e) => e.type === 'change.modified');
    expect(modified.map((e) => [e.change, e.lines, (Number(new Date(e.ts as string)) - T0) / DAY])).toEqual([
      ['acme/api#1', 2, 4],
      ['acme/api#2', 1, 5],
      ['acme/api#1', 1, 6],
      // The day-12 changes are outside the windows of #1 and #2: not counted.
      ['acme/api#3', 1, 14],
    ]);
    expect(modified[3]).toMatchObject({ id: `git:acme/api#3:modified:${fix}`, attrs: { by: fix } });

    // Through ingest: stored once, however often imported.
    const t = await tempDatabase();
    onTestFinished(t.cleanup);
    await ensureTeams([{ slug: 'acme', name: 'Acme' }], t.db);
    const run = async () => {
      async function* ndjson() {
        for await (const e of gitHistoryEvents({ repoPath: r.dir, repo: 'acme/api', days: 7 })) yield JSON.stringify(e) + '\n';
      }
      return ingest(t.db, ndjson(), { format: 'ndjson', team: { id: 1, slug: 'acme' }, partial: false, source: 'cli' });
    };
    expect(await run()).toMatchObject({ ok: true, accepted: 3 + 4 });
    expect(await run()).toMatchObject({ ok: true, accepted: 0, duplicates: 7 });
    expect(await t.db.all(`SELECT change, kind, lines FROM change_events WHERE kind = 'modified' ORDER BY ts`)).toEqual([
      { change: 'acme/api#1', kind: 'modified', lines: 2 },
      { change: 'acme/api#2', kind: 'modified', lines: 1 },
      { change: 'acme/api#1', kind: 'modified', lines: 1 },
      { change: 'acme/api#3', kind: 'modified', lines: 1 },
    ]);

    // A longer window counts the day-12 changes too.
    const wide = [];
    for await (const e of gitHistoryEvents({ repoPath: r.dir, repo: 'acme/api', days: 30 })) if (e.type === 'change.modified') wide.push([e.change, e.lines]);
    expect(wide).toEqual([['acme/api#1', 2], ['acme/api#2', 1], ['acme/api#1', 1], ['acme/api#1', 1], ['acme/api#2', 1], ['acme/api#3', 1]]);
  });

  it('reads reverts (GitHub\'s and git revert\'s formats) as change.reverted of the change they revert', async () => {
    const r = makeRepo();
    const commitWith = (day: number, subject: string, body: string) => {
      r.setDay(day);
      r.git('add', '-A');
      r.git('commit', '-q', '-m', subject, '-m', body);
      return r.git('rev-parse', 'HEAD').trim();
    };
    r.write('a.ts', ['a']);
    r.commit(0, 'Initial commit');
    r.write('retry.ts', lines('retry', 3));
    r.commit(1, 'Add retry (#3)');
    r.write('backoff.ts', lines('backoff', 3));
    r.commit(2, 'Tune backoff (#5)');
    // PR #6, merged with a merge commit; its title is the merge's first body line.
    r.git('checkout', '-q', '-b', 'cache');
    r.write('cache.ts', lines('cache', 3));
    r.commit(3, 'Cache results');
    r.git('checkout', '-q', 'main');
    r.setDay(3.5);
    r.git('merge', '-q', '--no-ff', 'cache', '-m', 'Merge pull request #6 from acme/cache', '-m', 'Cache results');
    // git revert of #3's squash commit: "This reverts commit <sha>."
    r.setDay(4);
    r.git('revert', '--no-edit', 'HEAD~2');
    const plainRevert = r.git('rev-parse', 'HEAD').trim();
    // GitHub's revert PR for #5, squash-merged as #7: `Revert "<title>" (#7)`, body `Reverts owner/name#5`.
    r.git('rm', '-q', 'backoff.ts');
    commitWith(5, 'Revert "Tune backoff" (#7)', 'Reverts acme/api#5');
    // GitHub's revert PR for #6 merged with a merge commit from its revert-6-… branch.
    r.git('checkout', '-q', '-b', 'revert-6-cache');
    r.git('rm', '-q', 'cache.ts');
    r.commit(6, 'Revert "Cache results"');
    r.git('checkout', '-q', 'main');
    r.setDay(6.5);
    r.git('merge', '-q', '--no-ff', 'revert-6-cache', '-m', 'Merge pull request #9 from acme/revert-6-cache', '-m', 'Revert "Cache results"');
    // A revert whose target is known only by its title.
    r.write('late.ts', ['late']);
    r.commit(7, 'Add late (#10)');
    r.git('rm', '-q', 'late.ts');
    commitWith(8, 'Revert "Add late"', 'It broke the build.');

    const events = [];
    for await (const e of gitHistoryEvents({ repoPath: r.dir, repo: 'acme/api' })) events.push(e);
    const reverted = events.filter((e) => e.type === 'change.reverted');
    expect(reverted.map((e) => [e.change, e.by, (Number(new Date(e.ts as string)) - T0) / DAY])).toEqual([
      ['acme/api#3', plainRevert, 4],
      ['acme/api#5', 'acme/api#7', 5],
      ['acme/api#6', 'acme/api#9', 6.5],
      ['acme/api#10', expect.stringMatching(/^[0-9a-f]{40}$/), 8],
    ]);
    expect(reverted[0]).toMatchObject({ id: `git:acme/api#3:reverted:${plainRevert}`, repo: 'acme/api' });
  });

  it('reads owner/name from the origin remote', async () => {
    const r = makeRepo();
    expect(await originRepo(r.dir)).toBeUndefined();
    r.git('remote', 'add', 'origin', 'git@github.com:acme/api.git');
    expect(await originRepo(r.dir)).toBe('acme/api');
  });
});
