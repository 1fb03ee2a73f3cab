import type { TeamSummary } from '@/lib/data/teams';

const numberFormat = new Intl.NumberFormat('en-US');
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export function TeamTable({ teams }: { teams: TeamSummary[] }) {
  return (
    <div className="table-scroll">
      <table data-testid="team-table">
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Slug</th>
            <th scope="col" className="num">Events</th>
            <th scope="col">Last active (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((t) => (
            <tr key={t.slug} data-team={t.slug}>
              <td>
                <a href={`/teams/${t.slug}`}>{t.name}</a>
              </td>
              <td><code>{t.slug}</code></td>
              <td className="num" data-testid="event-count">{numberFormat.format(t.events)}</td>
              <td>{t.lastActiveDay === null ? '—' : dayFormat.format(t.lastActiveDay)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
