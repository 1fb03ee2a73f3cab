'use server';

import { headers } from 'next/headers';
import { refresh } from 'next/cache';
import { z } from 'zod';
import { actionArg, field, withViewer } from '@/lib/auth/actions';
import { dataContext } from '@/lib/data/context';
import { createShareLink, revokeShareLink, type ShareMode } from '@/lib/data/share-links';
import type { ActionState } from '@/lib/forms/action-state';
import { formatUtcMinute } from '@/lib/format';

/** Makes a share link for the dashboard view (team, range, filters); answers its URL, shown once. */
export async function createShareLinkAction(
  teamSlug: string,
  searchParams: Record<string, string>,
  _state: ActionState,
  form: FormData,
): Promise<ActionState> {
  const args = z.tuple([actionArg.teamSlug, actionArg.query, actionArg.form]);
  return withViewer({ args: [args, [teamSlug, searchParams, form]] }, async (viewer, [teamSlug, searchParams, form]) => {
    const mode: ShareMode = field(form, 'mode') === 'live' ? 'live' : 'snapshot';
    const days = Number(field(form, 'days') || '30');
    const link = await createShareLink(viewer, { teamSlug, searchParams, mode, expiresInDays: days }, dataContext());
    const h = await headers();
    const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
    const host = h.get('x-forwarded-host')?.split(',')[0]?.trim() || h.get('host');
    refresh();
    return {
      ok: true,
      message: `Made a ${mode} link, valid until ${formatUtcMinute(link.expiresAt)}.`,
      secret: `${proto}://${host}/share/${link.token}`,
    };
  });
}

/** Revokes a share link at once (admins any of the team's; members their own). */
export async function revokeShareLinkAction(linkId: number, _state: ActionState, _form: FormData): Promise<ActionState> {
  return withViewer({ args: [z.tuple([actionArg.id]), [linkId]] }, async (viewer, [linkId]) => {
    await revokeShareLink(viewer, linkId, dataContext());
    refresh();
    return { ok: true, message: 'Revoked: the link stopped working.' };
  });
}
