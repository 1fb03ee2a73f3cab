import { isSameOrigin, viewerForRequest } from '@/lib/auth/viewer';
import { uploadLinks } from '@/lib/dashboard/upload-links';
import { findTeam } from '@/lib/data/teams';
import { getUploadSummary } from '@/lib/data/upload-summary';
import { hasNul, NUL_MESSAGE } from '@/lib/events/validate';
import { isImportFormat } from '@/lib/importers/types';
import { parsePartialParam } from '@/lib/http/partial-param';
import { jsonError, otherMethods } from '@/lib/http/responses';
import { receiveUpload } from '@/lib/ingest/receive';

/**
 * POST /api/uploads?team=…&format=auto|ndjson|json|csv|claude-code|codex|otlp|github&partial=1&filename=…
 * — the upload page's endpoint (not part of the v1 contract). The body is one file, or a zip
 * of several (one upload, one transaction). `auto` is resolved by the ingest worker from the
 * file's first bytes and name (lib/importers/detect.ts). Answers a stream of NDJSON lines:
 * `{"progress": {...}}` while the worker processes the file, then `{"result": {...}}` (with
 * `stored`: links to the team's dashboard over the days stored and to the runs stored)
 * or `{"error": "..."}`. Needs a session (401) and a request from our own pages (Origin: 403,
 * against cross-site posts); a team the user is not in answers 404.
 */
export async function POST(request: Request): Promise<Response> {
  const viewer = await viewerForRequest(request);
  if (!viewer) return jsonError(401, 'sign in first');
  if (!isSameOrigin(request.headers)) return jsonError(403, 'cross-site request refused');
  const params = new URL(request.url).searchParams;
  const team = await findTeam(viewer, params.get('team') ?? '');
  if (!team) return jsonError(404, `no team '${params.get('team') ?? ''}'`);
  const filename = params.get('filename');
  if (hasNul(filename)) return jsonError(400, `filename ${NUL_MESSAGE}`);
  const chosen = params.get('format') ?? 'auto';
  const format = chosen === 'auto' || chosen === 'events' ? 'auto' : isImportFormat(chosen) ? chosen : null;
  if (!format) return jsonError(415, `unknown format '${chosen}'`);
  const partial = parsePartialParam(params);
  if (!partial.ok) return jsonError(400, partial.error);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: unknown) => controller.enqueue(encoder.encode(JSON.stringify(line) + '\n'));
      try {
        const outcome = await receiveUpload(
          request,
          { team, format, partial: partial.partial, source: 'upload', filename },
          (progress) => send({ progress }),
        );
        if (!outcome.ok) {
          send({ error: outcome.message, status: outcome.status });
        } else {
          const { result } = outcome;
          const summary = result.ok && result.uploadId !== null ? await getUploadSummary(viewer, team.slug, result.uploadId, result.accepted) : null;
          send({ result: summary ? { ...result, stored: uploadLinks(team, summary) } : result });
        }
      } catch (err) {
        send({ error: `upload failed: ${(err as Error).message}`, status: 500 });
      } finally {
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' } });
}

export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
