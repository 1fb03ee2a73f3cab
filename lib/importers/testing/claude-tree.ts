/**
 * A generated `~/.claude/projects` tree with the shapes real transcripts have, for the import
 * benchmark against ccusage (bench/claude-code.ts) and the generated-tree tests (resume.test.ts):
 *
 * - one file per session (`<project>/<session>.jsonl`), some with sub-agents
 *   (`<project>/<session>/subagents/agent-<id>.jsonl`, `isSidechain: true`, the parent's session);
 * - responses written as several rows (thinking, text, tool uses) that repeat the message id,
 *   request id and usage, the last row's output count the largest;
 * - tool results carrying file contents twice (the block and `toolUseResult`): most of the bytes;
 * - progress and file-history-snapshot lines, which carry no usage;
 * - forks: a session that starts with a copy of another's first turns (same message and request
 *   ids, its own session id), counted once by de-duplication.
 *
 * Deterministic for a seed. `growClaudeTree` appends turns to a few sessions, as sessions that
 * go on do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mixSeed, Rng } from '@/lib/demo/random';

const MODELS = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
const TOOLS = ['Bash', 'Read', 'Edit', 'Grep', 'Glob', 'Write'];
const START = Date.UTC(2026, 9, 1);

/** Text with what real content has to escape: newlines, quotes, backslashes, tabs, non-ASCII. */
const CORPUS = (() => {
  const words = ['const', 'return', 'function', 'value', '"quoted"', 'path\\to', 'naïve', 'ok', '=>', '{', '}', 'tab\there', 'x'];
  const r = new Rng(7);
  let s = '';
  while (s.length < 1 << 20) s += r.pick(words) + (r.chance(0.1) ? '\n' : ' ');
  return s;
})();

function text(r: Rng, len: number): string {
  const at = r.int(0, CORPUS.length - len - 1);
  return CORPUS.slice(at, at + len);
}

function hex(r: Rng, n: number): string {
  let s = '';
  while (s.length < n) s += r.int(0, 0xfffffff).toString(16).padStart(7, '0');
  return s.slice(0, n);
}

function uuid(r: Rng): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

interface Ctx {
  r: Rng;
  session: string;
  cwd: string;
  branch: string;
  sidechain: boolean;
  agentId?: string;
  t: number;
  parent: string | null;
  model: string;
}

function base(c: Ctx, type: string): Record<string, unknown> {
  const uid = uuid(c.r);
  const o: Record<string, unknown> = {
    parentUuid: c.parent,
    isSidechain: c.sidechain,
    userType: 'external',
    cwd: c.cwd,
    sessionId: c.session,
    version: '2.1.38',
    gitBranch: c.branch,
  };
  if (c.agentId) o.agentId = c.agentId;
  o.type = type;
  c.parent = uid;
  o.uuid = uid;
  return o;
}

/** One turn: a prompt or tool result, then a response of 1–4 rows; returns the lines. */
function turn(c: Ctx, pendingTool: string | null): { lines: string[]; tool: string | null } {
  const { r } = c;
  const lines: string[] = [];
  c.t += r.int(2_000, 60_000);
  if (pendingTool) {
    const content = text(r, Math.round(r.logNormal(3_000, 1.2)) % 60_000 + 40);
    const u = base(c, 'user');
    u.message = { role: 'user', content: [{ tool_use_id: pendingTool, type: 'tool_result', content, is_error: r.chance(0.08) }] };
    u.timestamp = new Date(c.t).toISOString();
    u.toolUseResult = { stdout: content, stderr: '', interrupted: false, isImage: false };
    lines.push(JSON.stringify(u));
  } else {
    const u = base(c, 'user');
    u.message = { role: 'user', content: text(r, r.int(20, 600)) };
    u.timestamp = new Date(c.t).toISOString();
    lines.push(JSON.stringify(u));
  }
  if (r.chance(0.3)) {
    const p = base(c, 'progress');
    p.data = { type: 'hook_progress', hookEvent: 'PostToolUse', command: 'echo ok' };
    p.timestamp = new Date(c.t + 5).toISOString();
    lines.push(JSON.stringify(p));
  }
  const msgId = `msg_${hex(r, 24)}`;
  const reqId = `req_${hex(r, 24)}`;
  const usage = {
    input_tokens: r.int(1, 40),
    cache_creation_input_tokens: r.int(0, 9_000),
    cache_read_input_tokens: r.int(5_000, 150_000),
    output_tokens: r.int(1, 30),
    service_tier: 'standard',
  };
  const blocks: Record<string, unknown>[] = [];
  if (r.chance(0.5)) blocks.push({ type: 'thinking', thinking: text(r, r.int(100, 2_000)), signature: hex(r, 400) });
  if (r.chance(0.7)) blocks.push({ type: 'text', text: text(r, r.int(20, 1_500)) });
  let tool: string | null = null;
  if (r.chance(0.75) || blocks.length === 0) {
    tool = `toolu_${hex(r, 24)}`;
    blocks.push({ type: 'tool_use', id: tool, name: r.pick(TOOLS), input: { command: text(r, r.int(10, 300)) } });
  }
  for (let i = 0; i < blocks.length; i++) {
    const last = i === blocks.length - 1;
    const a = base(c, 'assistant');
    a.message = {
      model: c.model,
      id: msgId,
      type: 'message',
      role: 'assistant',
      content: [blocks[i]],
      stop_reason: last ? (tool ? 'tool_use' : 'end_turn') : null,
      usage: { ...usage, output_tokens: last ? usage.output_tokens + r.int(50, 900) : usage.output_tokens },
    };
    a.requestId = reqId;
    a.timestamp = new Date(c.t + 1_000 + i * 300).toISOString();
    // key order as Claude Code writes it: message, requestId, type, uuid, timestamp
    const { type, uuid: u, ...rest } = a;
    lines.push(JSON.stringify({ ...rest, type, uuid: u, timestamp: a.timestamp }));
  }
  c.t += 1_000 + blocks.length * 300;
  return { lines, tool };
}

function turns(c: Ctx, n: number): string[] {
  const out: string[] = [];
  let tool: string | null = null;
  for (let i = 0; i < n; i++) {
    const t = turn(c, tool);
    out.push(...t.lines);
    tool = t.tool;
  }
  return out;
}

export interface TreeStats {
  files: number;
  bytes: number;
  sessions: number;
}

function writeLines(file: string, lines: string[], append = false): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = lines.join('\n') + '\n';
  if (append) fs.appendFileSync(file, body);
  else fs.writeFileSync(file, body);
  return Buffer.byteLength(body);
}

/** Writes a tree of about `bytes` under `dir` (emptied first). */
export function writeClaudeTree(dir: string, bytes: number, seed = 1): TreeStats {
  fs.rmSync(dir, { recursive: true, force: true });
  const r = new Rng(mixSeed('claude-tree', seed));
  const stats: TreeStats = { files: 0, bytes: 0, sessions: 0 };
  const written: { session: string; project: string; head: string[] }[] = [];
  while (stats.bytes < bytes) {
    const p = r.int(0, 11);
    const project = `-home-dev-work-proj${p}`;
    const session = uuid(r);
    const c: Ctx = {
      r,
      session,
      cwd: `/home/dev/work/proj${p}`,
      branch: r.chance(0.5) ? 'main' : `feature-${hex(r, 6)}`,
      sidechain: false,
      t: START + r.int(0, 60 * 86_400_000),
      parent: null,
      model: r.pick(MODELS),
    };
    const lines: string[] = [JSON.stringify({ type: 'file-history-snapshot', messageId: uuid(r), snapshot: { trackedFileBackups: {}, timestamp: new Date(c.t).toISOString() } })];
    const fork = written.length > 0 && r.chance(0.08) ? r.pick(written) : null;
    if (fork) lines.push(...fork.head.map((l) => l.replaceAll(fork.session, session)));
    lines.push(...turns(c, Math.round(r.logNormal(40, 0.8)) + 1));
    stats.bytes += writeLines(path.join(dir, project, `${session}.jsonl`), lines);
    stats.files++;
    stats.sessions++;
    written.push({ session, project, head: lines.slice(1, 12) });
    for (let a = r.chance(0.3) ? r.int(1, 3) : 0; a > 0; a--) {
      const agentId = hex(r, 7);
      const sub: Ctx = { ...c, sidechain: true, agentId, parent: null, t: c.t - r.int(60_000, 600_000) };
      stats.bytes += writeLines(path.join(dir, project, session, 'subagents', `agent-${agentId}.jsonl`), turns(sub, r.int(3, 30)));
      stats.files++;
    }
  }
  return stats;
}

/** Appends a few turns to `sessions` of the tree's main session files (those sessions go on). */
export function growClaudeTree(dir: string, sessions: number, seed = 2): number {
  const r = new Rng(mixSeed('claude-grow', seed));
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl') && !f.includes('subagents'))
    .sort();
  let bytes = 0;
  for (let i = 0; i < sessions && files.length > 0; i++) {
    const f = files.splice(r.int(0, files.length - 1), 1)[0];
    const parts = f.split('/');
    const session = parts[parts.length - 1].slice(0, -'.jsonl'.length);
    const c: Ctx = { r, session, cwd: '/home/dev/work/grown', branch: 'main', sidechain: false, t: START + 70 * 86_400_000, parent: null, model: MODELS[0] };
    bytes += writeLines(path.join(dir, f), turns(c, r.int(3, 10)), true);
  }
  return bytes;
}
