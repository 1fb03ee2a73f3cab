/**
 * The admin CLI (api-v1.md, Admin CLI): `npm run cli -- <command>`. Works on the same
 * database as the server. The last line of standard output is the thing made; errors go to
 * standard error with a non-zero exit.
 *
 * `npm run cli` runs these sources and their packages bundled into one file (scripts/cli.mjs,
 * rebuilt when a source changes): through tsx, loading them took about 1.3 s of every command.
 *
 * The script runs Node with `--max-semi-space-size=4`: V8's default young generation held 20–35 MB
 * more resident memory through a bulk import (1M events: 250 MB instead of 270–290, against a
 * 300 MB bound) and bought no speed. bench/ children that stand for the CLI take the same options.
 */
import { parseArgs } from 'node:util';
import { parseScopes } from '@/lib/auth/tokens';
import { databasePath, databaseUrl, isPostgresUrl } from '@/lib/config';
import { backupDatabase } from '@/lib/data/backup';
import { getDb, sqliteClient } from '@/lib/data/connection';
import { migrateToPostgres } from '@/lib/data/migrate-to-postgres';
import { useDirectWrites } from '@/lib/data/context';
import { createTeam, findTeam } from '@/lib/data/teams';
import { isSlug } from '@/lib/events/validate';
import { createApiToken } from '@/lib/data/tokens';
import { createUser, normalizeEmail, setUserPassword, findCredentials } from '@/lib/data/users';
import { OPERATOR } from '@/lib/data/viewer';
import { rebuildDemo } from '@/lib/demo/seed';
import { ALERT_USAGE, alertAdd, alertList, alertRemove, alertSetPaused, alertTest, destinationId } from './alerts';
import { CliUsageError, IMPORT_USAGE, runImport, runImportGit, runTeamSet, showTeamSettings } from './importers';

class UsageError extends Error {}

const USAGE = `Usage: npm run cli -- <command>

  team create <slug> [--name "..."]                  make a team
  token create --team <slug> --scope ingest,read     make an API token (printed once)
  user create <email> [--admin] [--team <slug>]...   make an account; the password is read from
                                                     standard input or LOOPSCOPE_PASSWORD
  user password <email>                              set a new password (same input); ends its sessions
${IMPORT_USAGE}
${ALERT_USAGE}
  backup <path>                                      consistent copy of the live SQLite database
                                                     (PostgreSQL: use pg_dump)
  migrate-to-postgres <postgres-url>                 copy this SQLite database into an empty
                                                     PostgreSQL database, and check the counts
  demo                                               rebuild the demo organisation

Database: DATABASE_URL (postgres://…) when set, else the SQLite file DATABASE_PATH
(default ./data/loopscope.db)`;

/** Words each command takes after its name (`team create <slug>`: 2), so that a stray one is refused rather than ignored. */
const WORDS: Record<string, number> = {
  'team create': 2,
  'team set': 2,
  'team show': 2,
  'token create': 1,
  'user create': 2,
  'user password': 2,
  import: 1,
  'import-git': 1,
  'alert add': 1,
  'alert list': 1,
  'alert test': 2,
  'alert pause': 2,
  'alert resume': 2,
  'alert remove': 2,
  backup: 1,
  'migrate-to-postgres': 1,
  demo: 0,
};

/** parseArgs, its refusals (an unknown option, one without its value) as usage errors. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        team: { type: 'string', multiple: true },
        admin: { type: 'boolean' },
        scope: { type: 'string', multiple: true },
        format: { type: 'string' },
        partial: { type: 'boolean' },
        full: { type: 'boolean' },
        // Importers (lib/cli/importers.ts).
        'github-secret': { type: 'string' },
        'bug-label': { type: 'string' },
        'repo-map': { type: 'string', multiple: true },
        'no-repo-map': { type: 'string', multiple: true },
        repo: { type: 'string' },
        days: { type: 'string' },
        ref: { type: 'string' },
        // Alerts (lib/cli/alerts.ts).
        url: { type: 'string' },
        secret: { type: 'string' },
        kinds: { type: 'string' },
        digest: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError((err as Error).message);
    throw err;
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandLine(argv);
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  useDirectWrites();
  const key = ['team', 'token', 'user', 'alert'].includes(command) ? `${command} ${sub ?? ''}` : command;
  const words = WORDS[key];
  if (words !== undefined && positionals.length - 1 > words) throw new UsageError(`unexpected argument '${positionals[words + 1]}'`);
  switch (key) {
    case 'team create': {
      const slug = rest[0];
      if (!slug) throw new UsageError('team create needs a slug');
      const team = await createTeam(OPERATOR, { slug, name: values.name });
      console.log(`Created team ${team.slug} (${team.name})`);
      console.log(team.slug);
      return;
    }
    case 'token create': {
      const team = await requireTeam(values.team);
      // Said, never assumed: a token's reach is the operator's choice to make.
      if (!values.scope) throw new UsageError('token create needs --scope: ingest, read or ingest,read');
      if (values.scope.length > 1) throw new UsageError('give one --scope (ingest,read for both)');
      const scopes = parseScopes(values.scope[0]);
      const made = await createApiToken(OPERATOR, { teamId: team.id, scopes });
      console.log(`Token for team ${team.slug} with scopes ${scopes.join(',')}; it is shown only this once:`);
      console.log(made.token);
      return;
    }
    case 'user create': {
      const email = rest[0];
      if (!email) throw new UsageError('user create needs an e-mail address');
      const password = await readPassword();
      const user = await createUser(OPERATOR, { email, password, role: values.admin ? 'admin' : 'member', teamSlugs: values.team ?? [] });
      console.log(`Created ${values.admin ? 'admin' : 'member'} ${user.email}${values.team?.length ? ` in ${values.team.join(', ')}` : ''}`);
      console.log(String(user.id));
      return;
    }
    case 'user password': {
      const email = normalizeEmail(rest[0] ?? '');
      if (!email) throw new UsageError('user password needs an e-mail address');
      const user = await findCredentials(email, await getDb());
      if (!user) throw new Error(`no account for ${email}`);
      await setUserPassword(OPERATOR, user.id, await readPassword());
      console.log(`Set a new password for ${email}; its sessions have ended`);
      console.log(String(user.id));
      return;
    }
    case 'import': {
      const target = sub;
      if (!target) throw new UsageError('import needs a file, a directory or a zip');
      const result = await runImport(target, await requireTeam(values.team), values);
      if (result.uploadId !== null) console.log(String(result.uploadId)); // none: nothing new to import
      return;
    }
    case 'import-git': {
      if (!sub) throw new UsageError('import-git needs the path of a git repository');
      const { result } = await runImportGit(sub, await requireTeam(values.team), values);
      console.log(String(result.uploadId));
      return;
    }
    case 'team set':
    case 'team show': {
      const slug = rest[0];
      if (!slug) throw new UsageError(`team ${sub} needs a team slug`);
      const team = await requireTeam([slug]);
      if (sub === 'set') await runTeamSet(team, values);
      else await showTeamSettings(team);
      return;
    }
    case 'alert add':
      return alertAdd(await requireTeam(values.team), values);
    case 'alert list':
      return alertList(await requireTeam(values.team));
    case 'alert test':
      return alertTest(destinationId(rest[0], 'test'));
    case 'alert pause':
    case 'alert resume':
      return alertSetPaused(destinationId(rest[0], sub), sub === 'pause');
    case 'alert remove':
      return alertRemove(destinationId(rest[0], 'remove'));
    case 'backup': {
      const target = sub;
      if (!target) throw new UsageError('backup needs a target path');
      const copy = await backupDatabase(target);
      console.log(`Backed up ${databasePath()} to ${target}`);
      console.log(copy);
      return;
    }
    case 'migrate-to-postgres': {
      if (!sub || !isPostgresUrl(sub)) throw new UsageError('migrate-to-postgres needs the postgres:// URL of an empty database');
      if (databaseUrl()) throw new UsageError('migrate-to-postgres copies the SQLite file of DATABASE_PATH: unset DATABASE_URL');
      const source = sqliteClient(await getDb())!;
      const copies = await migrateToPostgres(source, sub, (c) => console.log(`  ${c.table}: ${c.rows} rows`));
      const total = copies.reduce((n, c) => n + c.rows, 0);
      console.log(`Copied ${databasePath()} into PostgreSQL: ${copies.length} tables, ${total} rows, every count checked.`);
      console.log('Start Loopscope with DATABASE_URL set to that URL to use it.');
      console.log(String(total));
      return;
    }
    case 'demo': {
      const summary = await rebuildDemo(await getDb());
      console.log(`Rebuilt the demo organisation: ${summary.teams} teams, ${summary.events} events`);
      console.log(String(summary.events));
      return;
    }
    default:
      throw new UsageError(`unknown command '${positionals.join(' ')}'`);
  }
}

async function requireTeam(slugs: string[] | undefined) {
  if (!slugs || slugs.length === 0) throw new UsageError('--team <slug> is required');
  if (slugs.length > 1) throw new UsageError('give one --team');
  const slug = slugs[0];
  const team = await findTeam(OPERATOR, slug);
  if (!team) {
    throw new Error(isSlug(slug) ? `no team '${slug}' (make it with: npm run cli -- team create ${slug})` : `no team '${slug}': a team slug is lowercase letters, digits and -`);
  }
  return team;
}

/** LOOPSCOPE_PASSWORD, else standard input: piped (its first line), or typed at a hidden prompt. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.LOOPSCOPE_PASSWORD;
  if (fromEnv) return fromEnv;
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += chunk;
    const line = text.split(/\r?\n/)[0];
    if (!line) throw new UsageError('no password: pipe it on standard input or set LOOPSCOPE_PASSWORD');
    return line;
  }
  process.stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (key: string) => {
      for (const ch of key) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(typed);
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          return reject(new Error('cancelled'));
        }
        if (ch === '\u007f') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}


main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`error: ${err.message}`);
    if (err instanceof UsageError || err instanceof CliUsageError) console.error(`\n${USAGE}`);
    process.exit(err instanceof UsageError || err instanceof CliUsageError ? 2 : 1);
  },
);
