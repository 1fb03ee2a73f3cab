/**
 * The admin CLI (api-v1.md, Admin CLI): `npm run cli -- <command>`. Works on the same
 * database as the server. The last line of standard output is the thing made; errors go to
 * standard error with a non-zero exit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseScopes } from '@/lib/auth/tokens';
import { databasePath } from '@/lib/config';
import { getDb } from '@/lib/data/connection';
import { createTeam, findTeam } from '@/lib/data/teams';
import { createApiToken } from '@/lib/data/tokens';
import { OPERATOR } from '@/lib/data/viewer';
import { rebuildDemo } from '@/lib/demo/seed';
import { detectFormat } from '@/lib/events/detect';
import type { InputFormat } from '@/lib/events/types';
import { ingest } from '@/lib/ingest/ingest';

class UsageError extends Error {}

const USAGE = `Usage: npm run cli -- <command>

  team create <slug> [--name "..."]                  make a team
  token create --team <slug> --scope ingest,read     make an API token (printed once)
  import <file> --team <slug> [--format auto|events|ndjson|json|csv] [--partial]
                                                     import a file through the upload pipeline
  backup <path>                                      consistent copy of the live database
  demo                                               rebuild the demo organisation

Database: DATABASE_PATH (default ./data/loopscope.db)`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      team: { type: 'string' },
      scope: { type: 'string' },
      format: { type: 'string' },
      partial: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const key = ['team', 'token'].includes(command) ? `${command} ${sub ?? ''}` : command;
  switch (key) {
    case 'team create': {
      const slug = rest[0];
      if (!slug) throw new UsageError('team create needs a slug');
      const team = createTeam(OPERATOR, { slug, name: values.name });
      console.log(`Created team ${team.slug} (${team.name})`);
      console.log(team.slug);
      return;
    }
    case 'token create': {
      const team = requireTeam(values.team);
      const scopes = parseScopes(values.scope ?? 'ingest,read');
      const made = createApiToken(OPERATOR, { teamId: team.id, scopes });
      console.log(`Token for team ${team.slug} with scopes ${scopes.join(',')}; it is shown only this once:`);
      console.log(made.token);
      return;
    }
    case 'import': {
      const file = sub;
      if (!file) throw new UsageError('import needs a file');
      const team = requireTeam(values.team);
      const format = importFormat(values.format ?? 'auto', file);
      const totalBytes = fs.statSync(file).size;
      const showProgress = process.stderr.isTTY;
      const result = await ingest(
        getDb().$client,
        fs.createReadStream(file, { highWaterMark: 1 << 20 }),
        { format, team, partial: values.partial ?? false, source: 'cli', filename: path.basename(file), totalBytes },
        showProgress
          ? (p) => process.stderr.write(`\r${Math.round((100 * p.bytesRead) / Math.max(1, totalBytes))}%  ${p.events} events`)
          : undefined,
      );
      if (showProgress) process.stderr.write('\n');
      for (const p of result.problems) {
        console.error(`line ${p.line}${p.index !== undefined ? ` (index ${p.index})` : ''}: ${p.field || '(event)'}: ${p.message}`);
      }
      if (!result.ok) {
        throw new Error(`${result.rejectedCount} invalid event(s) in ${file}; nothing was stored (use --partial to store the valid ones)`);
      }
      console.log(`Imported ${file} into ${team.slug}: ${result.accepted} accepted, ${result.duplicates} duplicates, ${result.rejectedCount} rejected`);
      console.log(String(result.uploadId));
      return;
    }
    case 'backup': {
      const target = sub;
      if (!target) throw new UsageError('backup needs a target path');
      if (fs.existsSync(target)) throw new Error(`${target} already exists; choose a new path`);
      fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
      // The online backup API copies a consistent snapshot while writers go on.
      await getDb().$client.backup(target);
      console.log(`Backed up ${databasePath()} to ${target}`);
      console.log(path.resolve(target));
      return;
    }
    case 'demo': {
      const summary = await rebuildDemo(getDb());
      console.log(`Rebuilt the demo organisation: ${summary.teams} teams, ${summary.events} events`);
      console.log(String(summary.events));
      return;
    }
    default:
      throw new UsageError(`unknown command '${positionals.join(' ')}'`);
  }
}

function requireTeam(slug: string | undefined) {
  if (!slug) throw new UsageError('--team <slug> is required');
  const team = findTeam(OPERATOR, slug);
  if (!team) throw new Error(`no team '${slug}' (make it with: npm run cli -- team create ${slug})`);
  return team;
}

function importFormat(chosen: string, file: string): InputFormat {
  if (chosen === 'auto' || chosen === 'events') {
    const head = Buffer.alloc(4096);
    const fd = fs.openSync(file, 'r');
    const n = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const format = detectFormat({ filename: file, firstBytes: head.subarray(0, n) });
    if (!format) throw new Error(`cannot tell the format of ${file}: pass --format ndjson, json or csv`);
    return format;
  }
  if (chosen === 'ndjson' || chosen === 'json' || chosen === 'csv') return chosen;
  throw new UsageError(`unknown --format '${chosen}' (auto, events, ndjson, json, csv)`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`error: ${err.message}`);
    if (err instanceof UsageError) console.error(`\n${USAGE}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
