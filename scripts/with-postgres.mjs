#!/usr/bin/env node
/**
 * Runs a command against a throwaway PostgreSQL server: `node scripts/with-postgres.mjs <command…>`.
 *
 * Makes a cluster in a temporary folder (initdb), starts it on a free loopback port (pg_ctl), runs
 * the command with LOOPSCOPE_TEST_DATABASE_URL naming its `postgres` database, then stops the
 * server and deletes the folder, whatever the command did; exits with the command's status.
 *
 * The server binaries: PG_BIN, else the newest /usr/lib/postgresql/<n>/bin (Debian's packages),
 * else initdb and pg_ctl on the PATH. PostgreSQL refuses to run as root: as root the cluster is
 * made and run as the `postgres` user. It is tuned for tests (no fsync): a crash of PostgreSQL
 * itself is not what these tests are about.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function binDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(base, versions[0], 'bin') : '';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;
/** Runs a server binary, as `postgres` when we are root. */
function pg(bin, args) {
  const exe = path.join(binDir(), bin);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

export async function startPostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-pg-'));
  if (asRoot) execFileSync('chown', ['postgres:', dir]);
  const data = path.join(dir, 'data');
  pg('initdb', ['-D', data, '-U', 'loopscope', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = [
    `-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`,
    '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=300',
  ].join(' ');
  pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', 'start']);
  const url = `postgres://loopscope@127.0.0.1:${port}/postgres`;
  const stop = () => {
    try {
      pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch (err) {
      console.error(`with-postgres: stopping the server failed: ${err.message}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop, log: path.join(dir, 'server.log') };
}

async function main() {
  const command = process.argv.slice(2);
  if (command.length === 0) {
    console.error('usage: node scripts/with-postgres.mjs <command…>');
    process.exit(2);
  }
  if (!binDir()) {
    console.error('with-postgres: no PostgreSQL server binaries (set PG_BIN, or install the postgresql package)');
    process.exit(2);
  }
  const server = await startPostgres();
  console.log(`with-postgres: PostgreSQL at ${server.url}`);
  let stopped = false;
  const stop = () => {
    if (!stopped) server.stop();
    stopped = true;
  };
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, LOOPSCOPE_TEST_DATABASE_URL: server.url },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) main().catch((err) => {
  console.error(`with-postgres: ${err.message}`);
  process.exit(1);
});
