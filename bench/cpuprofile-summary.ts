/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): the functions with the most self time and
 * the most inclusive time (recursion counted once), in ms, optionally only inside a function
 * whose name matches --under (e.g. getTeamDashboard, or TeamPage). Frames of bundled code with a
 * `.map` file beside it (Next's server chunks) are shown at their original source and line
 * (`name` is then the minified name unless the map has the original).
 *
 *   node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile>... [--under NAME] [--top 30] [--per N]
 *
 * --per N divides every figure by N (e.g. the number of requests the profile covers). Self
 * time is also grouped by where the sampled frame's code lives (lib/data, lib/kpi, React's
 * RSC and SSR renderers, Next, GC, …).
 */
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { under: { type: 'string' }, top: { type: 'string' }, per: { type: 'string' } },
});
const TOP = Number(values.top ?? 30);
const PER = Number(values.per ?? 1);

const CATEGORIES: [string, RegExp][] = [
  ['garbage collector', /^\(garbage collector\)/],
  ['lib/data (SQL via better-sqlite3, row handling)', / lib\/data\//],
  ['lib/kpi + lib/flags (figures, flags)', / lib\/(kpi|flags)\//],
  ['other lib/', / lib\//],
  ['app/ + components/ (page code)', / (app|components)\//],
  ['better-sqlite3 / drizzle-orm', / (better-sqlite3|drizzle-orm)\//],
  ['React RSC render (react-server-dom-*-server)', /react-server-dom-[a-z]+-server/],
  ['React flight client (RSC payload decoded for SSR)', /react-server-dom-[a-z]+-client/],
  ['React SSR (react-dom-server)', /react-dom-server|react-dom\//],
  ['recharts and other packages', /node_modules|recharts|webpack:\/\/[^n]/],
  ['Next (app-render, streams, router)', /webpack:\/\/next\/|next\/dist|next-server/],
  ['Node internals (http, zlib, buffers, streams)', /node:|^\S+ *$|writev|writeUtf8String|runMicrotasks|\(program\)/],
];
const byCategory = new Map<string, number>();
const category = (k: string) => CATEGORIES.find(([, re]) => re.test(k))?.[0] ?? 'other';

const selfMs = new Map<string, number>();
const inclMs = new Map<string, number>();
let totalMs = 0;
let underMs = 0;

const maps = new Map<string, SourceMap | null>();
function sourceMap(file: string): SourceMap | null {
  if (!maps.has(file)) {
    let m: SourceMap | null = null;
    try {
      if (fs.existsSync(`${file}.map`)) m = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // unreadable map: leave the frame as it is
    }
    maps.set(file, m);
  }
  return maps.get(file)!;
}

function shortPath(p: string): string {
  const s = p.replace(/^file:\/\//, '').replace(/^turbopack:\/\/\/?(\[project\]\/)?/, '');
  if (s.includes('/node_modules/')) return s.slice(s.lastIndexOf('/node_modules/') + 14);
  return s.startsWith('/') ? path.relative(process.cwd(), s) || s : s;
}

function key(n: Node): string {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\//, '');
  const name = f.functionName || '(anonymous)';
  if (url.startsWith('/') && f.lineNumber >= 0) {
    const m = sourceMap(url);
    const e = m?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number; name?: string } | undefined;
    if (e?.originalSource) {
      const src = /^[a-z]+:/.test(e.originalSource) ? e.originalSource : path.resolve(path.dirname(url), e.originalSource);
      return `${e.name || name} ${shortPath(decodeURIComponent(src))}:${(e.originalLine ?? 0) + 1}`;
    }
  }
  const rel = url ? shortPath(url) : '';
  return `${name} ${rel ? `${rel}:${f.lineNumber + 1}` : ''}`.trim();
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
    byCategory.set(category(self), (byCategory.get(category(self)) ?? 0) + ms);
    for (const k of new Set(s)) inclMs.set(k, (inclMs.get(k) ?? 0) + ms);
  }
}

const show = (title: string, m: Map<string, number>, top = TOP) => {
  console.log(`\n${title}`);
  for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(ms / PER).toFixed(PER > 1 ? 1 : 0).padStart(8)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${k}`);
  }
};
console.log(
  `${positionals.length} profile(s); ${(totalMs / PER).toFixed(PER > 1 ? 1 : 0)} ms on CPU${PER > 1 ? ` per 1/${PER}` : ''}${values.under ? ` inside ${values.under}` : ''}`,
);
show('Self time by where the code lives', byCategory, CATEGORIES.length + 1);
show('Self time', selfMs);
show('Inclusive time', inclMs);
