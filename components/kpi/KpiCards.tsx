import { kpiCardModels } from '@/lib/kpi/cards';
import type { Kpis } from '@/lib/kpi/types';
import { KpiCard } from './KpiCard';

/** Every figure of kpis-v1.md as a card, against the previous period of equal length. */
export function KpiCards({ current, previous }: { current: Kpis; previous: Kpis | null }) {
  return (
    <div className="kpi-grid" data-testid="kpi-cards">
      {kpiCardModels(current, previous).map((card) => (
        <KpiCard key={card.testId} {...card} />
      ))}
    </div>
  );
}
