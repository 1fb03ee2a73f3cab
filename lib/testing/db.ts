/** Real SQLite files for tests: each test gets its own migrated database in a temp folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { ensureTeams } from '@/lib/data/teams';

/** `base`: where the temp folder goes (e.g. /dev/shm, for tests that open hundreds of databases). */
export function tempDatabase(base: string = os.tmpdir()): { db: Db; file: string; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(base, 'loopscope-test-'));
  const file = path.join(dir, 'test.db');
  const db = openDatabase(file);
  return {
    db,
    file,
    dir,
    cleanup: () => {
      try {
        db.$client.close();
      } catch {}
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Text (or bytes: protobuf bodies) in chunks of `size`, as a stream would bring them. */
export async function* chunksOf<T extends string | Buffer>(text: T, size = 4096): AsyncGenerator<T> {
  for (let i = 0; i < text.length; i += size) yield (typeof text === 'string' ? text.slice(i, i + size) : text.subarray(i, i + size)) as T;
}

export const ndjson = (events: object[]) => events.map((e) => JSON.stringify(e) + '\n').join('');

/** A copy of `items` in a seeded random order (Fisher–Yates over xorshift32): upload-order tests. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * A temp database holding team `acme` (id 1), removed when the current test finishes, with
 * `q` (rows of a query) and `payloads` (the stored events of a type, oldest first).
 */
export function acmeDatabase() {
  const t = tempDatabase();
  onTestFinished(t.cleanup);
  ensureTeams([{ slug: 'acme', name: 'Acme' }], t.db);
  const team = { id: 1, slug: 'acme' };
  const q = <T>(sql: string, ...args: unknown[]) => t.db.$client.prepare(sql).all(...args) as T[];
  const payloads = (type: string) =>
    q<{ payload: string }>('SELECT payload FROM events WHERE type = ? ORDER BY ts, id', type).map((r) => JSON.parse(r.payload));
  return { ...t, team, q, payloads };
}
