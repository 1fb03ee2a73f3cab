'use client';

import { useActionState } from 'react';
import { completeSetupAction } from '@/app/setup/[token]/actions';

export function SetupForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState(completeSetupAction, null);
  return (
    <form action={action} className="card stack" data-testid="setup-form">
      <input type="hidden" name="token" value={token} />
      <label>
        Your e-mail
        <input type="email" name="email" autoComplete="username" required maxLength={254} autoFocus />
      </label>
      <label>
        Password (at least 8 characters)
        <input type="password" name="password" autoComplete="new-password" required minLength={8} maxLength={256} />
      </label>
      <label>
        Password again
        <input type="password" name="confirm" autoComplete="new-password" required minLength={8} maxLength={256} />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create the admin account'}
      </button>
      {state && !state.ok && (
        <p className="status-bad" role="alert">
          {state.message}
        </p>
      )}
    </form>
  );
}
