import type { SourceActivity } from '@/lib/data/connect';
import { formatInt, formatUtcMinute } from '@/lib/format';
import { TableScroll } from '@/components/TableScroll';

/** The sources the Connect page lists, in its order. */
export const CONNECT_SOURCES: { label: string; source: string; agent: string | null }[] = [
  { label: 'Claude Code hooks', source: 'hook', agent: 'claude-code' },
  { label: 'Claude Code telemetry', source: 'otlp', agent: 'claude-code' },
  { label: 'Codex hooks', source: 'hook', agent: 'codex' },
  { label: 'Codex telemetry', source: 'otlp', agent: 'codex' },
  { label: 'Gemini CLI telemetry', source: 'otlp', agent: 'gemini-cli' },
  { label: 'GitHub webhook', source: 'webhook', agent: null },
];

/** Per source: when it last sent something and what the last hour brought. */
export function AgentActivity({ activity }: { activity: SourceActivity[] }) {
  const known = new Set(CONNECT_SOURCES.map((s) => `${s.source}\u0000${s.agent}`));
  const rows = [
    ...CONNECT_SOURCES.map((s) => ({ label: s.label, found: activity.find((a) => a.source === s.source && a.agent === s.agent) })),
    // Anything else that reached the team (another agent's telemetry) is listed too.
    ...activity
      .filter((a) => !known.has(`${a.source}\u0000${a.agent}`))
      .map((a) => ({ label: `${a.agent ?? 'Unnamed'} ${a.source === 'otlp' ? 'telemetry' : a.source}`, found: a })),
  ];
  return (
    <TableScroll label="What has arrived">
      <table data-testid="agent-activity">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Last received</th>
            <th scope="col">Last hour</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ label, found }) => (
            <tr key={label} data-source={label}>
              <th scope="row">{label}</th>
              {found ? (
                <>
                  <td>{formatUtcMinute(found.lastAt, '—')}</td>
                  <td>
                    {formatInt(found.lastHour.requests)} request{found.lastHour.requests === 1 ? '' : 's'}, {formatInt(found.lastHour.accepted)}{' '}
                    new event{found.lastHour.accepted === 1 ? '' : 's'}
                    {found.lastHour.rejected > 0 && <span className="status-bad"> ({formatInt(found.lastHour.rejected)} rejected)</span>}
                  </td>
                </>
              ) : (
                <td colSpan={2} className="muted">
                  Nothing received yet
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
