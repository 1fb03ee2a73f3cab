'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { actionArg, withViewer } from '@/lib/auth/actions';
import { newGithubWebhookSecret } from '@/lib/data/connect';
import { dataContext } from '@/lib/data/context';
import { issueApiToken } from '@/lib/data/tokens';
import type { ActionState } from '@/lib/forms/action-state';

const teamAndForm = z.tuple([actionArg.teamSlug, actionArg.form]);

export async function createIngestTokenAction(teamSlug: string, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndForm, [teamSlug, form]] }, async (viewer, [teamSlug]) => {
    const made = await issueApiToken(viewer, teamSlug, { scopes: ['ingest'], name: 'agents (Connect agents)' }, dataContext());
    if (!made) return { ok: false, message: 'No such team.' };
    return { ok: true, message: `Token ${made.prefix}… made (ingest only), and filled in below. It is not shown again.`, secret: made.token };
  });
}

export async function newWebhookSecretAction(teamSlug: string, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndForm, [teamSlug, form]] }, async (viewer, [teamSlug]) => {
    const secret = await newGithubWebhookSecret(viewer, teamSlug, dataContext());
    if (!secret) return { ok: false, message: 'No such team.' };
    refresh();
    return { ok: true, message: 'Saved: deliveries are checked against it from now on.', secret };
  });
}
