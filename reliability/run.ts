/**
 * `npm run test:reliability`: a production build into .next-reliability (beside, not over,
 * other builds), the suite (vitest.reliability.config.ts), then docs/reliability.md from the
 * rows the tests wrote. Exits non-zero when the build or any test fails (the report is written
 * either way). LOOPSCOPE_SOAK=1 runs the heavier settings.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIST_DIR, ROOT, ROWS_DIR } from './harness';
import { writeReport } from './report';

const t0 = Date.now();
fs.rmSync(ROWS_DIR, { recursive: true, force: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', LOOPSCOPE_DIST_DIR: DIST_DIR };
console.log(`::: reliability: next build into ${DIST_DIR}`);
const build = spawnSync('npx', ['next', 'build'], { cwd: ROOT, env, stdio: 'inherit' });
const buildSeconds = Math.round((Date.now() - t0) / 1000);
if (build.status !== 0) {
  console.error('reliability: next build failed');
  process.exit(build.status ?? 1);
}
console.log(`::: reliability: tests (${process.env.LOOPSCOPE_SOAK === '1' ? 'soak' : 'quick'} settings)`);
const tests = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.reliability.config.ts', ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' });
const exitCode = tests.status ?? 1;
const file = writeReport({ seconds: Math.round((Date.now() - t0) / 1000), exitCode, buildSeconds });
console.log(`::: reliability: figures in ${path.relative(ROOT, file)} (${Math.round((Date.now() - t0) / 1000)} s in all)`);
process.exit(exitCode);
