/**
 * The KPI cards of a report — label, value, what it is made of, and the change against the
 * previous period — as data, so the dashboard (components/kpi/KpiCards.tsx) and the shared
 * report page (lib/reports/share-html.ts) show the same figures the same way.
 */
import { formatCompact, formatDecimal, formatHours, formatInt, formatRate, formatUsd, plural } from '@/lib/format';
import type { Kpis } from './types';
import { utcDate } from './time';

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
  /** Numerator and denominator, e.g. "12 of 15 eligible · 3 pending", or why there is no value yet. */
  detail: string;
  /** A figure's parts, e.g. the tokens by kind: `[["input", "4.1M"], ...]`. */
  parts?: [label: string, value: string][];
  delta: KpiDelta | null;
}

/** Relative change of a count or amount; null when there is nothing to compare with. */
export function relativeChange(current: number | null, previous: number | null, upIsGood: boolean): KpiDelta | null {
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

/** A rate's numerator and denominator, or that nothing is old enough to judge yet. */
function judged(n: number, r: { eligible: number; pending: number }): string {
  if (r.eligible === 0) return r.pending === 0 ? 'no merged change to judge yet' : `none old enough to judge yet · ${formatInt(r.pending)} pending`;
  return `${formatInt(n)} of ${formatInt(r.eligible)} eligible · ${formatInt(r.pending)} pending`;
}

/** Every figure of the KPI definitions (docs/kpis.md) as a card, against the previous period of equal length. */
export function kpiCardModels(current: Kpis, previous: Kpis | null): KpiCardModel[] {
  const p = previous;
  const s = current.weekSurvival;
  const d = current.defectRate;
  const t = current.timeToFix;
  const r = current.runs;
  const tk = current.tokens;
  const cost = formatUsd(current.costUsd);
  const unpriced = current.unpricedCalls > 0 ? ` · ${plural(current.unpricedCalls, 'unpriced call', 'unpriced calls')}` : '';
  const surviving = s.rate === null ? null : current.mergedChanges * s.rate;
  return [
    {
      testId: 'kpi-merged',
      label: 'Merged changes',
      value: formatInt(current.mergedChanges),
      detail: `${formatDecimal(current.mergedPerWeek)} per week`,
      delta: relativeChange(current.mergedChanges, p?.mergedChanges ?? null, true),
    },
    {
      testId: 'kpi-survival',
      label: 'Week-survival',
      value: formatRate(s.rate),
      detail: judged(s.survived, s),
      delta: points(s.rate, p?.weekSurvival.rate ?? null, true),
    },
    {
      testId: 'kpi-defects',
      label: 'Defect rate',
      value: formatRate(d.rate),
      detail: judged(d.failed, d),
      delta: points(d.rate, p?.defectRate.rate ?? null, false),
    },
    {
      testId: 'kpi-ttf',
      label: 'Time to fix (Kaplan–Meier median)',
      value: formatHours(t.kmP50Hours),
      detail:
        t.opened === 0
          ? 'no defect opened in this window'
          : `${t.kmP50Hours === null ? 'fewer than half fixed so far; ' : ''}fixed ones only: p50 ${formatHours(t.p50Hours)} · p90 ${formatHours(t.p90Hours)} · ${formatInt(t.fixed)} fixed, ${formatInt(t.open)} open`,
      delta: relativeChange(t.kmP50Hours, p?.timeToFix.kmP50Hours ?? null, false),
    },
    {
      testId: 'kpi-cost',
      label: 'Token cost',
      value: cost,
      detail: tk.total === 0 ? 'no LLM call in this window' : `${formatInt(tk.total)} tokens${unpriced}`,
      parts:
        tk.total === 0
          ? undefined
          : [
              ['input', formatCompact(tk.input)],
              ['output', formatCompact(tk.output)],
              ['cache read', formatCompact(tk.cacheRead)],
              ['cache write', formatCompact(tk.cacheWrite)],
            ],
      delta: relativeChange(current.costUsd, p?.costUsd ?? null, false),
    },
    {
      testId: 'kpi-cost-merged',
      label: 'Cost per merged change',
      value: formatUsd(current.costPerMergedChange),
      detail: current.mergedChanges === 0 ? `nothing merged yet · ${cost} spent` : `${cost} ÷ ${formatInt(current.mergedChanges)} merged`,
      delta: relativeChange(current.costPerMergedChange, p?.costPerMergedChange ?? null, false),
    },
    {
      testId: 'kpi-cost-surviving',
      label: 'Cost per surviving change',
      value: formatUsd(current.costPerSurvivingChange),
      detail:
        surviving === null
          ? current.mergedChanges === 0
            ? `nothing merged yet · ${cost} spent`
            : 'no merged change old enough to judge survival yet'
          : surviving === 0
            ? `no change survived a week yet · ${cost} spent`
            : `${cost} ÷ (${formatInt(current.mergedChanges)} × ${formatRate(s.rate)} survival)`,
      delta: relativeChange(current.costPerSurvivingChange, p?.costPerSurvivingChange ?? null, false),
    },
    {
      testId: 'kpi-convergence',
      label: 'Run convergence',
      value: formatRate(r.convergenceRate),
      detail: r.ended === 0 ? 'no run ended in this window' : `${formatInt(r.converged)} of ${plural(r.ended, 'ended run', 'ended runs')} merged a change`,
      delta: points(r.convergenceRate, p?.runs.convergenceRate ?? null, true),
    },
  ];
}

/**
 * Why a report shows no change against the previous period, or why the change it shows runs
 * high, or null: the period before a long range usually predates the data, wholly or in part
 * (`dataSince`, the day of the earliest event; docs/dashboards.md).
 */
export function previousPeriodNote(
  current: Kpis,
  previous: Kpis | null,
  previousWindow: { from: number; to: number },
  dataSince: number | null = null,
): string | null {
  const span = `${utcDate(previousWindow.from)} to ${utcDate(previousWindow.to - 1)}`;
  if (previous === null) return `No “vs previous period”: the period before (${span}) was not computed.`;
  const empty = previous.mergedChanges === 0 && previous.tokens.total === 0 && previous.runs.ended === 0 && previous.timeToFix.opened === 0;
  if (!empty) {
    if (!partlyBeforeData(previousWindow, dataSince)) return null;
    return `“vs previous period” runs high: the period before this range (${span}) is only partly covered, as the data starts on ${utcDate(dataSince!)}.`;
  }
  const nothingNow = current.mergedChanges === 0 && current.tokens.total === 0;
  if (nothingNow) return null;
  return `No “vs previous period”: the period of equal length before this range (${span}) holds no activity to compare with — on a long range it usually lies before the first data.`;
}

/**
 * Whether the data starts inside `window` (`dataSince`: the day of the earliest event): the
 * window's figures then cover only its end, and a change against them is overstated.
 */
export function partlyBeforeData(window: { from: number; to: number }, dataSince: number | null): boolean {
  return dataSince !== null && dataSince > window.from && dataSince < window.to;
}

/** The tone of a delta: good, bad or neutral. */
export function deltaTone(delta: KpiDelta | null): 'good' | 'bad' | 'neutral' {
  if (!delta || delta.direction === 'flat') return 'neutral';
  return (delta.direction === 'up') === delta.upIsGood ? 'good' : 'bad';
}
