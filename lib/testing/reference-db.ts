/**
 * Loads a reference dataset (lib/testing/reference/datasets.ts) into a fresh real database the
 * way a user would: the teams, their flag thresholds through the data layer, then each upload as
 * NDJSON through the real ingestion path.
 */
import fs from 'node:fs';
import os from 'node:os';
import { ingest } from '@/lib/ingest/ingest';
import { saveFlagThresholds } from '@/lib/data/team-settings';
import { ensureTeams } from '@/lib/data/teams';
import { OPERATOR } from '@/lib/data/viewer';
import { chunksOf, ndjson, tempDatabase, testPostgresUrl } from './db';
import type { TeamSpec } from './reference/types';
import type { GeneratedDataset } from './reference/datasets';

/** Memory-backed when the machine has /dev/shm: hundreds of small files, each fsync'd at every commit. */
const BASE = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/**
 * How long a comparison over random datasets may take before it counts as failed: longer on
 * PostgreSQL, whose every query is a round trip to the server, for the same number of datasets.
 */
export const COMPARISON_TIME_LIMIT_MS = testPostgresUrl() ? 180_000 : 60_000;

export async function loadDataset(d: GeneratedDataset) {
  const t = await tempDatabase(BASE);
  try {
    const teams: TeamSpec[] = d.allTeams;
    await ensureTeams(teams.map((x) => ({ slug: x.slug, name: x.slug })), t.db);
    const ids = new Map((await t.db.all<{ id: number; slug: string }>('SELECT id, slug FROM teams')).map((r) => [r.slug, r.id]));
    for (const team of teams) {
      if (Object.keys(team.thresholds).length > 0) await saveFlagThresholds(OPERATOR, ids.get(team.slug)!, team.thresholds, t.db);
    }
    for (const upload of d.uploads) {
      const result = await ingest(t.db, chunksOf(ndjson(upload), 4096), { format: 'ndjson', partial: false, source: 'cli' });
      if (!result.ok) throw new Error(`upload refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
    }
    return t;
  } catch (err) {
    await t.cleanup();
    throw err;
  }
}
