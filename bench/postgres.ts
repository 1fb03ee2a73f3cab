/**
 * PostgreSQL benchmark (`npm run bench`, last; alone: `npm run bench -- --only postgres`; see
 * bench/README.md), on a throwaway server (scripts/with-postgres.mjs: no fsync, as for tests —
 * the same for both sides of each comparison):
 *
 *   1. ingestion path: a child process imports the NDJSON file through `ingest()` into a fresh
 *      database (`bench_ingest`), as the CLI does with DATABASE_URL set;
 *   2. the limit: the very rows that import stored in `events` (dumped with COPY TO, untimed) are
 *      loaded by one bare `COPY events FROM STDIN` into a fresh database (`bench_limit`) with the
 *      same schema, so the same indexes: the fastest way PostgreSQL takes rows;
 *   3. the ratio (goal ≥ 0.5); steps 1 and 2 are measured three times, each pair on fresh
 *      databases, and the pair with the median ratio is the figure (see PAIRS);
 *   4. KPI read latency at N and 5 × N events (bench/kpis.ts on PostgreSQL; goal ≤ 200 ms at N).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CLI_NODE_ARGS, ROOT, runChild } from './child';
import { appendKpisResults, postgresBenchDatabase, replaceMdSection, runKpisBench, addResultsJson, type KpisBenchResult } from './kpis';
import { middle } from './common';

export const POSTGRES_TARGETS = { ratio: 0.5 } as const;
const OUT = path.join(ROOT, 'bench', 'out', 'postgres');

const log = (s = '') => console.log(s);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmt1 = (n: number) => n.toFixed(1);

interface IngestPair {
  import: { accepted: number; stored: number; seconds: number; eventsPerSecond: number; peakRssMb: number };
  limit: { rows: number; seconds: number; eventsPerSecond: number; dumpSeconds: number };
  ratio: number;
}

/** The pair whose ratio is the median of PAIRS, and every pair. */
export interface PostgresIngestResult extends IngestPair {
  date: string;
  events: number;
  pairs: IngestPair[];
}

/**
 * Ingest-then-COPY pairs measured: on this shared 2-core machine one COPY of the same rows took
 * anywhere from 10 to 20 s within a run, so a single pair says more about the moment than about
 * the path; the median of three does not hang on one slow moment.
 */
const PAIRS = 3;

/** One ingest of the file into a fresh database, then one COPY of the very rows it stored into another. */
async function ingestPair(serverUrl: string, options: PostgresBenchOptions, n: number): Promise<IngestPair> {
  const source = await postgresBenchDatabase(serverUrl, 'bench_ingest');
  const limit = await postgresBenchDatabase(serverUrl, 'bench_limit');
  try {
    log(`\n  a${n}. Ingestion path: ingest() of ${path.relative(ROOT, options.file)} (child process)`);
    const imp = (await runChild('postgres.ts', ['ingest', options.file, source.url, options.team], CLI_NODE_ARGS)) as IngestPair['import'];
    log(`    ${fmtInt(imp.accepted)} accepted in ${fmt1(imp.seconds)} s → ${fmtInt(imp.eventsPerSecond)} events/s; peak RSS ${fmt1(imp.peakRssMb)} MB`);
    log(`  b${n}. The limit: the same rows by one COPY FROM STDIN into the same, indexed, table (child process)`);
    const lim = (await runChild('postgres.ts', ['copy', source.url, limit.url, path.join(OUT, 'events.copy')])) as IngestPair['limit'];
    log(`    ${fmtInt(lim.rows)} rows in ${fmt1(lim.seconds)} s → ${fmtInt(lim.eventsPerSecond)} events/s (dump ${fmt1(lim.dumpSeconds)} s, untimed)`);
    if (lim.rows !== imp.stored) throw new Error(`the limit loaded ${lim.rows} rows, the import stored ${imp.stored}`);
    return { import: imp, limit: lim, ratio: imp.eventsPerSecond / lim.eventsPerSecond };
  } finally {
    await source.drop();
    await limit.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// Children

/** `ingest <file> <url> <team>`: the file through ingest() into the (empty) database at url. */
async function ingestChild([file, url, teamSlug]: string[]): Promise<void> {
  const { openPostgres } = await import('@/db/postgres');
  const { ensureTeams } = await import('@/lib/data/teams');
  const { ingest } = await import('@/lib/ingest/ingest');
  const { peakRssMb, report } = await import('./common');
  const db = await openPostgres(url);
  await ensureTeams([{ slug: teamSlug, name: teamSlug }], db);
  const team = (await db.get<{ id: number; slug: string }>('SELECT id, slug FROM teams WHERE slug = @slug', { slug: teamSlug }))!;
  const t0 = performance.now();
  const r = await ingest(db, fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
    format: 'ndjson', team, partial: false, source: 'cli', filename: path.basename(file), totalBytes: fs.statSync(file).size,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (!r.ok) throw new Error(`ingest refused the file: ${JSON.stringify(r.problems.slice(0, 3))}`);
  const stored = Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM events'))!.n);
  await db.close();
  report({ accepted: r.accepted, stored, seconds, eventsPerSecond: r.accepted / seconds, peakRssMb: peakRssMb() });
}

/**
 * `copy <from-url> <to-url> <dump-file>`: the events of `from` dumped to a file (untimed), then
 * loaded into the empty database `to` (its team and upload rows first, as the import made them,
 * so the foreign keys hold) by one COPY FROM STDIN (timed, with its commit).
 *
 * The dump is written by the server itself (`COPY … TO '<file>'`: the throwaway server runs on
 * this machine as a superuser): postgres.js's COPY TO STDOUT stream does not always end
 * (porsager/postgres#917).
 */
async function copyChild([fromUrl, toUrl, dumpFile]: string[]): Promise<void> {
  const { default: postgres } = await import('postgres');
  const { openPostgres } = await import('@/db/postgres');
  const { report } = await import('./common');
  await (await openPostgres(toUrl)).close(); // migrated: the same tables and indexes
  const from = postgres(fromUrl, { max: 1, onnotice: () => {} });
  const to = postgres(toUrl, { max: 1, onnotice: () => {} });
  try {
    const td = performance.now();
    fs.mkdirSync(path.dirname(dumpFile), { recursive: true, mode: 0o777 });
    fs.chmodSync(path.dirname(dumpFile), 0o777); // the server may run as another user (root: postgres)
    fs.rmSync(dumpFile, { force: true });
    await from.unsafe(`COPY events TO '${dumpFile.replace(/'/g, "''")}'`);
    for (const table of ['teams', 'uploads']) {
      const rows = await from.unsafe(`SELECT * FROM ${table}`);
      await to`INSERT INTO ${to(table)} ${to(rows as unknown as Record<string, unknown>[])}`;
    }
    const dumpSeconds = (performance.now() - td) / 1000;
    const t0 = performance.now();
    await pipeline(fs.createReadStream(dumpFile, { highWaterMark: 1 << 20 }), await to`COPY events FROM STDIN`.writable());
    const seconds = (performance.now() - t0) / 1000;
    const [{ n }] = await to`SELECT count(*)::int AS n FROM events`;
    report({ rows: n, seconds, eventsPerSecond: n / seconds, dumpSeconds });
  } finally {
    await from.end({ timeout: 5 });
    await to.end({ timeout: 5 });
    fs.rmSync(dumpFile, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------

/** The throwaway server, or null (said why) on a machine without PostgreSQL's binaries. */
async function startServer(): Promise<{ url: string; stop: () => void } | null> {
  // @ts-expect-error scripts/ is plain JavaScript (ES module) without type declarations
  const { startPostgres } = (await import('../scripts/with-postgres.mjs')) as { startPostgres: () => Promise<{ url: string; stop: () => void }> };
  try {
    return await startPostgres();
  } catch (err) {
    log(`  skipped: could not start a PostgreSQL server (${(err as Error).message.split('\n')[0]}); install the postgresql package or set PG_BIN`);
    return null;
  }
}

export interface PostgresBenchOptions {
  /** The NDJSON file of step 1 (one team, `team`). */
  file: string;
  team: string;
  events: number;
  keep?: boolean;
  label?: string;
}

export async function runPostgresBench(options: PostgresBenchOptions): Promise<{ ingest: PostgresIngestResult; kpis: KpisBenchResult } | null> {
  log(`${options.label ?? ''}PostgreSQL: ingest against a bare COPY, then KPI read latency (throwaway server)`);
  const server = await startServer();
  if (!server) return null;
  // run.ts turns Ctrl-C into an exit, which skips the finally below: the server goes with us.
  const stopOnExit = () => server.stop();
  if (!options.keep) process.once('exit', stopOnExit);
  fs.mkdirSync(OUT, { recursive: true });
  try {
    const pairs: IngestPair[] = [];
    for (let i = 1; i <= PAIRS; i++) pairs.push(await ingestPair(server.url, options, i));
    const median = middle(pairs, (p) => p.ratio);
    log(`\n  c. Ratio ingestion/COPY, median of ${PAIRS}: ${median.ratio.toFixed(2)} (each: ${pairs.map((p) => p.ratio.toFixed(2)).join(', ')}; goal ≥ ${POSTGRES_TARGETS.ratio})`);
    const ingest: PostgresIngestResult = { date: new Date().toISOString(), events: options.events, ...median, pairs };
    appendPostgresIngestResults(ingest);

    log('');
    const kpis = await runKpisBench({ events: options.events, keep: options.keep, label: '  d. ', postgresUrl: server.url });
    appendKpisResults(kpis);
    return { ingest, kpis };
  } finally {
    process.off('exit', stopOnExit);
    if (!options.keep) server.stop();
    else log(`  kept the PostgreSQL server at ${server.url} (stop it with pg_ctl)`);
  }
}

function appendPostgresIngestResults(r: PostgresIngestResult): void {
  addResultsJson('postgresIngest', r);
  const pf = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const rows = [
    ['Ingestion path on PostgreSQL (ingest(), median pair)', `${fmtInt(r.import.eventsPerSecond)} events/s (${fmt1(r.import.seconds)} s, peak RSS ${fmt1(r.import.peakRssMb)} MB)`, '', ''],
    ['Limit: COPY FROM STDIN into the indexed events table', `${fmtInt(r.limit.eventsPerSecond)} events/s (${fmt1(r.limit.seconds)} s)`, '', ''],
    ['Ratio ingestion/COPY (median pair)', r.ratio.toFixed(2), `≥ ${POSTGRES_TARGETS.ratio}`, pf(r.ratio >= POSTGRES_TARGETS.ratio)],
    [`Each pair (ingest s / COPY s)`, r.pairs.map((p) => `${fmt1(p.import.seconds)} / ${fmt1(p.limit.seconds)} = ${p.ratio.toFixed(2)}`).join('; '), '', ''],
  ];
  const heading = '## Ingest on PostgreSQL';
  replaceMdSection(
    heading,
    `${heading} — ${r.date}\n\n${fmtInt(r.events)} events, a throwaway server (no fsync, for both sides).\n\n| Metric | Value | Target | Result |\n|---|---|---|---|\n${rows.map((x) => `| ${x.join(' | ')} |`).join('\n')}\n`,
  );
}

// Child mode: `node … bench/postgres.ts ingest|copy …`.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [mode, ...args] = process.argv.slice(2);
  const child = mode === 'ingest' ? ingestChild : mode === 'copy' ? copyChild : null;
  if (!child) throw new Error('usage: bench/postgres.ts ingest <file> <url> <team> | copy <from-url> <to-url> <dump-file>');
  child(args).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
