/**
 * Git history → `change.merged` and `change.modified` (Node only; `npm run cli -- import-git`).
 *
 * The merged changes are the commits of the main line (`git log --first-parent`): a merge
 * commit (`Merge pull request #N from owner/branch` → change `owner/name#N`, the same id the
 * GitHub importer gives; another merge → its commit sha), or a squash commit whose subject
 * ends in `(#N)`. A change introduced the lines its diff against the first parent adds.
 *
 * Whether a later commit modified those lines within `days` after the merge is answered at the
 * line level with git's own diff machinery, in ONE pass over the history: `git log
 * --first-parent -p -U0` gives, for every main-line commit, the exact line ranges it removes
 * and adds in each file (renames followed with -M). Each change's introduced lines are carried
 * forward through the hunks of the commits after it, as blame does: a line inside a later
 * commit's removed range was modified (rewritten or deleted); the others are renumbered by the
 * hunks before them. A line is counted once, by the first commit that modifies it; tracking
 * stops when the window closes. So the cost is one streamed `git log` plus work proportional
 * to the hunks that touch files with tracked lines: no per-commit or per-file blame, and a
 * repository of 50,000 commits takes one pass.
 *
 * A main-line commit that reverts a merged change is a `change.reverted` of it
 * (`git:<change>:reverted:<sha>`, at the commit time, `by` the revert's own change, else its
 * sha). The reverted change is named, in this order, by GitHub's revert body `Reverts
 * owner/name#N`, git revert's `This reverts commit <sha>` (a main-line commit seen before), a
 * revert branch `revert-N-…` (GitHub's), a `(#N)` ending the quoted title of `Revert "<title>"`,
 * or that title being a merged change's (a squash commit's subject, a merge's first body line).
 *
 * Events: `change.merged` (`git:<change>:merged`, at the commit time, with repo, branch when
 * the merge names it, additions, deletions), `change.modified` (`git:<change>:modified:<sha>`,
 * at the modifying commit's time, `lines` = how many of the change's lines it modified) and
 * `change.reverted`.
 */
import { spawn } from 'node:child_process';
import { LineSplitter, type Line } from './lines';

export interface GitImportOptions {
  /** The repository's working tree or .git directory. */
  repoPath: string;
  /** `owner/name` of the repository (change ids `owner/name#N`). */
  repo: string;
  /** Window after a merge in which later modifications count. Default 7. */
  days?: number;
  /** The main line to read (default HEAD). */
  ref?: string;
}

export interface GitImportStats {
  commits: number;
  changes: number;
  modified: number;
  reverted: number;
}

interface Hunk {
  /** Old start, old count, new start, new count (git's `@@ -a,b +c,d @@`). */
  a: number;
  b: number;
  c: number;
  d: number;
}

interface FileDiff {
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
}

interface Commit {
  sha: string;
  parents: string[];
  ts: number;
  subject: string;
  /** The message after the subject line. */
  body: string;
  files: FileDiff[];
}

/** A change's lines still carried forward in one file: sorted disjoint [start, end] ranges. */
interface Tracked {
  change: Change;
  ranges: [number, number][];
}

interface Change {
  id: string;
  expires: number;
  files: Set<string>;
}

const DAY_MS = 86_400_000;
const MERGE_PR_RE = /^Merge pull request #(\d+) from (\S+)/;
const MERGE_BRANCH_RE = /^Merge (?:remote-tracking )?branch '([^']+)'/;
const SQUASH_RE = /\(#(\d+)\)\s*$/;
const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const REVERTS_BODY_RE = /\bReverts ([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#(\d+)/;
const REVERTS_COMMIT_RE = /\bThis reverts commit ([0-9a-f]{7,40})\b/;
const REVERT_BRANCH_RE = /^revert-(\d+)-/;
const REVERT_TITLE_RE = /^Revert "([\s\S]*)"$/;
/** The end of a commit's body in the log (the body's lines are indented by one space). */
const BODY_END = ' \x02';

/** A change's title as its commit gives it: a merge's first body line, a squash's subject without `(#N)`. */
function titleOf(c: Commit): string {
  if (c.parents.length >= 2) return c.body.split('\n')[0].trim();
  return c.subject.replace(SQUASH_RE, '').trim();
}

/** The change a main-line commit reverts, if it is a revert. */
export function revertedBy(
  c: Commit,
  made: { id: string; branch?: string } | null,
  repo: string,
  known: { bySha: ReadonlyMap<string, string>; byTitle: ReadonlyMap<string, string> },
): string | null {
  const body = REVERTS_BODY_RE.exec(c.body);
  if (body) return `${body[1]}#${body[2]}`;
  const sha = REVERTS_COMMIT_RE.exec(c.body);
  if (sha) {
    const full = known.bySha.get(sha[1]) ?? [...known.bySha].find(([k]) => k.startsWith(sha[1]))?.[1];
    if (full) return full;
  }
  const branch = made?.branch ? REVERT_BRANCH_RE.exec(made.branch) : null;
  if (branch) return `${repo}#${branch[1]}`;
  const title = REVERT_TITLE_RE.exec(titleOf(c));
  if (!title) return null;
  const n = SQUASH_RE.exec(title[1]);
  if (n) return `${repo}#${n[1]}`;
  return known.byTitle.get(title[1].trim()) ?? null;
}

/** The merged change a main-line commit is, if any. */
export function changeOfCommit(c: { sha: string; parents: string[]; subject: string }, repo: string): { id: string; branch?: string } | null {
  if (c.parents.length >= 2) {
    const pr = MERGE_PR_RE.exec(c.subject);
    if (pr) {
      const from = pr[2];
      const slash = from.indexOf('/');
      return { id: `${repo}#${pr[1]}`, branch: slash >= 0 ? from.slice(slash + 1) : from };
    }
    const br = MERGE_BRANCH_RE.exec(c.subject);
    return br ? { id: c.sha, branch: br[1] } : { id: c.sha };
  }
  const sq = SQUASH_RE.exec(c.subject);
  return sq ? { id: `${repo}#${sq[1]}` } : null;
}

/**
 * Carries ranges of line numbers through a diff's hunks (sorted by old start). Returns the
 * ranges renumbered in the new version and how many of their lines the hunks removed.
 */
export function carryRanges(ranges: readonly [number, number][], hunks: readonly Hunk[]): { ranges: [number, number][]; removed: number } {
  const out: [number, number][] = [];
  let removed = 0;
  let hi = 0;
  let shift = 0;
  const end = (h: Hunk) => (h.b > 0 ? h.a + h.b - 1 : h.a);
  const emit = (s: number, e: number) => {
    if (s > e) return;
    const last = out[out.length - 1];
    if (last && last[1] + 1 === s + shift) last[1] = e + shift;
    else out.push([s + shift, e + shift]);
  };
  for (const [s, e] of ranges) {
    // Hunks wholly before this range only shift it.
    while (hi < hunks.length && end(hunks[hi]) < s) {
      shift += hunks[hi].d - hunks[hi].b;
      hi++;
    }
    let cur = s;
    while (cur <= e) {
      const h = hunks[hi];
      if (!h) {
        emit(cur, e);
        break;
      }
      if (h.b === 0) {
        // Pure insertion after line a: lines up to a keep their number.
        if (h.a >= e) {
          emit(cur, e);
          break;
        }
        emit(cur, h.a);
        shift += h.d;
        hi++;
        cur = h.a + 1;
        continue;
      }
      if (h.a > e) {
        emit(cur, e);
        break;
      }
      emit(cur, h.a - 1);
      const last = h.a + h.b - 1;
      removed += Math.min(e, last) - Math.max(cur, h.a) + 1;
      if (last <= e) {
        shift += h.d - h.b;
        hi++;
        cur = last + 1;
      } else break; // the hunk goes on past this range: the next range meets it again
    }
  }
  return { ranges: out, removed };
}

/** C-style quoted path (`"a/sp\303\251cial"`) → its bytes as UTF-8. */
function unquote(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const body = p.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      continue;
    }
    const n = body[++i];
    if (n >= '0' && n <= '7') {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `a/path` / `b/path` / `/dev/null` → the path, or null. */
function diffPath(p: string): string | null {
  const s = unquote(p.replace(/\t$/, ''));
  if (s === '/dev/null') return null;
  return s.startsWith('a/') || s.startsWith('b/') ? s.slice(2) : s;
}

/** Streams the main line's commits with their diffs, oldest first. */
async function* mainLineCommits(repoPath: string, ref: string): AsyncGenerator<Commit> {
  const args = [
    '-C', repoPath,
    '-c', 'core.quotePath=false',
    '-c', 'diff.noprefix=false',
    '-c', 'diff.mnemonicPrefix=false',
    '-c', 'log.showSignature=false',
    'log', '--first-parent', '--diff-merges=first-parent', '--reverse',
    '-p', '-U0', '-M', '--no-color', '--no-ext-diff', '--no-textconv', '--no-abbrev',
    // The body indented by one space (so no line of it reads as a diff line), then BODY_END.
    '--format=%x01%H%x1f%P%x1f%ct%x1f%s%n%w(0,1,1)%b%x02',
    ref, '--',
  ];
  const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const splitter = new LineSplitter(64 * 1024 * 1024);
  const lines: Line[] = [];
  let commit: Commit | null = null;
  let file: FileDiff | null = null;
  /** Content lines left in the current hunk. */
  let remaining = 0;
  /** Reading the commit message's body (between the header line and BODY_END). */
  let inBody = false;
  const handle = (text: string): Commit | null => {
    if (inBody) {
      if (text === BODY_END || text === '\x02') inBody = false;
      else if (commit) commit.body += (commit.body ? '\n' : '') + text.replace(/^ /, '');
      return null;
    }
    if (remaining > 0) {
      if (text.startsWith('\\')) return null; // "\ No newline at end of file"
      remaining--;
      return null;
    }
    if (text.charCodeAt(0) === 1) {
      const done = commit;
      const [sha, parents, ct, ...subject] = text.slice(1).split('\x1f');
      commit = { sha, parents: parents ? parents.split(' ') : [], ts: Number(ct) * 1000, subject: subject.join('\x1f'), body: '', files: [] };
      file = null;
      inBody = true;
      return done;
    }
    if (!commit) return null;
    if (text.startsWith('diff --git ')) {
      file = { oldPath: null, newPath: null, hunks: [] };
      // Fallback for diffs without ---/+++ (pure renames, mode changes): "diff --git a/x b/x".
      const m = /^diff --git (?:"?a\/(.*?)"?) (?:"?b\/(.*?)"?)$/.exec(text);
      if (m) {
        file.oldPath = m[1];
        file.newPath = m[2];
      }
      commit.files.push(file);
      return null;
    }
    if (!file) return null;
    if (text.startsWith('--- ')) file.oldPath = diffPath(text.slice(4));
    else if (text.startsWith('+++ ')) file.newPath = diffPath(text.slice(4));
    else if (text.startsWith('rename from ')) file.oldPath = unquote(text.slice(12));
    else if (text.startsWith('rename to ')) file.newPath = unquote(text.slice(10));
    else if (text.startsWith('new file mode')) file.oldPath = null;
    else if (text.startsWith('deleted file mode')) file.newPath = null;
    else if (text.startsWith('@@ ')) {
      const h = HUNK_RE.exec(text);
      if (h) {
        const hunk = { a: Number(h[1]), b: h[2] === undefined ? 1 : Number(h[2]), c: Number(h[3]), d: h[4] === undefined ? 1 : Number(h[4]) };
        file.hunks.push(hunk);
        remaining = hunk.b + hunk.d;
      }
    }
    return null;
  };
  const tooLong = (line: number) => lines.push({ line, text: ' ' }); // a content line all the same
  for await (const chunk of child.stdout) {
    splitter.push(chunk as Buffer, lines, tooLong);
    for (const l of lines) {
      const done = handle(l.text);
      if (done) yield done;
    }
    lines.length = 0;
  }
  splitter.end(lines);
  for (const l of lines) {
    const done = handle(l.text);
    if (done) yield done;
  }
  if (commit) yield commit;
  const code = await exit;
  if (code !== 0) throw new Error(`git log failed (exit ${code}): ${stderr.trim()}`);
}

/**
 * The events of a repository's history (raw events-v1 objects, without team). `stats` is
 * filled in as it goes.
 */
export async function* gitHistoryEvents(options: GitImportOptions, stats: GitImportStats = { commits: 0, changes: 0, modified: 0, reverted: 0 }): AsyncGenerator<Record<string, unknown>> {
  const windowMs = (options.days ?? 7) * DAY_MS;
  const repo = options.repo;
  /** Tracked lines by file path (in the version after the last commit read). */
  const byFile = new Map<string, Tracked[]>();
  /** Changes still tracked, in merge order. */
  let active: Change[] = [];
  /** Merged changes by commit sha and by title, for reverts. */
  const known = { bySha: new Map<string, string>(), byTitle: new Map<string, string>() };
  const drop = (change: Change) => {
    for (const f of change.files) {
      const list = byFile.get(f);
      if (!list) continue;
      const rest = list.filter((t) => t.change !== change);
      if (rest.length > 0) byFile.set(f, rest);
      else byFile.delete(f);
    }
    change.files.clear();
  };
  for await (const commit of mainLineCommits(options.repoPath, options.ref ?? 'HEAD')) {
    stats.commits++;
    // Close the windows that ended before this commit.
    if (active.length > 0 && active.some((c) => c.expires < commit.ts)) {
      for (const c of active) if (c.expires < commit.ts) drop(c);
      active = active.filter((c) => c.files.size > 0 && c.expires >= commit.ts);
    }
    // Carry every tracked change's lines through this commit's hunks.
    const modifiedBy = new Map<Change, number>();
    const moves: { from: string; to: string | null; list: Tracked[] }[] = [];
    for (const f of commit.files) {
      if (f.oldPath === null) continue;
      const list = byFile.get(f.oldPath);
      if (!list) continue;
      const hunks = [...f.hunks].sort((x, y) => x.a - y.a);
      const kept: Tracked[] = [];
      for (const t of list) {
        t.change.files.delete(f.oldPath);
        const { ranges, removed } = f.newPath === null ? { ranges: [], removed: countLines(t.ranges) } : carryRanges(t.ranges, hunks);
        if (removed > 0) modifiedBy.set(t.change, (modifiedBy.get(t.change) ?? 0) + removed);
        if (ranges.length > 0) kept.push({ change: t.change, ranges });
      }
      moves.push({ from: f.oldPath, to: f.newPath, list: kept });
    }
    // Apply renames and deletions after every file was carried (a rename chain a→b, b→c).
    for (const m of moves) byFile.delete(m.from);
    for (const m of moves) {
      for (const t of m.list) {
        if (m.to === null) continue;
        const list = byFile.get(m.to) ?? [];
        list.push(t);
        byFile.set(m.to, list);
        t.change.files.add(m.to);
      }
    }
    for (const [change, lines] of modifiedBy) {
      stats.modified++;
      yield {
        id: `git:${change.id}:modified:${commit.sha}`,
        type: 'change.modified',
        ts: new Date(commit.ts).toISOString(),
        change: change.id,
        repo,
        lines,
        attrs: { by: commit.sha },
      };
    }
    // Is this commit itself a merged change? Track the lines it introduces.
    const made = changeOfCommit(commit, repo);
    const reverted = revertedBy(commit, made, repo, known);
    if (reverted && reverted !== made?.id) {
      stats.reverted++;
      yield {
        id: `git:${reverted}:reverted:${commit.sha}`,
        type: 'change.reverted',
        ts: new Date(commit.ts).toISOString(),
        change: reverted,
        by: made?.id ?? commit.sha,
        repo,
        attrs: { commit: commit.sha },
      };
    }
    if (!made) continue;
    known.bySha.set(commit.sha, made.id);
    const title = titleOf(commit);
    if (title) known.byTitle.set(title, made.id);
    stats.changes++;
    let additions = 0;
    let deletions = 0;
    const change: Change = { id: made.id, expires: commit.ts + windowMs, files: new Set() };
    for (const f of commit.files) {
      for (const h of f.hunks) {
        additions += h.d;
        deletions += h.b;
      }
      if (f.newPath === null) continue;
      const ranges: [number, number][] = [];
      for (const h of [...f.hunks].sort((x, y) => x.c - y.c)) {
        if (h.d === 0) continue;
        const last = ranges[ranges.length - 1];
        if (last && last[1] + 1 === h.c) last[1] = h.c + h.d - 1;
        else ranges.push([h.c, h.c + h.d - 1]);
      }
      if (ranges.length === 0) continue;
      const list = byFile.get(f.newPath) ?? [];
      list.push({ change, ranges });
      byFile.set(f.newPath, list);
      change.files.add(f.newPath);
    }
    if (change.files.size > 0) active.push(change);
    const merged: Record<string, unknown> = {
      id: `git:${made.id}:merged`,
      type: 'change.merged',
      ts: new Date(commit.ts).toISOString(),
      change: made.id,
      repo,
      additions,
      deletions,
      attrs: { commit: commit.sha },
    };
    if (made.branch) merged.branch = made.branch;
    yield merged;
  }
}

function countLines(ranges: readonly [number, number][]): number {
  let n = 0;
  for (const [s, e] of ranges) n += e - s + 1;
  return n;
}

/** `owner/name` of the repository's `origin` remote, if it names one. */
export async function originRepo(repoPath: string): Promise<string | undefined> {
  const url = await new Promise<string>((resolve) => {
    const child = spawn('git', ['-C', repoPath, 'remote', 'get-url', 'origin'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', () => resolve(''));
    child.on('close', () => resolve(out.trim()));
  });
  const m = /^(?:[a-z+]+:\/\/(?:[^@/]+@)?[^/]+\/|[^@\s]+@[^:\s]+:)([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : undefined;
}
