/**
 * Conformance: the importers against files the real agents wrote (../shared/real-logs, its
 * README gives the reference figures). `npm run test:conformance`; not part of `npm test`, as a
 * clone has no such folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directorySource } from '@/lib/importers/sources';
import { ingest, ingestFile } from '@/lib/ingest/ingest';
import { acmeDatabase } from '@/lib/testing/db';
import { realLogsDir } from './real-logs';

const ROOT = realLogsDir();
const at = (...p: string[]) => path.join(ROOT, ...p);

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

interface Totals {
  input: number;
  cached: number;
  output: number;
}

/** The README's Codex reference: each rollout's last `total_token_usage`, summed. */
function lastTotals(files: string[]): Totals {
  const sum = { input: 0, cached: 0, output: 0 };
  for (const f of files) {
    let last: Record<string, number> | undefined;
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (!line.includes('"total_token_usage"')) continue;
      last = JSON.parse(line).payload.info.total_token_usage;
    }
    if (!last) continue;
    sum.input += last.input_tokens;
    sum.cached += last.cached_input_tokens;
    sum.output += last.output_tokens;
  }
  return sum;
}

async function runTotals(s: Awaited<ReturnType<typeof acmeDatabase>>, agent: string) {
  const rows = await s.q<{ runs: number; withCalls: number; input: number; output: number; cacheRead: number; cacheWrite: number; tools: number }>(
    `SELECT count(*) AS runs, sum(CASE WHEN llm_calls > 0 THEN 1 ELSE 0 END) AS "withCalls", sum(input_tokens) AS input,
       sum(output_tokens) AS output, sum(cache_read_tokens) AS "cacheRead", sum(cache_write_tokens) AS "cacheWrite",
       sum(tool_calls) AS tools FROM runs WHERE agent = @agent`,
    { agent },
  );
  return rows[0];
}

describe('Claude Code', () => {
  it('spotter: the token totals of ccusage 20.0.11 (README), over its 9 sessions', async () => {
    const s = await acmeDatabase();
    const dir = at('claude-code', 'spotter', 'projects');
    const r = await ingest(s.db, directorySource(dir, 'auto'), { format: 'auto', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, format: 'claude-code', rejectedCount: 0 });
    expect(await runTotals(s, 'claude-code')).toMatchObject({ withCalls: 9, input: 9_141, output: 195_794, cacheWrite: 2_065_675, cacheRead: 77_328_535 });
    // Imported again: nothing new.
    expect(await ingest(s.db, directorySource(dir, 'claude-code'), { format: 'claude-code', team: s.team, partial: false, source: 'cli' })).toMatchObject({ ok: true, accepted: 0 });
  });

  it('margin: a transcript opening with queue-operation lines is told by auto, and imported whole', async () => {
    const s = await acmeDatabase();
    const [file] = filesUnder(at('claude-code', 'margin', 'projects'), '.jsonl');
    const r = await ingestFile(s.db, file, { format: 'auto', team: s.team, partial: false, source: 'cli', filename: path.basename(file) });
    expect(r).toMatchObject({ ok: true, format: 'claude-code', rejectedCount: 0 });
    const t = await runTotals(s, 'claude-code');
    expect(t).toMatchObject({ runs: 1, tools: 1 }); // the one Bash call
    expect(t.input + t.output + t.cacheRead + t.cacheWrite).toBeGreaterThan(0);
  });
});

describe('Codex', () => {
  it('localpush: the sums of each rollout\'s last total_token_usage (README), the repeated counts not counted twice', async () => {
    const s = await acmeDatabase();
    const dir = at('codex', 'localpush', 'sessions');
    const reference = lastTotals(filesUnder(dir, '.jsonl'));
    expect(reference).toEqual({ input: 49_839_753, cached: 46_689_152, output: 223_178 });
    const r = await ingest(s.db, directorySource(dir, 'auto'), { format: 'auto', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, format: 'codex', rejectedCount: 0, files: 6 });
    const t = await runTotals(s, 'codex');
    expect({ runs: t.runs, input: t.input + t.cacheRead, cached: t.cacheRead, output: t.output }).toEqual({ runs: 6, ...reference });
    // Web searches are tool calls.
    expect(await s.q(`SELECT count(*) n FROM events WHERE type = 'tool.call' AND payload LIKE '%"tool":"web_search"%'`)).toEqual([{ n: 8 }]);
  });

  it('margin: a codex exec rollout and a Desktop one with reasoning tokens, to their last totals', async () => {
    const s = await acmeDatabase();
    const dir = at('codex', 'margin', 'sessions');
    const r = await ingest(s.db, directorySource(dir, 'auto'), { format: 'auto', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, format: 'codex', rejectedCount: 0, files: 2 });
    const reference = lastTotals(filesUnder(dir, '.jsonl'));
    const t = await runTotals(s, 'codex');
    expect({ runs: t.runs, input: t.input + t.cacheRead, cached: t.cacheRead, output: t.output }).toEqual({ runs: 2, ...reference });
  });
});
