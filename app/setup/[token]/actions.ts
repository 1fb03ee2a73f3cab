'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { actionArg, capitalise, field, MALFORMED_ARGUMENTS, parseActionArgs, rawField, REFUSED_CROSS_SITE } from '@/lib/auth/actions';
import { hashPassword, passwordProblem } from '@/lib/auth/passwords';
import { isHttps, SESSION_TTL_MS, sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-cookie';
import { startSession } from '@/lib/auth/sign-in';
import { hashSecret } from '@/lib/auth/tokens';
import { isSameOrigin } from '@/lib/auth/viewer';
import { dataContext } from '@/lib/data/context';
import { isDataError } from '@/lib/data/errors';
import { normalizeEmail } from '@/lib/data/users';
import type { ActionState } from '@/lib/forms/action-state';

/** Makes the first admin with a one-time setup link, then signs them in. */
export async function completeSetupAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const h = await headers();
  if (!isSameOrigin(h)) return REFUSED_CROSS_SITE;
  // A server action is a public endpoint: anything may arrive in place of the form.
  if (!parseActionArgs(z.tuple([actionArg.form]), [form])) return MALFORMED_ARGUMENTS;
  const email = normalizeEmail(field(form, 'email'));
  const password = rawField(form, 'password');
  if (!email) return { ok: false, message: 'Enter an e-mail address.' };
  if (password !== rawField(form, 'confirm')) return { ok: false, message: 'The two passwords differ.' };
  const problem = passwordProblem(password, email);
  if (problem) return { ok: false, message: capitalise(problem) };
  const ctx = dataContext();
  let userId: number;
  try {
    ({ userId } = await ctx.write({
      name: 'completeSetup',
      tokenHash: hashSecret(field(form, 'token')),
      email,
      passwordHash: await hashPassword(password),
      at: Date.now(),
    }));
  } catch (err) {
    if (isDataError(err)) return { ok: false, message: capitalise(err.message) };
    throw err;
  }
  const session = await startSession(userId, ctx);
  const https = isHttps(h);
  (await cookies()).set(sessionCookieName(https), session.sessionId, sessionCookieOptions(https, SESSION_TTL_MS));
  redirect('/');
}
