import { addAlertAction, removeAlertAction, setAlertPausedAction, testAlertAction } from '@/app/teams/[slug]/settings/alert-actions';
import { ActionForm } from '@/components/forms/ActionForm';
import type { AlertDestinationSummary, DeliverySummary } from '@/lib/data/alerts';
import { FLAG_KIND_LABELS, FLAG_KINDS, isFlagKind } from '@/lib/flags/kinds';
import { formatUtcMinute } from '@/lib/format';
import { TableScroll } from '@/components/TableScroll';

const when = (ms: number | null) => formatUtcMinute(ms, '—');

function kindLabel(kind: string): string {
  if (kind === 'test') return 'Test';
  if (kind === 'digest') return 'Weekly digest';
  return isFlagKind(kind) ? FLAG_KIND_LABELS[kind] : kind;
}

function statusText(d: DeliverySummary): string {
  switch (d.status) {
    case 'delivered':
      return `delivered ${when(d.deliveredAt)}`;
    case 'pending':
      return d.attempts === 0 ? 'queued' : `retrying ${when(d.nextAttemptAt)}`;
    case 'sending':
      return 'sending';
    case 'failed':
      return 'failed';
  }
}

function Deliveries({ deliveries }: { deliveries: DeliverySummary[] }) {
  if (deliveries.length === 0) return <p className="muted small">Nothing sent yet.</p>;
  return (
    <TableScroll label="Deliveries">
      <table data-testid="alert-deliveries">
        <thead>
          <tr>
            <th scope="col">Made</th>
            <th scope="col">Alert</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col">Last answer</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id} data-testid="alert-delivery" data-status={d.status} data-kind={d.kind}>
              <td>{when(d.createdAt)}</td>
              <td>
                {kindLabel(d.kind)}
                {d.run && (
                  <>
                    {' '}
                    <code>{d.run}</code>
                  </>
                )}
                {d.week && <span className="muted"> week of {d.week}</span>}
              </td>
              <td className={d.status === 'delivered' ? 'status-ok' : d.status === 'failed' ? 'status-bad' : undefined}>{statusText(d)}</td>
              <td className="num">{d.attempts}</td>
              <td className="small answer">{d.lastAnswer ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/**
 * A team's alert destinations (admins): each with its settings, its actions (test, pause or
 * resume, remove) and its latest deliveries; the form that adds one.
 */
export function AlertSettings({ teamSlug, destinations, linkBase, publicUrlSet }: {
  teamSlug: string;
  destinations: AlertDestinationSummary[];
  linkBase: string;
  publicUrlSet: boolean;
}) {
  return (
    <>
      <p className="muted small">
        Each flag of the last 7 days is posted once to each destination that wants its kind, as JSON with a <code>text</code> line that Slack,
        Mattermost, Microsoft Teams workflows and Discord&apos;s Slack-compatible webhooks show; failed deliveries are retried for 24 hours. With a
        secret, each is signed in <code>X-Loopscope-Signature-256</code> (HMAC-SHA256 of the body); the secret is stored in clear in the database.
      </p>
      {!publicUrlSet && (
        <p className="status-bad small" data-testid="public-url-warning">
          <code>LOOPSCOPE_PUBLIC_URL</code> is not set: links in alerts point to <code>{linkBase}</code>, which only this machine can open. Set it to
          the address people use to reach Loopscope.
        </p>
      )}
      {destinations.length === 0 ? (
        <p className="muted">No destination: this team&apos;s flags reach no chat.</p>
      ) : (
        destinations.map((d) => (
          <div key={d.id} className="alert-destination" data-testid="alert-destination" data-destination-id={d.id}>
            <h3 className="small-heading">
              <code>{d.url}</code> <span className={d.paused ? 'status-bad' : 'status-ok'}>{d.paused ? 'paused' : 'active'}</span>
            </h3>
            <p className="muted small">
              {d.kinds.length > 0 ? d.kinds.map((k) => FLAG_KIND_LABELS[k]).join(', ') : 'No flag'}
              {d.digest ? ' · weekly digest' : ''} · {d.signed ? 'signed' : 'unsigned'} · added {when(d.createdAt)}
            </p>
            {/* Send test comes last: its answer, shown beside it, then moves no other button. */}
            <div className="inline-form">
              <ActionForm
                action={setAlertPausedAction.bind(null, teamSlug, d.id, !d.paused)}
                submitLabel={d.paused ? 'Resume' : 'Pause'}
                className="inline-form"
              />
              <ActionForm
                action={removeAlertAction.bind(null, teamSlug, d.id)}
                submitLabel="Remove"
                danger
                className="inline-form"
                confirm="Remove this destination? The team's flags stop reaching it."
              />
              <ActionForm action={testAlertAction.bind(null, teamSlug, d.id)} submitLabel="Send test" className="inline-form" testId="send-test" />
            </div>
            <Deliveries deliveries={d.recent} />
          </div>
        ))
      )}
      <h3 className="small-heading">Add a destination</h3>
      <ActionForm action={addAlertAction.bind(null, teamSlug)} submitLabel="Add destination" testId="add-alert">
        <label>
          Incoming-webhook URL
          <input type="url" name="url" required maxLength={2048} placeholder="e.g. https://hooks.slack.com/services/…" />
        </label>
        <label>
          Signing secret (optional)
          <input type="text" name="secret" maxLength={256} autoComplete="off" />
        </label>
        <fieldset className="inline-fieldset">
          <legend>Flags</legend>
          {FLAG_KINDS.map((k) => (
            <label key={k} className="checkbox">
              <input type="checkbox" name={`kind-${k}`} defaultChecked /> {FLAG_KIND_LABELS[k]}
            </label>
          ))}
          <label className="checkbox">
            <input type="checkbox" name="digest" /> Weekly digest
          </label>
        </fieldset>
      </ActionForm>
    </>
  );
}
