/**
 * One OTLP export, whatever carried it (OTLP/HTTP or OTLP/gRPC): the token is checked (ingest
 * scope), the body goes through the one ingestion path (spooled, then stored by the ingest worker
 * in one transaction, as source `otlp`), and the outcome is said in OTLP's terms: the records
 * rejected (partial success), or why the export was refused, with the HTTP status whose meaning
 * OTLP/HTTP prescribes (gRPC maps it to its own codes: grpc.ts).
 */
import 'server-only';
import { checkBearerToken } from '@/lib/auth/request';
import { receiveUpload } from '@/lib/ingest/receive';
import type { ExportOutcome } from './proto';
import { SIGNAL_FIELDS, type OtlpEncoding, type OtlpSignal } from './signals';

/** Problems named in `error_message` (the rest are counted). */
const LISTED = 10;

export type OtlpReceipt =
  | { ok: true; outcome: ExportOutcome }
  | { ok: false; status: number; message: string; retryAfter?: number };

export async function receiveOtlpExport(
  request: Request,
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  authorization: string | null | undefined,
  transport: string,
): Promise<OtlpReceipt> {
  const auth = await checkBearerToken(authorization, 'ingest');
  if (!auth.ok) return { ok: false, status: auth.status, message: auth.message, ...(auth.retryAfter !== undefined && { retryAfter: auth.retryAfter }) };
  const received = await receiveUpload(request, {
    team: { id: auth.viewer.teamId, slug: auth.viewer.teamSlug },
    format: 'otlp',
    // OTLP accepts the valid records of an export and reports the rest (partial success);
    // an export that cannot be decoded is refused whole all the same.
    partial: true,
    source: 'otlp',
    filename: `${transport} ${signal} (${encoding})`,
    options: { otlp: { signal, encoding } },
  });
  if (!received.ok) return received;
  const { result } = received;
  const listed = result.problems.slice(0, LISTED).map((p) => (p.field ? `${p.field}: ${p.message}` : p.message));
  if (!result.ok) {
    return { ok: false, status: 400, message: `the ${signal} export cannot be read; nothing was stored: ${listed.join('; ')}` };
  }
  if (result.rejectedCount === 0) return { ok: true, outcome: { rejected: 0, errorMessage: '' } };
  const more = result.rejectedCount > listed.length ? ` (and ${result.rejectedCount - listed.length} more)` : '';
  const what = SIGNAL_FIELDS[signal].record;
  return {
    ok: true,
    outcome: { rejected: result.rejectedCount, errorMessage: `${result.rejectedCount} ${what}(s) rejected: ${listed.join('; ')}${more}` },
  };
}
