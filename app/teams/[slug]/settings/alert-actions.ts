'use server';

import { refresh } from 'next/cache';
import { sendTestAlert } from '@/lib/alerts/sender';
import { z } from 'zod';
import { actionArg, field, withViewer } from '@/lib/auth/actions';
import { alertLinkBase } from '@/lib/config';
import { addAlertDestination, removeAlertDestination, setAlertDestinationPaused } from '@/lib/data/alerts';
import { dataContext } from '@/lib/data/context';
import { FLAG_KINDS } from '@/lib/flags/kinds';
import type { ActionState } from '@/lib/forms/action-state';

const teamAndForm = z.tuple([actionArg.teamSlug, actionArg.form]);
const teamAndId = z.tuple([actionArg.teamSlug, actionArg.id]);
const teamIdAndFlag = z.tuple([actionArg.teamSlug, actionArg.id, z.boolean()]);

export async function addAlertAction(teamSlug: string, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndForm, [teamSlug, form]] }, async (viewer, [teamSlug, form]) => {
    const kinds = FLAG_KINDS.filter((k) => form.get(`kind-${k}`) === 'on');
    const { id } = await addAlertDestination(
      viewer,
      teamSlug,
      { url: field(form, 'url'), secret: field(form, 'secret'), kinds, digest: form.get('digest') === 'on' },
      dataContext(),
    );
    refresh();
    return { ok: true, message: `Destination ${id} added: press "Send test" to check it.` };
  });
}

/** Sends a test message now and answers what the receiver said (the request waits for it, 10 s at most). */
export async function testAlertAction(teamSlug: string, id: number, _state: ActionState, _form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndId, [teamSlug, id]] }, async (viewer, [teamSlug, id]) => {
    const { result } = await sendTestAlert(viewer, id, dataContext(), { baseUrl: alertLinkBase(), teamSlug });
    refresh();
    return result.status === 'delivered'
      ? { ok: true, message: `Test delivered: ${result.answer}` }
      : { ok: false, message: `Test not accepted: ${result.answer}` };
  });
}

export async function setAlertPausedAction(teamSlug: string, id: number, paused: boolean, _state: ActionState, _form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamIdAndFlag, [teamSlug, id, paused]] }, async (viewer, [teamSlug, id, paused]) => {
    await setAlertDestinationPaused(viewer, id, paused, dataContext(), teamSlug);
    refresh();
    return { ok: true, message: paused ? 'Paused.' : 'Resumed.' };
  });
}

export async function removeAlertAction(teamSlug: string, id: number, _state: ActionState, _form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [teamAndId, [teamSlug, id]] }, async (viewer, [teamSlug, id]) => {
    await removeAlertDestination(viewer, id, dataContext(), teamSlug);
    refresh();
    return { ok: true, message: 'Removed.' };
  });
}
