import { deltaTone, type KpiDelta } from '@/lib/kpi/cards';

const TONE_CLASS = { good: 'status-ok', bad: 'status-bad', neutral: 'muted' } as const;

/** A change against the previous period: arrow, text, coloured by whether it is good news. */
export function Delta({ delta, empty = '—' }: { delta: KpiDelta | null; empty?: string }) {
  if (!delta) return <span className="muted" title="nothing to compare with in the previous period">{empty}</span>;
  return (
    <span className={TONE_CLASS[deltaTone(delta)]}>
      {delta.direction === 'up' ? '▲' : delta.direction === 'down' ? '▼' : '■'} {delta.text}
    </span>
  );
}
