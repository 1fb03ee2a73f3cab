/**
 * Receiving an agent's hook request (`POST /api/v1/hooks/<agent>`, lib/importers/hook.ts): the
 * body is spooled like any upload (gzip allowed, never held whole in memory) and ingested in
 * the worker as one upload with source `hook` and the agent, in partial mode: a transcript read
 * while the agent writes it may end in half a line, and that must not cost the rest. A hook
 * input that cannot be read answers 400; storage trouble 503.
 */
import 'server-only';
import { HOOK_LINE_FILE } from '@/lib/importers/hook';
import type { HookAgent } from '@/lib/importers/types';
import { receiveUpload } from './receive';

export interface HookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export async function receiveHook(request: Request, agent: HookAgent, team: { id: number; slug: string }, now: number = Date.now()): Promise<HookAnswer> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    return { status: 415, body: { error: 'send the hook input as the first line and the transcript after it (Content-Type: application/x-ndjson), not a form: see the team\'s Connect agents page' } };
  }
  const outcome = await receiveUpload(request, {
    team,
    format: `${agent}-hook`,
    partial: true,
    source: 'hook',
    agent,
    filename: `${agent} hook`,
    options: { receivedAt: now },
  });
  if (!outcome.ok) {
    return { status: outcome.status, body: { error: outcome.message }, ...(outcome.retryAfter && { headers: { 'retry-after': String(outcome.retryAfter) } }) };
  }
  const { result } = outcome;
  const hookProblems = result.problems.filter((p) => p.file === HOOK_LINE_FILE);
  if (hookProblems.length > 0) {
    return { status: 400, body: { error: `the hook input cannot be read: ${hookProblems[0].field ? `${hookProblems[0].field}: ` : ''}${hookProblems[0].message}`, problems: result.problems } };
  }
  return { status: 200, body: { accepted: result.accepted, duplicates: result.duplicates, rejected: result.problems, rejectedCount: result.rejectedCount } };
}
