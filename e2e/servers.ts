import path from 'node:path';

/** The servers the e2e config starts (playwright.config.ts) and the specs talk to. */
export interface E2EServer {
  port: number;
  baseURL: string;
  /** Folder of the server's database; deleted before the server starts. */
  dbDir: string;
  /** DATABASE_PATH of the server (and of CLI calls made against it). */
  dbPath: string;
  env: Record<string, string>;
}

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Upload limit of the demo server, so a 413 needs only a 2 MB body. */
export const DEMO_MAX_UPLOAD_BYTES = 1024 * 1024;

function server(name: string, port: number, env: Record<string, string>): E2EServer {
  const dbDir = path.join(REPO_ROOT, 'test-results', 'e2e-db', name);
  return { port, baseURL: `http://127.0.0.1:${port}`, dbDir, dbPath: path.join(dbDir, 'loopscope.db'), env };
}

export const E2E_SERVERS = {
  demo: server('demo', 3210, { LOOPSCOPE_MAX_UPLOAD_BYTES: String(DEMO_MAX_UPLOAD_BYTES) }),
  empty: server('empty', 3211, { LOOPSCOPE_DEMO: 'off' }),
};
