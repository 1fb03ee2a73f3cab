import { authenticateToken } from '@/lib/auth/request';
import { json, jsonError, otherMethods } from '@/lib/http/responses';
import { receiveHook } from '@/lib/ingest/hooks';
import { HOOK_AGENTS, isHookAgent } from '@/lib/importers/types';

/**
 * POST /api/v1/hooks/claude-code, /api/v1/hooks/codex: an agent's hook (session start, turn
 * end, session end) with the session's transcript, into the ingest token's team
 * (lib/ingest/hooks.ts, docs/hooks.md).
 */
export async function POST(request: Request, { params }: { params: Promise<{ agent: string }> }): Promise<Response> {
  const { agent } = await params;
  if (!isHookAgent(agent)) return jsonError(404, `no hooks endpoint for '${agent.slice(0, 40)}' (known: ${HOOK_AGENTS.join(', ')})`);
  const auth = await authenticateToken(request, 'ingest');
  if (!auth.ok) return auth.response;
  const answer = await receiveHook(request, agent, { id: auth.viewer.teamId, slug: auth.viewer.teamSlug });
  return json(answer.body, answer.status, answer.headers);
}

export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
