import { describe, it, expect } from 'vitest';
import { EVENT_TYPES, RUN_STATUSES } from './types';
import type { EventType, Problem } from './types';
import { REQUIRED_FIELDS, parseRfc3339, validateEvent } from './validate';

const AT = { line: 7 };
const TS = '2025-03-01T12:00:00Z';
const TS_MS = Date.UTC(2025, 2, 1, 12, 0, 0);

/** A minimal valid event of each type (all required fields, nothing else). */
const MINIMAL: Record<EventType, Record<string, unknown>> = {
  'run.started': { run: 'r1' },
  'run.ended': { run: 'r1', status: 'succeeded' },
  iteration: { run: 'r1', n: 1 },
  'llm.call': { run: 'r1', model: 'claude-sonnet-4-5', input_tokens: 10, output_tokens: 20 },
  'tool.call': { run: 'r1', tool: 'bash' },
  'test.result': { run: 'r1', passed: 3, failed: 1 },
  message: { run: 'r1', from: 'planner', to: 'coder' },
  'change.opened': { change: 'acme/api#1' },
  'change.merged': { change: 'acme/api#1' },
  'change.closed': { change: 'acme/api#1' },
  'change.reverted': { change: 'acme/api#1' },
  'change.modified': { change: 'acme/api#1' },
  'defect.opened': { defect: 'BUG-1' },
  'defect.fixed': { defect: 'BUG-1' },
};

function ev(type: EventType, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'e1', type, ts: TS, team: 'acme', ...MINIMAL[type], ...extra };
}

function problemsOf(raw: unknown, fixedTeam?: string): Problem[] {
  const r = validateEvent(raw, AT, fixedTeam);
  if (r.ok) throw new Error(`expected problems, got event ${JSON.stringify(r.event)}`);
  return r.problems;
}

function only(raw: unknown, fixedTeam?: string): Problem {
  const ps = problemsOf(raw, fixedTeam);
  expect(ps).toHaveLength(1);
  return ps[0];
}

const valueOf = (e: object, field: string) => (e as Record<string, unknown>)[field];

function eventOf(raw: unknown, fixedTeam?: string) {
  const r = validateEvent(raw, AT, fixedTeam);
  if (!r.ok) throw new Error(`expected an event, got ${JSON.stringify(r.problems)}`);
  return r.event;
}

describe('validateEvent: types', () => {
  it.each(EVENT_TYPES)('accepts a minimal %s and returns it normalised', (type) => {
    expect(eventOf(ev(type))).toEqual({ id: 'e1', type, ts: TS_MS, team: 'acme', ...MINIMAL[type] });
  });

  it('lists the required fields of each type', () => {
    expect(REQUIRED_FIELDS['llm.call']).toEqual(['run', 'model', 'input_tokens', 'output_tokens']);
    expect(REQUIRED_FIELDS['change.opened']).toEqual(['change']);
    expect(REQUIRED_FIELDS['run.ended']).toEqual(['run', 'status']);
    for (const type of EVENT_TYPES) expect(REQUIRED_FIELDS[type]).toEqual(Object.keys(MINIMAL[type]));
  });

  for (const type of EVENT_TYPES) {
    for (const field of Object.keys(MINIMAL[type])) {
      it(`${type} without ${field} is rejected`, () => {
        const raw = ev(type);
        delete raw[field];
        expect(only(raw)).toEqual({ line: 7, field, message: `required for ${type}` });
      });
    }
  }

  it('rejects an unknown type and still checks the envelope', () => {
    expect(problemsOf({ id: 'e1', type: 'foo', ts: 'yesterday', team: 'acme' })).toEqual([
      { line: 7, field: 'type', message: "unknown type 'foo'" },
      { line: 7, field: 'ts', message: "must be RFC 3339 with an offset or epoch milliseconds, got 'yesterday'" },
    ]);
    expect(only({ id: 'e1', type: 7, ts: 0, team: 'acme' })).toMatchObject({ field: 'type', message: 'must be a string, got 7' });
    expect(only({ id: 'e1', ts: 0, team: 'acme' })).toMatchObject({ field: 'type', message: 'required' });
    // Prototype names are not types.
    expect(only({ id: 'e1', type: 'constructor', ts: 0, team: 'acme' })).toMatchObject({ field: 'type' });
  });

  it('rejects what is not an object, with field ""', () => {
    for (const raw of [null, [], 'x', 5, true]) {
      expect(only(raw)).toMatchObject({ line: 7, field: '' });
    }
    expect(only([]).message).toBe('not a JSON object (got an array)');
  });

  it('reports every problem of an event, with its place', () => {
    const ps = validateEvent(
      { id: '', type: 'llm.call', ts: 1.5, team: 'Acme', input_tokens: -3, output_tokens: 1.5, cost_usd: -1 },
      { line: 3, index: 2 },
    );
    expect(ps).toEqual({
      ok: false,
      problems: [
        { line: 3, index: 2, field: 'id', message: "must be a string of 1–200 characters, got ''" },
        { line: 3, index: 2, field: 'ts', message: 'must be RFC 3339 with an offset or epoch milliseconds, got 1.5' },
        {
          line: 3,
          index: 2,
          field: 'team',
          message: "must be a team slug (lowercase letters, digits and -, at most 63, not starting with -), got 'Acme'",
        },
        { line: 3, index: 2, field: 'run', message: 'required for llm.call' },
        { line: 3, index: 2, field: 'model', message: 'required for llm.call' },
        { line: 3, index: 2, field: 'input_tokens', message: 'must be an integer ≥ 0, got -3' },
        { line: 3, index: 2, field: 'output_tokens', message: 'must be an integer ≥ 0, got 1.5' },
        { line: 3, index: 2, field: 'cost_usd', message: 'must be a number ≥ 0, got -1' },
      ],
    });
  });

  it('drops unknown fields and fields of other types, and keeps optional ones', () => {
    const e = eventOf(
      ev('llm.call', { cache_read_tokens: 5, cost_usd: 0.25, agent: 'codex', future_field: { x: 1 }, status: 'bogus', n: -1 }),
    );
    expect(e).toEqual({
      id: 'e1',
      type: 'llm.call',
      ts: TS_MS,
      team: 'acme',
      run: 'r1',
      model: 'claude-sonnet-4-5',
      input_tokens: 10,
      output_tokens: 20,
      cache_read_tokens: 5,
      cost_usd: 0.25,
      agent: 'codex',
    });
    expect('future_field' in e).toBe(false);
  });

  it('keeps every optional field of each type', () => {
    const full = {
      'run.started': { agent: 'claude-code', model: 'm', repo: 'acme/api', branch: 'main', task: 'fix it' },
      'llm.call': { cache_read_tokens: 1, cache_write_tokens: 2, cost_usd: 0.5 },
      'tool.call': { ok: false, duration_ms: 12 },
      'test.result': { skipped: 4 },
      message: { tokens: 99 },
      'change.opened': { run: 'r1', repo: 'acme/api', branch: 'b', title: 'Add x', additions: 1, deletions: 2 },
      'change.merged': { run: 'r1', repo: 'acme/api', branch: 'b', additions: 0, deletions: 0 },
      'change.reverted': { by: 'acme/api#2' },
      'change.modified': { lines: 3 },
      'defect.opened': { changes: ['acme/api#1', 'abc123'], severity: 'high' },
      'defect.fixed': { change: 'acme/api#9' },
    } as const;
    for (const [type, extra] of Object.entries(full)) {
      expect(eventOf(ev(type as EventType, { ...extra }))).toEqual({
        id: 'e1',
        type,
        ts: TS_MS,
        team: 'acme',
        ...MINIMAL[type as EventType],
        ...extra,
      });
    }
  });
});

describe('validateEvent: envelope', () => {
  it('checks id length in characters', () => {
    expect(eventOf(ev('change.closed', { id: 'x'.repeat(200) })).id).toHaveLength(200);
    expect(only(ev('change.closed', { id: 'x'.repeat(201) }))).toMatchObject({ field: 'id' });
    // 200 astral characters are 400 UTF-16 units but 200 characters.
    expect(eventOf(ev('change.closed', { id: '😀'.repeat(200) })).id).toBe('😀'.repeat(200));
    expect(only(ev('change.closed', { id: '😀'.repeat(201) }))).toMatchObject({ field: 'id' });
    expect(only(ev('change.closed', { id: 5 }))).toEqual({ line: 7, field: 'id', message: 'must be a string of 1–200 characters, got 5' });
    const noId = ev('change.closed');
    delete noId.id;
    expect(only(noId)).toEqual({ line: 7, field: 'id', message: 'required' });
  });

  it('checks run length', () => {
    expect(eventOf(ev('iteration', { run: 'r'.repeat(200) })).run).toHaveLength(200);
    expect(only(ev('iteration', { run: 'r'.repeat(201) }))).toMatchObject({ field: 'run' });
    expect(only(ev('iteration', { run: '' }))).toMatchObject({ field: 'run' });
    // optional on change events
    expect(eventOf(ev('change.opened', { run: 'r9' })).run).toBe('r9');
  });

  it('requires a model for llm.call only, and it must be a non-empty string', () => {
    expect(only(ev('llm.call', { model: '' }))).toEqual({ line: 7, field: 'model', message: "must be a non-empty string, got ''" });
    expect(only(ev('iteration', { model: 3 }))).toMatchObject({ field: 'model' });
    expect(eventOf(ev('iteration', { model: 'gpt-5' })).model).toBe('gpt-5');
  });

  it('checks agent and branch are strings', () => {
    expect(only(ev('iteration', { agent: 1 }))).toEqual({ line: 7, field: 'agent', message: 'must be a string, got 1' });
    expect(only(ev('iteration', { branch: null }))).toEqual({ line: 7, field: 'branch', message: 'must be a string, got null' });
  });

  it('refuses U+0000 in every string field, naming the field, and keeps it inside attrs', () => {
    const nul = 'a\u0000b';
    const message = 'must not contain the NUL character (U+0000)';
    for (const field of ['id', 'run', 'agent', 'model', 'branch']) {
      expect(only(ev('run.started', { [field]: nul }))).toEqual({ line: 7, field, message });
    }
    expect(only(ev('run.started', { repo: 'acme/a\u0000' }))).toEqual({ line: 7, field: 'repo', message });
    expect(only(ev('run.started', { task: nul }))).toEqual({ line: 7, field: 'task', message });
    expect(only(ev('tool.call', { tool: nul }))).toEqual({ line: 7, field: 'tool', message });
    expect(only(ev('change.opened', { change: nul }))).toEqual({ line: 7, field: 'change', message });
    expect(only(ev('defect.opened', { changes: ['x', nul] }))).toEqual({ line: 7, field: 'changes', message: `item 1 ${message}` });
    // An id that is too long and holds U+0000 is reported once.
    expect(only(ev('iteration', { id: nul.repeat(150) }))).toMatchObject({ field: 'id', message: expect.stringMatching(/^must be a string of 1–200/) });
    expect(eventOf(ev('iteration', { attrs: { note: nul } })).attrs).toEqual({ note: nul });
  });

  it('checks repo is owner/name', () => {
    expect(eventOf(ev('run.started', { repo: 'acme/api' })).repo).toBe('acme/api');
    for (const repo of ['acme', '/api', 'acme/', 'a/b/c', '', 42]) {
      expect(only(ev('run.started', { repo }))).toMatchObject({ field: 'repo' });
    }
  });

  it('checks the team slug', () => {
    expect(eventOf(ev('change.closed', { team: 'a' })).team).toBe('a');
    expect(eventOf(ev('change.closed', { team: '0-team-9' })).team).toBe('0-team-9');
    expect(eventOf(ev('change.closed', { team: 'a'.repeat(63) })).team).toHaveLength(63);
    for (const team of ['a'.repeat(64), '-acme', 'Acme', 'ac_me', 'ac me', '', 5]) {
      expect(only(ev('change.closed', { team }))).toMatchObject({ field: 'team' });
    }
    const noTeam = ev('change.closed');
    delete noTeam.team;
    expect(only(noTeam)).toEqual({ line: 7, field: 'team', message: 'required' });
  });

  it('fills in a fixed team and rejects one that disagrees', () => {
    const noTeam = ev('change.closed');
    delete noTeam.team;
    expect(eventOf(noTeam, 'acme').team).toBe('acme');
    expect(eventOf(ev('change.closed', { team: 'acme' }), 'acme').team).toBe('acme');
    expect(only(ev('change.closed', { team: 'other' }), 'acme')).toEqual({
      line: 7,
      field: 'team',
      message: "'other' disagrees with the request's team 'acme'",
    });
  });
});

describe('validateEvent: ts', () => {
  const ts = (v: unknown) => eventOf(ev('change.closed', { ts: v })).ts;
  const tsProblem = (v: unknown) => only(ev('change.closed', { ts: v }));

  it('accepts RFC 3339 with Z or an offset', () => {
    expect(ts('2025-03-01T12:00:00Z')).toBe(TS_MS);
    expect(ts('2025-03-01t12:00:00z')).toBe(TS_MS);
    expect(ts('2025-03-01T14:00:00+02:00')).toBe(TS_MS);
    expect(ts('2025-03-01T06:30:00-05:30')).toBe(TS_MS);
    expect(ts('2025-03-01T12:00:00-00:00')).toBe(TS_MS);
    expect(ts('2025-03-01T12:00:00.5Z')).toBe(TS_MS + 500);
    expect(ts('2025-03-01T12:00:00.12Z')).toBe(TS_MS + 120);
    expect(ts('2025-03-01T12:00:00.123456789Z')).toBe(TS_MS + 123);
    expect(ts('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(ts('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(ts('1970-01-01T00:00:00Z')).toBe(0);
    expect(ts('9999-12-31T23:59:59.999Z')).toBe(253402300799999);
  });

  it('agrees with Date.parse on many instants', () => {
    for (let t = 0; t < 253402300799999; t += 997_123_456_789) {
      const iso = new Date(t).toISOString();
      expect(parseRfc3339(iso)).toBe(t);
      expect(parseRfc3339(iso.replace('Z', '+01:00'))).toBe(t - 3600_000);
    }
  });

  it('rejects a date-time without an offset', () => {
    expect(tsProblem('2025-03-01T12:00:00')).toEqual({
      line: 7,
      field: 'ts',
      message: "must be RFC 3339 with an offset (Z or ±hh:mm) or epoch milliseconds, got '2025-03-01T12:00:00'",
    });
    expect(tsProblem('2025-03-01T12:00:00.250')).toMatchObject({ field: 'ts' });
  });

  it('rejects impossible dates and malformed strings', () => {
    expect(tsProblem('2025-13-01T12:00:00Z').message).toBe("is not a valid date-time: month 13, got '2025-13-01T12:00:00Z'");
    expect(tsProblem('2025-02-29T12:00:00Z').message).toContain('day 29 of month 2');
    expect(tsProblem('1900-02-29T12:00:00Z').message).toContain('day 29 of month 2');
    expect(tsProblem('2025-04-31T12:00:00Z').message).toContain('day 31');
    expect(tsProblem('2025-01-00T12:00:00Z').message).toContain('day 0');
    for (const bad of [
      '2025-03-01T24:00:00Z',
      '2025-03-01T12:60:00Z',
      '2025-03-01T12:00:61Z',
      '2025-03-01T12:00:00+24:00',
      '2025-03-01T12:00:00+0200',
      '2025-03-01T12:00:00.Z',
      '2025-03-01T12:00Z',
      '2025-3-01T12:00:00Z',
      '2025-03-01X12:00:00Z',
      '2025-03-01T12:00:00ZZ',
      '2025-03-01',
      '',
      '1700000000000',
      'Sat, 01 Mar 2025 12:00:00 GMT',
    ]) {
      expect(tsProblem(bad)).toMatchObject({ field: 'ts' });
    }
    expect(tsProblem('1969-12-31T23:59:59Z').message).toContain('must be between');
  });

  it('accepts integer epoch milliseconds in range', () => {
    expect(ts(0)).toBe(0);
    expect(ts(1740830400000)).toBe(1740830400000);
    expect(ts(253402300799999)).toBe(253402300799999);
  });

  it('rejects non-integer, negative and out-of-range epochs, and other types', () => {
    expect(tsProblem(1.5).message).toBe('must be RFC 3339 with an offset or epoch milliseconds, got 1.5');
    expect(tsProblem(-1).message).toContain('must be between');
    expect(tsProblem(253402300800000).message).toContain('must be between');
    expect(tsProblem(null).message).toBe('must be RFC 3339 with an offset or epoch milliseconds, got null');
    expect(tsProblem(true)).toMatchObject({ field: 'ts' });
    const noTs = ev('change.closed');
    delete noTs.ts;
    expect(only(noTs)).toEqual({ line: 7, field: 'ts', message: 'required' });
  });
});

describe('validateEvent: attrs', () => {
  /** attrs whose JSON serialisation is exactly `bytes` bytes, using `ch` to fill. */
  function attrsOfSize(bytes: number, ch = 'x'): Record<string, unknown> {
    const overhead = JSON.stringify({ k: '' }).length; // {"k":""}
    const chBytes = Buffer.byteLength(ch);
    const fill = Math.floor((bytes - overhead) / chBytes);
    const pad = bytes - overhead - fill * chBytes;
    const a = { k: ch.repeat(fill) + 'y'.repeat(pad) };
    expect(Buffer.byteLength(JSON.stringify(a))).toBe(bytes);
    return a;
  }

  it('accepts 8192 bytes and rejects 8193', () => {
    expect(eventOf(ev('iteration', { attrs: attrsOfSize(8192) })).attrs).toEqual(attrsOfSize(8192));
    expect(only(ev('iteration', { attrs: attrsOfSize(8193) }))).toEqual({
      line: 7,
      field: 'attrs',
      message: 'must be at most 8 KiB (8192 bytes) serialized, got 8193 bytes',
    });
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(eventOf(ev('iteration', { attrs: attrsOfSize(8192, 'é') })).attrs).toBeDefined();
    expect(only(ev('iteration', { attrs: attrsOfSize(8193, 'é') }))).toMatchObject({ field: 'attrs' });
    expect(eventOf(ev('iteration', { attrs: attrsOfSize(8192, '😀') })).attrs).toBeDefined();
    expect(only(ev('iteration', { attrs: attrsOfSize(8194, '日') }))).toMatchObject({ field: 'attrs' });
    // 3000 characters, 9000 bytes
    expect(only(ev('iteration', { attrs: { k: '日'.repeat(3000) } })).message).toContain('got 9008 bytes');
  });

  it('keeps attrs verbatim, nested values included', () => {
    const attrs = { a: [1, { b: null }], c: 'x', d: { e: true } };
    expect(eventOf(ev('iteration', { attrs })).attrs).toEqual(attrs);
    expect(eventOf(ev('iteration', { attrs: {} })).attrs).toEqual({});
  });

  it('rejects attrs that are not an object', () => {
    for (const attrs of [[], null, 'x', 1]) {
      expect(only(ev('iteration', { attrs }))).toMatchObject({ field: 'attrs' });
    }
    expect(only(ev('iteration', { attrs: [] })).message).toBe('must be an object, got an array');
  });
});

describe('validateEvent: type-specific values', () => {
  const INT0: [EventType, string][] = [
    ['llm.call', 'input_tokens'],
    ['llm.call', 'output_tokens'],
    ['llm.call', 'cache_read_tokens'],
    ['llm.call', 'cache_write_tokens'],
    ['test.result', 'passed'],
    ['test.result', 'failed'],
    ['test.result', 'skipped'],
    ['message', 'tokens'],
    ['change.opened', 'additions'],
    ['change.opened', 'deletions'],
    ['change.merged', 'additions'],
    ['change.merged', 'deletions'],
    ['tool.call', 'duration_ms'],
  ];
  it.each(INT0)('%s.%s is an integer ≥ 0', (type, field) => {
    expect(valueOf(eventOf(ev(type, { [field]: 0 })), field)).toBe(0);
    expect(valueOf(eventOf(ev(type, { [field]: 123456789 })), field)).toBe(123456789);
    expect(only(ev(type, { [field]: -1 }))).toEqual({ line: 7, field, message: 'must be an integer ≥ 0, got -1' });
    expect(only(ev(type, { [field]: 1.5 }))).toEqual({ line: 7, field, message: 'must be an integer ≥ 0, got 1.5' });
    expect(only(ev(type, { [field]: '5' }))).toEqual({ line: 7, field, message: "must be an integer ≥ 0, got '5'" });
    expect(only(ev(type, { [field]: null }))).toEqual({ line: 7, field, message: 'must be an integer ≥ 0, got null' });
    expect(only(ev(type, { [field]: 2 ** 60 }))).toEqual({ line: 7, field, message: 'must be at most 9007199254740991 (2^53 − 1): larger integers lose their exact value' });
    expect(valueOf(eventOf(ev(type, { [field]: Number.MAX_SAFE_INTEGER })), field)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['iteration', 'n'],
    ['change.modified', 'lines'],
  ] as [EventType, string][])('%s.%s is an integer ≥ 1', (type, field) => {
    expect(valueOf(eventOf(ev(type, { [field]: 1 })), field)).toBe(1);
    expect(only(ev(type, { [field]: 0 }))).toEqual({ line: 7, field, message: 'must be an integer ≥ 1, got 0' });
    expect(only(ev(type, { [field]: -1 }))).toEqual({ line: 7, field, message: 'must be an integer ≥ 1, got -1' });
    expect(only(ev(type, { [field]: 1.5 }))).toEqual({ line: 7, field, message: 'must be an integer ≥ 1, got 1.5' });
  });

  it('cost_usd is a finite number ≥ 0', () => {
    expect(eventOf(ev('llm.call', { cost_usd: 0 })).cost_usd).toBe(0);
    expect(eventOf(ev('llm.call', { cost_usd: 1.5 })).cost_usd).toBe(1.5);
    expect(only(ev('llm.call', { cost_usd: -0.01 }))).toEqual({ line: 7, field: 'cost_usd', message: 'must be a number ≥ 0, got -0.01' });
    expect(only(ev('llm.call', { cost_usd: '1' }))).toMatchObject({ field: 'cost_usd' });
    expect(only(ev('llm.call', { cost_usd: Infinity }))).toMatchObject({ field: 'cost_usd' });
    expect(only(ev('llm.call', { cost_usd: NaN }))).toMatchObject({ field: 'cost_usd' });
  });

  it('status is one of the run statuses', () => {
    for (const status of RUN_STATUSES) expect(eventOf(ev('run.ended', { status })).status).toBe(status);
    // `finished`: the agent's session ended without a verdict (hooks, importers).
    expect(eventOf(ev('run.ended', { status: 'finished' })).status).toBe('finished');
    expect(only(ev('run.ended', { status: 'done' }))).toEqual({
      line: 7,
      field: 'status',
      message: "must be one of succeeded, failed, abandoned, cancelled, finished, got 'done'",
    });
  });

  it('withdrawn (defect.fixed) is a boolean', () => {
    expect(eventOf(ev('defect.fixed', { withdrawn: true })).withdrawn).toBe(true);
    expect(only(ev('defect.fixed', { withdrawn: 'yes' }))).toEqual({ line: 7, field: 'withdrawn', message: "must be true or false, got 'yes'" });
  });

  it('ok is a boolean', () => {
    expect(eventOf(ev('tool.call', { ok: true })).ok).toBe(true);
    expect(eventOf(ev('tool.call', { ok: false })).ok).toBe(false);
    expect(only(ev('tool.call', { ok: 'true' }))).toEqual({ line: 7, field: 'ok', message: "must be true or false, got 'true'" });
    expect(only(ev('tool.call', { ok: 1 }))).toMatchObject({ field: 'ok' });
  });

  it('changes is an array of non-empty strings', () => {
    expect(eventOf(ev('defect.opened', { changes: ['a', 'b'] })).changes).toEqual(['a', 'b']);
    expect(eventOf(ev('defect.opened', { changes: [] })).changes).toEqual([]);
    expect(only(ev('defect.opened', { changes: 'a' }))).toMatchObject({ field: 'changes' });
    expect(only(ev('defect.opened', { changes: ['a', ''] }))).toEqual({
      line: 7,
      field: 'changes',
      message: "must be an array of non-empty strings, item 1 is ''",
    });
    expect(only(ev('defect.opened', { changes: ['a', 3] }))).toMatchObject({ field: 'changes' });
  });

  it.each([
    ['change.opened', 'change'],
    ['defect.opened', 'defect'],
    ['change.reverted', 'by'],
    ['tool.call', 'tool'],
    ['message', 'from'],
    ['message', 'to'],
    ['defect.fixed', 'change'],
  ] as [EventType, string][])('%s.%s is a non-empty string', (type, field) => {
    expect(only(ev(type, { [field]: '' }))).toEqual({ line: 7, field, message: "must be a non-empty string, got ''" });
    expect(only(ev(type, { [field]: 12 }))).toEqual({ line: 7, field, message: 'must be a non-empty string, got 12' });
  });

  it('free-text fields must be strings', () => {
    expect(only(ev('run.started', { task: 1 }))).toMatchObject({ field: 'task' });
    expect(only(ev('change.opened', { title: false }))).toMatchObject({ field: 'title' });
    expect(only(ev('defect.opened', { severity: {} }))).toMatchObject({ field: 'severity' });
  });

  it('quotes and shortens long values in messages', () => {
    const m = only(ev('run.ended', { status: 'x'.repeat(500) })).message;
    expect(m.length).toBeLessThan(150);
    expect(m).toContain("'xxxx");
    expect(m).toContain('…');
    expect(only(ev('run.ended', { status: 'a\nb' })).message).toContain("got 'a\\nb'");
  });
});
