import { deltaTone, type KpiDelta } from '@/lib/kpi/cards';

const TONE_CLASS = { good: 'status-ok', bad: 'status-bad', neutral: 'muted' } as const;

/** One figure with what it is made of and how it moved against the previous period. */
export interface KpiCardProps {
  label: string;
  value: string;
  /** Numerator and denominator, e.g. "12 of 15 eligible · 3 pending". */
  detail?: string;
  /** Change against the previous period, already formatted ("+12%"), and whether up is good. */
  delta?: KpiDelta | null;
  testId?: string;
  /** A smaller value, for facts that are words rather than figures. */
  compact?: boolean;
}

export function KpiCard({ label, value, detail, delta, testId, compact }: KpiCardProps) {
  const tone = TONE_CLASS[deltaTone(delta ?? null)];
  return (
    <section className="kpi-card" data-testid={testId} aria-label={label}>
      <h3>{label}</h3>
      <div className={compact ? 'fact-value' : 'kpi-value'} data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </div>
      {detail && <div className="kpi-detail">{detail}</div>}
      {delta && (
        <div className={`kpi-delta ${tone}`}>
          {delta.direction === 'up' ? '▲' : delta.direction === 'down' ? '▼' : '■'} {delta.text}{' '}
          <span className="muted">vs previous period</span>
        </div>
      )}
    </section>
  );
}
