/**
 * First sign-in: an installation never starts with a known password.
 * - `LOOPSCOPE_ADMIN_EMAIL` + `LOOPSCOPE_ADMIN_PASSWORD`: that admin is made if missing (its
 *   password is never printed).
 * - Otherwise, with no account at all: when the demo organisation was just made, a demo admin
 *   `demo@loopscope.local` with a random password printed once; on an empty installation, a
 *   one-time setup link (`/setup/<token>`, 24 hours) that lets the first visitor make the admin.
 */
import { randomBytes } from 'node:crypto';
import { hashSecret } from '@/lib/auth/tokens';
import { adminFromEnv, localBaseUrl } from '@/lib/config';
import type { DataContext } from '@/lib/data/context';
import { countUsers, createUser, findCredentials, normalizeEmail } from '@/lib/data/users';
import { OPERATOR } from '@/lib/data/viewer';

export const DEMO_ADMIN_EMAIL = 'demo@loopscope.local';
const SETUP_LINK_TTL_MS = 24 * 3_600_000;

export type FirstAdmin =
  | { kind: 'env'; email: string; made: boolean }
  | { kind: 'demo'; email: string; password: string }
  | { kind: 'setup'; url: string }
  | { kind: 'none' };

export async function ensureFirstAdmin(
  ctx: DataContext,
  options: { demoSeeded: boolean; env?: Readonly<Record<string, string | undefined>>; log?: (line: string) => void },
): Promise<FirstAdmin> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const fromEnv = adminFromEnv(env);
  if (fromEnv) {
    const email = normalizeEmail(fromEnv.email);
    if (!email) throw new Error(`LOOPSCOPE_ADMIN_EMAIL '${fromEnv.email}' is not an e-mail address`);
    if (await findCredentials(email, await ctx.db)) return { kind: 'env', email, made: false };
    await createUser(OPERATOR, { email, password: fromEnv.password, role: 'admin' }, ctx);
    log(`Loopscope: made the admin ${email} (LOOPSCOPE_ADMIN_EMAIL); sign in at ${localBaseUrl(env)}/login`);
    return { kind: 'env', email, made: true };
  }
  if ((await countUsers(await ctx.db)) > 0) return { kind: 'none' };
  if (options.demoSeeded) {
    const password = randomBytes(12).toString('base64url');
    await createUser(OPERATOR, { email: DEMO_ADMIN_EMAIL, password, role: 'admin' }, ctx);
    log(`Loopscope: sign in at ${localBaseUrl(env)}/login as ${DEMO_ADMIN_EMAIL} / ${password}`);
    log('Loopscope: this password is shown only this once (reset it with: npm run cli -- user password demo@loopscope.local)');
    return { kind: 'demo', email: DEMO_ADMIN_EMAIL, password };
  }
  const token = randomBytes(32).toString('base64url');
  const at = Date.now();
  await ctx.write({ name: 'createSetupToken', tokenHash: hashSecret(token), at, expiresAt: at + SETUP_LINK_TTL_MS });
  const url = `${localBaseUrl(env)}/setup/${token}`;
  log(`Loopscope: no account exists yet. Create the admin within 24 hours at ${url}`);
  log('Loopscope: (or set LOOPSCOPE_ADMIN_EMAIL and LOOPSCOPE_ADMIN_PASSWORD, or run: npm run cli -- user create you@example.com --admin)');
  return { kind: 'setup', url };
}
