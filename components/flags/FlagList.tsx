import { describeFlag, FLAG_KIND_LABELS, type Flag } from '@/lib/flags';

/** Flags with the sentence that explains each; run flags link to their drill-down. */
export function FlagList({ flags, runHref }: { flags: Flag[]; runHref?: (run: string) => string }) {
  if (flags.length === 0) {
    return <p className="muted">No loop is flagged in this window: every busy run either converged or stayed under the thresholds.</p>;
  }
  return (
    <ul className="flag-list" data-testid="flag-list">
      {flags.map((flag, i) => (
        <li key={i} data-flag-kind={flag.kind}>
          <span className={`flag-kind flag-${flag.kind}`}>{FLAG_KIND_LABELS[flag.kind]}</span>{' '}
          {'run' in flag ? (
            runHref ? <a href={runHref(flag.run)}><code>{flag.run}</code></a> : <code>{flag.run}</code>
          ) : (
            <strong>whole team</strong>
          )}
          <div className="muted">{describeFlag(flag)}</div>
        </li>
      ))}
    </ul>
  );
}
