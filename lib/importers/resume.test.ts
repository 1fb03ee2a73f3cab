import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { importedFiles, recordImportedFiles } from '@/lib/data/imported-files';
import { ingest } from '@/lib/ingest/ingest';
import { acmeDatabase } from '@/lib/testing/db';
import { resumableDirectorySource } from './resume';
import { growClaudeTree, writeClaudeTree } from './testing/claude-tree';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

interface Totals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

/** `ccusage claude session --json` totals over a projects tree. */
async function ccusageTotals(home: string): Promise<Totals> {
  const bin = path.join(process.cwd(), 'node_modules', '.bin', 'ccusage');
  const { stdout } = await promisify(execFile)(bin, ['claude', 'session', '--json', '--offline'], {
    env: { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: path.join(home, 'claude'), NO_COLOR: '1' } as unknown as NodeJS.ProcessEnv,
    timeout: 60_000,
    maxBuffer: 64 << 20,
  });
  const { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens } = JSON.parse(stdout).totals as Totals;
  return { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens };
}

describe('resumable directory imports of Claude Code transcripts', () => {
  it('equal ccusage on a generated tree, then skip what is unchanged and read grown files from where they stopped', async () => {
    const s = await acmeDatabase();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-tree-'));
    cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const dir = path.join(home, 'claude', 'projects');
    const stats = writeClaudeTree(dir, 3 << 20, 5);
    const importDir = async () => {
      const source = resumableDirectorySource(dir, 'claude-code', await importedFiles(s.team.id, s.db));
      source.onCommit = (sql, uploadId) => recordImportedFiles(sql, s.team.id, uploadId, source.marks, Date.now());
      const files = source.files.length;
      const result = files > 0 ? await ingest(s.db, source, { format: 'claude-code', team: s.team, partial: false, source: 'cli' }) : null;
      return { files, skipped: source.skipped, resumed: source.resumed, result };
    };
    const ours = async () =>
      (
        await s.q<Totals>(`SELECT sum(input_tokens) AS "inputTokens", sum(output_tokens) AS "outputTokens",
          sum(cache_write_tokens) AS "cacheCreationTokens", sum(cache_read_tokens) AS "cacheReadTokens" FROM runs`)
      )[0];

    const first = await importDir();
    expect(first).toMatchObject({ files: stats.files, skipped: 0, resumed: 0, result: { ok: true, rejectedCount: 0 } });
    expect(await ours()).toEqual(await ccusageTotals(home));

    expect(await importDir()).toEqual({ files: 0, skipped: stats.files, resumed: 0, result: null });

    growClaudeTree(dir, 3);
    const grown = await importDir();
    // Each grown session's run.started again: a duplicate; nothing else was read twice.
    expect(grown).toMatchObject({ files: 3, skipped: stats.files - 3, resumed: 3, result: { ok: true, duplicates: 3 } });
    expect(grown.result!.accepted).toBeGreaterThan(0);
    expect(await ours()).toEqual(await ccusageTotals(home));
    // Line numbers go on from where the last import stopped.
    const marks = [...(await importedFiles(s.team.id, s.db)).values()];
    expect(marks.every((m) => m.readTo === m.size)).toBe(true);
    const lines = (f: string) => fs.readFileSync(f, 'utf8').split('\n').length - 1;
    for (const [file, m] of await importedFiles(s.team.id, s.db)) expect(m.lines).toBe(lines(file));
  });

  it('reads a file whose start changed whole, and one whose last line was unfinished from that line', async () => {
    const s = await acmeDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-resume-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'p', 'sess.jsonl');
    fs.mkdirSync(path.dirname(file));
    const line = (n: number) => JSON.stringify({ sessionId: 'sess', type: 'user', timestamp: `2026-11-02T09:00:0${n}Z`, message: { role: 'user', content: 'x' } });
    fs.writeFileSync(file, `${line(1)}\n${line(2)}`);
    const read = async () => {
      const source = resumableDirectorySource(dir, 'claude-code', await importedFiles(s.team.id, s.db));
      source.onCommit = (sql, uploadId) => recordImportedFiles(sql, s.team.id, uploadId, source.marks, Date.now());
      if (source.files.length > 0) await ingest(s.db, source, { format: 'claude-code', team: s.team, partial: false, source: 'cli' });
      return { firstLine: source.files[0]?.firstLine, resumed: source.resumed, skipped: source.skipped };
    };
    expect(await read()).toEqual({ firstLine: 1, resumed: 0, skipped: 0 });
    expect((await importedFiles(s.team.id, s.db)).get(file)).toMatchObject({ readTo: line(1).length + 1, lines: 1 });
    fs.appendFileSync(file, `\n${line(3)}\n`);
    expect(await read()).toEqual({ firstLine: 2, resumed: 1, skipped: 0 });
    expect(await read()).toEqual({ firstLine: undefined, resumed: 0, skipped: 1 });
    fs.writeFileSync(file, `${line(4)}\n${line(5)}\n${line(6)}\n${line(7)}\n`);
    expect(await read()).toEqual({ firstLine: 1, resumed: 0, skipped: 0 });
  });

  it('reads files of many chunks whole, and a file that grew after it was listed up to where it was listed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-chunks-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const line = (n: number, pad: number) => JSON.stringify({ sessionId: `s${n}`, type: 'user', timestamp: '2026-11-02T09:00:00Z', message: { content: 'x'.repeat(pad) } });
    const files = ['a.jsonl', 'b.jsonl', 'c.jsonl', 'd.jsonl'].map((name) => path.join(dir, 'p', name));
    fs.mkdirSync(path.join(dir, 'p'));
    // Lines of odd lengths, so that chunks end mid-line: 3.4 MB, empty, 1 byte short of a chunk, 2 lines.
    fs.writeFileSync(files[0], Array.from({ length: 700 }, (_, i) => line(i, 4_777 + i) + '\n').join(''));
    fs.writeFileSync(files[1], '');
    fs.writeFileSync(files[2], line(1, (1 << 20) - 96).slice(0, (1 << 20) - 1));
    fs.writeFileSync(files[3], `${line(1, 3)}\n${line(2, 3)}\n`);
    const expected = files.map((f) => fs.readFileSync(f));
    const source = resumableDirectorySource(dir, 'claude-code', new Map());
    fs.appendFileSync(files[3], `${line(3, 3)}\n`); // after the listing
    const read: Buffer[] = [];
    for (const f of source.files) {
      const parts: Buffer[] = [];
      for await (const chunk of f.chunks()) parts.push(Buffer.from(chunk)); // copied, as the line splitter does
      read.push(Buffer.concat(parts));
    }
    expect(read.map((b) => b.length)).toEqual(expected.map((b) => b.length));
    expect(read.every((b, i) => b.equals(expected[i]))).toBe(true);
    const newlines = (b: Buffer) => b.toString('latin1').split('\n').length - 1;
    expect(files.map((f) => source.marks.get(f))).toEqual(
      expected.map((b) => expect.objectContaining({ size: b.length, readTo: b.lastIndexOf(0x0a) + 1, lines: newlines(b) })),
    );
    // The next import reads the grown file from where this one stopped.
    const again = resumableDirectorySource(dir, 'claude-code', source.marks);
    expect(again.files.map((f) => [f.name, f.firstLine, f.size])).toEqual([['p/d.jsonl', 3, line(3, 3).length + 1]]);
  });
});
