import { revokeShareLinkAction } from '@/app/teams/[slug]/share-actions';
import { ActionForm } from '@/components/forms/ActionForm';
import type { ShareLinkSummary } from '@/lib/data/share-links';
import { formatUtcMinute } from '@/lib/format';
import { TableScroll } from '@/components/TableScroll';

const when = (ms: number | null) => formatUtcMinute(ms, 'never');

/** Active share links of a team: who made each, when, until when, last view; revoke. */
export function ShareLinkList({ links, showCreator }: { links: ShareLinkSummary[]; showCreator: boolean }) {
  if (links.length === 0) return <p className="muted">No active share link.</p>;
  return (
    <TableScroll label="Share links">
      <table data-testid="share-links">
        <thead>
          <tr>
            <th scope="col">View</th>
            <th scope="col">Kind</th>
            {showCreator && <th scope="col">Made by</th>}
            <th scope="col">Made</th>
            <th scope="col">Expires</th>
            <th scope="col">Last viewed</th>
            <th scope="col">
              <span className="sr-only">Revoke</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {links.map((l) => (
            <tr key={l.id} data-share-link={l.id}>
              <td>{l.rangeLabel}</td>
              <td>{l.mode}</td>
              {showCreator && <td>{l.createdBy ?? '(removed user)'}</td>}
              <td>{when(l.createdAt)}</td>
              <td>{when(l.expiresAt)}</td>
              <td>{when(l.lastViewedAt)}</td>
              <td>
                <ActionForm
                  action={revokeShareLinkAction.bind(null, l.id)}
                  submitLabel="Revoke"
                  danger
                  className="inline-form"
                  confirm="Revoke this link? Whoever has it sees “no longer valid” from now on."
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
