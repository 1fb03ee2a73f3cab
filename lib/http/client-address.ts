/**
 * The address of the client behind a request, for the per-address throttles (sign-in, unknown
 * share links). A client's own headers decide nothing: the address is the TCP peer's, which the
 * Loopscope server (scripts/server.mjs) writes into PEER_ADDRESS_HEADER over whatever the client
 * sent. Only when that peer is a trusted proxy (`LOOPSCOPE_TRUSTED_PROXIES`) is X-Forwarded-For
 * read, from the right, skipping trusted proxies: the first address that is not one is the
 * client (each proxy appends the address it received from, so only entries added by trusted
 * proxies are believed), as reverse-proxy-aware servers do.
 */
import { BlockList, isIP } from 'node:net';

/** Set by scripts/server.mjs from the socket, replacing any value a client sent. */
export const PEER_ADDRESS_HEADER = 'x-loopscope-peer-address';
/** Set on globalThis by scripts/server.mjs: without it, the peer header may come from the client. */
export const SERVER_MARK = Symbol.for('loopscope.peerAddressHeader');

/** Without the Loopscope server, the peer cannot be known: every client counts as this one. */
export const UNKNOWN_ADDRESS = 'unknown';
const MAX_ADDRESS_CHARS = 64;

/** `::ffff:1.2.3.4` (how a dual-stack socket names an IPv4 peer) is 1.2.3.4. */
function normalise(address: string): string {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return (mapped ? mapped[1] : trimmed).toLowerCase();
}

export interface TrustedProxies {
  /** Whether `address` (normalised) is one of them. */
  has(address: string): boolean;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { has: () => false };

/**
 * `LOOPSCOPE_TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges, IPv4 and IPv6
 * (`10.0.0.0/8, 127.0.0.1, fd00::/8`); empty: none. A malformed entry is an error.
 */
export function parseTrustedProxies(raw: string | undefined): TrustedProxies {
  const entries = (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return NO_TRUSTED_PROXIES;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const ip = normalise(address);
    const family = isIP(ip);
    const max = family === 6 ? 128 : 32;
    const bits = prefix === undefined ? max : Number(prefix);
    if (family === 0 || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) || bits > max) {
      throw new Error(`LOOPSCOPE_TRUSTED_PROXIES: '${entry}' is not an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)`);
    }
    list.addSubnet(ip, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    has(address: string) {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * The client's address from the socket peer and the X-Forwarded-For values (all of them, in
 * order, as one comma-separated list).
 */
export function resolveClientAddress(peer: string | null, forwardedFor: string | null, trusted: TrustedProxies): string {
  if (!peer) return UNKNOWN_ADDRESS;
  let client = normalise(peer);
  const hops = (forwardedFor ?? '').split(',').map(normalise).filter(Boolean);
  while (trusted.has(client) && hops.length > 0) client = hops.pop()!;
  return client.slice(0, MAX_ADDRESS_CHARS);
}

let cached: { raw: string | undefined; proxies: TrustedProxies } | null = null;

function trustedProxies(env: Readonly<Record<string, string | undefined>>): TrustedProxies {
  const raw = env.LOOPSCOPE_TRUSTED_PROXIES;
  if (!cached || cached.raw !== raw) cached = { raw, proxies: parseTrustedProxies(raw) };
  return cached.proxies;
}

/** Whether this process serves through scripts/server.mjs (so the peer header is its own). */
export function servedByLoopscopeServer(): boolean {
  return (globalThis as Record<symbol, unknown>)[SERVER_MARK] === true;
}

/** The client address of a request's (or server action's) headers. */
export function clientAddress(h: Pick<Headers, 'get'>, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (!servedByLoopscopeServer()) return UNKNOWN_ADDRESS;
  return resolveClientAddress(h.get(PEER_ADDRESS_HEADER), h.get('x-forwarded-for'), trustedProxies(env));
}
