import { Delta } from '@/components/dashboard/Delta';
import type { KpiDelta } from '@/lib/kpi/cards';

/** One figure with what it is made of and how it moved against the previous period. */
export interface KpiCardProps {
  label: string;
  value: string;
  /** Numerator and denominator, e.g. "12 of 15 eligible · 3 pending". */
  detail?: string;
  /** The figure's parts, e.g. the tokens by kind. */
  parts?: [label: string, value: string][];
  /** Change against the previous period, already formatted ("+12%"), and whether up is good. */
  delta?: KpiDelta | null;
  testId?: string;
  /** A smaller value, for facts that are words rather than figures. */
  compact?: boolean;
}

export function KpiCard({ label, value, detail, parts, delta, testId, compact }: KpiCardProps) {
  return (
    <section className="kpi-card" data-testid={testId} aria-label={label}>
      <h3>{label}</h3>
      <div className={compact ? 'fact-value' : 'kpi-value'} data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </div>
      {detail && <div className="kpi-detail">{detail}</div>}
      {parts && (
        <dl className="kpi-parts" data-testid={testId ? `${testId}-parts` : undefined}>
          {parts.map(([name, v]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {delta && (
        <div className="kpi-delta">
          <Delta delta={delta} /> <span className="muted">vs previous period</span>
        </div>
      )}
    </section>
  );
}
