/**
 * A team's mapping of working directories (where an agent ran) to GitHub repositories
 * (`owner/name`), so that an agent run's `repo` equals the one its pull request reports and
 * events-v1 Linking joins them.
 *
 * Entries, most specific first:
 * - an absolute path (`/home/me/src/api=acme/api`): that directory and everything below it,
 *   the longest matching path winning;
 * - a bare folder name (`api=acme/api`): any directory of that name;
 * - `*=owner`: the owner of every other folder (`*=acme` makes `/x/web` → `acme/web`).
 * Without a match the repository is `<default owner>/<folder name>`, the default owner being
 * the `*` entry's or, failing that, the team's slug.
 */
import type { RepoMapping } from './types';

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const OWNER_RE = /^[A-Za-z0-9_.-]+$/;

/** Parses `path=owner/name` (or `*=owner`); throws naming what is wrong. */
export function parseRepoMapping(entry: string): RepoMapping {
  const eq = entry.lastIndexOf('=');
  if (eq <= 0 || eq === entry.length - 1) throw new Error(`repo mapping '${entry}' must be path=owner/name`);
  const path = normalizePath(entry.slice(0, eq).trim());
  const repo = entry.slice(eq + 1).trim();
  if (path === '*') {
    if (!OWNER_RE.test(repo)) throw new Error(`repo mapping '${entry}': '*' takes an owner, e.g. *=acme`);
  } else if (!REPO_RE.test(repo)) throw new Error(`repo mapping '${entry}': '${repo}' is not owner/name`);
  return { path, repo };
}

function normalizePath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/** The last segment of a path (`/home/me/api/` → `api`). */
export function folderName(p: string): string {
  const s = normalizePath(p);
  const slash = s.lastIndexOf('/');
  return slash >= 0 ? s.slice(slash + 1) : s;
}

/** The repository of a working directory, or undefined when none can be named. */
export function repoForPath(cwd: string, mappings: readonly RepoMapping[], team: string | undefined): string | undefined {
  const dir = normalizePath(cwd);
  let best: RepoMapping | undefined;
  for (const m of mappings) {
    if (!m.path.startsWith('/') && !/^[A-Za-z]:\//.test(m.path)) continue;
    if (dir === m.path || dir.startsWith(m.path.endsWith('/') ? m.path : m.path + '/')) {
      if (!best || m.path.length > best.path.length) best = m;
    }
  }
  if (best) return best.repo;
  const name = folderName(dir);
  if (!name) return undefined;
  const byName = mappings.find((m) => m.path === name);
  if (byName) return byName.repo;
  const owner = mappings.find((m) => m.path === '*')?.repo ?? team;
  if (!owner) return undefined;
  const repo = `${owner}/${name}`;
  return REPO_RE.test(repo) ? repo : undefined;
}
