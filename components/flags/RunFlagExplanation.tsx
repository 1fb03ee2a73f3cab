import type { RunFlagExplanation as Explanation } from '@/lib/flags/explain';
import { FLAG_KIND_LABELS } from '@/lib/flags/kinds';

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** Why the run is, or is not, flagged: each rule with the numbers it was held against. */
export function RunFlagExplanation({ explanation }: { explanation: Explanation }) {
  switch (explanation.status) {
    case 'no-events':
      return <p className="muted">No event of this run exists yet at this as-of time.</p>;
    case 'outside-window':
      return <p className="muted">Its last event ({day.format(explanation.lastEventAt)}) is outside the window, so no rule applies.</p>;
    case 'converged':
      return (
        <p className="status-ok" data-testid="flag-status">
          Not flagged: a linked change merged on {day.format(explanation.convergedAt)}, and a run that converged carries no flag.
        </p>
      );
    case 'checked': {
      const tripped = explanation.rules.filter((r) => r.tripped);
      return (
        <>
          <p className={tripped.length ? 'status-bad' : 'status-ok'} data-testid="flag-status">
            {tripped.length ? `Flagged: ${tripped.map((r) => FLAG_KIND_LABELS[r.kind].toLowerCase()).join(', ')}.` : 'Not flagged: no rule trips.'}
          </p>
          <ul className="flag-list" data-testid="flag-rules">
            {explanation.rules.map((r) => (
              <li key={r.kind} data-flag-kind={r.kind} data-tripped={r.tripped ? 'yes' : 'no'}>
                <span className={`flag-kind ${r.tripped ? `flag-${r.kind}` : ''}`}>{FLAG_KIND_LABELS[r.kind]}</span>{' '}
                {r.tripped ? <strong>trips</strong> : <span className="muted">does not trip</span>}
                <div className="muted">{r.sentence}</div>
              </li>
            ))}
          </ul>
        </>
      );
    }
  }
}
