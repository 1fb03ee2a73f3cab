/**
 * Benchmark child: `cli import <dir> --team <slug>` of a Claude Code projects tree, in process
 * (lib/cli/importers.ts `runImport`, on the database at DATABASE_PATH), so that the time is the
 * import's own and not Node's start. Reports the seconds, the peak RSS, what was read and the
 * team's token totals.
 *
 *   DATABASE_PATH=<db> node --conditions=react-server --import tsx bench/claude-code-child.ts <dir> <team>
 */
import { performance } from 'node:perf_hooks';
import { runImport } from '@/lib/cli/importers';
import { getDb } from '@/lib/data/connection';
import { createTeam, findTeam } from '@/lib/data/teams';
import { OPERATOR } from '@/lib/data/viewer';
import { peakRssMb, report } from './common';

async function main(): Promise<void> {
  const [dir, slug] = process.argv.slice(2);
  if (!dir || !slug) throw new Error('usage: claude-code-child.ts <dir> <team>');
  const team = (await findTeam(OPERATOR, slug)) ?? (await createTeam(OPERATOR, { slug, name: slug }));
  const t0 = performance.now();
  const r = await runImport(dir, team, { format: 'claude-code' });
  const seconds = (performance.now() - t0) / 1000;
  const totals = await (await getDb()).get<Record<string, number>>(
    `SELECT sum(input_tokens) AS "inputTokens", sum(output_tokens) AS "outputTokens", sum(cache_write_tokens) AS "cacheCreationTokens",
       sum(cache_read_tokens) AS "cacheReadTokens" FROM runs WHERE team_id = @team`,
    { team: team.id },
  );
  report({ ok: r.ok, accepted: r.accepted, duplicates: r.duplicates, files: r.files ?? 0, seconds, peakRssMb: peakRssMb(), totals });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
