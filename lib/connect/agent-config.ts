/**
 * What a team pastes into its agents' configuration to send Loopscope their telemetry and
 * hooks: one function per agent, from this server's address and an ingest token, so the
 * Connect agents page, docs/hooks.md and the tests show the same text.
 *
 * The hook command needs only a POSIX shell (sh, sed, tr, cat) and curl, and stays one line:
 * it reads the hook's JSON from standard input, takes the transcript's path from it, and sends
 * the JSON (made one line) followed by the transcript, streamed (`curl -T -`: chunked, never
 * read into memory), in the background, so the agent never waits on the network (Claude Code
 * gives a SessionEnd hook 1.5 s, Codex 1 s). It runs under `sh -c` because the agent runs
 * hooks in the user's own shell, which may not be a POSIX one.
 */
import type { HookAgent } from '@/lib/importers/types';

/** `s` as one word for a POSIX shell (and fish): single-quoted, with `'` as `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The sed expression that prints the hook input's `transcript_path` (JSON, unescaped backslashes). */
const TRANSCRIPT_PATH = `sed -n 's/.*"transcript_path" *: *"\\([^"]*\\)".*/\\1/p'`;

/**
 * Sends what `lines` prints (the hook input's line, then the transcript) to the agent's hooks
 * endpoint: streamed, in the background, silently.
 */
function sendInBackground(lines: string, agent: HookAgent, url: string, token: string): string {
  return (
    `{ { ${lines}; } | curl -sS -m 600 -X POST -T - -H 'Content-Type: application/x-ndjson' -H ${shellQuote(`Authorization: Bearer ${token}`)} ` +
    `${shellQuote(`${base(url)}/api/v1/hooks/${agent}`)}; } >/dev/null 2>&1 &`
  );
}

/** Prints the hook input `$h` as one line. */
const HOOK_LINE = `printf '%s' "$h" | tr -d '\\r\\n'; echo`;

/**
 * The script a hook runs: reads the hook input, sends it and the transcript (for Claude Code
 * with its sub-agents' files) to `POST <url>/api/v1/hooks/<agent>`.
 */
export function hookScript(agent: HookAgent, url: string, token: string): string {
  const unescape = agent === 'claude-code' ? ` | sed 's/\\\\\\\\/\\\\/g'` : ''; // C:\\Users → C:\Users (Windows paths)
  const files = agent === 'claude-code' ? `"$p" "\${p%.jsonl}"/subagents/*.jsonl` : `"$p"`;
  return `h=$(cat); p=$(printf '%s' "$h" | ${TRANSCRIPT_PATH}${unescape}); ${sendInBackground(`${HOOK_LINE}; [ -f "$p" ] && cat ${files} 2>/dev/null`, agent, url, token)}`;
}

/** The hook command an agent's settings name: the script under `sh -c`. */
export function hookCommand(agent: HookAgent, url: string, token: string): string {
  return `sh -c ${shellQuote(hookScript(agent, url, token))}`;
}

/** The session events a hook is set on: start (the run begins), every turn's end, the end. */
export const HOOK_EVENTS = ['SessionStart', 'Stop', 'SessionEnd'] as const;

function hooksBlock(command: string): Record<string, unknown> {
  return Object.fromEntries(HOOK_EVENTS.map((e) => [e, [{ hooks: [{ type: 'command', command, timeout: 10 }] }]]));
}

/**
 * Claude Code's `managed-settings.json` (every user of a machine) or `~/.claude/settings.json`:
 * OpenTelemetry logs and metrics to this server (docs: code.claude.com/docs/en/monitoring-usage)
 * and the hooks.
 */
export function claudeCodeSettings(url: string, token: string): string {
  const settings = {
    env: {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: base(url),
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${token}`,
    },
    hooks: hooksBlock(hookCommand('claude-code', url, token)),
  };
  return JSON.stringify(settings, null, 2);
}

/** A TOML basic string. */
function tomlString(s: string): string {
  return JSON.stringify(s); // JSON's escapes are TOML's for the characters a URL or token can hold
}

/** A TOML literal string for the command (it holds no three quotes in a row). */
function tomlLiteral(s: string): string {
  if (s.includes("'''")) throw new Error("a command with ''' cannot be a TOML literal string");
  return `'''${s}'''`;
}

/**
 * Codex's `~/.codex/config.toml`: `[otel]` (codex-rs `OtelConfigToml`: `exporter` for logs,
 * `trace_exporter`, `metrics_exporter`, each `{ otlp-http = { endpoint, protocol, headers } }`
 * with the signal's full URL) and the hooks (`[hooks]`, Claude Code's shape; codex-rs
 * `HookEventsToml`, on by default since hooks became stable).
 */
export function codexConfigToml(url: string, token: string): string {
  const headers = `headers = { "Authorization" = ${tomlString(`Bearer ${token}`)} }`;
  const exporter = (signal: string) => `{ otlp-http = { endpoint = ${tomlString(`${base(url)}/v1/${signal}`)}, protocol = "binary", ${headers} } }`;
  const command = tomlLiteral(hookCommand('codex', url, token));
  const hooks = HOOK_EVENTS.map((e) => `[[hooks.${e}]]\n[[hooks.${e}.hooks]]\ntype = "command"\ncommand = ${command}\ntimeout = 10`).join('\n\n');
  return [
    '[otel]',
    'log_user_prompt = false',
    `exporter = ${exporter('logs')}`,
    `trace_exporter = ${exporter('traces')}`,
    `metrics_exporter = ${exporter('metrics')}`,
    '',
    hooks,
    '',
  ].join('\n');
}

/**
 * For Codex releases without hooks: the `notify` program (top level of config.toml). Codex
 * runs it after each turn with a JSON argument (`agent-turn-complete`, `thread-id`); the
 * rollout is found by the thread id under `$CODEX_HOME/sessions`. It gives no session end.
 */
export function codexNotifyLine(url: string, token: string): string {
  const script =
    `h=$1; id=$(printf '%s' "$h" | sed -n 's/.*"thread-id" *: *"\\([^"]*\\)".*/\\1/p'); ` +
    `p=$(find "\${CODEX_HOME:-$HOME/.codex}/sessions" -name "rollout-*$id.jsonl" 2>/dev/null | head -n 1); ` +
    sendInBackground(`${HOOK_LINE}; [ -n "$id" ] && [ -f "$p" ] && cat "$p"`, 'codex', url, token);
  return `notify = ["sh", "-c", ${tomlLiteral(script)}, "loopscope"]`;
}

/**
 * Gemini CLI's `.gemini/settings.json` `telemetry` (its docs/cli/telemetry.md: with protocol
 * `http` it posts to `<otlpEndpoint>/v1/traces`, `/v1/logs`, `/v1/metrics`, as protobuf). Its
 * settings hold no headers: the token goes in `OTEL_EXPORTER_OTLP_HEADERS`, which the
 * OpenTelemetry exporters it uses read (see geminiEnv).
 */
export function geminiSettings(url: string): string {
  return JSON.stringify({ telemetry: { enabled: true, target: 'local', otlpEndpoint: base(url), otlpProtocol: 'http', logPrompts: false } }, null, 2);
}

export function geminiEnv(token: string): string {
  return `export OTEL_EXPORTER_OTLP_HEADERS=${shellQuote(`Authorization=Bearer ${token}`)}`;
}

/** The GitHub webhook's payload URL for a team. */
export function githubWebhookUrl(url: string, team: string): string {
  return `${base(url)}/api/v1/github/webhook?team=${encodeURIComponent(team)}`;
}
