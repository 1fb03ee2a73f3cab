/**
 * A local webhook receiver for alert tests: a node:http server on a free port that records every
 * request (raw body included) and answers as the test says.
 */
import http from 'node:http';
import { freePort } from './net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
}

/** How to answer the n-th request (1-based): a status with an optional body and headers, or never (`hang`). */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** The JSON bodies of the requests to `path` (default: all). */
  bodies: (path?: string) => Record<string, unknown>[];
  close: () => Promise<void>;
}

export async function startReceiver(answer: (req: ReceivedRequest, n: number) => Answer = () => ({ status: 200, body: 'ok' })): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const a = answer(r, received.length);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'Content-Type': 'text/plain', ...a.headers });
      res.end(a.body ?? '');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/hooks/T123/abcdef`,
    received,
    bodies: (path) => received.filter((r) => path === undefined || r.path === path).map((r) => JSON.parse(r.body) as Record<string, unknown>),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
