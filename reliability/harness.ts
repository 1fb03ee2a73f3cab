/**
 * What the reliability suite's tests share: production servers on temporary databases, the
 * fixtures child, SQLite checks, HTTP helpers on 127.0.0.1 only, and each test's row of the
 * figures table (rendered into docs/reliability.md by reliability/report.ts).
 *
 * Servers run the build in LOOPSCOPE_DIST_DIR (default .next-reliability; `npm run
 * test:reliability` makes it first), each in its own process group so a test can SIGKILL or
 * SIGTERM all of it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FixtureResult, FixtureSpec } from './fixtures-child';
import { freePort } from '../lib/testing/net';

export { freePort };

export const ROOT = path.resolve(__dirname, '..');
export const DIST_DIR = process.env.LOOPSCOPE_DIST_DIR || '.next-reliability';
/** Heavier settings: more kills, bigger files, longer contention (LOOPSCOPE_SOAK=1). */
export const SOAK = process.env.LOOPSCOPE_SOAK === '1';
export const RESULTS_DIR = path.join(ROOT, 'test-results', 'reliability');
export const ROWS_DIR = path.join(RESULTS_DIR, 'rows');
export const ADMIN = { email: 'admin@reliability.loopscope.test', password: 'reliability-admin-kumquat-73' };
const TSX = ['--conditions=react-server', '--import', 'tsx'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh folder for one test's databases and logs, under test-results/reliability/. */
export function workDir(name: string): string {
  const dir = path.join(RESULTS_DIR, 'work', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}


/**
 * A test's database: a SQLite file (`dbPath`), or a PostgreSQL database (`url`; `dbPath` then
 * only places the uploads' spool folder). See reliability/backends.ts.
 */
export interface TestDb {
  dbPath: string;
  url?: string;
}

/** The environment that points a server, the CLI or the fixtures at a database. */
export function dbEnv(db: TestDb | string): Record<string, string> {
  const d = typeof db === 'string' ? { dbPath: db } : db;
  return d.url ? { DATABASE_PATH: d.dbPath, DATABASE_URL: d.url } : { DATABASE_PATH: d.dbPath };
}

export interface ServerOptions {
  dbPath: string;
  /** A PostgreSQL database instead of the SQLite file (DATABASE_URL). */
  url?: string;
  /** Where stdout and stderr go (appended). */
  logFile: string;
  env?: Record<string, string>;
  port?: number;
  /** Run as this user and group (a root test makes the server subject to file permissions). */
  uid?: number;
  gid?: number;
}

export class Server {
  readonly base: string;
  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly options: ServerOptions,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  static async start(options: ServerOptions): Promise<Server> {
    if (!fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) {
      throw new Error(`no production build in ${DIST_DIR}: run \`LOOPSCOPE_DIST_DIR=${DIST_DIR} next build\` (npm run test:reliability does)`);
    }
    const port = options.port ?? (await freePort());
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const log = fs.openSync(options.logFile, 'a');
    const proc = spawn(process.execPath, [path.join(ROOT, 'scripts', 'server.mjs'), '-p', String(port), '-H', '127.0.0.1'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        LOOPSCOPE_DIST_DIR: DIST_DIR,
        ...dbEnv(options),
        LOOPSCOPE_DEMO: 'off',
        // Several servers run at once: none takes the OTLP/gRPC port unless a test asks.
        LOOPSCOPE_OTLP_GRPC_PORT: '0',
        LOOPSCOPE_ADMIN_EMAIL: ADMIN.email,
        LOOPSCOPE_ADMIN_PASSWORD: ADMIN.password,
        ...options.env,
      },
      detached: true, // its own process group: killed whole
      stdio: ['ignore', log, log],
      ...(options.uid !== undefined && { uid: options.uid, gid: options.gid ?? options.uid }),
    });
    fs.closeSync(log);
    const server = new Server(proc, port, options);
    const t0 = Date.now();
    for (;;) {
      if (!server.running) throw new Error(`server exited at start (${proc.exitCode ?? proc.signalCode}); log:\n${server.log().slice(-3000)}`);
      try {
        const res = await fetch(`${server.base}/api/health`);
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - t0 > 120_000) {
        server.kill();
        throw new Error(`server not healthy after 120 s; log:\n${server.log().slice(-3000)}`);
      }
      await sleep(100);
    }
    return server;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  log(): string {
    try {
      return fs.readFileSync(this.options.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Sends `signal` to the server's whole process group. */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // gone already
    }
  }

  /** SIGKILL to the process group; resolves once the server process is gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    const exited = once(this.proc, 'exit');
    this.signal('SIGKILL');
    await exited;
  }

  /** Resolves with the milliseconds until exit, or null after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<number | null> {
    const t0 = Date.now();
    if (!this.running) return 0;
    const exited = once(this.proc, 'exit').then(() => Date.now() - t0);
    return Promise.race([exited, sleep(timeoutMs).then(() => null)]);
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    if ((await this.waitExit(10_000)) === null) await this.kill();
  }

  /** Resident memory of the server process, in bytes (Linux). */
  rss(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  }
}

/** Teams, tokens, accounts, sessions and share links in a database (reliability/fixtures-child.ts). */
export function makeFixtures(db: TestDb | string, spec: FixtureSpec): FixtureResult {
  const r = spawnSync(process.execPath, [...TSX, path.join(ROOT, 'reliability', 'fixtures-child.ts'), JSON.stringify(spec)], {
    cwd: ROOT,
    env: { ...process.env, ...dbEnv(db) },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('FIXTURES '));
  if (r.status !== 0 || !line) throw new Error(`fixtures failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line.slice('FIXTURES '.length));
}

/** `npm run -s cli -- ...args` on a database; the whole run's result. */
export function cli(db: TestDb | string, args: string[], timeoutMs = 120_000) {
  return spawnSync('npm', ['run', '-s', 'cli', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...dbEnv(db) },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}

/** The `cli` run, started in the background. */
export function cliAsync(db: TestDb | string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '-s', 'cli', '--', ...args], { cwd: ROOT, env: { ...process.env, ...dbEnv(db) } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return once(child, 'exit').then(([status]) => ({ status: status as number | null, stdout, stderr }));
}

/** A connection of the test's own (the server may be running: WAL lets both in). */
export function openSqlite(file: string, readonly = false): Database.Database {
  const db = new Database(file, { readonly });
  db.pragma('busy_timeout = 10000');
  return db;
}

/** `PRAGMA integrity_check` of a database file: "ok" or the problems found. */
export function integrityCheck(file: string): string {
  const db = openSqlite(file);
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request with node:http (a body that is a Buffer, a file, or a generator of chunks), so a test
 * can send chunked bodies, time its own kills and see connection errors as such.
 */
export function request(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string | number>;
    body?: Buffer | string | { file: string } | AsyncIterable<Buffer>;
    timeoutMs?: number;
    onSent?: () => void;
  } = {},
): Promise<HttpAnswer> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`tests talk to 127.0.0.1 only, not ${u.hostname}`);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false });
    req.setTimeout(init.timeoutMs ?? 120_000, () => req.destroy(new Error(`timed out after ${init.timeoutMs ?? 120_000} ms`)));
    req.on('error', reject);
    req.on('finish', () => init.onSent?.());
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    const body = init.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else if ('file' in body) fs.createReadStream(body.file, { highWaterMark: 1 << 20 }).on('error', reject).pipe(req);
    else {
      (async () => {
        for await (const chunk of body) {
          if (req.destroyed) return;
          if (!req.write(chunk)) await Promise.race([once(req, 'drain'), once(req, 'close')]);
        }
        req.end();
      })().catch((err) => req.destroy(err));
    }
  });
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** One line of the figures table (docs/reliability.md). */
export interface ResultRow {
  /** Order in the table. */
  order: number;
  test: string;
  load: string;
  faults: string;
  inputs: string;
  result: string;
  /** Events or data lost (or leaked, for the security rows): the figure, 0 when nothing. */
  lost: string;
  passed: boolean;
  /**
   * Set when the test could not run on this machine: why. The row then shows as skipped and
   * counts as neither passed nor failed (`passed` is false).
   */
  skipped?: string;
  /** Extra figures (p95s, sizes), listed under the table. */
  details?: Record<string, string | number>;
  seconds?: number;
}

export function writeRow(id: string, row: ResultRow): void {
  fs.mkdirSync(ROWS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ROWS_DIR, `${id}.json`), JSON.stringify({ ...row, settings: SOAK ? 'soak' : 'quick', at: new Date().toISOString(), cpus: os.cpus().length }, null, 2));
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const mb = (bytes: number, digits = 1) => `${fmt(bytes / 2 ** 20, digits)} MB`;
