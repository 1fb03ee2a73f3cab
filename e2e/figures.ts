/** Figures as pages show them, read back and held against the API's numbers (shared by the dashboard specs). */
import { expect } from '@playwright/test';

/**
 * A figure as the page shows it ("1,234", "$12.50", "75.3%", "4.2 h", "3.1 d", "—"), read
 * back as a number (hours for durations, a fraction for rates) with the rounding the text
 * allows: half a unit of its last digit.
 */
export function shownNumber(text: string): { value: number | null; within: number } {
  const t = text.trim();
  if (t === '—') return { value: null, within: 0 };
  // A negative amount of money reads "-$1.50".
  const m = /^(-?)\$?(-?[\d,]+(?:\.(\d+))?)\s*(%|h|d)?$/.exec(t);
  if (!m) throw new Error(`not a figure: '${text}'`);
  const decimals = m[3]?.length ?? 0;
  const scale = m[4] === '%' ? 0.01 : m[4] === 'd' ? 24 : 1;
  return { value: Number(m[1] + m[2].replace(/,/g, '')) * scale, within: (0.5 * 10 ** -decimals) * scale + 1e-9 };
}

export function expectFigure(text: string, api: number | null, what: string): void {
  const shown = shownNumber(text);
  if (api === null || shown.value === null) {
    expect(shown.value, `${what}: '${text}' against the API's ${api}`).toBe(api);
    return;
  }
  expect(Math.abs(shown.value - api), `${what}: '${text}' against the API's ${api}`).toBeLessThanOrEqual(shown.within);
}

