/** Real SQLite files for tests: each test gets its own migrated database in a temp folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '@/db/client';

export function tempDatabase(): { db: Db; file: string; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-test-'));
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

export async function* chunksOf(text: string, size = 4096): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

export const ndjson = (events: object[]) => events.map((e) => JSON.stringify(e) + '\n').join('');
