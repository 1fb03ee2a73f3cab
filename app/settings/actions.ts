'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { actionArg, field, rawField, withViewer } from '@/lib/auth/actions';
import { dataContext } from '@/lib/data/context';
import { addTeam } from '@/lib/data/teams';
import { createUser, deleteUser, setUserPassword, setUserRole } from '@/lib/data/users';
import type { Role } from '@/lib/data/viewer';
import type { ActionState } from '@/lib/forms/action-state';

const role = (form: FormData): Role => (field(form, 'role') === 'admin' ? 'admin' : 'member');
const formOnly = z.tuple([actionArg.form]);
const userAndForm = z.tuple([actionArg.id, actionArg.form]);

export async function createUserAction(_state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [formOnly, [form]] }, async (viewer, [form]) => {
    const teamSlugs = form.getAll('teams').filter((v): v is string => typeof v === 'string');
    const user = await createUser(viewer, { email: field(form, 'email'), password: rawField(form, 'password'), role: role(form), teamSlugs }, dataContext());
    refresh();
    return { ok: true, message: `Created ${user.email}. Give them their password through a private channel.` };
  });
}

export async function setRoleAction(userId: number, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [userAndForm, [userId, form]] }, async (viewer, [userId, form]) => {
    await setUserRole(viewer, userId, role(form), dataContext());
    refresh();
    return { ok: true, message: 'Role changed.' };
  });
}

export async function resetPasswordAction(userId: number, _state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [userAndForm, [userId, form]] }, async (viewer, [userId, form]) => {
    await setUserPassword(viewer, userId, rawField(form, 'password'), dataContext());
    return { ok: true, message: 'Password set; their sessions have ended.' };
  });
}

export async function deleteUserAction(userId: number, _state: ActionState, _form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [z.tuple([actionArg.id]), [userId]] }, async (viewer, [userId]) => {
    await deleteUser(viewer, userId, dataContext());
    refresh();
    return { ok: true, message: 'Removed.' };
  });
}

export async function createTeamAction(_state: ActionState, form: FormData): Promise<ActionState> {
  return withViewer({ admin: true, args: [formOnly, [form]] }, async (viewer, [form]) => {
    const team = await addTeam(viewer, { slug: field(form, 'slug'), name: field(form, 'name') }, dataContext());
    refresh();
    return { ok: true, message: `Created team ${team.slug}.` };
  });
}
