/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): the functions with the most self time and
 * the most inclusive time (recursion counted once), in ms, optionally only inside a function
 * whose name matches --under (e.g. getTeamDashboard, or TeamPage).
 *
 *   node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile>... [--under NAME] [--top 30]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { under: { type: 'string' }, top: { type: 'string' } } });
const TOP = Number(values.top ?? 30);

const selfMs = new Map<string, number>();
const inclMs = new Map<string, number>();
let totalMs = 0;
let underMs = 0;

function key(n: Node): string {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\//, '');
  const rel = url.includes('/node_modules/') ? url.slice(url.lastIndexOf('/node_modules/') + 14) : path.relative(process.cwd(), url) || url;
  return `${f.functionName || '(anonymous)'} ${rel ? `${rel}:${f.lineNumber + 1}` : ''}`.trim();
}

for (const file of positionals) {
  const p: Profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackCache = new Map<number, string[]>();
  const stack = (id: number): string[] => {
    let s = stackCache.get(id);
    if (!s) {
      const up = parent.get(id);
      s = [...(up === undefined ? [] : stack(up)), key(byId.get(id)!)];
      stackCache.set(id, s);
    }
    return s;
  };
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000; // the time until the next sample belongs to this one
    const node = byId.get(p.samples[i])!;
    if (node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') continue;
    let s = stack(p.samples[i]);
    if (values.under) {
      const at = s.findIndex((k) => k.split(' ')[0] === values.under);
      if (at < 0) continue;
      s = s.slice(at);
      underMs += ms;
    }
    totalMs += ms;
    const self = s[s.length - 1];
    selfMs.set(self, (selfMs.get(self) ?? 0) + ms);
    for (const k of new Set(s)) inclMs.set(k, (inclMs.get(k) ?? 0) + ms);
  }
}

const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${k}`);
  }
};
console.log(`${positionals.length} profile(s); ${totalMs.toFixed(0)} ms on CPU${values.under ? ` inside ${values.under} (${underMs.toFixed(0)} ms)` : ''}`);
show('Self time', selfMs);
show('Inclusive time', inclMs);
