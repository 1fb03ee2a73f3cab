/**
 * Claude Code import against ccusage (bench/README.md step 9): a generated projects
 * tree (lib/importers/testing/claude-tree.ts, `--cc-mb` MiB), then, in one run on a warm page
 * cache:
 *
 * - `ccusage claude session --json --offline` over it (node_modules/.bin/ccusage, as a user runs
 *   it): one untimed run, then the median wall clock of 3;
 * - `cli import <tree>` into a fresh database, 3 times (bench/claude-code-child.ts: the import's
 *   own time and the child's peak RSS): the median;
 * - for information, the same import as the operator runs it, `npm run cli -- import` (without
 *   npm's own start), timed from outside: Node's start and the CLI's load included, as ccusage's
 *   time is;
 * - the import again, nothing changed (every file skipped): in the child, then as the operator runs it;
 * - a few sessions grow (`growClaudeTree`), ccusage again, and the import of what grew.
 *
 * Ratios are ccusage's time over ours (≥ 1: faster than ccusage). The import's token totals must
 * equal ccusage's each time. The tree and database are deleted at the end unless `keep`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { growClaudeTree, writeClaudeTree } from '@/lib/importers/testing/claude-tree';
import { CLI_NODE_ARGS, ROOT, runChild, runCli } from './child';
import { addResultsJson, replaceMdSection } from './kpis';
import { middle, removeDatabase } from './common';

const OUT = path.join(ROOT, 'bench', 'out', 'claude-code');
const GROWN_SESSIONS = 5;
const CCUSAGE_RUNS = 3;

type Totals = Record<'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens', number>;

interface Import {
  seconds: number;
  peakRssMb: number;
  accepted: number;
  files: number;
  totals: Totals;
}

export interface ClaudeCodeBenchResult {
  date: string;
  treeMb: number;
  files: number;
  ccusage: { first: number; grown: number };
  /** The median first import; its peak RSS the highest of them. */
  first: Import;
  firstRuns: number[];
  second: Import;
  grown: Import;
  /** `npm run cli -- import` timed from outside: the first import, and again with nothing changed. */
  cliProcess: { first: number; second: number };
  ratios: { first: number; second: number; grown: number };
  totalsEqual: boolean;
}

/** Median wall clock of `ccusage claude session --json --offline` over `home`'s tree, and its totals. */
async function ccusage(home: string): Promise<{ seconds: number; totals: Totals }> {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'ccusage');
  const env = { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: path.join(home, 'claude'), NO_COLOR: '1' } as unknown as NodeJS.ProcessEnv;
  const runOnce = async () => {
    const t0 = performance.now();
    const child = spawn(bin, ['claude', 'session', '--json', '--offline'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`ccusage exited ${code}`);
    return { seconds: (performance.now() - t0) / 1000, totals: JSON.parse(out).totals as Totals };
  };
  const { totals } = await runOnce(); // warms the page cache and the binary
  const times: number[] = [];
  for (let i = 0; i < CCUSAGE_RUNS; i++) times.push((await runOnce()).seconds);
  return { seconds: middle(times, (t) => t), totals };
}

const TEAM = 'cc';
const dbEnv = (dbFile: string) => ({ DATABASE_PATH: dbFile, LOOPSCOPE_DEMO: 'off' });

async function ourImport(dir: string, dbFile: string): Promise<Import> {
  return (await runChild('claude-code-child.ts', [dir, TEAM], CLI_NODE_ARGS, dbEnv(dbFile))) as Import;
}

const same = (ours: Totals, theirs: Totals) => (Object.keys(ours) as (keyof Totals)[]).every((k) => Number(ours[k]) === theirs[k]);

export async function runClaudeCodeBench(opts: { mb: number; keep?: boolean; log: (s: string) => void }): Promise<ClaudeCodeBenchResult> {
  const { log } = opts;
  const home = path.join(OUT, 'home');
  const dir = path.join(home, 'claude', 'projects');
  const dbFile = path.join(OUT, 'cc.db');
  fs.mkdirSync(OUT, { recursive: true });
  removeDatabase(dbFile);
  try {
    const tree = writeClaudeTree(dir, opts.mb * 2 ** 20);
    log(`  tree: ${tree.files} files, ${tree.sessions} sessions, ${(tree.bytes / 2 ** 20).toFixed(0)} MB`);
    const cc1 = await ccusage(home);
    log(`  ccusage: ${cc1.seconds.toFixed(2)} s (median of ${CCUSAGE_RUNS})`);
    // The first import, as often as ccusage ran, each into a fresh database; the median is the
    // figure, and the last one's database is imported into again below.
    const firsts: Import[] = [];
    for (let i = 0; i < CCUSAGE_RUNS; i++) {
      removeDatabase(dbFile);
      firsts.push(await ourImport(dir, dbFile));
    }
    const first = middle(firsts, (f) => f.seconds);
    log(
      `  import: ${first.seconds.toFixed(2)} s (median of ${CCUSAGE_RUNS}: ${firsts.map((f) => f.seconds.toFixed(2)).join(', ')}), ` +
        `${first.accepted} events, peak RSS ${Math.max(...firsts.map((f) => f.peakRssMb)).toFixed(0)} MB (highest)`,
    );
    // As the operator runs it, into a fresh database (the CLI's bundle made beforehand, if need be).
    removeDatabase(dbFile);
    await runCli(['team', 'create', TEAM], dbEnv(dbFile));
    const cliFirst = await runCli(['import', dir, '--team', TEAM], dbEnv(dbFile));
    const second = await ourImport(dir, dbFile);
    const cliSecond = await runCli(['import', dir, '--team', TEAM], dbEnv(dbFile));
    log(`  npm run cli -- import, timed from outside: ${cliFirst.toFixed(2)} s; again, unchanged: ${cliSecond.toFixed(2)} s`);
    log(`  again, unchanged: ${second.seconds.toFixed(3)} s, ${second.files} files read`);
    growClaudeTree(dir, GROWN_SESSIONS);
    const cc2 = await ccusage(home);
    const grown = await ourImport(dir, dbFile);
    log(`  ${GROWN_SESSIONS} sessions grew: ccusage ${cc2.seconds.toFixed(2)} s, import ${grown.seconds.toFixed(3)} s, ${grown.files} files read, ${grown.accepted} events`);
    const totalsEqual = firsts.every((f) => same(f.totals, cc1.totals)) && same(grown.totals, cc2.totals);
    if (!totalsEqual) log(`  WARNING: token totals differ from ccusage's: ${JSON.stringify({ ours: grown.totals, ccusage: cc2.totals })}`);
    return {
      date: new Date().toISOString(),
      treeMb: tree.bytes / 2 ** 20,
      files: tree.files,
      ccusage: { first: cc1.seconds, grown: cc2.seconds },
      first: { ...first, peakRssMb: Math.max(...firsts.map((f) => f.peakRssMb)) },
      firstRuns: firsts.map((f) => f.seconds),
      second,
      grown,
      cliProcess: { first: cliFirst, second: cliSecond },
      ratios: { first: cc1.seconds / first.seconds, second: cc1.seconds / second.seconds, grown: cc2.seconds / grown.seconds },
      totalsEqual,
    };
  } finally {
    if (!opts.keep) fs.rmSync(OUT, { recursive: true, force: true });
  }
}

export function appendClaudeCodeResults(r: ClaudeCodeBenchResult, cores: number): void {
  addResultsJson('claudeCode', r);
  const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const s = (x: number) => `${x.toFixed(2)} s`;
  const rows = [
    `| ccusage \`claude session --json --offline\` (median of ${CCUSAGE_RUNS}) | ${s(r.ccusage.first)}; grown tree ${s(r.ccusage.grown)} | | |`,
    `| First import, median of ${r.firstRuns.length} | ${s(r.first.seconds)}; each ${r.firstRuns.map(s).join(', ')} | | |`,
    `| Ratio ccusage / first import | ${r.ratios.first.toFixed(2)} | ≥ 0.5 (aim 1.0) | ${pass(r.ratios.first >= 0.5)} |`,
    `| First import peak RSS | ${r.first.peakRssMb.toFixed(0)} MB | < 300 MB | ${pass(r.first.peakRssMb < 300)} |`,
    `| \`npm run cli -- import\` timed from outside (Node's start and the CLI's load included, npm's own start not): first, and again unchanged | ${s(r.cliProcess.first)}, ${s(r.cliProcess.second)}; ccusage over those: ${(r.ccusage.first / r.cliProcess.first).toFixed(2)}, ${(r.ccusage.first / r.cliProcess.second).toFixed(2)} | | |`,
    `| Second import, unchanged | ${r.second.seconds.toFixed(3)} s | | |`,
    `| Ratio ccusage / second import | ${r.ratios.second.toFixed(1)} | ≥ 1.0 | ${pass(r.ratios.second >= 1)} |`,
    `| Import after ${GROWN_SESSIONS} sessions grew, files read | ${r.grown.seconds.toFixed(3)} s, ${r.grown.files} | | |`,
    `| Ratio ccusage / grown import | ${r.ratios.grown.toFixed(1)} | ≥ 1.0 | ${pass(r.ratios.grown >= 1)} |`,
    `| Token totals equal ccusage's (first and grown) | ${r.totalsEqual ? 'yes' : 'no'} | yes | ${pass(r.totalsEqual)} |`,
  ];
  replaceMdSection(
    '## Claude Code import against ccusage',
    `## Claude Code import against ccusage — ${r.date}\n\nGenerated tree of ${r.treeMb.toFixed(0)} MB in ${r.files} files, ${cores} CPU cores, warm page cache.\n\n| Metric | Value | Target | Result |\n|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}
