import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest, ingestFile } from '@/lib/ingest/ingest';
import { chunksOf, ndjson, acmeDatabase } from '@/lib/testing/db';
import { makeZip } from '@/lib/testing/zip';
import { detectImportFormat, isZipBytes } from './detect';
import { acceptsFile } from './index';
import { folderName, parseRepoMapping, repoForPath } from './repo-map';
import { SourceError, directorySource, zipSource } from './sources';

const FIXTURES = path.join(__dirname, 'fixtures');

const setup = acmeDatabase;

const event = (id: string) => ({ id, type: 'run.started', ts: '2026-11-01T10:00:00Z', run: `r-${id}` });

describe('multi-file sources', () => {
  it('reads a zip of events-v1 files as one upload, one parser per file, problems naming the file', async () => {
    const s = await setup();
    const zip = path.join(s.dir, 'events.zip');
    fs.writeFileSync(
      zip,
      makeZip([
        { name: 'b/two.ndjson', data: ndjson([event('b1'), { ...event('b2'), ts: 'yesterday' }]) },
        { name: 'a/one.csv', data: 'id,type,ts,run\na1,run.started,2026-11-01T10:00:00Z,r1\n' },
        { name: 'a/notes.txt', data: 'not read' },
      ]),
    );
    const mixed = await ingestFile(s.db, zip, { format: 'auto', team: s.team, partial: false, source: 'upload', filename: 'events.zip' });
    // Each events-v1 file is told on its own; the bad line names its file.
    expect(mixed).toMatchObject({ ok: false, rejectedCount: 1 });
    expect(mixed.problems).toEqual([{ line: 2, field: 'ts', message: expect.any(String), file: 'b/two.ndjson' }]);
    const zip2 = path.join(s.dir, 'events2.zip');
    fs.writeFileSync(zip2, makeZip([{ name: 'b/two.ndjson', data: ndjson([event('b1'), { ...event('b2'), ts: 'yesterday' }]) }, { name: 'a/one.csv', data: 'id,type,ts,run\na1,run.started,2026-11-01T10:00:00Z,r1\n' }]));
    const r = await ingestFile(s.db, zip2, { format: 'auto', team: s.team, partial: true, source: 'upload' });
    expect(r).toMatchObject({ ok: true, files: 2, accepted: 2, rejectedCount: 1 });
    expect(r.problems).toEqual([{ line: 2, field: 'ts', message: expect.any(String), file: 'b/two.ndjson' }]);
  });

  it('names the right file for a problem found when the file ends', async () => {
    const s = await setup();
    const zip = path.join(s.dir, 'end.zip');
    // The CSV's last record has no newline: the parser completes it when the file ends.
    fs.writeFileSync(zip, makeZip([{ name: 'a.csv', data: 'id,type,ts,run\na1,run.started,not-a-time,r1' }, { name: 'b.ndjson', data: ndjson([event('b1')]) }]));
    const r = await ingestFile(s.db, zip, { format: 'auto', team: s.team, partial: false, source: 'upload' });
    expect(r.problems).toEqual([{ line: 2, field: 'ts', message: expect.any(String), file: 'a.csv' }]);
  });

  it('refuses zip bombs and oversized archives before inflating them, naming the limit', async () => {
    const s = await setup();
    const lying = path.join(s.dir, 'lying.zip');
    // An entry that declares 10 bytes but inflates to 1 MiB: yauzl stops it at the declared size.
    fs.writeFileSync(lying, makeZip([{ name: 'x.ndjson', data: Buffer.alloc(1 << 20, 0x20), declaredSize: 10 }]));
    const r1 = await ingestFile(s.db, lying, { format: 'ndjson', team: s.team, partial: false, source: 'upload' });
    expect(r1).toMatchObject({ ok: false, accepted: 0 });
    expect(r1.problems[0]).toMatchObject({ line: 0, message: expect.stringMatching(/x\.ndjson.*(too many|size|mismatch)/i) });
    await expect(zipSource(lying, 'ndjson', { maxBytes: 5 })).rejects.toThrow(/decompress to 10 bytes, more than the limit of 5/);
    const many = path.join(s.dir, 'many.zip');
    fs.writeFileSync(many, makeZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.ndjson`, data: '' }))));
    await expect(zipSource(many, 'ndjson', { maxEntries: 20 })).rejects.toThrow(SourceError);
    const broken = path.join(s.dir, 'broken.zip');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]));
    const r2 = await ingestFile(s.db, broken, { format: 'auto', team: s.team, partial: false, source: 'upload', filename: 'broken.zip' });
    expect(r2).toMatchObject({ ok: false, problems: [{ line: 0, field: '', message: expect.stringContaining('zip'), file: 'broken.zip' }] });
    expect(await s.db.get('SELECT count(*) n FROM events')).toEqual({ n: 0 });
  });

  it('walks a directory in path order, skipping hidden files and other extensions', () => {
    const files = directorySource(path.join(FIXTURES, 'claude-code'), 'claude-code').files.map((f) => f.name);
    expect(files).toEqual([
      'projects/-home-dev-src-api/3f6b1c2e-8d4a-4b7e-9c1f-2a5d6e7f8a90.jsonl',
      'projects/-home-dev-src-api/3f6b1c2e-8d4a-4b7e-9c1f-2a5d6e7f8a90/subagents/agent-7c1d9e2f.jsonl',
      'projects/-home-dev-src-api/c0ffee00-1111-4222-8333-444455556666.jsonl',
      'projects/-home-dev-src-web/9a1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f.jsonl',
    ]);
    expect(acceptsFile('otlp', 'x/trace.json')).toBe(true);
    expect(acceptsFile('claude-code', 'x/.hidden.jsonl')).toBe(false);
    expect(acceptsFile('auto', '__MACOSX/x/a.jsonl')).toBe(false);
  });

  it('an importer format needs a team; an empty directory is an error', async () => {
    const s = await setup();
    const r = await ingest(s.db, chunksOf('{"resourceSpans": []}'), { format: 'otlp', partial: false, source: 'api' });
    expect(r).toMatchObject({ ok: false, problems: [{ message: 'importing otlp needs a team to import into' }] });
    const empty = fs.mkdtempSync(path.join(s.dir, 'empty-'));
    const r2 = await ingest(s.db, directorySource(empty, 'codex'), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(r2).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('no file to import') }] });
  });
});

describe('format detection (auto)', () => {
  const head = (file: string) => new Uint8Array(fs.readFileSync(file).subarray(0, 4096));
  it('tells each importer format from its first bytes, before file names and content types', () => {
    const cc = path.join(FIXTURES, 'claude-code', 'projects', '-home-dev-src-web', '9a1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f.jsonl');
    expect(detectImportFormat({ filename: 'x.jsonl', contentType: 'application/x-ndjson', firstBytes: head(cc) })).toBe('claude-code');
    const summaryFirst = path.join(FIXTURES, 'claude-code', 'projects', '-home-dev-src-api', '3f6b1c2e-8d4a-4b7e-9c1f-2a5d6e7f8a90.jsonl');
    expect(detectImportFormat({ filename: 'x.jsonl', firstBytes: head(summaryFirst) })).toBe('claude-code');
    const codex = path.join(FIXTURES, 'codex', 'sessions', '2026', '11', '03', 'rollout-2026-11-03T10-00-00-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.jsonl');
    expect(detectImportFormat({ filename: 'x.jsonl', firstBytes: head(codex) })).toBe('codex');
    expect(detectImportFormat({ filename: 'rollout-2026-11-03T10-00-00-x.jsonl' })).toBe('codex');
    expect(detectImportFormat({ filename: 'trace.json', contentType: 'application/json', firstBytes: head(path.join(FIXTURES, 'otlp', 'agent-trace.json')) })).toBe('otlp');
    expect(detectImportFormat({ firstBytes: head(path.join(FIXTURES, 'otlp', 'collector-export.jsonl')) })).toBe('otlp');
    expect(detectImportFormat({ firstBytes: head(path.join(FIXTURES, 'github', 'deliveries.json')) })).toBe('github');
    expect(detectImportFormat({ firstBytes: new TextEncoder().encode('{\n  "action": "opened",\n  "number": 2,\n  "pull_request": {') })).toBe('github');
    // Claude Code 2.1 starts a transcript with queue operations before any message line.
    const queued = [
      '{"type":"queue-operation","operation":"enqueue","timestamp":"2026-08-20T10:21:52.260Z","sessionId":"9c42ba52-3bf1-449f-a040-8ee33284a1c8","content":"Run it"}',
      '{"type":"queue-operation","operation":"dequeue","timestamp":"2026-08-20T10:21:52.261Z","sessionId":"9c42ba52-3bf1-449f-a040-8ee33284a1c8"}',
      '{"parentUuid":null,"isSidechain":false,"type":"user","message":{"role":"user","content":"Run it"},"uuid":"67b1","timestamp":"2026-08-20T10:21:54.344Z","sessionId":"9c42ba52-3bf1-449f-a040-8ee33284a1c8"}',
    ].join('\n');
    expect(detectImportFormat({ filename: 'x.jsonl', firstBytes: new TextEncoder().encode(queued) })).toBe('claude-code');
    expect(detectImportFormat({ filename: 'x.jsonl', firstBytes: new TextEncoder().encode(queued.split('\n')[0]) })).toBe('claude-code');
    // `codex exec --json` output.
    expect(detectImportFormat({ firstBytes: new TextEncoder().encode('{"type":"thread.started","thread_id":"01a01ee3-393c-7cb1-818e-268d8e2ae938"}\n{"type":"turn.started"}\n') })).toBe('codex');
    // events-v1 as before, even when a later line's attrs look like a transcript's.
    expect(detectImportFormat({ firstBytes: new TextEncoder().encode('{"id":"a","type":"run.started"}\n') })).toBe('ndjson');
    expect(detectImportFormat({ firstBytes: new TextEncoder().encode('{"id":"a","type":"run.started","run":"r"}\n{"id":"b","type":"iteration","run":"r","n":1,"attrs":{"parentUuid":"x","sessionId":"s"}}\n') })).toBe('ndjson');
    expect(detectImportFormat({ filename: 'x.csv', contentType: 'application/vnd.ms-excel' })).toBe('csv');
    expect(detectImportFormat({ firstBytes: new TextEncoder().encode('hello') })).toBeNull();
    expect(isZipBytes(new Uint8Array([0x50, 0x4b, 3, 4]))).toBe(true);
  });
});

describe('repo mapping', () => {
  it('maps working directories to owner/name: longest path, then folder name, then default owner', () => {
    const map = ['/home/dev/src=acme/monorepo', '/home/dev/src/api=acme/api', 'web=acme/website', '*=acme-labs'].map(parseRepoMapping);
    expect(repoForPath('/home/dev/src/api/packages/core', map, 'team')).toBe('acme/api');
    expect(repoForPath('/home/dev/src/apiv2', map, 'team')).toBe('acme/monorepo');
    expect(repoForPath('/tmp/web/', map, 'team')).toBe('acme/website');
    expect(repoForPath('/tmp/tools', map, 'team')).toBe('acme-labs/tools');
    expect(repoForPath('C:\\Users\\dev\\tools', [], 'team')).toBe('team/tools');
    expect(folderName('/a/b/')).toBe('b');
    expect(() => parseRepoMapping('/x=notarepo')).toThrow(/not owner\/name/);
    expect(() => parseRepoMapping('*=a/b')).toThrow(/takes an owner/);
    expect(() => parseRepoMapping('nothing')).toThrow(/path=owner\/name/);
  });
});
