'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { actionArg, field, MALFORMED_ARGUMENTS, parseActionArgs, rawField, REFUSED_CROSS_SITE } from '@/lib/auth/actions';
import { isHttps, SESSION_TTL_MS, sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-cookie';
import { signIn } from '@/lib/auth/sign-in';
import { hashSecret } from '@/lib/auth/tokens';
import { isSameOrigin, safeNextPath, sessionIdFromCookies } from '@/lib/auth/viewer';
import { dataContext } from '@/lib/data/context';
import { clientAddress } from '@/lib/http/client-address';
import type { ActionState } from '@/lib/forms/action-state';

/** Signs in: a new session id every time (the old session, if any, ends), then back to `next`. */
export async function signInAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const h = await headers();
  if (!isSameOrigin(h)) return REFUSED_CROSS_SITE;
  // A server action is a public endpoint: anything may arrive in place of the form.
  if (!parseActionArgs(z.tuple([actionArg.form]), [form])) return MALFORMED_ARGUMENTS;
  const result = await signIn({ email: field(form, 'email'), password: rawField(form, 'password'), clientAddress: clientAddress(h) }, dataContext());
  if (!result.ok) return { ok: false, message: result.error, values: { email: field(form, 'email') } };
  await endSession();
  const https = isHttps(h);
  (await cookies()).set(sessionCookieName(https), result.sessionId, sessionCookieOptions(https, SESSION_TTL_MS));
  redirect(safeNextPath(field(form, 'next')));
}

/**
 * Signs out: the session row is deleted (the old cookie no longer works anywhere) and the cookie
 * cleared. A cross-site post does nothing (it takes no arguments, so none are checked).
 */
export async function signOutAction(): Promise<void> {
  if (!isSameOrigin(await headers())) return;
  await endSession();
  redirect('/login');
}

async function endSession(): Promise<void> {
  const sessionId = await sessionIdFromCookies();
  if (!sessionId) return;
  await dataContext().write({ name: 'deleteSession', idHash: hashSecret(sessionId) });
  const https = isHttps(await headers());
  (await cookies()).set(sessionCookieName(https), '', { ...sessionCookieOptions(https), maxAge: 0 });
}
