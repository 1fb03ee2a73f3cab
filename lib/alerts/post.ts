/**
 * One delivery attempt: POST the alert's body to its destination and say what came of it.
 *
 * node:http(s) rather than fetch: Next.js patches the server's global fetch (caching, request
 * deduplication), and this needs none of that, only exact control of what is sent and read:
 * - redirects are never followed (a 3xx is a failed attempt, shown with its Location), so an
 *   allowed URL cannot bounce the request elsewhere;
 * - the whole exchange has one deadline (10 s by default), connection and answer included;
 * - at most MAX_ANSWER_BYTES of the answer are read, then the connection is dropped.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { checkDestinationUrl } from './destination-url';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is read (and kept, for the settings page). */
export const MAX_ANSWER_BYTES = 4096;
/** How much of it is stored as the delivery's last answer. */
const STORED_ANSWER_CHARS = 500;

export interface AttemptOutcome {
  /** A 2xx answer. */
  accepted: boolean;
  httpStatus: number | null;
  /** What the receiver answered, or why there was no answer, in words. */
  answer: string;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as GitHub signs its webhooks. */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface PostOptions {
  timeoutMs?: number;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
}

export async function postAlert(
  destination: { url: string; secret: string | null },
  delivery: { id: string; body: string },
  options: PostOptions = {},
): Promise<AttemptOutcome> {
  const checked = checkDestinationUrl(destination.url);
  if (!checked.ok) return { accepted: false, httpStatus: null, answer: `not sent: ${checked.problem}` };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = new URL(checked.url);
  const body = Buffer.from(delivery.body, 'utf8');
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    'User-Agent': 'Loopscope-Alerts/1',
    'X-Loopscope-Delivery': delivery.id,
  };
  if (destination.secret) headers['X-Loopscope-Signature-256'] = signatureOf(delivery.body, destination.secret);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(outcome);
    };
    const fail = (answer: string) => finish({ accepted: false, httpStatus: null, answer });
    // agent: false: one connection per attempt, closed after it (alerts are rare; nothing to reuse).
    const req = transport.request(url, { method: 'POST', headers, agent: false });
    const timer = setTimeout(() => fail(`no answer within ${formatSeconds(timeoutMs)}`), timeoutMs);
    const onAbort = () => fail('interrupted: the server is stopping (it will be sent again)');
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Node's message names the code already ("connect ECONNREFUSED 127.0.0.1:9"); only one without it gets the code added.
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(excerpt(`could not deliver: ${err.code && !err.message.includes(err.code) ? `${err.code} ` : ''}${err.message}`)),
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const text = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
        finish({ accepted: status >= 200 && status < 300, httpStatus: status, answer: excerpt(describeAnswer(status, res.headers.location, text)) });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_ANSWER_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(body);
  });
}

function describeAnswer(status: number, location: string | undefined, text: string): string {
  const head = `HTTP ${status}`;
  if (status >= 300 && status < 400) {
    return `${head}: a redirect${location ? ` to ${location}` : ''}, not followed (give the final URL)`;
  }
  return text.trim() ? `${head}: ${text}` : head;
}

/** One line of printable text, at most STORED_ANSWER_CHARS. */
function excerpt(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > STORED_ANSWER_CHARS ? `${line.slice(0, STORED_ANSWER_CHARS - 1)}…` : line;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
