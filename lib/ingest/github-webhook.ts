/**
 * The GitHub webhook receiver behind `POST /api/v1/github/webhook?team=<slug>`:
 *
 * 1. the raw body is read once, at most MAX_WEBHOOK_BYTES (413 beyond); it is the payload's
 *    JSON (content type `application/json`) or a form whose `payload` field holds it
 *    (`application/x-www-form-urlencoded`, GitHub's other choice);
 * 2. `X-Hub-Signature-256` must be `sha256=<hex>` of the HMAC-SHA256 of that body under the
 *    team's webhook secret, compared in constant time; an unknown team, a team without a
 *    secret, a missing or SHA-1-only or wrong signature all get the same 401, nothing stored;
 * 3. `ping` answers 200; a delivery that maps to no event (another event or action) answers
 *    202 `{"ignored": true}`; a delivery id (`X-GitHub-Delivery`) the team already processed
 *    answers 200 `{"duplicate": true}`;
 * 4. the rest goes through the ingest worker like any upload (format `github`), the delivery
 *    recorded in the same transaction. GitHub gives up after 10 s, so the answer waits for the
 *    worker at most WEBHOOK_WAIT_MS: 200 with the counts when it is done by then, else 202
 *    `{"queued": true}` and the worker finishes it.
 *
 * Event ids derive from the pull request / issue and what happened to it, not from the
 * delivery, so even two copies of a delivery racing each other store its events once.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spoolDirectory } from '@/lib/config';
import { getDb, type Sql } from '@/lib/data/connection';
import { deliverySeen, getImportSettings } from '@/lib/data/import-settings';
import { findTeam } from '@/lib/data/teams';
import { OPERATOR } from '@/lib/data/viewer';
import { mapGithubEvent, verifyGithubSignature } from '@/lib/importers/github';
import type { IngestRequest, IngestResult } from './ingest';
import { errorCode, isStorageErrorCode, SHUTDOWN_CODE, storageProblem } from './storage-errors';
import { plural } from '@/lib/flags/describe';

export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
export const WEBHOOK_WAIT_MS = 8000;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface WebhookDeps {
  db?: Sql;
  /** Ingests a spooled payload (the worker queue in the server; tests run it in-process). */
  submit: (file: string, request: IngestRequest) => Promise<IngestResult>;
  waitMs?: number;
}

const UNKNOWN_TEAM_SECRET = randomBytes(32).toString('hex');

const UNAUTHORIZED: WebhookAnswer = {
  status: 401,
  body: { error: 'signature does not match (X-Hub-Signature-256 with the team\'s webhook secret)' },
};

export async function handleGithubWebhook(request: Request, deps: WebhookDeps): Promise<WebhookAnswer> {
  const db = await (deps.db ?? getDb());
  const url = new URL(request.url);
  const slug = url.searchParams.get('team');
  if (!slug) return { status: 400, body: { error: 'say which team: POST /api/v1/github/webhook?team=<slug>' } };
  const body = await readBody(request, MAX_WEBHOOK_BYTES);
  if (body === null) return { status: 413, body: { error: `payload is larger than ${MAX_WEBHOOK_BYTES} bytes` } };
  const team = await findTeam(OPERATOR, slug, db);
  const settings = team ? await getImportSettings(team.id, db) : null;
  const secret = settings?.githubWebhookSecret ?? null;
  // The HMAC is computed even without a team or secret, so the answer's timing does not tell
  // whether the team exists.
  const verified = verifyGithubSignature(secret ?? UNKNOWN_TEAM_SECRET, body, request.headers.get('x-hub-signature-256'));
  if (!team || !settings || !secret || !verified) return UNAUTHORIZED;
  const event = request.headers.get('x-github-event') ?? '';
  const delivery = request.headers.get('x-github-delivery')?.trim() || null;
  if (event === 'ping') return { status: 200, body: { ok: true, ping: true } };
  // GitHub sends either content type; the signature is over the body as sent, either way.
  const form = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
  const json = form ? new URLSearchParams(body.toString('utf8')).get('payload') : body.toString('utf8');
  if (json === null) return { status: 400, body: { error: 'an application/x-www-form-urlencoded delivery must carry the JSON in its payload field' } };
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (err) {
    return { status: 400, body: { error: `payload is not JSON: ${(err as Error).message}` } };
  }
  const mapping = mapGithubEvent(event, payload, { bugLabel: settings.bugLabel });
  if (mapping.events.length === 0) return { status: 202, body: { ignored: true, reason: mapping.ignored } };
  if (delivery && (await deliverySeen(team.id, delivery, db))) return { status: 200, body: { duplicate: true, delivery } };

  const dir = spoolDirectory();
  const file = path.join(dir, `webhook-${Date.now()}-${randomBytes(8).toString('hex')}.json`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, form ? json : body);
  } catch (err) {
    fs.rmSync(file, { force: true });
    const code = errorCode(err);
    if (isStorageErrorCode(code)) return unavailableAnswer(code, (err as Error).message);
    throw err;
  }
  const job = deps.submit(file, {
    format: 'github',
    team: { id: team.id, slug: team.slug },
    partial: false,
    source: 'webhook',
    filename: `github ${event}${delivery ? ` ${delivery}` : ''}`.slice(0, 200),
    totalBytes: body.length,
    options: { githubEvent: event },
    ...(delivery && { delivery: { id: delivery, event } }),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = await Promise.race([
    job.then((result) => ({ result }), (error: Error) => ({ error })),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), deps.waitMs ?? WEBHOOK_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (waited === null) {
    job.catch(() => {}); // it goes on in the worker; a failure is the worker's to log
    return { status: 202, body: { queued: true, delivery } };
  }
  if ('error' in waited) {
    fs.rm(file, { force: true }, () => {});
    const code = errorCode(waited.error);
    if (isStorageErrorCode(code)) return unavailableAnswer(code, waited.error.message);
    return { status: 500, body: { error: 'could not process the delivery (internal error); nothing was stored' } };
  }
  const r = waited.result;
  if (r.duplicateDelivery) return { status: 200, body: { duplicate: true, delivery } };
  if (!r.ok) return { status: 400, body: { error: `${plural(r.rejectedCount, 'invalid event', 'invalid events')}; nothing was stored`, problems: r.problems } };
  return { status: 200, body: { accepted: r.accepted, duplicates: r.duplicates, delivery } };
}

/** 503 for storage trouble (GitHub shows it in the delivery log; redeliver once fixed). */
function unavailableAnswer(code: string | null, detail: string): WebhookAnswer {
  const why = code && code !== SHUTDOWN_CODE ? ` (${code}: ${detail})` : '';
  return { status: 503, body: { error: `could not store the delivery: ${storageProblem(code)}${why}` } };
}

/** The whole body, or null when it is over `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!request.body) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(parts, size);
}
