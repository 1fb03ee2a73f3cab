import type { UploadLinks } from '@/lib/dashboard/upload-links';
import { TableScroll } from '@/components/TableScroll';

interface Problem {
  line: number;
  index?: number;
  field: string;
  message: string;
  /** The file inside a zip upload. */
  file?: string;
}

export interface Result {
  ok: boolean;
  accepted: number;
  duplicates: number;
  rejectedCount: number;
  problems: Problem[];
  /** Why the file as a whole could not be read, when that is why it was refused (lib/ingest/ingest.ts). */
  unreadable?: string;
  /** Where to look at what was stored (a successful upload that stored something). */
  stored?: UploadLinks;
}

export const numberFormat = new Intl.NumberFormat('en-US');
const count = (n: number, one: string, many: string) => `${numberFormat.format(n)} ${n === 1 ? one : many}`;

/** Where to see what the upload stored: the team's dashboard over those days, and its runs. */
function StoredLinks({ stored }: { stored: UploadLinks }) {
  return (
    <div className="stored-links" data-testid="stored-links">
      <p>
        <a href={stored.team.href} data-testid="stored-team-link">
          Open {stored.team.name}&apos;s dashboard{stored.span ? ` for ${stored.span}` : ''} →
        </a>
      </p>
      {stored.runCount > 0 && (
        <>
          <p className="muted small">
            {count(stored.runCount, 'run', 'runs')} stored{stored.runs.length < stored.runCount ? ` (the ${stored.runs.length} with the most events)` : ''}:
          </p>
          <ul className="stored-runs">
            {stored.runs.map((r) => (
              <li key={r.run}>
                <a href={r.href}>
                  <code>{r.run}</code>
                </a>{' '}
                <span className="muted small">{count(r.events, 'event', 'events')}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * Problems alike (same file, field and message) as one row, in the order they first came: a file
 * with one mistake on every line lists it once with how often, instead of a thousand equal rows.
 */
function groupProblems(problems: Problem[]): { first: Problem; count: number; lastLine: number }[] {
  const groups = new Map<string, { first: Problem; count: number; lastLine: number }>();
  for (const p of problems) {
    const key = JSON.stringify([p.file ?? '', p.field, p.message]);
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.lastLine = p.line;
    } else groups.set(key, { first: p, count: 1, lastLine: p.line });
  }
  return [...groups.values()];
}

/** What an upload came to: the counts and where to see them, or why nothing was stored. */
export function UploadResult({ result }: { result: Result }) {
  // The file as a whole could not be read (its format, a broken array): no event in it is at fault.
  const wholeFile = !result.ok && result.unreadable !== undefined;
  const empty = result.ok && result.accepted + result.duplicates + result.rejectedCount === 0;
  return (
    <div style={{ marginTop: '1rem' }} data-testid="upload-result">
      {empty ? (
        <p role="status" data-testid="upload-empty">
          Nothing to import: the file holds no events.
        </p>
      ) : result.ok ? (
        <div className="stat-row" role="status">
          <div className="stat">
            <strong data-testid="accepted-count">{numberFormat.format(result.accepted)}</strong>accepted
          </div>
          <div className="stat">
            <strong data-testid="duplicate-count">{numberFormat.format(result.duplicates)}</strong>
            {result.duplicates === 1 ? 'duplicate' : 'duplicates'}
          </div>
          <div className="stat">
            <strong>{numberFormat.format(result.rejectedCount)}</strong>rejected
          </div>
        </div>
      ) : wholeFile ? (
        <p role="alert" className="status-bad" data-testid="upload-refused">
          Nothing was stored: {result.unreadable}.
        </p>
      ) : (
        <p role="alert" className="status-bad">
          {count(result.rejectedCount, 'invalid event', 'invalid events')}: nothing was stored. Fix {result.rejectedCount === 1 ? 'it' : 'them'}, or
          tick “store the valid events”.
        </p>
      )}
      {result.stored && !empty && <StoredLinks stored={result.stored} />}
      {result.problems.length > (wholeFile ? 1 : 0) && (
        <TableScroll label="Problems">
          <table data-testid="problems">
            <caption className="muted" style={{ textAlign: 'left', padding: '0.5rem 0' }}>
              Problems{result.problems.length < result.rejectedCount ? ` (first ${numberFormat.format(result.problems.length)})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col" className="num">Line</th>
                <th scope="col">Field</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {groupProblems(result.problems).map(({ first: p, count: n, lastLine }, i) => (
                <tr key={i}>
                  <td className="num">
                    {p.file && <span className="muted">{p.file}:</span>}
                    {p.line}
                    {p.index !== undefined && <span className="muted"> (#{p.index})</span>}
                  </td>
                  <td>
                    <code>{p.field || '—'}</code>
                  </td>
                  <td>
                    {p.message}
                    {n > 1 && (
                      <span className="muted" data-testid="problem-repeats">
                        {' '}
                        (and {count(n - 1, 'more line', 'more lines')} like it, up to line {lastLine})
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
