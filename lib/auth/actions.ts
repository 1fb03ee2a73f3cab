/**
 * The common front of every server action: server actions are public POST endpoints, so each
 * one checks here that the request comes from our own pages (Origin), that a session is
 * signed in (and an admin, when asked), and turns the data layer's refusals into messages.
 */
import 'server-only';
import { headers } from 'next/headers';
import { isDataError } from '@/lib/data/errors';
import type { UserViewer } from '@/lib/data/viewer';
import type { ActionState } from '@/lib/forms/action-state';
import { isSameOrigin, sessionViewer } from './viewer';

export async function withViewer(
  options: { admin?: boolean },
  fn: (viewer: UserViewer) => Promise<ActionState>,
): Promise<ActionState> {
  if (!isSameOrigin(await headers())) return { ok: false, message: 'Refused: this request did not come from a Loopscope page.' };
  const viewer = await sessionViewer();
  if (!viewer) return { ok: false, message: 'Your session has ended: sign in again.' };
  if (options.admin && viewer.role !== 'admin') return { ok: false, message: 'Only an admin can do this.' };
  try {
    return await fn(viewer);
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
  if (!(form instanceof FormData)) return ''; // a server action may be called with anything
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}
