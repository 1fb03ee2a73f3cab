import { describe, expect, it } from 'vitest';
import { uploadLinks } from './upload-links';

const team = { slug: 'payments', name: 'Payments' };

describe('uploadLinks', () => {
  it('opens the dashboard on the days the upload’s events span, and each run on them', () => {
    const links = uploadLinks(team, {
      firstEventAt: Date.parse('2025-03-04T10:00:00Z'),
      lastEventAt: Date.parse('2025-03-06T23:59:00Z'),
      runs: [{ run: 'run 1/a', events: 12 }],
      runCount: 3,
    });
    expect(links.team.href).toBe('/teams/payments?from=2025-03-04&to=2025-03-06');
    expect(links.span).toBe('2025-03-04 to 2025-03-06');
    expect(links.runs).toEqual([{ run: 'run 1/a', events: 12, href: '/runs/run%201%2Fa?team=payments&from=2025-03-04&to=2025-03-06' }]);
    expect(links.runCount).toBe(3);
  });

  it('falls back to the default range when nothing was stored or the span is too long for one view', () => {
    expect(uploadLinks(team, { firstEventAt: null, lastEventAt: null, runs: [], runCount: 0 }).team.href).toBe('/teams/payments');
    const decade = uploadLinks(team, { firstEventAt: Date.parse('2010-01-01T00:00:00Z'), lastEventAt: Date.parse('2026-01-01T00:00:00Z'), runs: [], runCount: 0 });
    expect(decade).toMatchObject({ span: null, team: { href: '/teams/payments' } });
  });
});
