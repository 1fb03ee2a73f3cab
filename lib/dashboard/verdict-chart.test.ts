import { describe, expect, it } from 'vitest';
import { kpisFixture } from '@/lib/kpi/test-fixtures';
import { judgeTeams, placedPosition } from './verdict';
import { verdictChartLayout, type ChartTeam } from './verdict-chart';

const figures = {
  fast: kpisFixture({ merged: 52, eligible: 40, survived: 34, costUsd: 30 }),
  mid: kpisFixture({ merged: 26, eligible: 20, survived: 19, costUsd: 20 }),
  slow: kpisFixture({ merged: 18, eligible: 14, survived: 11, costUsd: 10 }),
  dear: kpisFixture({ merged: 15, eligible: 11, survived: 7, costUsd: 173 }),
  thin: kpisFixture({ merged: 2, eligible: 1, survived: 1, costUsd: 1 }),
};
const names = Object.keys(figures) as (keyof typeof figures)[];
const { reference, verdicts } = judgeTeams(names.map((n) => figures[n]));
const teams: ChartTeam[] = names.map((n, i) => ({
  slug: n,
  name: n,
  verdict: verdicts[i].verdict,
  position: verdicts[i].position,
  previous: n === 'dear' ? placedPosition(kpisFixture({ merged: 20, eligible: 16, survived: 12, costUsd: 60 })) : null,
}));

describe('verdictChartLayout', () => {
  const layout = verdictChartLayout(teams, reference, { width: 720, height: 420, maxRadius: 28 });
  const bubble = (slug: string) => layout.bubbles.find((b) => b.team.slug === slug)!;

  it('puts the team that burns without shipping in the shaded corner, and the others outside it', () => {
    const area = layout.burningArea!;
    const inside = (b: { x: number; y: number }) => b.x >= area.x && b.x <= area.x + area.width && b.y >= area.y && b.y <= area.y + area.height;
    expect(verdicts[names.indexOf('dear')].verdict).toBe('burning');
    expect(inside(bubble('dear'))).toBe(true);
    for (const slug of ['fast', 'mid', 'slow']) expect(inside(bubble(slug)), slug).toBe(false);
  });

  it('places every point inside the plot, more output to the right and dearer changes higher', () => {
    for (const b of layout.bubbles) {
      expect(b.x).toBeGreaterThanOrEqual(layout.plot.left);
      expect(b.x).toBeLessThanOrEqual(layout.plot.right);
      expect(b.y).toBeGreaterThanOrEqual(layout.plot.top);
      expect(b.y).toBeLessThanOrEqual(layout.plot.bottom);
    }
    expect(bubble('fast').x).toBeGreaterThan(bubble('slow').x);
    expect(bubble('dear').y).toBeLessThan(bubble('mid').y);
  });

  it('sizes bubbles by tokens (area), draws the biggest first, and trails from the previous period', () => {
    expect(bubble('dear').r).toBe(28);
    expect(bubble('slow').r).toBeCloseTo(28 * Math.sqrt(figures.slow.tokens.total / figures.dear.tokens.total), 9);
    expect(layout.bubbles[0].team.slug).toBe('dear');
    expect(bubble('dear').from).not.toBeNull();
    expect(bubble('fast').from).toBeNull();
  });

  it('leaves out the team with too little data', () => {
    expect(layout.unplaced.map((t) => t.slug)).toEqual(['thin']);
  });

  it('draws no corner without a reference', () => {
    const alone = verdictChartLayout(teams.slice(0, 2), { placed: 2, outputMedian: null, costMedian: null, costlyAbove: null }, { width: 360, height: 360, maxRadius: 18 });
    expect(alone.burningArea).toBeNull();
    expect(alone.bubbles).toHaveLength(2);
  });
});
