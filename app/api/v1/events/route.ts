import { authenticateToken } from '@/lib/auth/request';
import { detectFormat } from '@/lib/events/detect';
import { parsePartialParam } from '@/lib/http/partial-param';
import { json, jsonError, otherMethods } from '@/lib/http/responses';
import { receiveUpload } from '@/lib/ingest/receive';
import { plural } from '@/lib/flags/describe';

/** POST /api/v1/events (api-v1.md): NDJSON, JSON array or CSV into the token's team. */
export async function POST(request: Request): Promise<Response> {
  const auth = await authenticateToken(request, 'ingest');
  if (!auth.ok) return auth.response;
  const format = detectFormat({ contentType: request.headers.get('content-type') });
  if (!format) {
    return jsonError(415, 'Content-Type must be application/x-ndjson, application/json or text/csv');
  }
  const partial = parsePartialParam(new URL(request.url).searchParams);
  if (!partial.ok) return jsonError(400, partial.error, { field: 'partial' });
  const outcome = await receiveUpload(request, {
    team: { id: auth.viewer.teamId, slug: auth.viewer.teamSlug },
    format,
    partial: partial.partial,
    source: 'api',
  });
  if (!outcome.ok) {
    return json({ error: outcome.message }, outcome.status, outcome.retryAfter ? { 'retry-after': String(outcome.retryAfter) } : {});
  }
  const { result } = outcome;
  if (!result.ok) {
    const why = result.unreadable ? `the body cannot be read: ${result.unreadable}` : plural(result.rejectedCount, 'invalid event', 'invalid events');
    return jsonError(400, `${why}; nothing was stored`, { problems: result.problems });
  }
  return json({ accepted: result.accepted, duplicates: result.duplicates, rejected: result.problems, rejectedCount: result.rejectedCount });
}

export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
