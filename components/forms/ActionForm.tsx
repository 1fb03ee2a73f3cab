'use client';

import { useActionState, type ReactNode } from 'react';
import type { ActionState } from '@/lib/forms/action-state';

/**
 * A form posting to a server action, with its pending state and answer: a status line, and a
 * secret (a new token or link) shown once in a read-only field with a copy button.
 */
export function ActionForm({
  action,
  submitLabel,
  children,
  className,
  danger,
  testId,
  secretLabel = 'Copy it now: it is shown only this once.',
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  children?: ReactNode;
  className?: string;
  danger?: boolean;
  testId?: string;
  secretLabel?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className={className ?? 'form-row'} data-testid={testId}>
      {children}
      <button type="submit" disabled={pending} className={danger ? 'danger' : undefined}>
        {pending ? 'Working…' : submitLabel}
      </button>
      {state && (
        <p className={state.ok ? 'status-ok form-message' : 'status-bad form-message'} role={state.ok ? 'status' : 'alert'}>
          {state.message}
        </p>
      )}
      {state?.fields && (
        <ul className="status-bad form-message">
          {Object.entries(state.fields).map(([name, problem]) => (
            <li key={name}>
              {name}: {problem}
            </li>
          ))}
        </ul>
      )}
      {state?.secret && (
        <div className="secret form-message" data-testid="secret">
          <label>
            {secretLabel}
            <input type="text" readOnly value={state.secret} onFocus={(e) => e.currentTarget.select()} data-testid="secret-value" />
          </label>
          <button type="button" className="secondary" onClick={() => navigator.clipboard?.writeText(state.secret!)}>
            Copy
          </button>
        </div>
      )}
    </form>
  );
}
