'use client';

import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ActionState } from '@/lib/forms/action-state';

/**
 * A form posting to a server action, with its pending state and answer: a status line, and a
 * secret (a new token or link) shown once in a read-only field with a copy button. With
 * `confirm`, the button first asks (the question, then "Yes, …" or Cancel) before anything is sent.
 *
 * A refused submission keeps what was typed, so only the field at fault needs fixing: React resets a
 * form whose `action` ran, so once the page is interactive the form is sent from `onSubmit` instead
 * (`action` stays for a page without JavaScript). After a success the form is cleared for the
 * next one, unless `keepValues` (choices worth keeping, such as a share link's).
 */
export function ActionForm({
  action,
  submitLabel,
  children,
  className,
  danger,
  testId,
  secretLabel = 'Copy it now: it is shown only this once.',
  confirm,
  keepValues,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  children?: ReactNode;
  className?: string;
  danger?: boolean;
  testId?: string;
  secretLabel?: string;
  /** A question to answer before the action is sent (revoking, removing). */
  confirm?: string;
  /** Keep the form's values after a success too. */
  keepValues?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const [asking, setAsking] = useState(false);
  const [copied, setCopied] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  useEffect(() => {
    setCopied(false);
    if (state?.ok && !keepValues) form.current?.reset();
  }, [state, keepValues]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAsking(false);
    const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => formAction(data));
  };
  const submit = (
    <button type="submit" disabled={pending} className={danger ? 'danger' : undefined} ref={yes}>
      {pending ? 'Working…' : confirm ? `Yes, ${submitLabel.toLowerCase()}` : submitLabel}
    </button>
  );
  return (
    <form ref={form} action={formAction} className={className ?? 'form-row'} data-testid={testId} onSubmit={onSubmit}>
      {children}
      {!confirm ? (
        submit
      ) : asking || pending ? (
        <span className="confirm" role="group" aria-label={confirm} onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
          <span className="confirm-question">{confirm}</span>
          {submit}
          <button type="button" className="secondary" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" className={danger ? 'danger' : undefined} onClick={() => setAsking(true)}>
          {submitLabel}
        </button>
      )}
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
          <button type="button" className="secondary" onClick={() => navigator.clipboard?.writeText(state.secret!).then(() => setCopied(true))}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
    </form>
  );
}
