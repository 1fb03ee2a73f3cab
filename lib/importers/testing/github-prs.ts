/**
 * GitHub pull_request deliveries for the Claude Code fixture session 3f6b1c2e-…: the PR opened
 * from its branch (acme/api#42, merged) and the PR that reverted it (#57). Shared by the
 * importer tests and the end-to-end check that a run's drill-down shows its PR and that PR's fate.
 */
export function loginFixPullRequests(): { event: string; payload: Record<string, unknown> }[] {
  return [
    { event: 'pull_request', payload: prPayload('opened', { created_at: '2026-11-02T09:01:34Z' }) },
    { event: 'pull_request', payload: prPayload('closed', { merged: true, merged_at: '2026-11-03T15:00:00Z', closed_at: '2026-11-03T15:00:00Z' }) },
    { event: 'pull_request', payload: revertPayload() },
  ];
}

export function prPayload(action: string, pr: Record<string, unknown>) {
  return {
    action,
    number: 42,
    pull_request: {
      id: 2_041_000_042,
      number: 42,
      state: action === 'opened' ? 'open' : 'closed',
      title: 'Fix the login redirect loop',
      body: 'Redirect only to same-origin paths.',
      created_at: '2026-11-02T09:01:34Z',
      closed_at: null,
      merged_at: null,
      merged: false,
      head: { ref: 'fix-login-redirect', sha: 'a1b2c3d' },
      base: { ref: 'main', sha: 'e4f5a6b' },
      additions: 18,
      deletions: 3,
      ...pr,
    },
    repository: { id: 1296269, full_name: 'acme/api', default_branch: 'main' },
    sender: { login: 'dev' },
  };
}

export function revertPayload() {
  return {
    action: 'closed',
    number: 57,
    pull_request: {
      id: 2_041_000_057,
      number: 57,
      state: 'closed',
      title: 'Revert "Fix the login redirect loop"',
      body: 'Reverts acme/api#42',
      created_at: '2026-11-05T09:30:00Z',
      closed_at: '2026-11-05T10:00:00Z',
      merged_at: '2026-11-05T10:00:00Z',
      merged: true,
      head: { ref: 'revert-42-fix-login-redirect', sha: 'f0f0f0f' },
      base: { ref: 'main', sha: 'a0a0a0a' },
      additions: 3,
      deletions: 18,
    },
    repository: { id: 1296269, full_name: 'acme/api', default_branch: 'main' },
    sender: { login: 'dev' },
  };
}
