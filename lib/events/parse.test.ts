import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RUN_STATUSES, type InputFormat, type LoopEvent } from './types';
import { parseEvents, readEvents } from './parse';
import type { ParsedItem, ReadOptions } from './parse';

const T0 = Date.UTC(2025, 0, 1);

async function* chunked(input: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < input.length; o += size) yield input.subarray(o, Math.min(o + size, input.length));
}

async function collect(input: string | Uint8Array, format: InputFormat, chunkSize = 1 << 16, options?: ReadOptions) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const items: ParsedItem[] = [];
  for await (const item of readEvents(chunked(bytes, chunkSize), format, options)) items.push(item);
  return items;
}

/** The same input split into chunks of every size from 1 byte up gives the same items. */
async function expectChunkingIrrelevant(input: string | Uint8Array, format: InputFormat, options?: ReadOptions) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const whole = parseEvents(bytes, format, options);
  for (let size = 1; size <= bytes.length; size++) {
    expect(await collect(bytes, format, size, options), `chunk size ${size}`).toEqual(whole);
  }
  // And every split into two chunks at any byte position.
  for (let at = 0; at <= bytes.length; at++) {
    const items: ParsedItem[] = [];
    async function* two() {
      yield bytes.subarray(0, at);
      yield bytes.subarray(at);
    }
    for await (const it of readEvents(two(), format, options)) items.push(it);
    expect(items, `split at ${at}`).toEqual(whole);
  }
  return whole;
}

const summary = (items: ParsedItem[]) =>
  items.map((i) => (i.event ? { line: i.line, index: i.index, id: i.event.id } : { line: i.line, index: i.index, problems: i.problems }));

const line = (o: Record<string, unknown>) => JSON.stringify(o);
const iter = (id: string, n = 1, extra: Record<string, unknown> = {}) => ({ id, type: 'iteration', ts: T0, team: 'acme', run: 'r1', n, ...extra });

describe('NDJSON', () => {
  it('reads events with physical line numbers, skipping blank lines', async () => {
    const text = `${line(iter('a'))}\n\n   \n${line(iter('b', 2))}\n\t\n${line(iter('c', 3))}`;
    const items = parseEvents(text, 'ndjson');
    expect(items).toEqual([
      { line: 1, event: { id: 'a', type: 'iteration', ts: T0, team: 'acme', run: 'r1', n: 1 } },
      { line: 4, event: { id: 'b', type: 'iteration', ts: T0, team: 'acme', run: 'r1', n: 2 } },
      { line: 6, event: { id: 'c', type: 'iteration', ts: T0, team: 'acme', run: 'r1', n: 3 } },
    ]);
  });

  it('handles CRLF, a BOM and a missing final newline', async () => {
    const text = `\uFEFF${line(iter('a'))}\r\n\r\n${line(iter('b'))}\r\n${line(iter('c'))}`;
    expect(summary(parseEvents(text, 'ndjson'))).toEqual([
      { line: 1, id: 'a' },
      { line: 3, id: 'b' },
      { line: 4, id: 'c' },
    ]);
    // A BOM alone, or only later in the file, is not special.
    expect(parseEvents('\uFEFF', 'ndjson')).toEqual([]);
    expect(parseEvents(`\n\uFEFF${line(iter('a'))}`, 'ndjson')[0].problems?.[0]).toMatchObject({ line: 2, field: '' });
  });

  it('reports invalid JSON and non-objects per line, and goes on', () => {
    const text = `{"id": "a",\n[1,2]\n"x"\n${line(iter('b'))}\n{"id":"c","type":"iteration","ts":0,"team":"acme","run":"r","n":0}\n`;
    const items = parseEvents(text, 'ndjson');
    expect(items).toHaveLength(5);
    expect(items[0]).toEqual({ line: 1, problems: [{ line: 1, field: '', message: expect.stringMatching(/^not valid JSON: /) }] });
    expect(items[1]).toEqual({ line: 2, problems: [{ line: 2, field: '', message: 'not a JSON object (got an array)' }] });
    expect(items[2].problems).toEqual([{ line: 3, field: '', message: "not a JSON object (got 'x')" }]);
    expect(items[3]).toMatchObject({ line: 4, event: { id: 'b' } });
    expect(items[4]).toEqual({ line: 5, problems: [{ line: 5, field: 'n', message: 'must be an integer ≥ 1, got 0' }] });
  });

  it('says where JSON breaks, without echoing the line', () => {
    const [item] = parseEvents('{"id":"a" "type":1}', 'ndjson');
    expect(item.problems![0].message).toBe("not valid JSON: expected ',' or '}' after property value at column 11");
  });

  it('gives the same items whatever the chunk boundaries (multi-byte text, CRLF, BOM, blank lines, errors)', async () => {
    const text =
      `\uFEFF${line(iter('é-1', 1, { attrs: { note: '日本語 😀 "q" \\ ' } }))}\r\n` +
      `\r\n` +
      `  \n` +
      `{"id":"bad",\n` +
      `${line(iter('b', 2, { agent: 'ünïcode' }))}\n` +
      `${line({ id: 'c', type: 'change.merged', ts: '2025-01-01T00:00:00+01:00', team: 'acme', change: 'a/b#1' })}`;
    const whole = await expectChunkingIrrelevant(text, 'ndjson');
    expect(summary(whole)).toEqual([
      { line: 1, id: 'é-1' },
      { line: 4, problems: [{ line: 4, field: '', message: expect.stringMatching(/^not valid JSON/) }] },
      { line: 5, id: 'b' },
      { line: 6, id: 'c' },
    ]);
    expect(whole[0].event!.attrs).toEqual({ note: '日本語 😀 "q" \\ ' });
  });

  it('rejects an over-long line by its number and reads the lines after it', async () => {
    const long = line(iter('long', 1, { attrs: { pad: 'x'.repeat(300) } }));
    const text = `${line(iter('a'))}\n${long}\n${line(iter('b'))}\n${long}`;
    const options = { maxLineBytes: 200 };
    const whole = await expectChunkingIrrelevant(text, 'ndjson', options);
    expect(summary(whole)).toEqual([
      { line: 1, id: 'a' },
      { line: 2, problems: [{ line: 2, field: '', message: 'line is longer than the 200 bytes limit' }] },
      { line: 3, id: 'b' },
      { line: 4, problems: [{ line: 4, field: '', message: 'line is longer than the 200 bytes limit' }] },
    ]);
    // A line of exactly the limit is fine.
    const exact = line(iter('x', 1, { attrs: { pad: '' } }));
    expect(parseEvents(exact, 'ndjson', { maxLineBytes: Buffer.byteLength(exact) })[0].event).toBeDefined();
    expect(parseEvents(exact, 'ndjson', { maxLineBytes: Buffer.byteLength(exact) - 1 })[0].problems).toBeDefined();
  });

  it('skips a huge line without buffering it (default 1 MiB limit)', async () => {
    const piece = Buffer.alloc(1 << 16, 'x'.charCodeAt(0)); // the same 64 KiB buffer, again and again
    const total = 64 << 20; // a 64 MiB line
    async function* input() {
      yield `${line(iter('a'))}\n{"id":"`;
      for (let sent = 0; sent < total; sent += piece.length) yield piece;
      yield `"}\n${line(iter('b'))}\n`;
    }
    const before = process.memoryUsage();
    const items: ParsedItem[] = [];
    for await (const it of readEvents(input(), 'ndjson')) items.push(it);
    const after = process.memoryUsage();
    expect(summary(items)).toEqual([
      { line: 1, id: 'a' },
      { line: 2, problems: [{ line: 2, field: '', message: 'line is longer than the 1 MiB limit' }] },
      { line: 3, id: 'b' },
    ]);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 << 20);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(32 << 20);
  });

  it('accepts string chunks and Uint8Array chunks', async () => {
    async function* strings() {
      yield line(iter('a')).slice(0, 10);
      yield line(iter('a')).slice(10) + '\n' + line(iter('b'));
    }
    const out: ParsedItem[] = [];
    for await (const it of readEvents(strings(), 'ndjson')) out.push(it);
    expect(summary(out)).toEqual([
      { line: 1, id: 'a' },
      { line: 2, id: 'b' },
    ]);
    async function* u8() {
      yield new TextEncoder().encode(line(iter('c')));
    }
    const out2: ParsedItem[] = [];
    for await (const it of readEvents(u8(), 'ndjson')) out2.push(it);
    expect(summary(out2)).toEqual([{ line: 1, id: 'c' }]);
  });

  it('applies a fixed team', () => {
    const { team: _t, ...noTeam } = iter('a');
    const items = parseEvents(`${line(noTeam)}\n${line(iter('b'))}\n${line({ ...iter('c'), team: 'other' })}`, 'ndjson', {
      fixedTeam: 'acme',
    });
    expect(items[0].event!.team).toBe('acme');
    expect(items[1].event!.team).toBe('acme');
    expect(items[2].problems).toEqual([{ line: 3, field: 'team', message: "'other' disagrees with the request's team 'acme'" }]);
  });
});

describe('JSON array', () => {
  it('reports each element with its index and the line it starts on', async () => {
    // Written with JSON.stringify, so the text holds \" and \\ escapes next to brackets.
    const tricky = { s: 'has ] and [ and } and { and , and " and \\ and \\"', nested: [[1, [2]], { x: [] }] };
    const text = [
      '[',
      `  ${line(iter('a', 1, { attrs: tricky }))},`,
      '  {',
      '    "id": "b", "type": "iteration", "ts": 0, "team": "acme",',
      '    "run": "r\\"]", "n": 2',
      '  },',
      `  ${line(iter('c', 3, { attrs: { back: 'ends with backslash \\' } }))}`,
      ']',
      '',
    ].join('\n');
    const items = await expectChunkingIrrelevant(text, 'json');
    expect(summary(items)).toEqual([
      { line: 2, index: 0, id: 'a' },
      { line: 3, index: 1, id: 'b' },
      { line: 7, index: 2, id: 'c' },
    ]);
    expect(items[0].event!.attrs).toEqual(tricky);
    expect(text).toContain('\\\\\\"'); // an escaped backslash then an escaped quote
    expect(items[1].event!.run).toBe('r"]');
    expect(items[2].event!.attrs).toEqual({ back: 'ends with backslash \\' });
  });

  it('reports bad elements by index and goes on', () => {
    const text = `[\n${line(iter('a'))},\n42,\n{"id": "x" "y"},\n${line(iter('b', 0))}, ${line(iter('c'))}\n]`;
    const items = parseEvents(text, 'json');
    expect(summary(items)).toEqual([
      { line: 2, index: 0, id: 'a' },
      { line: 3, index: 1, problems: [{ line: 3, index: 1, field: '', message: 'not a JSON object (got 42)' }] },
      {
        line: 4,
        index: 2,
        problems: [{ line: 4, index: 2, field: '', message: expect.stringMatching(/^not valid JSON: /) }],
      },
      { line: 5, index: 3, problems: [{ line: 5, index: 3, field: 'n', message: 'must be an integer ≥ 1, got 0' }] },
      { line: 5, index: 4, id: 'c' },
    ]);
  });

  it('accepts an empty array, a BOM and surrounding whitespace', async () => {
    expect(parseEvents(' \n[ \n ]\n\n', 'json')).toEqual([]);
    const items = await expectChunkingIrrelevant(`\uFEFF\r\n[${line(iter('a'))}]\r\n`, 'json');
    expect(summary(items)).toEqual([{ line: 2, index: 0, id: 'a' }]);
  });

  it('rejects input that is not an array', () => {
    expect(parseEvents(`\n\n${line(iter('a'))}`, 'json')).toEqual([
      {
        line: 3,
        problems: [{ line: 3, field: '', message: "not a JSON array: the input must start with '[' (one JSON object a line is NDJSON)" }],
      },
    ]);
    expect(parseEvents('', 'json')).toEqual([{ line: 1, problems: [{ line: 1, field: '', message: 'not a JSON array: the input is empty' }] }]);
    expect(parseEvents('x', 'json')[0].problems![0].message).toMatch(/^not a JSON array/);
  });

  it('rejects an unterminated array, after the elements it holds', () => {
    expect(summary(parseEvents(`[\n${line(iter('a'))},\n${line(iter('b'))}\n`, 'json'))).toEqual([
      { line: 2, index: 0, id: 'a' },
      { line: 3, index: 1, id: 'b' },
      { line: 4, problems: [{ line: 4, field: '', message: "the JSON array is not closed: missing ']'" }] },
    ]);
    expect(summary(parseEvents(`[${line(iter('a'))},`, 'json'))).toEqual([
      { line: 1, index: 0, id: 'a' },
      { line: 1, problems: [{ line: 1, field: '', message: "the JSON array is not closed: missing ']'" }] },
    ]);
    // The input ends inside an element.
    expect(summary(parseEvents('[\n{"id": "a", "attrs": {"x": "]', 'json'))).toEqual([
      { line: 2, index: 0, problems: [{ line: 2, index: 0, field: '', message: 'not valid JSON: the input ends inside this element' }] },
      { line: 2, problems: [{ line: 2, field: '', message: "the JSON array is not closed: missing ']'" }] },
    ]);
  });

  it('rejects text after the array, trailing commas and holes', () => {
    expect(summary(parseEvents(`[${line(iter('a'))}]\n\n{"id":"b"}\n[]`, 'json'))).toEqual([
      { line: 1, index: 0, id: 'a' },
      { line: 3, problems: [{ line: 3, field: '', message: 'unexpected text after the end of the JSON array' }] },
    ]);
    expect(summary(parseEvents(`[${line(iter('a'))},\n]`, 'json'))).toEqual([
      { line: 1, index: 0, id: 'a' },
      { line: 2, index: 1, problems: [{ line: 2, index: 1, field: '', message: "expected an element after ',' (trailing comma)" }] },
    ]);
    expect(summary(parseEvents(`[,${line(iter('a'))}]`, 'json'))).toEqual([
      { line: 1, index: 0, problems: [{ line: 1, index: 0, field: '', message: "expected an element before ','" }] },
      { line: 1, index: 1, id: 'a' },
    ]);
  });

  it('rejects an over-long element and reads the rest', async () => {
    const long = line(iter('long', 1, { attrs: { pad: '[{"x' + 'x'.repeat(300) } }));
    const text = `[\n${line(iter('a'))},\n${long},\n${line(iter('b'))}]`;
    const whole = await expectChunkingIrrelevant(text, 'json', { maxLineBytes: 200 });
    expect(summary(whole)).toEqual([
      { line: 2, index: 0, id: 'a' },
      { line: 3, index: 1, problems: [{ line: 3, index: 1, field: '', message: 'element is longer than the 200 bytes limit' }] },
      { line: 4, index: 2, id: 'b' },
    ]);
  });
});

describe('CSV', () => {
  const header = 'id,type,ts,team,run,n,attrs.note,attrs.deep.key';

  it('reads records with the physical line they start on, quoted newlines included', async () => {
    const text =
      `${header}\n` +
      `a,iteration,${T0},acme,r1,1,"multi\nline, with ""quotes""",\n` +
      `\n` +
      `b,iteration,2025-01-01T00:00:00Z,acme,"r\r\n2",2,,deep\n` +
      `c,iteration,2025-01-01T01:00:00+01:00,acme,r1,3,,\n`;
    const items = await expectChunkingIrrelevant(text, 'csv');
    expect(items).toEqual([
      { line: 2, event: { id: 'a', type: 'iteration', ts: T0, team: 'acme', run: 'r1', n: 1, attrs: { note: 'multi\nline, with "quotes"' } } },
      { line: 5, event: { id: 'b', type: 'iteration', ts: T0, team: 'acme', run: 'r\r\n2', n: 2, attrs: { deep: { key: 'deep' } } } },
      { line: 7, event: { id: 'c', type: 'iteration', ts: T0, team: 'acme', run: 'r1', n: 3 } },
    ]);
  });

  it('handles CRLF, a BOM and blank lines', async () => {
    const text = `\uFEFF${header}\r\n\r\na,iteration,0,acme,r1,1,,\r\n  \r\nb,iteration,0,acme,r1,2,,`;
    const items = await expectChunkingIrrelevant(text, 'csv');
    expect(summary(items)).toEqual([
      { line: 3, id: 'a' },
      { line: 5, id: 'b' },
    ]);
  });

  it('converts numbers, booleans and lists, and names the field that does not convert', () => {
    const text = [
      'id,type,ts,team,run,model,input_tokens,output_tokens,cost_usd,tool,ok,duration_ms,defect,changes,unknown,deep.x',
      'l1,llm.call,1000,acme,r,m,10,0,0.25,,,,,,zzz,zzz',
      't1,tool.call,1000,acme,r,,,,,bash,false,15,,,,',
      'd1,defect.opened,1000,acme,,,,,,,,,BUG-1,acme/api#1;abc123,,',
      'l2,llm.call,1000,acme,r,m,ten,-3,1e-3,,,,,,,',
      't2,tool.call,1000,acme,r,,,,,bash,yes,1.5,,,,',
      'l3,llm.call,12:00,acme,r,m,1,1,$3,,,,,,,',
    ].join('\n');
    const items = parseEvents(text, 'csv');
    expect(items[0]).toEqual({
      line: 2,
      event: { id: 'l1', type: 'llm.call', ts: 1000, team: 'acme', run: 'r', model: 'm', input_tokens: 10, output_tokens: 0, cost_usd: 0.25 },
    });
    expect(items[1].event).toEqual({ id: 't1', type: 'tool.call', ts: 1000, team: 'acme', run: 'r', tool: 'bash', ok: false, duration_ms: 15 });
    expect(items[2].event).toEqual({ id: 'd1', type: 'defect.opened', ts: 1000, team: 'acme', defect: 'BUG-1', changes: ['acme/api#1', 'abc123'] });
    expect(items[3]).toEqual({
      line: 5,
      problems: [
        { line: 5, field: 'input_tokens', message: "must be an integer ≥ 0, got 'ten'" },
        { line: 5, field: 'output_tokens', message: 'must be an integer ≥ 0, got -3' },
      ],
    });
    expect(items[4].problems).toEqual([
      { line: 6, field: 'ok', message: "must be true or false, got 'yes'" },
      { line: 6, field: 'duration_ms', message: "must be an integer ≥ 0, got '1.5'" },
    ]);
    expect(items[5].problems!.map((p) => p.field)).toEqual(['ts', 'cost_usd']);
  });

  it('rejects a record with the wrong number of cells', () => {
    const items = parseEvents(`${header}\na,iteration,0,acme,r1,1\nb,iteration,0,acme,r1,1,,,extra\nc,iteration,0,acme,r1,1,,`, 'csv');
    expect(summary(items)).toEqual([
      { line: 2, problems: [{ line: 2, field: '', message: 'expected 8 cells as in the header, found 6' }] },
      { line: 3, problems: [{ line: 3, field: '', message: 'expected 8 cells as in the header, found 9' }] },
      { line: 4, id: 'c' },
    ]);
  });

  it('reports a quoted cell left open, and an over-long record', async () => {
    expect(parseEvents(`${header}\na,iteration,0,acme,"r1,1,,\n\n`, 'csv')).toEqual([
      { line: 2, problems: [{ line: 2, field: '', message: 'a quoted cell is not closed before the end of the input' }] },
    ]);
    const text = `${header}\na,iteration,0,acme,r1,1,"${'x\n'.repeat(150)}",\nb,iteration,0,acme,r1,1,,\n`;
    const whole = await expectChunkingIrrelevant(text, 'csv', { maxLineBytes: 200 });
    expect(summary(whole)).toEqual([
      { line: 2, problems: [{ line: 2, field: '', message: 'record is longer than the 200 bytes limit' }] },
      { line: 153, id: 'b' },
    ]);
  });

  it('refuses a file whose header names no id, type or ts column: it is not events', () => {
    const items = parseEvents('[{"id":"e1","type":"iteration"}]\n', 'csv');
    expect(items).toEqual([{ line: 1, fatal: true, problems: [{ line: 1, field: '', message: 'the header names no id, type or ts column: this is not a CSV of events' }] }]);
  });

  it('yields nothing for an empty file or a header alone', () => {
    expect(parseEvents('', 'csv')).toEqual([]);
    expect(parseEvents(`${header}\n`, 'csv')).toEqual([]);
  });

  it('does not let attrs columns reach the prototype', () => {
    const [item] = parseEvents('id,type,ts,team,run,n,attrs.__proto__.polluted\na,iteration,0,acme,r,1,yes\n', 'csv');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(item.event!.attrs!)).toEqual(['__proto__']);
  });
});

// ---------------------------------------------------------------------------------------------
// Round trip: any valid events, written as NDJSON, a JSON array or CSV, read back the same.

const text = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '"', '\n', '\r', '\\', 'é', '日', '😀', '#', '/', '-') });
const idText = text.filter((s) => !s.includes(';') && !s.includes('/'));
const int0 = fc.oneof(fc.nat(1000), fc.maxSafeNat());
const int1 = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const money = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const attrKey = fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', '_', '-', 'é') });
const attrs = fc.dictionary(attrKey, text, { minKeys: 1, maxKeys: 3 });

const perType: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  'run.started': fc.record({ run: text, task: text }, { requiredKeys: ['run'] }),
  'run.ended': fc.record({ run: text, status: fc.constantFrom(...RUN_STATUSES) }),
  iteration: fc.record({ run: text, n: int1 }),
  'llm.call': fc.record(
    { run: text, model: text, input_tokens: int0, output_tokens: int0, cache_read_tokens: int0, cache_write_tokens: int0, cost_usd: money },
    { requiredKeys: ['run', 'model', 'input_tokens', 'output_tokens'] },
  ),
  'tool.call': fc.record({ run: text, tool: text, ok: fc.boolean(), duration_ms: int0 }, { requiredKeys: ['run', 'tool'] }),
  'test.result': fc.record({ run: text, passed: int0, failed: int0, skipped: int0 }, { requiredKeys: ['run', 'passed', 'failed'] }),
  message: fc.record({ run: text, from: text, to: text, tokens: int0 }, { requiredKeys: ['run', 'from', 'to'] }),
  'change.opened': fc.record(
    { change: text, run: text, branch: text, title: text, additions: int0, deletions: int0 },
    { requiredKeys: ['change'] },
  ),
  'change.merged': fc.record({ change: text, run: text, additions: int0, deletions: int0 }, { requiredKeys: ['change'] }),
  'change.closed': fc.record({ change: text }),
  'change.reverted': fc.record({ change: text, by: text }, { requiredKeys: ['change'] }),
  'change.modified': fc.record({ change: text, lines: int1 }, { requiredKeys: ['change'] }),
  'defect.opened': fc.record({ defect: text, changes: fc.array(idText, { minLength: 1, maxLength: 3 }), severity: text }, { requiredKeys: ['defect'] }),
  'defect.fixed': fc.record({ defect: text, change: text }, { requiredKeys: ['defect'] }),
};

const envelope = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 20 }),
    ts: fc.integer({ min: 0, max: 253402300799999 }),
    team: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
    agent: text,
    model: text,
    repo: fc.tuple(idText, idText).map(([a, b]) => `${a}/${b}`),
    branch: text,
    attrs,
  },
  { requiredKeys: ['id', 'ts', 'team'] },
);

/** An expected LoopEvent and how its ts is written on the wire (epoch ms, or RFC 3339 with some offset). */
const eventArb = fc
  .tuple(
    fc.constantFrom(...Object.keys(perType)).chain((type) => perType[type].map((fields) => ({ type, fields }))),
    envelope,
    fc.oneof(fc.constant<null>(null), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
  )
  .map(([{ type, fields }, env, offsetMin]) => {
    const event = { ...env, type, ...fields } as unknown as LoopEvent;
    let wireTs: number | string = event.ts;
    if (offsetMin !== null) {
      const local = new Date(event.ts + offsetMin * 60000);
      const y = local.getUTCFullYear();
      if (y >= 0 && y <= 9999) {
        const sign = offsetMin < 0 ? '-' : '+';
        const a = Math.abs(offsetMin);
        const off = offsetMin === 0 ? 'Z' : `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
        wireTs = local.toISOString().slice(0, -1) + off;
      }
    }
    return { event, wire: { ...event, ts: wireTs } as Record<string, unknown> };
  });

function toCsv(wires: Record<string, unknown>[]): string {
  const cols: string[] = [];
  const seen = new Set<string>();
  const flat = wires.map((w) => {
    const row: Record<string, string> = {};
    for (const [k, v] of Object.entries(w)) {
      if (k === 'attrs') for (const [ak, av] of Object.entries(v as Record<string, string>)) row[`attrs.${ak}`] = av;
      else if (Array.isArray(v)) row[k] = v.join(';');
      else row[k] = String(v);
    }
    for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), cols.push(k));
    return row;
  });
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [cols.map(cell).join(','), ...flat.map((r) => cols.map((c) => cell(r[c] ?? '')).join(','))].join('\r\n') + '\n';
}

describe('round trip (property)', () => {
  it('NDJSON, JSON array and CSV read back the events they were written from', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 64 }), async (evs, chunkSize) => {
        const expected = evs.map((e) => e.event);
        const wires = evs.map((e) => e.wire);
        const ndjson = wires.map((w) => JSON.stringify(w)).join('\n') + '\n';
        const json = JSON.stringify(wires, null, 2);
        const csv = toCsv(wires);
        for (const [format, input] of [
          ['ndjson', ndjson],
          ['json', json],
          ['csv', csv],
        ] as [InputFormat, string][]) {
          const items = await collect(input, format, chunkSize);
          expect(items.filter((i) => i.problems)).toEqual([]);
          expect(items.map((i) => i.event)).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('a field named twice (events-v1 Validation)', () => {
  it('rejects it in NDJSON and in a JSON array, naming the line, the index and the dotted field', () => {
    const twice = '{"id":"a","type":"iteration","ts":1735689600000,"team":"acme","run":"r1","n":1,"n":2}';
    const deep = '{"id":"b","type":"iteration","ts":1735689600000,"team":"acme","run":"r1","n":1,"attrs":{"x":[{"k":1},{"k":2,"k":3}]}}';
    const fine = line(iter('c', 1, { attrs: { n: 1, 'n\\":': 2, x: { n: 3 } } }));
    expect(parseEvents([twice, deep, fine].join('\n'), 'ndjson').map((i) => i.problems ?? 'ok')).toEqual([
      [{ line: 1, field: 'n', message: "names the field 'n' twice" }],
      [{ line: 2, field: 'attrs.x.1.k', message: "names the field 'attrs.x.1.k' twice" }],
      'ok',
    ]);
    expect(parseEvents(`[\n${twice},\n${fine}\n]`, 'json').map((i) => i.problems ?? 'ok')).toEqual([
      [{ line: 2, index: 0, field: 'n', message: "names the field 'n' twice" }],
      'ok',
    ]);
  });

  it('tells keys from strings that look like keys, with escapes and whitespace', () => {
    const tricky = '{ "id" : "a\\"b\\\\" , "type":"iteration","ts":1735689600000,"team":"acme","run":"\\"n\\":", "n" :\t1, "attrs": {"s": "\\\\\\"n\\":1"}}';
    expect(parseEvents(tricky, 'ndjson')[0].problems).toBeUndefined();
    const repeatedEscaped = '{"id":"a","type":"iteration","ts":1735689600000,"team":"acme","run":"r","n":1,"attrs":{"\\u0061":1,"a":2}}';
    expect(parseEvents(repeatedEscaped, 'ndjson')[0].problems).toEqual([{ line: 1, field: 'attrs.a', message: "names the field 'attrs.a' twice" }]);
  });

  it('rejects a CSV record that fills two header columns naming the same field', () => {
    const csv = 'id,type,ts,team,run,n,n\na,iteration,1735689600000,acme,r1,1,2\nb,iteration,1735689600000,acme,r1,1,\n';
    expect(parseEvents(csv, 'csv').map((i) => i.problems ?? 'ok')).toEqual([
      [{ line: 2, field: 'n', message: "names the field 'n' twice (two header columns name it)" }],
      'ok',
    ]);
  });

  it('finds every repetition the text has (property: counting and walking agree with a reference)', () => {
    const key = fc.constantFrom('a', 'b', 'n', '"', '\\', ':', ' ');
    const json: fc.Arbitrary<string> = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant('1'), fc.constant('"x\\":"'), tie('object'), tie('array')),
      array: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)} : ${v}`).join(' , ')}}`),
    })).object as fc.Arbitrary<string>;
    fc.assert(
      fc.property(json, (attrsText) => {
        const text = `{"id":"a","type":"iteration","ts":1735689600000,"team":"acme","run":"r","n":1,"attrs":${attrsText}}`;
        const problems = parseEvents(text, 'ndjson')[0].problems ?? [];
        const repeated = problems.some((p) => p.message.includes('twice'));
        expect(repeated).toBe(hasRepeatedKey(text));
      }),
      { numRuns: 300 },
    );
  });
});

/** Reference for the property above: a plain scan of every object literal's keys, a key set per open object. */
function hasRepeatedKey(text: string): boolean {
  let found = false;
  const stack: Set<string>[] = [];
  let i = 0;
  const readString = () => {
    let j = i + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    const s = JSON.parse(text.slice(i, j + 1)) as string;
    i = j + 1;
    return s;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '{') { stack.push(new Set()); i++; }
    else if (c === '}') { stack.pop(); i++; }
    else if (c === '"') {
      const s = readString();
      let j = i;
      while (text[j] === ' ' || text[j] === '\n') j++;
      if (text[j] === ':') {
        const keys = stack[stack.length - 1];
        if (keys.has(s)) found = true;
        keys.add(s);
      }
    } else i++;
  }
  return found;
}

describe('text that is not UTF-8 (refused, never stored with U+FFFD)', () => {
  const bad = Buffer.from([0xff]);
  const withBad = (before: string, after: string) => Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]);
  const message = 'is not valid UTF-8';

  it('names the line and field in NDJSON, and keeps U+FFFD that was sent as UTF-8', async () => {
    const input = Buffer.concat([
      Buffer.from(line(iter('ok-1')) + '\n'),
      withBad('{"id":"evt-', `","type":"iteration","ts":${T0},"team":"acme","run":"r1","n":1}\n`),
      Buffer.from(line(iter('naïve-\uFFFD')) + '\n'),
      withBad(`{"id":"x","type":"iteration","ts":${T0},"team":"acme","run":"r1","n":1,"attrs":{"k":"`, '"}}'),
    ]);
    const whole = summary(await expectChunkingIrrelevant(input, 'ndjson'));
    expect(whole).toEqual([
      { line: 1, index: undefined, id: 'ok-1' },
      { line: 2, index: undefined, problems: [{ line: 2, field: 'id', message }] },
      { line: 3, index: undefined, id: 'naïve-\uFFFD' },
      { line: 4, index: undefined, problems: [{ line: 4, field: 'attrs', message }] },
    ]);
  });

  it('names the line, index and field in a JSON array', () => {
    const input = Buffer.concat([Buffer.from(`[\n${line(iter('a'))},\n`), withBad(`{"id":"b","type":"iteration","ts":${T0},"team":"acme","run":"r`, '","n":1}\n]')]);
    expect(summary(parseEvents(input, 'json'))).toEqual([
      { line: 2, index: 0, id: 'a' },
      { line: 3, index: 1, problems: [{ line: 3, index: 1, field: 'run', message }] },
    ]);
  });

  it('names the column in CSV, and refuses the whole file when the header holds such bytes', async () => {
    const rows = Buffer.concat([Buffer.from(`id,type,ts,team,run,n\nok,iteration,${T0},acme,r1,1\n`), withBad('b', `,iteration,${T0},acme,r1,1\n`)]);
    expect(summary(await expectChunkingIrrelevant(rows, 'csv'))).toEqual([
      { line: 2, index: undefined, id: 'ok' },
      { line: 3, index: undefined, problems: [{ line: 3, field: 'id', message }] },
    ]);
    const header = Buffer.concat([withBad('id,type,ts,team,run,n,attrs.', `\nok,iteration,${T0},acme,r1,1,v\n`)]);
    const items = parseEvents(header, 'csv');
    expect(items[0]).toMatchObject({ line: 1, fatal: true, problems: [{ line: 1, field: '', message: `the header ${message}` }] });
  });

  it('refuses a lone surrogate in a string field, but not a pair', () => {
    const lone = `{"id":"e\\ud800","type":"iteration","ts":${T0},"team":"acme","run":"r1","n":1}`;
    const pair = `{"id":"e\\ud83d\\ude00","type":"iteration","ts":${T0},"team":"acme","run":"r1","n":1}`;
    expect(summary(parseEvents(`${lone}\n${pair}`, 'ndjson'))).toEqual([
      { line: 1, index: undefined, problems: [{ line: 1, field: 'id', message: expect.stringMatching(/^must be valid Unicode/) }] },
      { line: 2, index: undefined, id: 'e\u{1F600}' },
    ]);
  });
});
