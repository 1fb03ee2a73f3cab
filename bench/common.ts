/**
 * Helpers shared by the benchmark's steps and child processes (bench/import-child.ts, bench/limit-child.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import { openDatabase } from '@/db/client';
import type { SqliteSql } from '@/db/sql';
import { ensureTeams } from '@/lib/data/teams';

/** Removes a SQLite database file with its WAL, shared-memory and journal files. */
export function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

/** A fresh, migrated database file (any previous one and its WAL/SHM removed) with one team. */
export async function freshDatabase(file: string, teamSlug: string): Promise<{ db: SqliteSql; team: { id: number; slug: string } }> {
  removeDatabase(file);
  const db = openDatabase(file);
  await ensureTeams([{ slug: teamSlug, name: teamSlug }], db);
  const row = db.client.prepare('SELECT id FROM teams WHERE slug = ?').get(teamSlug) as { id: number };
  return { db, team: { id: row.id, slug: teamSlug } };
}

/** Peak resident set size of this process so far, in MB (VmHWM when readable, else maxRSS). */
export function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

export function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

/** The child's answer to the parent: one JSON line, last on stdout. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** POSTs an NDJSON file to the events API with an ingest token; `onSent` once the body is all sent. */
export function postFile(url: string, file: string, token: string, onSent: () => void = () => {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-ndjson',
        'content-length': fs.statSync(file).size,
      },
    });
    req.on('error', reject);
    req.on('finish', onSent);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    fs.createReadStream(file, { highWaterMark: 1 << 20 }).on('error', reject).pipe(req);
  });
}

/** The item whose `key` is the median of the items' (the upper of the two middle ones for an even count). */
export function middle<T>(items: readonly T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)];
}

/** Nearest-rank percentile `p` (0–100) of ascending `sorted`; NaN when it is empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
