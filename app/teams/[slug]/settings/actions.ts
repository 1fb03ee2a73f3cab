'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { actionArg, field, withViewer } from '@/lib/auth/actions';
import { TOKEN_SCOPES, type TokenScope } from '@/lib/auth/tokens';
import { dataContext } from '@/lib/data/context';
import { updateFlagThresholds } from '@/lib/data/team-settings';
import { issueApiToken, revokeApiToken } from '@/lib/data/tokens';
import { addTeamMember, removeTeamMember } from '@/lib/data/users';
import type { FlagThresholds } from '@/lib/flags/thresholds';
import { parseThresholdForm, THRESHOLD_FIELDS } from '@/lib/flags/threshold-fields';
import type { ActionState } from '@/lib/forms/action-state';

const teamAndForm = z.tuple([actionArg.teamSlug, actionArg.form]);
const teamAndId = z.tuple([actionArg.teamSlug, actionArg.id]);

export async function addMemberAction(teamSlug: string, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndForm, [teamSlug, form]] }, async (viewer, [teamSlug, form]) => {
    await addTeamMember(viewer, teamSlug, field(form, 'email'), dataContext());
    refresh();
    return { ok: true, message: 'Added.' };
  });
}

export async function removeMemberAction(teamSlug: string, userId: number, _state: ActionState, _form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndId, [teamSlug, userId]] }, async (viewer, [teamSlug, userId]) => {
    await removeTeamMember(viewer, teamSlug, userId, dataContext());
    refresh();
    return { ok: true, message: 'Removed from the team.' };
  });
}

export async function createTokenAction(teamSlug: string, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndForm, [teamSlug, form]] }, async (viewer, [teamSlug, form]) => {
    const scopes = TOKEN_SCOPES.filter((s) => form.get(`scope-${s}`) === 'on') as TokenScope[];
    const made = await issueApiToken(viewer, teamSlug, { scopes, name: field(form, 'name') }, dataContext());
    if (!made) return { ok: false, message: 'No such team.' };
    refresh();
    return { ok: true, message: `Token ${made.prefix}… created with ${scopes.join(', ')}.`, secret: made.token };
  });
}

export async function revokeTokenAction(teamSlug: string, tokenId: number, _state: ActionState, _form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndId, [teamSlug, tokenId]] }, async (viewer, [teamSlug, tokenId]) => {
    await revokeApiToken(viewer, teamSlug, tokenId, dataContext());
    refresh();
    return { ok: true, message: 'Revoked.' };
  });
}

export async function saveThresholdsAction(teamSlug: string, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndForm, [teamSlug, form]] }, async (viewer, [teamSlug, form]) => {
    const values: Partial<Record<keyof FlagThresholds, string>> = {};
    for (const f of THRESHOLD_FIELDS) values[f.key] = field(form, f.key);
    const parsed = parseThresholdForm(values);
    if (!parsed.ok) {
      const labels = Object.fromEntries(THRESHOLD_FIELDS.map((f) => [f.key, f.label]));
      return {
        ok: false,
        message: 'Nothing was saved: fix the fields below.',
        fields: Object.fromEntries(Object.entries(parsed.problems).map(([k, v]) => [labels[k], v!])),
      };
    }
    await updateFlagThresholds(viewer, teamSlug, parsed.changes, dataContext());
    refresh();
    return { ok: true, message: 'Thresholds saved.' };
  });
}
