import { publicUrl } from '@/lib/config';

const HOST_RE = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * This server's address as agents and GitHub should use it: `LOOPSCOPE_PUBLIC_URL` when set,
 * else the request's own origin (behind a proxy: `X-Forwarded-Host` and `X-Forwarded-Proto`).
 */
export function serverBaseUrl(h: Pick<Headers, 'get'>, env: NodeJS.ProcessEnv = process.env): string {
  const configured = publicUrl(env);
  if (configured) return configured;
  const host = h.get('x-forwarded-host')?.split(',')[0]?.trim() || h.get('host')?.trim() || '';
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https' ? 'https' : 'http';
  return `${proto}://${HOST_RE.test(host) ? host : 'localhost:3000'}`;
}
