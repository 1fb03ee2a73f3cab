/**
 * GitHub webhook payloads → events-v1 (the `POST /api/v1/github/webhook` receiver, and files of
 * payloads through the upload page and the CLI).
 *
 * - `pull_request` opened → `change.opened` (change `owner/name#N`, repo, head branch, title,
 *   additions, deletions); closed and merged → `change.merged`; closed unmerged →
 *   `change.closed`. A merged revert (body `Reverts owner/name#N`, branch `revert-N-…`, or title
 *   `Revert "…"` whose quoted title ends in `(#N)` or is the title of a change the team has) also
 *   gives `change.reverted` of the original, `by` the revert. A merged pull request into the
 *   default branch whose body says `Fixes #N` (close/fix/resolve and their forms) gives
 *   `defect.fixed` of `owner/name#N`, `change` the pull request.
 * - `issues` opened with the bug label, or labeled with it → `defect.opened` (at the issue's
 *   creation); a bug closed as completed → `defect.fixed`; reopened, relabelled, unlabelled or
 *   closed as not planned: see mapIssue (a reopened bug is a new defect; an unlabelled one is
 *   withdrawn).
 * - Anything else is ignored.
 *
 * Ids come from the pull request / issue and what happened to it (`gh:pr:<id>:merged`), never
 * from the delivery, so a redelivered webhook adds nothing.
 *
 * A file may hold one payload, a JSON array of them, JSON Lines of them, each bare (the event
 * is inferred from its shape), wrapped as `{"event": "...", "payload": {...}}`, or as GitHub's
 * "recent deliveries" API returns it (`{"event": "...", "request": {"payload": {...}}}`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventParser, ParsedItem } from '@/lib/events/parse';
import {
  isObject,
  problemItem,
  readJsonOrJsonLines,
  str,
  toItem,
} from './lines';
import { DEFAULT_BUG_LABEL, type DefectEpisode, type ImportOptions } from './types';

export const MAX_GITHUB_FILE_BYTES = 64 * 1024 * 1024;

/**
 * What mapping a payload may look up among the team's stored changes and defects, answered at
 * once: the parser has fetched the answers before it maps (GithubParser.prefetch).
 */
export interface GithubMapOptions {
  bugLabel?: string;
  /** The change of `repo` with this title (a `Revert "<title>"` that names no number). */
  findChangeByTitle?: (repo: string, title: string) => string | null;
  /** The latest defect of an issue (`owner/name#N`). */
  findDefect?: (issue: string) => DefectEpisode | null;
}

export interface GithubMapping {
  events: Record<string, unknown>[];
  /** Why nothing maps, when nothing does. */
  ignored: string | null;
}

const REPO = '[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+';
const CLOSING_RE = new RegExp(
  `\\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\\s*:?\\s+(?:(${REPO})#(\\d+)|#(\\d+)|https://github\\.com/(${REPO})/issues/(\\d+))`,
  'gi',
);
const REVERTS_BODY_RE = new RegExp(`\\bReverts (${REPO})#(\\d+)`);
const REVERT_BRANCH_RE = /^revert-(\d+)-/;
const REVERT_TITLE_RE = /^Revert "([\s\S]*)"\s*$/;
const TITLE_NUMBER_RE = /\(#(\d+)\)\s*$/;
const SEVERITY_RE = /^(?:severity|sev|priority)\s*[:/ -]\s*(.+)$|^(p[0-4]|sev[0-4])$/i;

/** Maps one webhook delivery (`X-GitHub-Event` and its JSON payload) to raw events-v1 objects. */
export function mapGithubEvent(event: string, payload: unknown, options: GithubMapOptions = {}): GithubMapping {
  if (!isObject(payload)) return { events: [], ignored: 'the payload is not a JSON object' };
  switch (event) {
    case 'pull_request':
      return mapPullRequest(payload, options);
    case 'issues':
      return mapIssue(payload, options);
    case 'ping':
      return { events: [], ignored: 'ping' };
    default:
      return { events: [], ignored: `event '${event}' is not imported` };
  }
}

function repoOf(payload: Record<string, unknown>): string | undefined {
  return isObject(payload.repository) ? str(payload.repository.full_name) : undefined;
}

function mapPullRequest(payload: Record<string, unknown>, options: GithubMapOptions): GithubMapping {
  const pr = payload.pull_request;
  const action = payload.action;
  if (!isObject(pr)) return { events: [], ignored: 'no pull_request in the payload' };
  const base = isObject(pr.base) ? pr.base : {};
  const repo = repoOf(payload) ?? (isObject(base.repo) ? str(base.repo.full_name) : undefined);
  const number = typeof pr.number === 'number' ? pr.number : payload.number;
  if (!repo || typeof number !== 'number') return { events: [], ignored: 'the pull request names no repository or number' };
  const change = `${repo}#${number}`;
  const key = `gh:pr:${typeof pr.id === 'number' || typeof pr.id === 'string' ? pr.id : change}`;
  const branch = isObject(pr.head) ? str(pr.head.ref) : undefined;
  const sizes: Record<string, unknown> = {};
  if (typeof pr.additions === 'number') sizes.additions = pr.additions;
  if (typeof pr.deletions === 'number') sizes.deletions = pr.deletions;
  const withBranch = (raw: Record<string, unknown>) => (branch ? { ...raw, branch } : raw);
  if (action === 'opened') {
    const raw: Record<string, unknown> = withBranch({ id: `${key}:opened`, type: 'change.opened', ts: pr.created_at, change, repo, ...sizes });
    if (typeof pr.title === 'string') raw.title = pr.title;
    return { events: [raw], ignored: null };
  }
  if (action !== 'closed') return { events: [], ignored: `pull_request action '${String(action)}' is not imported` };
  const merged = pr.merged === true || (typeof pr.merged_at === 'string' && pr.merged_at !== '');
  if (!merged) return { events: [{ id: `${key}:closed:${String(pr.closed_at)}`, type: 'change.closed', ts: pr.closed_at, change, repo }], ignored: null };
  const ts = pr.merged_at;
  const events: Record<string, unknown>[] = [withBranch({ id: `${key}:merged`, type: 'change.merged', ts, change, repo, ...sizes })];
  const reverted = revertedChange(pr, repo, branch, options);
  if (reverted && reverted !== change) {
    events.push({ id: `${key}:reverts:${reverted}`, type: 'change.reverted', ts, change: reverted, by: change, repo });
  }
  const defaultBranch = isObject(payload.repository) ? str(payload.repository.default_branch) : undefined;
  if (!defaultBranch || str(base.ref) === defaultBranch) {
    for (const defect of closingReferences(typeof pr.body === 'string' ? pr.body : '', repo)) {
      events.push({ id: `${key}:fixes:${defect}`, type: 'defect.fixed', ts, defect, change });
    }
  }
  return { events, ignored: null };
}

/** The change a pull request reverts, if it is a revert. */
function revertedChange(pr: Record<string, unknown>, repo: string, branch: string | undefined, options: GithubMapOptions): string | null {
  const body = typeof pr.body === 'string' ? pr.body : '';
  const m = REVERTS_BODY_RE.exec(body);
  if (m) return `${m[1]}#${m[2]}`;
  const b = branch ? REVERT_BRANCH_RE.exec(branch) : null;
  if (b) return `${repo}#${b[1]}`;
  const title = revertedTitle(pr);
  if (title === null) return null;
  const n = TITLE_NUMBER_RE.exec(title);
  if (n) return `${repo}#${n[1]}`;
  return options.findChangeByTitle?.(repo, title) ?? null;
}

/** The quoted title of a `Revert "<title>"` pull request; null for any other. */
function revertedTitle(pr: Record<string, unknown>): string | null {
  const t = typeof pr.title === 'string' ? REVERT_TITLE_RE.exec(pr.title) : null;
  return t ? t[1] : null;
}

/** Issues a pull request body closes (GitHub's closing keywords), as `owner/name#N`. */
export function closingReferences(body: string, repo: string): string[] {
  const found = new Set<string>();
  for (const m of body.matchAll(CLOSING_RE)) {
    if (m[1]) found.add(`${m[1]}#${m[2]}`);
    else if (m[3]) found.add(`${repo}#${m[3]}`);
    else if (m[4]) found.add(`${m[4]}#${m[5]}`);
  }
  return [...found];
}

function labelNames(issue: Record<string, unknown>): string[] {
  if (!Array.isArray(issue.labels)) return [];
  return issue.labels.map((l) => (isObject(l) ? str(l.name) : str(l))).filter((n): n is string => n !== undefined);
}

/**
 * An issue's defects. The issue (`owner/name#N`) is one; each time it becomes a defect again
 * after it stopped being one (reopened while labelled bug, or labelled bug again), that is a
 * new defect `owner/name#N@<time>` opened then, so each defect's time to fix is that of one
 * fix, and a fix that did not hold does not hide behind the first one. A close fixes the latest
 * open one; a close as not planned or duplicate, or the bug label removed, withdraws it
 * (`defect.fixed` with `withdrawn: true`: no longer a defect from then on, not fixed).
 */
function mapIssue(payload: Record<string, unknown>, options: GithubMapOptions): GithubMapping {
  const issue = payload.issue;
  const action = payload.action;
  if (!isObject(issue)) return { events: [], ignored: 'no issue in the payload' };
  const repo = repoOf(payload);
  if (!repo || typeof issue.number !== 'number') return { events: [], ignored: 'the issue names no repository or number' };
  const bugLabel = (options.bugLabel || DEFAULT_BUG_LABEL).toLowerCase();
  const labels = labelNames(issue);
  const isBug = labels.some((l) => l.toLowerCase() === bugLabel);
  const defect = `${repo}#${issue.number}`;
  const key = `gh:issue:${typeof issue.id === 'number' || typeof issue.id === 'string' ? issue.id : defect}`;
  const actionLabel = isObject(payload.label) ? str(payload.label.name)?.toLowerCase() : undefined;
  const updated = str(issue.updated_at);
  const latest = options.findDefect?.(defect) ?? null;
  /** The defect a close or a withdrawal ends: the latest one while it is open, else the issue's. */
  const current = latest && latest.fixedAt === null ? latest.defect : defect;
  const updatedMs = updated ? Date.parse(updated) : NaN;
  /** Whether the issue had stopped being a defect before this event. */
  const endedBefore = latest !== null && latest.fixedAt !== null && latest.fixedAt < updatedMs;
  const severity = labels.map((l) => SEVERITY_RE.exec(l)).find((m) => m !== null);
  const opened = (id: string, d: string, ts: unknown): GithubMapping => {
    const raw: Record<string, unknown> = { id, type: 'defect.opened', ts, defect: d, repo };
    if (severity) raw.severity = (severity[1] ?? severity[2]).trim();
    return { events: [raw], ignored: null };
  };
  const withdrawn = (ts: string): GithubMapping => ({
    events: [{ id: `${key}:withdrawn:${ts}`, type: 'defect.fixed', ts, defect: current, repo, withdrawn: true }],
    ignored: null,
  });
  if (action === 'opened' && isBug) return opened(`${key}:opened`, defect, issue.created_at);
  if (action === 'labeled' && actionLabel === bugLabel) {
    // A defect again after it stopped being one (fixed, or withdrawn): a new one from now.
    if (endedBefore && updated && issue.state !== 'closed') return opened(`${key}:relabeled:${updated}`, `${defect}@${updated}`, updated);
    return opened(`${key}:opened`, defect, issue.created_at);
  }
  if (action === 'reopened' && isBug && updated) return opened(`${key}:reopened:${updated}`, `${defect}@${updated}`, updated);
  if (action === 'closed' && isBug) {
    const at = String(issue.closed_at);
    if (issue.state_reason === 'not_planned' || issue.state_reason === 'duplicate') return withdrawn(at);
    return { events: [{ id: `${key}:closed:${at}`, type: 'defect.fixed', ts: issue.closed_at, defect: current, repo }], ignored: null };
  }
  if (action === 'unlabeled' && actionLabel === bugLabel && updated) {
    if (endedBefore) return { events: [], ignored: 'the issue is no open defect' };
    return withdrawn(updated);
  }
  return { events: [], ignored: isBug ? `issues action '${String(action)}' is not imported` : `the issue is not labelled '${bugLabel}'` };
}

/** The event of a bare payload, from its shape. */
export function inferGithubEvent(payload: unknown): string | null {
  if (!isObject(payload)) return null;
  if (isObject(payload.pull_request) && typeof payload.action === 'string') return 'pull_request';
  if (isObject(payload.issue) && typeof payload.action === 'string' && !('comment' in payload)) return 'issues';
  if (typeof payload.zen === 'string' && 'hook_id' in payload) return 'ping';
  return null;
}

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the raw body under the
 * team's secret, in constant time. Anything else (absent, SHA-1 only, malformed) fails.
 */
export function verifyGithubSignature(secret: string, body: Uint8Array, header: string | null): boolean {
  if (!secret || !header) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(m[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `sha256=<hex>` for a body (tests, and anyone sending to the receiver). */
export function signGithubBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** When a delivery happened, for putting a file's deliveries in order (0 when it cannot be told). */
function deliveryTime(payload: unknown): number {
  if (!isObject(payload)) return 0;
  const subject = isObject(payload.issue) ? payload.issue : isObject(payload.pull_request) ? payload.pull_request : null;
  if (!subject) return 0;
  const at = payload.action === 'closed' ? subject.closed_at : subject.updated_at;
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  return ms === ms ? ms : 0;
}

interface Delivery {
  event: string | null;
  payload: unknown;
  line: number;
  index: number | undefined;
}

/**
 * A file of webhook payloads (see the module comment), read whole. Its deliveries are mapped
 * in the order they happened (GitHub's deliveries API lists the newest first), and an issue's
 * defects are followed through the file on top of the team's (`findDefect`).
 */
export class GithubParser implements EventParser {
  private parts: Buffer[] = [];
  private size = 0;
  private file: string | undefined;
  /** Issues' latest defects as this upload leaves them. */
  private readonly defects = new Map<string, DefectEpisode | null>();
  /** Changes by repository and title, as the team has them (`repo\0title`). */
  private readonly titles = new Map<string, string | null>();
  private readonly mapOptions: GithubMapOptions;

  constructor(private readonly options: ImportOptions = {}) {
    this.mapOptions = {
      bugLabel: options.bugLabel,
      findDefect: (issue) => this.latestDefect(issue),
      findChangeByTitle: (repo, title) => this.titles.get(`${repo}\u0000${title}`) ?? null,
    };
  }

  async startFile(name: string): Promise<ParsedItem[]> {
    const out = await this.readDocument();
    this.file = name;
    return out;
  }

  push(chunk: Uint8Array | string): ParsedItem[] {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    this.size += buf.length;
    if (this.size <= MAX_GITHUB_FILE_BYTES) this.parts.push(buf);
    return [];
  }

  end(): Promise<ParsedItem[]> {
    return this.readDocument();
  }

  private latestDefect(issue: string): DefectEpisode | null {
    return this.defects.get(issue) ?? null;
  }

  /**
   * Looks up what mapping a delivery may ask about: the defects of the issue it is about or the
   * issues its pull request closes, and the change a title-only revert names. A file's later
   * deliveries see what its earlier ones did (track), on top of what the team had stored.
   */
  private async prefetch({ payload }: Delivery): Promise<void> {
    if (!isObject(payload)) return;
    const repo = repoOf(payload);
    if (!repo) return;
    const issues: string[] = [];
    if (isObject(payload.issue) && typeof payload.issue.number === 'number') issues.push(`${repo}#${payload.issue.number}`);
    const pr = payload.pull_request;
    if (isObject(pr)) {
      issues.push(...closingReferences(typeof pr.body === 'string' ? pr.body : '', repo));
      const title = revertedTitle(pr);
      const key = `${repo}\u0000${title}`;
      if (title !== null && !this.titles.has(key)) this.titles.set(key, (await this.options.findChangeByTitle?.(repo, title)) ?? null);
    }
    for (const issue of issues) {
      if (!this.defects.has(issue)) this.defects.set(issue, (await this.options.findDefect?.(issue)) ?? null);
    }
  }

  /** Follows what an event does to its issue's defects. */
  private track(raw: Record<string, unknown>): void {
    const defect = typeof raw.defect === 'string' ? raw.defect : null;
    if (!defect || (raw.type !== 'defect.opened' && raw.type !== 'defect.fixed')) return;
    const issue = defect.split('@')[0];
    const latest = this.latestDefect(issue);
    const ts = typeof raw.ts === 'string' ? Date.parse(raw.ts) : NaN;
    const at = ts === ts ? ts : null;
    if (raw.type === 'defect.opened') {
      if (!latest || latest.openedAt === null || !(ts < latest.openedAt)) this.defects.set(issue, { defect, openedAt: at, fixedAt: null });
    } else if (!latest) this.defects.set(issue, { defect, openedAt: null, fixedAt: at });
    else if (latest.defect === defect && (latest.fixedAt === null || (at !== null && at < latest.fixedAt))) this.defects.set(issue, { ...latest, fixedAt: at });
  }

  private async readDocument(): Promise<ParsedItem[]> {
    const out: ParsedItem[] = [];
    const file = this.file;
    const size = this.size;
    const text = Buffer.concat(this.parts).toString('utf8').replace(/^\uFEFF/, '');
    this.parts = [];
    this.size = 0;
    if (size > MAX_GITHUB_FILE_BYTES) {
      out.push(problemItem(1, '', `a file of GitHub payloads may be at most ${MAX_GITHUB_FILE_BYTES} bytes`, file));
      return out;
    }
    const deliveries: Delivery[] = [];
    readJsonOrJsonLines(
      text,
      (doc, line, whole) => {
        // A whole document may be an array of deliveries; a JSON Lines line is one delivery.
        if (whole && Array.isArray(doc)) doc.forEach((d, i) => deliveries.push(this.unwrap(d, 1, i)));
        else deliveries.push(this.unwrap(doc, line, undefined));
      },
      (line, message) => out.push(problemItem(line, '', message, file)),
    );
    const ordered = deliveries.map((d, i) => ({ d, i, at: deliveryTime(d.payload) })).sort((x, y) => x.at - y.at || x.i - y.i);
    for (const { d } of ordered) await this.prefetch(d);
    for (const { d } of ordered) this.map(d, out);
    return out;
  }

  private unwrap(doc: unknown, line: number, index: number | undefined): Delivery {
    if (isObject(doc) && typeof doc.event === 'string' && isObject(doc.request) && 'payload' in doc.request) {
      return { event: doc.event, payload: doc.request.payload, line, index };
    }
    if (isObject(doc) && typeof doc.event === 'string' && isObject(doc.payload)) return { event: doc.event, payload: doc.payload, line, index };
    return { event: this.options.githubEvent ?? inferGithubEvent(doc), payload: doc, line, index };
  }

  private map({ event, payload, line, index }: Delivery, out: ParsedItem[]): void {
    const file = this.file;
    if (event === null) {
      const item = problemItem(line, '', 'not a GitHub webhook payload (no pull_request or issue with an action)', file);
      if (index !== undefined) {
        item.index = index;
        item.problems![0].index = index;
      }
      out.push(item);
      return;
    }
    for (const raw of mapGithubEvent(event, payload, this.mapOptions).events) {
      this.track(raw);
      const item = toItem(raw, line, this.options.fixedTeam, file);
      if (index !== undefined) {
        item.index = index;
        for (const p of item.problems ?? []) p.index = index;
      }
      out.push(item);
    }
  }
}
