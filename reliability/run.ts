/**
 * `npm run test:reliability`: a production build into .next-reliability (beside, not over,
 * other builds; or the finished build LOOPSCOPE_DIST_DIR names, as CI does), the suite on
 * SQLite (vitest.reliability.config.ts), then the crash and contention tests again on
 * PostgreSQL with two instances per database (a throwaway server from
 * scripts/with-postgres.mjs; skipped, and said so, on a machine without PostgreSQL's binaries,
 * except under CI where that fails), then docs/reliability.md from the rows the tests wrote.
 * Exits non-zero when the build or any test fails (the report is written either way).
 * LOOPSCOPE_SOAK=1 runs the heavier settings; arguments filter the test files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIST_DIR, ROOT, ROWS_DIR, writeRow } from './harness';
import { writeReport } from './report';

const POSTGRES_TESTS = ['reliability/crash.test.ts', 'reliability/contention.test.ts'];

const t0 = Date.now();
fs.rmSync(ROWS_DIR, { recursive: true, force: true });
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', LOOPSCOPE_DIST_DIR: DIST_DIR };
delete env.LOOPSCOPE_TEST_DATABASE_URL;
// LOOPSCOPE_DIST_DIR naming a finished build (CI: the one `npm test` just made) is used as it is.
const reuseBuild = process.env.LOOPSCOPE_DIST_DIR !== undefined && fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'));
console.log(reuseBuild ? `::: reliability: the production build in ${DIST_DIR}` : `::: reliability: next build into ${DIST_DIR}`);
const build = reuseBuild ? { status: 0 } : spawnSync('npx', ['next', 'build'], { cwd: ROOT, env, stdio: 'inherit' });
const buildSeconds = Math.round((Date.now() - t0) / 1000);
if (build.status !== 0) {
  console.error('reliability: next build failed');
  process.exit(build.status ?? 1);
}
const filters = process.argv.slice(2);
const settings = process.env.LOOPSCOPE_SOAK === '1' ? 'soak' : 'quick';
console.log(`::: reliability: tests on SQLite (${settings} settings)`);
const vitest = ['vitest', 'run', '-c', 'vitest.reliability.config.ts'];
const sqlite = spawnSync('npx', [...vitest, ...filters], { cwd: ROOT, env, stdio: 'inherit' });

const postgresTests = POSTGRES_TESTS.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let postgresStatus = 0;
if (postgresTests.length > 0) {
  console.log(`::: reliability: ${postgresTests.join(', ')} on PostgreSQL, two instances per database`);
  const pg = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'with-postgres.mjs'), 'npx', ...vitest, ...postgresTests], { cwd: ROOT, env, stdio: 'inherit' });
  postgresStatus = pg.status ?? 1;
  // with-postgres exits 2 when the machine has no PostgreSQL server binaries.
  if (postgresStatus === 2 && !process.env.CI) {
    console.warn('reliability: no PostgreSQL server here: the PostgreSQL rows are skipped');
    for (const [id, test] of [['01b-crash-postgres', 'Crash during ingest (SIGKILL), PostgreSQL'], ['02b-contention-postgres', 'Contention, PostgreSQL']]) {
      writeRow(id, { order: id.startsWith('01') ? 1.5 : 2.5, test, load: '', faults: '', inputs: '', result: '', lost: '', passed: false, skipped: 'no PostgreSQL server binaries on this machine' });
    }
    postgresStatus = 0;
  }
}
const exitCode = sqlite.status !== 0 ? (sqlite.status ?? 1) : postgresStatus;
const file = writeReport({ seconds: Math.round((Date.now() - t0) / 1000), exitCode, buildSeconds });
console.log(`::: reliability: figures in ${path.relative(ROOT, file)} (${Math.round((Date.now() - t0) / 1000)} s in all)`);
process.exit(exitCode);
