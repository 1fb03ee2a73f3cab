import { describe, expect, it } from 'vitest';
import { kpisFixture } from '@/lib/kpi/test-fixtures';
import { judgeTeam, judgeTeams, teamPosition, verdictReference, VERDICT_RULE_LINES, VERDICT_THRESHOLDS } from './verdict';

// Five teams as in the demo: surviving output per week and cost per surviving change.
const cheapFast = kpisFixture({ merged: 52, eligible: 40, survived: 34, costUsd: 30 }); // 11/week at ~$0.68
const cheapMid = kpisFixture({ merged: 26, eligible: 20, survived: 19, costUsd: 20 }); // ~6.2/week at ~$0.81
const cheapSlow = kpisFixture({ merged: 18, eligible: 14, survived: 11, costUsd: 10 }); // ~3.5/week at ~$0.71
const dearSlow = kpisFixture({ merged: 15, eligible: 11, survived: 7, costUsd: 173 }); // ~2.4/week at ~$18
const dearFast = kpisFixture({ merged: 60, eligible: 40, survived: 36, costUsd: 300 }); // 13.5/week at ~$5.6

describe('teamPosition', () => {
  it('places a team by merged per week × survival against cost per surviving change', () => {
    const p = teamPosition(cheapFast);
    expect(p.survivingPerWeek).toBeCloseTo((52 / 4) * (34 / 40), 10);
    expect(p.costPerSurvivingChange).toBeCloseTo(30 / (52 * (34 / 40)), 10);
    expect(p.tokens).toBe(cheapFast.tokens.total);
  });

  it('has no output without an eligible change', () => {
    expect(teamPosition(kpisFixture({ merged: 3, eligible: 0, survived: 0, costUsd: 1 })).survivingPerWeek).toBeNull();
  });
});

describe('verdictReference', () => {
  it('takes the lower median of the placed teams, and nothing with fewer than three', () => {
    const ref = verdictReference([cheapFast, cheapMid, cheapSlow, dearSlow]);
    expect(ref.placed).toBe(4);
    expect(ref.outputMedian).toBeCloseTo(teamPosition(cheapSlow).survivingPerWeek!, 10);
    expect(ref.costMedian).toBeCloseTo(cheapSlow.costPerSurvivingChange!, 10);
    expect(ref.costlyAbove).toBeCloseTo(cheapSlow.costPerSurvivingChange! * VERDICT_THRESHOLDS.costlyFactor, 10);
    expect(verdictReference([cheapFast, dearSlow])).toEqual({ placed: 2, outputMedian: null, costMedian: null, costlyAbove: null });
  });

  it('leaves out the teams with too little data', () => {
    const thin = kpisFixture({ merged: 4, eligible: 4, survived: 4, costUsd: 500 });
    expect(verdictReference([cheapFast, cheapMid, cheapSlow, thin]).placed).toBe(3);
  });
});

describe('judgeTeams', () => {
  it('finds the team that burns without shipping, the costly one and the ones that ship', () => {
    const { verdicts } = judgeTeams([cheapFast, cheapMid, cheapSlow, dearSlow, dearFast]);
    expect(verdicts.map((v) => v.verdict)).toEqual(['ships', 'ships', 'ships', 'burning', 'costly']);
    expect(verdicts[3].reason).toMatch(/per surviving change, [\d.]+× the median \$[\d.]+, with output 2\.\d\/week below the median/);
  });

  it('says too little data below the eligible minimum, and for a team with nothing at all', () => {
    const ref = verdictReference([cheapFast, cheapMid, cheapSlow]);
    const few = kpisFixture({ merged: 6, eligible: VERDICT_THRESHOLDS.minEligible - 1, survived: 4, costUsd: 3 });
    expect(judgeTeam(few, ref)).toMatchObject({ verdict: 'too-little-data', reason: expect.stringContaining(`4 of ${VERDICT_THRESHOLDS.minEligible}`) });
    expect(judgeTeam(kpisFixture({ merged: 0, eligible: 0, survived: 0, costUsd: 0, tokens: 0 }), ref).verdict).toBe('too-little-data');
  });

  it('calls tokens with no merged change, or no surviving one, burning whatever the others do', () => {
    const ref = verdictReference([cheapFast, cheapMid, cheapSlow]);
    expect(judgeTeam(kpisFixture({ merged: 0, eligible: 0, survived: 0, costUsd: 2.5 }), ref)).toMatchObject({ verdict: 'burning', reason: '$2.50 of tokens and no change merged' });
    // A tiny cost reads as the cards show it, not as $0.00.
    expect(judgeTeam(kpisFixture({ merged: 0, eligible: 0, survived: 0, costUsd: 0.0033 }), ref)).toMatchObject({ reason: '$0.0033 of tokens and no change merged' });
    expect(judgeTeam(kpisFixture({ merged: 8, eligible: 6, survived: 0, costUsd: 4 }), ref).verdict).toBe('burning');
    // Without anyone to compare with, the absolute part still applies.
    expect(judgeTeam(kpisFixture({ merged: 0, eligible: 0, survived: 0, costUsd: 2.5 }), verdictReference([])).verdict).toBe('burning');
  });

  it('has every placed team ship when there are too few to compare', () => {
    const { verdicts } = judgeTeams([cheapFast, dearSlow]);
    expect(verdicts.map((v) => v.verdict)).toEqual(['ships', 'ships']);
    expect(verdicts[1].reason).toContain('too few teams to compare with');
  });

  it('is held exactly at the thresholds: a cost of costlyFactor × the median is not costly', () => {
    const ref = { placed: 3, outputMedian: 2, costMedian: 1, costlyAbove: VERDICT_THRESHOLDS.costlyFactor };
    // 20 merged in 4 weeks, all 10 eligible survived: 5/week; cost per surviving change = cost / 20.
    const at = (cost: number) => judgeTeam(kpisFixture({ merged: 20, eligible: 10, survived: 10, costUsd: cost }), ref).verdict;
    expect(at(20 * VERDICT_THRESHOLDS.costlyFactor)).toBe('ships');
    expect(at(20 * VERDICT_THRESHOLDS.costlyFactor + 0.01)).toBe('costly');
  });
});

describe('VERDICT_RULE_LINES', () => {
  it('states the thresholds the rule applies', () => {
    const text = VERDICT_RULE_LINES.join(' ');
    expect(text).toContain(`${VERDICT_THRESHOLDS.costlyFactor}×`);
    expect(text).toContain(`at least ${VERDICT_THRESHOLDS.minEligible}`);
    expect(text).toContain(`at least ${VERDICT_THRESHOLDS.minTeamsToCompare}`);
  });
});
