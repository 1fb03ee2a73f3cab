import { describe, expect, it } from 'vitest';
import type { Flag } from './flags';
import { summariseFlags } from './summary';

const burn = (run: string) => ({ kind: 'burn_without_outcome', run, evidence: {} }) as unknown as Flag;
const stalled = (run: string) => ({ kind: 'stalled', run, evidence: {} }) as unknown as Flag;
const divergence = { kind: 'divergence', team: 'acme', evidence: {} } as unknown as Flag;

describe('summariseFlags', () => {
  it('counts each flagged run once, whatever rules it trips, and team flags apart', () => {
    expect(summariseFlags([burn('r1'), stalled('r1'), burn('r2'), divergence])).toEqual({ runsFlagged: 2, runFlags: 3, teamFlags: 1 });
    expect(summariseFlags([])).toEqual({ runsFlagged: 0, runFlags: 0, teamFlags: 0 });
  });
});
