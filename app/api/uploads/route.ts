import { currentViewer } from '@/lib/auth/viewer';
import { findTeam } from '@/lib/data/teams';
import { detectFormat } from '@/lib/events/detect';
import type { InputFormat } from '@/lib/events/types';
import { jsonError } from '@/lib/http/responses';
import { receiveUpload } from '@/lib/ingest/receive';

const FORMATS: Record<string, InputFormat> = { ndjson: 'ndjson', json: 'json', csv: 'csv' };

/**
 * POST /api/uploads?team=…&format=auto|ndjson|json|csv&partial=1&filename=… — the upload
 * page's endpoint (not part of the v1 contract). Answers a stream of NDJSON lines:
 * `{"progress": {...}}` while the worker processes the file, then `{"result": {...}}`
 * or `{"error": "..."}`.
 */
export async function POST(request: Request): Promise<Response> {
  const viewer = await currentViewer();
  const params = new URL(request.url).searchParams;
  const team = findTeam(viewer, params.get('team') ?? '');
  if (!team) return jsonError(404, `no team '${params.get('team') ?? ''}'`);
  const filename = params.get('filename');
  const chosen = params.get('format') ?? 'auto';
  const format =
    chosen === 'auto' ? detectFormat({ contentType: request.headers.get('content-type'), filename }) : FORMATS[chosen];
  if (!format) {
    return jsonError(415, `cannot tell the format of '${filename ?? 'the file'}': choose NDJSON, JSON or CSV`);
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: unknown) => controller.enqueue(encoder.encode(JSON.stringify(line) + '\n'));
      try {
        const outcome = await receiveUpload(
          request,
          { team, format, partial: ['1', 'true'].includes(params.get('partial') ?? ''), source: 'upload', filename },
          (progress) => send({ progress }),
        );
        send(outcome.ok ? { result: outcome.result } : { error: outcome.message, status: outcome.status });
      } catch (err) {
        send({ error: `upload failed: ${(err as Error).message}`, status: 500 });
      } finally {
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' } });
}
