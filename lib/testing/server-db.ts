/**
 * The server's own database for in-process route-handler tests: DATABASE_PATH pointed at a
 * fresh folder (the real connection and ingest worker then use it) with team `acme` (id 1);
 * `close` stops the worker, closes the connection, restores DATABASE_PATH and removes the folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, getDb } from '@/lib/data/connection';
import { ensureTeams } from '@/lib/data/teams';
import { stopIngestWorker } from '@/lib/ingest/queue';

export function serverDatabase(label: string) {
  const saved = process.env.DATABASE_PATH;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `loopscope-${label}-`));
  process.env.DATABASE_PATH = path.join(dir, 'test.db');
  const db = getDb();
  ensureTeams([{ slug: 'acme', name: 'Acme' }], db);
  const close = async () => {
    await stopIngestWorker();
    closeDb();
    if (saved === undefined) delete process.env.DATABASE_PATH;
    else process.env.DATABASE_PATH = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, db, close };
}
