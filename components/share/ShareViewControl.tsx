import { createShareLinkAction } from '@/app/teams/[slug]/share-actions';
import { ActionForm } from '@/components/forms/ActionForm';
import { DEFAULT_SHARE_DAYS, type ShareLinkSummary } from '@/lib/data/share-links';
import type { UserViewer } from '@/lib/data/viewer';
import { ShareLinkList } from './ShareLinkList';

const EXPIRY_DAYS = [1, 7, 30, 90, 365];

/**
 * "Share this view": makes a link to a read-only copy of this dashboard view (team, range, filters)
 * for people without an account, and lists the viewer's active links for the team (an admin's:
 * all of them) with revoke.
 */
export function ShareViewControl({
  viewer,
  teamSlug,
  links,
  searchParams,
}: {
  viewer: UserViewer;
  teamSlug: string;
  /** The viewer's active links for the team (an admin's: all of them). */
  links: ShareLinkSummary[];
  searchParams: Record<string, string | string[] | undefined>;
}) {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(searchParams)) if (typeof v === 'string') params[k] = v;
  return (
    <details className="card share-control" data-testid="share-control">
      <summary>Share this view</summary>
      <p className="muted small">
        Anyone with the link sees this team&apos;s figures for this range and filters (KPI cards, weekly figures, flags),
        read-only and without an account, until it expires or is revoked. The runs table is not shared.
      </p>
      <ActionForm
        action={createShareLinkAction.bind(null, teamSlug, params)}
        submitLabel="Create share link"
        testId="share-form"
        secretLabel="Share link (copy it now: it is shown only this once)"
        keepValues
      >
        <fieldset className="inline-fieldset">
          <legend>Figures</legend>
          <label className="checkbox">
            <input type="radio" name="mode" value="snapshot" defaultChecked /> Snapshot (frozen now)
          </label>
          <label className="checkbox">
            <input type="radio" name="mode" value="live" /> Live (updated on each view)
          </label>
        </fieldset>
        <label>
          Expires after
          <select name="days" defaultValue={String(DEFAULT_SHARE_DAYS)}>
            {EXPIRY_DAYS.map((d) => (
              <option key={d} value={d}>
                {d === 1 ? '1 day' : d === 365 ? '1 year' : `${d} days`}
              </option>
            ))}
          </select>
        </label>
      </ActionForm>
      <h3 className="small-heading">{viewer.role === 'admin' ? 'Active links for this team' : 'Your active links for this team'}</h3>
      <ShareLinkList links={links} showCreator={viewer.role === 'admin'} />
    </details>
  );
}
