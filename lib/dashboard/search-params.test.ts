import { describe, expect, it } from 'vitest';
import { parseDashboardRange } from './search-params';

const now = Date.parse('2026-11-26T12:00:00Z');
const DAY = 86_400_000;

describe('parseDashboardRange', () => {
  it('defaults to the last 4 weeks with the 4 weeks before as the previous period', () => {
    const r = parseDashboardRange({}, now);
    expect(r).toMatchObject({ preset: '4w', problem: null, query: {} });
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

  it('falls back to the default with a notice naming the field on unusable input', () => {
    expect(parseDashboardRange({ range: 'forever' }, now).problem).toMatchObject({ field: 'range', notice: expect.stringContaining('forever') });
    expect(parseDashboardRange({ from: '2026-10-31', to: '2026-10-01' }, now)).toMatchObject({ preset: '4w', problem: { field: 'from' } });
    expect(parseDashboardRange({ from: 'yesterday', to: '2026-10-01' }, now)).toMatchObject({ preset: '4w', problem: { field: 'from', error: expect.stringContaining('YYYY-MM-DD') } });
    expect(parseDashboardRange({ from: '2026-10-01', to: '31/10/2026' }, now)).toMatchObject({ preset: '4w', problem: { field: 'to' } });
    expect(parseDashboardRange({ from: '2026-10-01' }, now)).toMatchObject({ preset: '4w', problem: { field: 'to' } });
    expect(parseDashboardRange({ to: '2026-10-01' }, now)).toMatchObject({ preset: '4w', problem: { field: 'from' } });
    // Days that do not exist are refused, not moved into the next month.
    expect(parseDashboardRange({ from: '2026-02-30', to: '2026-03-05' }, now)).toMatchObject({ preset: '4w', problem: { field: 'from' } });
    expect(parseDashboardRange({ from: '2026-06-01', to: '2026-06-31' }, now)).toMatchObject({ preset: '4w', problem: { field: 'to' } });
    expect(parseDashboardRange({ from: '2024-02-29', to: '2024-03-01' }, now)).toMatchObject({ preset: 'custom', problem: null });
  });

  it('takes a custom range of at most the API\'s 3,660 days; a longer one falls back to the default', () => {
    const longest = parseDashboardRange({ from: '2016-11-28', to: '2026-11-26' }, now);
    expect(longest).toMatchObject({ preset: 'custom', problem: null });
    expect(longest.window.to - longest.window.from).toBeLessThanOrEqual(3660 * DAY);
    for (const from of ['0000-01-01', '1970-01-01', '2016-11-01']) {
      const r = parseDashboardRange({ from, to: '2026-11-26' }, now);
      expect(r, from).toMatchObject({ preset: '4w', problem: { field: 'from', error: expect.stringContaining('3660 days') } });
      expect(r.problem!.notice).toContain('showing the last 4 weeks');
      expect(r.window).toEqual({ from: now - 28 * DAY, to: now, asOf: now });
    }
    // The window is measured as it is used: clipped to asOf.
    expect(parseDashboardRange({ from: '2016-11-01', to: '2026-11-26', asOf: '2025-01-01T00:00:00Z' }, now)).toMatchObject({ preset: 'custom', problem: null });
  });

  it('pins the view to ?asOf= and keeps the pin in its query', () => {
    const r = parseDashboardRange({ range: '12w', asOf: '2026-10-01T00:00:00Z' }, now);
    const pinned = Date.parse('2026-10-01T00:00:00Z');
    expect(r.window).toEqual({ from: pinned - 84 * DAY, to: pinned, asOf: pinned });
    expect(r.query).toEqual({ range: '12w', asOf: '2026-10-01T00:00:00.000Z' });
    expect(parseDashboardRange({ asOf: 'last tuesday' }, now)).toMatchObject({ window: { asOf: now }, problem: { field: 'asOf', notice: expect.stringContaining('last tuesday') } });
  });
});
