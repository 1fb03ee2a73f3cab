/** Number formats shared by pages and components, so a figure reads the same everywhere. */
export { formatInt, formatPercent, plural } from '@/lib/flags/describe';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const usdSmall = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatUsd(value: number | null): string {
  if (value === null) return '—';
  // Cents hide tiny per-call costs, so below ten cents show four decimals.
  return Math.abs(value) < 0.1 && value !== 0 ? usdSmall.format(value) : usd.format(value);
}

export function formatCompact(value: number): string {
  return compact.format(value);
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${oneDecimal.format(rate * 100)}%`;
}

export function formatHours(hours: number | null): string {
  if (hours === null) return '—';
  return hours >= 48 ? `${oneDecimal.format(hours / 24)} d` : `${oneDecimal.format(hours)} h`;
}

export function formatDecimal(value: number | null): string {
  return value === null ? '—' : oneDecimal.format(value);
}

/** `2026-11-26 14:05 UTC`; `ifNone` for a missing time. */
export function formatUtcMinute(ms: number | null, ifNone = '—'): string {
  return ms === null ? ifNone : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
