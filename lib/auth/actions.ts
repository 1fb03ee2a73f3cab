/**
 * The common front of every server action: server actions are public POST endpoints, so each
 * one checks here that the request comes from our own pages (Origin), that its arguments are
 * what the page bound and sent (anything may arrive in their place: a crafted `null`, an
 * object, a string for an id), that a session is signed in (and an admin, when asked), and
 * turns the data layer's refusals into messages.
 */
import 'server-only';
import { headers } from 'next/headers';
import { z } from 'zod';
import { isDataError } from '@/lib/data/errors';
import { hasNul } from '@/lib/events/validate';
import { TEAM_SLUG } from '@/lib/data/teams';
import type { UserViewer } from '@/lib/data/viewer';
import type { ActionState } from '@/lib/forms/action-state';
import { isSameOrigin, sessionViewer } from './viewer';

/** The shapes of server actions' arguments. */
export const actionArg = {
  teamSlug: z.string().regex(TEAM_SLUG),
  /** A row id (user, token, share link). */
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** A form; one whose text holds U+0000 is refused (see hasNul). */
  form: z.instanceof(FormData).refine((f) => ![...f.values()].some(hasNul), 'a field holds U+0000'),
  /** A page's query string, as a flat record of strings (a share link's view). */
  query: z
    .record(z.string().max(100), z.string().max(2000))
    .refine((q) => Object.keys(q).length <= 50, 'at most 50 query parameters')
    .refine((q) => !Object.entries(q).some(([k, v]) => hasNul(k) || hasNul(v)), 'a parameter holds U+0000'),
};

export const REFUSED_CROSS_SITE: ActionState = { ok: false, message: 'Refused: this request did not come from a Loopscope page.' };
export const MALFORMED_ARGUMENTS: ActionState = {
  ok: false,
  message: 'This form was sent with something it does not take: reload the page and try again.',
};

/** A server action's arguments as `schema` says, or null. */
export function parseActionArgs<T>(schema: z.ZodType<T>, given: unknown): T | null {
  const parsed = schema.safeParse(given);
  return parsed.success ? parsed.data : null;
}

/**
 * Runs `fn` for the signed-in user with the action's arguments checked against `args` (a
 * schema and what was given); every refusal is an answer of the form, never an exception.
 */
export async function withViewer<T>(
  options: { admin?: boolean; args: [schema: z.ZodType<T>, given: unknown] },
  fn: (viewer: UserViewer, args: T) => Promise<ActionState>,
): Promise<ActionState> {
  if (!isSameOrigin(await headers())) return REFUSED_CROSS_SITE;
  const args = parseActionArgs(...options.args);
  if (args === null) return MALFORMED_ARGUMENTS;
  const viewer = await sessionViewer();
  if (!viewer) return { ok: false, message: 'Your session has ended: sign in again.' };
  if (options.admin && viewer.role !== 'admin') return { ok: false, message: 'Only an admin can do this.' };
  try {
    return await fn(viewer, args);
  } catch (err) {
    if (isDataError(err)) return { ok: false, message: capitalise(err.message) };
    throw err;
  }
}

export function capitalise(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A form field as a trimmed string ('' when absent or a file). */
export function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** A form field as sent, untrimmed (a password); '' when absent or a file. */
export function rawField(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}
