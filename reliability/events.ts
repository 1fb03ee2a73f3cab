/** Event files for the reliability tests: the benchmark generator's realistic events, ids made unique per use. */
import fs from 'node:fs';
import { generateBenchEvents } from '@/lib/demo/bench-events';
import { toNdjsonLines } from '@/lib/demo/wire';

/** `count` events of `team` as NDJSON text (ids `<team>-b<n>`). */
export function benchText(team: string, count: number, seed = 7): string {
  const parts: string[] = [];
  for (const line of toNdjsonLines(generateBenchEvents({ count, team, seed, asOf: Date.UTC(2026, 10, 20) }))) parts.push(line);
  return parts.join('');
}

/** The same events with every id (and nothing else) prefixed by `prefix`. */
export function withIdPrefix(text: string, team: string, prefix: string): string {
  return text.replaceAll(`{"id":"${team}-b`, `{"id":"${prefix}${team}-b`);
}

/** The id range of a prefix, for counting with the (team_id, id) index: id >= lo AND id < hi. */
export function idRange(prefix: string): [string, string] {
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)];
}

export function writeText(file: string, text: string): number {
  fs.writeFileSync(file, text);
  return Buffer.byteLength(text);
}

/** Simple valid events of one run, ids `<prefix><n>`. */
export function smallEvents(prefix: string, count: number, run = `${prefix}run`): string {
  const base = Date.UTC(2026, 10, 20, 10, 0, 0);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const ts = new Date(base + i * 1000).toISOString();
    if (i === 0) lines.push(JSON.stringify({ id: `${prefix}${i}`, type: 'run.started', ts, run, agent: 'codex', repo: 'acme/api', branch: 'main' }));
    else lines.push(JSON.stringify({ id: `${prefix}${i}`, type: 'llm.call', ts, run, model: 'gpt-5', input_tokens: 100 + i, output_tokens: 10 }));
  }
  return lines.join('\n') + '\n';
}
