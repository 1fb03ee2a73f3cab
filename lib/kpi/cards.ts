/**
 * The KPI cards of a report — label, value, what it is made of, and the change against the
 * previous period — as data, so the dashboard (components/kpi/KpiCards.tsx) and the shared
 * report page (lib/reports/share-html.ts) show the same figures the same way.
 */
import { formatDecimal, formatHours, formatInt, formatRate, formatUsd } from '@/lib/format';
import type { Kpis } from './types';

export interface KpiDelta {
  /** Already formatted: "+12%", "-3.0 pts", "no change". */
  text: string;
  direction: 'up' | 'down' | 'flat';
  upIsGood: boolean;
}

export interface KpiCardModel {
  testId: string;
  label: string;
  value: string;
  /** Numerator and denominator, e.g. "12 of 15 eligible · 3 pending". */
  detail: string;
  delta: KpiDelta | null;
}

/** Relative change of a count or amount; null when there is nothing to compare with. */
function relative(current: number | null, previous: number | null, upIsGood: boolean): KpiDelta | null {
  if (current === null || previous === null) return null;
  if (previous === 0) return current === 0 ? { text: 'no change', direction: 'flat', upIsGood } : null;
  const change = (current - previous) / previous;
  if (Math.abs(change) < 0.005) return { text: 'no change', direction: 'flat', upIsGood };
  return { text: `${change > 0 ? '+' : ''}${Math.round(change * 100)}%`, direction: change > 0 ? 'up' : 'down', upIsGood };
}

/** Change of a rate in percentage points. */
function points(current: number | null, previous: number | null, upIsGood: boolean): KpiDelta | null {
  if (current === null || previous === null) return null;
  const diff = (current - previous) * 100;
  if (Math.abs(diff) < 0.05) return { text: 'no change', direction: 'flat', upIsGood };
  return { text: `${diff > 0 ? '+' : ''}${diff.toFixed(1)} pts`, direction: diff > 0 ? 'up' : 'down', upIsGood };
}

/** Every figure of kpis-v1.md as a card, against the previous period of equal length. */
export function kpiCardModels(current: Kpis, previous: Kpis | null): KpiCardModel[] {
  const p = previous;
  const s = current.weekSurvival;
  const d = current.defectRate;
  const t = current.timeToFix;
  const r = current.runs;
  return [
    {
      testId: 'kpi-merged',
      label: 'Merged changes',
      value: formatInt(current.mergedChanges),
      detail: `${formatDecimal(current.mergedPerWeek)} per week`,
      delta: relative(current.mergedChanges, p?.mergedChanges ?? null, true),
    },
    {
      testId: 'kpi-survival',
      label: 'Week-survival',
      value: formatRate(s.rate),
      detail: `${formatInt(s.survived)} of ${formatInt(s.eligible)} eligible · ${formatInt(s.pending)} pending`,
      delta: points(s.rate, p?.weekSurvival.rate ?? null, true),
    },
    {
      testId: 'kpi-defects',
      label: 'Defect rate',
      value: formatRate(d.rate),
      detail: `${formatInt(d.failed)} of ${formatInt(d.eligible)} eligible · ${formatInt(d.pending)} pending`,
      delta: points(d.rate, p?.defectRate.rate ?? null, false),
    },
    {
      testId: 'kpi-ttf',
      label: 'Time to fix (median)',
      value: formatHours(t.kmP50Hours ?? t.p50Hours),
      detail: `p50 ${formatHours(t.p50Hours)} · p90 ${formatHours(t.p90Hours)} · ${formatInt(t.fixed)} fixed, ${formatInt(t.open)} open`,
      delta: relative(t.kmP50Hours, p?.timeToFix.kmP50Hours ?? null, false),
    },
    {
      testId: 'kpi-cost',
      label: 'Token cost',
      value: formatUsd(current.costUsd),
      detail: `${formatInt(current.tokens.total)} tokens${current.unpricedCalls > 0 ? ` · ${formatInt(current.unpricedCalls)} unpriced calls` : ''}`,
      delta: relative(current.costUsd, p?.costUsd ?? null, false),
    },
    {
      testId: 'kpi-cost-merged',
      label: 'Cost per merged change',
      value: formatUsd(current.costPerMergedChange),
      detail: `${formatUsd(current.costUsd)} ÷ ${formatInt(current.mergedChanges)} merged`,
      delta: relative(current.costPerMergedChange, p?.costPerMergedChange ?? null, false),
    },
    {
      testId: 'kpi-cost-surviving',
      label: 'Cost per surviving change',
      value: formatUsd(current.costPerSurvivingChange),
      detail: `${formatUsd(current.costUsd)} ÷ (${formatInt(current.mergedChanges)} × ${formatRate(s.rate)} survival)`,
      delta: relative(current.costPerSurvivingChange, p?.costPerSurvivingChange ?? null, false),
    },
    {
      testId: 'kpi-convergence',
      label: 'Run convergence',
      value: formatRate(r.convergenceRate),
      detail: `${formatInt(r.converged)} of ${formatInt(r.ended)} ended runs merged a change`,
      delta: points(r.convergenceRate, p?.runs.convergenceRate ?? null, true),
    },
  ];
}

/** The tone of a delta: good, bad or neutral. */
export function deltaTone(delta: KpiDelta | null): 'good' | 'bad' | 'neutral' {
  if (!delta || delta.direction === 'flat') return 'neutral';
  return (delta.direction === 'up') === delta.upIsGood ? 'good' : 'bad';
}
