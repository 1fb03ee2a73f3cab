// `npm start`: build once (or again when the sources changed since the last build), then
// serve with the Loopscope server (scripts/server.mjs). Telemetry stays off so a fresh machine
// needs no network beyond the registry.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

process.env.NEXT_TELEMETRY_DISABLED = '1';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const buildId = path.join(root, '.next', 'BUILD_ID');

// What the production build is made from; a change to any of these triggers a rebuild.
const SOURCES = ['app', 'components', 'lib', 'db', 'instrumentation.ts', 'next.config.ts', 'package.json', 'tsconfig.json'];

function newestMtime(file) {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}

const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
if (built < Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))))) {
  console.log('Building Loopscope (first start or sources changed)…');
  const build = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const server = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
