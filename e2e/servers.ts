import path from 'node:path';

/** The servers the e2e config starts (playwright.config.ts) and the specs talk to. */
export interface E2EServer {
  port: number;
  baseURL: string;
  /** Folder of the server's database; deleted before the server starts. */
  dbDir: string;
  /** DATABASE_PATH of the server (and of CLI calls made against it): its SQLite file, or where its uploads are spooled. */
  dbPath: string;
  /** Its PostgreSQL database, when the suite runs on PostgreSQL (LOOPSCOPE_TEST_DATABASE_URL). */
  dbUrl: string | null;
  /** What points the server, and the CLI, at its database. */
  dbEnv: { DATABASE_PATH: string; DATABASE_URL?: string };
  env: Record<string, string>;
}

export const REPO_ROOT = path.resolve(__dirname, '..');

/** The admin both servers make at start (LOOPSCOPE_ADMIN_EMAIL / LOOPSCOPE_ADMIN_PASSWORD). */
export const E2E_ADMIN = { email: 'admin@e2e.loopscope.test', password: 'e2e-admin-tangerine-42' };
const ADMIN_ENV = { LOOPSCOPE_ADMIN_EMAIL: E2E_ADMIN.email, LOOPSCOPE_ADMIN_PASSWORD: E2E_ADMIN.password };

/** Where the signed-in admin's cookies are kept for the specs (e2e/auth.setup.ts). */
export function storageStatePath(name: string): string {
  return path.join(REPO_ROOT, 'test-results', '.auth', `${name}.json`);
}

/** Upload limit of the demo server, so a 413 needs only a 2 MB body. */
export const DEMO_MAX_UPLOAD_BYTES = 1024 * 1024;

/** The PostgreSQL server the suite runs on (`npm run test:e2e:postgres`), or null for SQLite files. */
const PG_SERVER = process.env.LOOPSCOPE_TEST_DATABASE_URL?.trim() || null;

function server(name: string, port: number, env: Record<string, string>): E2EServer {
  const dbDir = path.join(REPO_ROOT, 'test-results', 'e2e-db', name);
  const dbPath = path.join(dbDir, 'loopscope.db');
  let dbUrl: string | null = null;
  if (PG_SERVER) {
    const u = new URL(PG_SERVER);
    u.pathname = `/loopscope_e2e_${name}_${PORT_BASE}`;
    dbUrl = u.toString();
  }
  const dbEnv = dbUrl ? { DATABASE_PATH: dbPath, DATABASE_URL: dbUrl } : { DATABASE_PATH: dbPath };
  return { port, baseURL: `http://127.0.0.1:${port}`, dbDir, dbPath, dbUrl, dbEnv, env };
}

/** Ports of the two servers: 3210 and 3211 (and 3212 for OTLP/gRPC) unless LOOPSCOPE_E2E_PORT_BASE moves them (two checkouts testing at once). */
const PORT_BASE = Number(process.env.LOOPSCOPE_E2E_PORT_BASE || 3210);

/**
 * The demo server trusts no proxy (the default); the empty one trusts 127.0.0.1, as an
 * installation behind a reverse proxy on the same machine does, so the specs can show both
 * ways the client address is found (lib/http/client-address.ts).
 */
export const TRUSTED_PROXY = '127.0.0.1';

/** The demo server's OTLP/gRPC receiver (the empty one has none: two servers cannot share a port). */
export const E2E_OTLP_GRPC_PORT = PORT_BASE + 2;

export const E2E_SERVERS = {
  // A 2-second alert interval: e2e/alerts.spec.ts sees the sender's rounds without waiting a minute.
  demo: server('demo', PORT_BASE, {
    LOOPSCOPE_MAX_UPLOAD_BYTES: String(DEMO_MAX_UPLOAD_BYTES),
    LOOPSCOPE_ALERT_INTERVAL_S: '2',
    LOOPSCOPE_OTLP_GRPC_PORT: String(E2E_OTLP_GRPC_PORT),
    ...ADMIN_ENV,
  }),
  empty: server('empty', PORT_BASE + 1, { LOOPSCOPE_DEMO: 'off', LOOPSCOPE_TRUSTED_PROXIES: TRUSTED_PROXY, LOOPSCOPE_OTLP_GRPC_PORT: '0', ...ADMIN_ENV }),
};
