import { describe, expect, it } from 'vitest';
import { parseDashboardRange } from './search-params';

const now = Date.parse('2026-11-26T12:00:00Z');
const DAY = 86_400_000;

describe('parseDashboardRange', () => {
  it('defaults to the last 4 weeks with the 4 weeks before as the previous period', () => {
    const r = parseDashboardRange({}, now);
    expect(r).toMatchObject({ preset: '4w', warning: null, query: {} });
    expect(r.window).toEqual({ from: now - 28 * DAY, to: now, asOf: now });
    expect(r.previous).toEqual({ from: now - 56 * DAY, to: now - 28 * DAY, asOf: now });
  });

  it('takes a preset from the URL', () => {
    const r = parseDashboardRange({ range: '12w' }, now);
    expect(r.window.from).toBe(now - 84 * DAY);
    expect(r.query).toEqual({ range: '12w' });
  });

  it('takes a custom range with both days included, clipped to now', () => {
    const r = parseDashboardRange({ from: '2026-10-01', to: '2026-10-31' }, now);
    expect(r.preset).toBe('custom');
    expect(r.window).toEqual({ from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-11-01T00:00:00Z'), asOf: now });
    expect(parseDashboardRange({ from: '2026-11-20', to: '2026-12-31' }, now).window.to).toBe(now);
  });

  it('falls back to the default with a warning on unusable input', () => {
    expect(parseDashboardRange({ range: 'forever' }, now).warning).toContain('forever');
    expect(parseDashboardRange({ from: '2026-10-31', to: '2026-10-01' }, now)).toMatchObject({ preset: '4w' });
    expect(parseDashboardRange({ from: 'yesterday', to: '2026-10-01' }, now).preset).toBe('4w');
  });

  it('pins the view to ?asOf= and keeps the pin in its query', () => {
    const r = parseDashboardRange({ range: '12w', asOf: '2026-10-01T00:00:00Z' }, now);
    const pinned = Date.parse('2026-10-01T00:00:00Z');
    expect(r.window).toEqual({ from: pinned - 84 * DAY, to: pinned, asOf: pinned });
    expect(r.query).toEqual({ range: '12w', asOf: '2026-10-01T00:00:00.000Z' });
    expect(parseDashboardRange({ asOf: 'last tuesday' }, now)).toMatchObject({ window: { asOf: now }, warning: expect.stringContaining('last tuesday') });
  });
});
