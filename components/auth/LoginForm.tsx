'use client';

import { useActionState } from 'react';
import { signInAction } from '@/app/login/actions';

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(signInAction, null);
  return (
    <form action={action} className="card stack" data-testid="login-form">
      <input type="hidden" name="next" value={next} />
      <label>
        E-mail
        {/* A refused sign-in keeps the e-mail: the form is reset to this after the action. */}
        <input type="email" name="email" autoComplete="username" required maxLength={254} autoFocus defaultValue={state?.values?.email} />
      </label>
      <label>
        Password
        <input type="password" name="password" autoComplete="current-password" required maxLength={256} />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      {state && !state.ok && (
        <p className="status-bad" role="alert" data-testid="login-error">
          {state.message}
        </p>
      )}
    </form>
  );
}
