'use client';

import { useActionState } from 'react';
import { ActionForm } from '@/components/forms/ActionForm';
import {
  claudeCodeSettings,
  codexConfigToml,
  codexNotifyLine,
  geminiEnv,
  geminiSettings,
  githubWebhookUrl,
  hookCommand,
} from '@/lib/connect/agent-config';
import type { ActionState } from '@/lib/forms/action-state';
import { Snippet } from './Snippet';

const TOKEN_PLACEHOLDER = '<ingest token>';

type Action = (state: ActionState, form: FormData) => Promise<ActionState>;

/**
 * Each agent's configuration with this server's address and, once made, a new ingest token
 * in it (the token is shown only in this page's state: reloading forgets it).
 */
export function ConnectAgents({
  baseUrl,
  team,
  webhookSecretSet,
  createToken,
  newWebhookSecret,
}: {
  baseUrl: string;
  team: string;
  webhookSecretSet: boolean;
  createToken: Action;
  newWebhookSecret: Action;
}) {
  const [state, formAction, pending] = useActionState(createToken, null);
  const token = state?.ok && state.secret ? state.secret : TOKEN_PLACEHOLDER;
  return (
    <>
      <section className="card" aria-labelledby="token-heading">
        <h2 id="token-heading">1. An ingest token</h2>
        <p>
          The snippets below carry this server&apos;s address, <code>{baseUrl}</code>, and an ingest token: make one and it
          is filled in below. It is shown only on this page, now: copy the snippets before you leave.
        </p>
        <form action={formAction} className="form-row" data-testid="make-token">
          <button type="submit" disabled={pending}>
            {pending ? 'Working…' : token === TOKEN_PLACEHOLDER ? 'Make an ingest token' : 'Make another token'}
          </button>
          {state && (
            <p className={state.ok ? 'status-ok form-message' : 'status-bad form-message'} role={state.ok ? 'status' : 'alert'}>
              {state.message}
            </p>
          )}
        </form>
        {token === TOKEN_PLACEHOLDER && <p className="small muted">Until then the snippets say {TOKEN_PLACEHOLDER}.</p>}
      </section>

      <section className="card" aria-labelledby="claude-heading">
        <h2 id="claude-heading">Claude Code</h2>
        <p>
          For every user of a machine, put this in the managed settings (
          <code>/Library/Application Support/ClaudeCode/managed-settings.json</code> on macOS,{' '}
          <code>/etc/claude-code/managed-settings.json</code> on Linux, <code>C:\Program Files\ClaudeCode\managed-settings.json</code>{' '}
          on Windows); for one user, merge it into <code>~/.claude/settings.json</code>. It sends the telemetry (OpenTelemetry logs
          and metrics) and, from three hooks, each session&apos;s start, turns and end with its transcript, so runs get their
          branch and link to their pull requests.
        </p>
        <Snippet text={claudeCodeSettings(baseUrl, token)} label="managed-settings.json" testId="snippet-claude-code" />
        <details>
          <summary>The hook command alone</summary>
          <p className="small">
            Needs only <code>sh</code> and <code>curl</code>. It returns at once and sends in the background.
          </p>
          <Snippet text={hookCommand('claude-code', baseUrl, token)} label="hook command" />
        </details>
      </section>

      <section className="card" aria-labelledby="codex-heading">
        <h2 id="codex-heading">Codex</h2>
        <p>
          Append to <code>~/.codex/config.toml</code> (Codex reads <code>[otel]</code> only from the user&apos;s own config): the
          telemetry exporters and the hooks (on by default in current releases).
        </p>
        <Snippet text={codexConfigToml(baseUrl, token)} label="config.toml" testId="snippet-codex" />
        <details>
          <summary>A Codex release without hooks</summary>
          <p className="small">
            Put this line at the top of <code>config.toml</code>, before any <code>[section]</code>: Codex runs it after every
            turn. It gives no session end.
          </p>
          <Snippet text={codexNotifyLine(baseUrl, token)} label="notify" />
        </details>
      </section>

      <section className="card" aria-labelledby="gemini-heading">
        <h2 id="gemini-heading">Gemini CLI</h2>
        <p>
          Merge into <code>~/.gemini/settings.json</code> (or a project&apos;s <code>.gemini/settings.json</code>), and set the
          token in the environment Gemini CLI starts in (its settings hold no headers).
        </p>
        <Snippet text={geminiSettings(baseUrl)} label="settings.json" testId="snippet-gemini" />
        <Snippet text={geminiEnv(token)} label="shell profile" />
      </section>

      <section className="card" aria-labelledby="github-heading">
        <h2 id="github-heading">GitHub</h2>
        <p>
          In the repository&apos;s or organisation&apos;s <strong>Settings → Webhooks → Add webhook</strong>: this payload URL,
          content type <code>application/json</code> (form-encoded works too), the secret, and the events <em>Pull requests</em>{' '}
          and <em>Issues</em>.
        </p>
        <Snippet text={githubWebhookUrl(baseUrl, team)} label="payload URL" testId="snippet-github" />
        <p className="small muted" data-testid="webhook-secret-state">
          {webhookSecretSet
            ? 'The team has a webhook secret. A new one replaces it at once: GitHub must then be given the new one.'
            : 'The team has no webhook secret yet: every delivery is refused until it has one.'}
        </p>
        <ActionForm action={newWebhookSecret} submitLabel={webhookSecretSet ? 'Replace the webhook secret' : 'Make a webhook secret'} testId="webhook-secret" />
      </section>
    </>
  );
}
