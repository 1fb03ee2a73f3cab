import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';
import type { LoopEvent } from './types';
import { validateEvent } from './validate';

/** The stored form, spelled out: the event without `team`, `ts` as RFC 3339. */
function reference(event: LoopEvent): string {
  const { team: _team, ...fields } = event;
  return JSON.stringify({ ...fields, ts: new Date(event.ts).toISOString() });
}

describe('canonicalJson', () => {
  it('is the event without its team, ts as RFC 3339, for events as validateEvent builds them', () => {
    const raws: Record<string, unknown>[] = [
      { id: 'a', team: 'acme', type: 'run.started', ts: '2026-11-02T09:00:00.123Z', run: 'r1', agent: 'claude-code', attrs: { ts: 1, team: 'x', ',"ts":': 2 } },
      { id: 'b,"ts":1', type: 'llm.call', ts: '2026-11-02T09:00:00Z', team: 'acme', run: 'r1', model: 'm', input_tokens: 5, output_tokens: 7 },
      { id: 'c "quoted" ✓', team: 'acme', type: 'tool.call', ts: '1999-01-01T00:00:00Z', run: 'r2', tool: 'Bash', ok: true, duration_ms: 12 },
    ];
    for (const raw of raws) {
      for (const fixedTeam of [undefined, 'acme']) {
        const r = validateEvent(raw, { line: 1 }, fixedTeam);
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        expect(canonicalJson(r.event)).toBe(reference(r.event));
      }
    }
  });

  it('takes events laid out otherwise too', () => {
    const events = [
      { ts: 5, id: 'a', type: 'run.started', run: 'r' },
      { id: 'a', type: 'run.started', ts: 5, run: 'r', team: 'acme' },
      { id: 'a', team: 'acme', type: 'run.started', ts: 5 },
    ] as LoopEvent[];
    for (const e of events) expect(canonicalJson(e)).toBe(reference(e));
  });
});
