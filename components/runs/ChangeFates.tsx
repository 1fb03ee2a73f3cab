import type { ChangeFate } from '@/lib/data/runs';
import { TableScroll } from '@/components/TableScroll';

const DAY = 86_400_000;
const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/** A change's fate in words: merged or not, then touched within a week, reverted, blamed for a defect. */
export function fateOf(c: ChangeFate): { text: string; tone: 'ok' | 'bad' | 'muted' } {
  if (c.mergedAt === null) return c.closedAt !== null ? { text: 'closed without merging', tone: 'bad' } : { text: 'open', tone: 'muted' };
  const parts: string[] = [];
  const weekAfter = (t: number) => t > c.mergedAt! && t <= c.mergedAt! + 7 * DAY;
  const earlyEdits = c.modified.filter((m) => weekAfter(m.at));
  if (c.reverted.length) parts.push(`reverted ${day.format(c.reverted[0].at)}${c.reverted[0].by ? ` by ${c.reverted[0].by}` : ''}`);
  if (earlyEdits.length) parts.push(`modified within a week (${earlyEdits.reduce((s, m) => s + (m.lines ?? 0), 0)} lines)`);
  if (c.defects.length) parts.push(`${c.defects.length} defect${c.defects.length > 1 ? 's' : ''} (${c.defects.map((d) => `${d.defect}${d.fixedAt ? ' fixed' : ' open'}`).join(', ')})`);
  return parts.length ? { text: `merged ${day.format(c.mergedAt)}; ${parts.join('; ')}`, tone: 'bad' } : { text: `merged ${day.format(c.mergedAt)}; nothing came back`, tone: 'ok' };
}

export function ChangeFates({ changes }: { changes: ChangeFate[] }) {
  if (changes.length === 0) {
    return <p className="muted">No change is linked to this run: it names none, and no change opened on its repository and branch after it started.</p>;
  }
  return (
    <TableScroll label="Changes">
      <table data-testid="run-changes">
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Branch</th>
            <th scope="col">What became of it</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => {
            const fate = fateOf(c);
            return (
              <tr key={c.change}>
                <td>
                  <code>{c.change}</code>
                  {c.title && <div className="muted small">{c.title}</div>}
                </td>
                <td>{c.branch ?? '—'}</td>
                <td className={fate.tone === 'ok' ? 'status-ok' : fate.tone === 'bad' ? 'status-bad' : 'muted'}>{fate.text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
