// `npm run test:conformance`: the importers against the real agents' logs (conformance/). Their
// folder is beside the clone (../shared/real-logs, or LOOPSCOPE_REAL_LOGS). A clone without it
// skips, saying so; under CI (CI=true) a missing folder is a failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(process.env.LOOPSCOPE_REAL_LOGS || path.join(root, '..', 'shared', 'real-logs'));
const ci = ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());

if (!fs.existsSync(path.join(dir, 'README.md'))) {
  if (ci) {
    console.error(`test:conformance: no real logs at ${dir} (CI needs them: set LOOPSCOPE_REAL_LOGS or put shared/ beside the clone)`);
    process.exit(1);
  }
  console.log(`test:conformance: skipped, no real logs at ${dir} (set LOOPSCOPE_REAL_LOGS to their folder to run it)`);
  process.exit(0);
}
const r = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.conformance.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LOOPSCOPE_REAL_LOGS: dir },
});
process.exit(r.status ?? 1);
