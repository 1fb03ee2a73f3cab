/**
 * `npm run cli`: runs the admin CLI (lib/cli/main.ts) from one JavaScript file that esbuild
 * bundles from the project's sources and the packages they use. Loading the TypeScript sources
 * through tsx took about 1.3 s of every command (tsx transforms and resolves each of the ~120
 * modules); the bundle loads in about 0.3 s. Packages are bundled too: resolving and reading
 * their many small files (drizzle-orm's, zod's) took another 0.1 s. better-sqlite3 stays in
 * node_modules, for its compiled part.
 *
 * The bundle (.loopscope-tmp/cli/main.cjs) is rebuilt, in about 0.5 s, whenever a file it was made
 * from (or tsconfig.json, or this script) differs in size or mtime from when it was built, so an edited source or
 * an updated package takes effect at the next command. Two commands that both rebuild write whole
 * files under names of their own, then rename them into place.
 *
 * Node's options (`--conditions=react-server`, the young generation's size) come from the npm
 * script: they must be set when Node starts.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, '.loopscope-tmp', 'cli');
const BUNDLE = path.join(OUT_DIR, 'main.cjs');
/** The files the bundle was made from, with their size and mtime then. */
const INPUTS = path.join(OUT_DIR, 'inputs.json');
const ENTRY = 'lib/cli/main.ts';
/** Not among the bundle's inputs, yet it changes with them: how the `@/` paths resolve, and how to bundle. */
const ALSO_READ = ['tsconfig.json', 'scripts/cli.mjs'];

/** Size and mtime of a project file, or null when it is gone. */
function stamp(file) {
  try {
    const s = fs.statSync(path.join(ROOT, file));
    return [s.size, s.mtimeMs];
  } catch {
    return null;
  }
}

function isFresh() {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(INPUTS, 'utf8'));
    if (!fs.existsSync(BUNDLE)) return false;
  } catch {
    return false;
  }
  return Object.entries(inputs).every(([file, was]) => {
    const now = stamp(file);
    return now !== null && now[0] === was[0] && now[1] === was[1];
  });
}

async function build() {
  // Loaded only to build: it adds about 0.1 s to a start.
  const { buildSync } = await import('esbuild');
  const started = Date.now();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const tmp = path.join(OUT_DIR, `main.${process.pid}.cjs`);
  const result = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    external: ['better-sqlite3'],
    platform: 'node',
    // The project's modules are CommonJS (package.json has no "type"), as tsx runs them.
    format: 'cjs',
    target: 'node20',
    conditions: ['react-server'],
    metafile: true,
    logLevel: 'error',
  });
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...ALSO_READ]) {
    const s = stamp(file);
    // A file changed while it was bundled may be in the bundle as it was: the next command rebuilds.
    if (s !== null) inputs[file] = s[1] >= started ? [-1, -1] : s;
  }
  const tmpInputs = path.join(OUT_DIR, `inputs.${process.pid}.json`);
  fs.writeFileSync(tmpInputs, JSON.stringify(inputs));
  fs.renameSync(tmp, BUNDLE);
  fs.renameSync(tmpInputs, INPUTS);
}

if (!isFresh()) await build();
createRequire(import.meta.url)(BUNDLE);
