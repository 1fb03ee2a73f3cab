/**
 * The shared report page (/share/<token>) and its 404 / 410 pages, as complete HTML documents.
 * Self-contained on purpose: no script, no navigation, no link to any other page (only the two
 * downloads of this same report), no name of any team outside the report. The figures are the
 * dashboard's own (lib/kpi/cards.ts, lib/format.ts, describeFlag).
 */
import type { Report } from '@/lib/data/reports';
import { describeFlag } from '@/lib/flags/describe';
import { FLAG_KIND_LABELS } from '@/lib/flags/kinds';
import { formatInt, formatRate, formatUsd, formatUtcMinute } from '@/lib/format';
import { partialWeeksNote, weeklyPoints } from '@/lib/dashboard/weekly-points';
import { deltaTone, kpiCardModels, previousPeriodNote } from '@/lib/kpi/cards';
import { economicsHtml } from './economics-html';
import { Html, html } from './html';
import { WEEKLY_SVG_STYLE, weeklyChartsSvg } from './weekly-svg';

const STYLE = `
:root { color-scheme: light dark; --bg: #f7f7f5; --surface: #fff; --border: #e2e2dd; --text: #1b1b18; --muted: #67675f; --good: #1d7a46; --bad: #b3261e; --warn: #9a6700; --accent: #2f5bd3; }
@media (prefers-color-scheme: dark) { :root { --bg: #121212; --surface: #1c1c1b; --border: #33332f; --text: #ececea; --muted: #a3a39a; --good: #5cc98a; --bad: #ff8a80; --warn: #e0b050; --accent: #7ea0ff; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; line-height: 1.5; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.5rem; margin: 0.25rem 0; } h2 { font-size: 1.05rem; margin: 0 0 0.75rem; }
.badge { display: inline-block; font-size: 0.75rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: var(--accent); }
.muted { color: var(--muted); } .good { color: var(--good); } .bad { color: var(--bad); }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 0.75rem; margin: 1rem 0; }
.kpi { background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 0.85rem 1rem; }
.kpi h3 { margin: 0; font-size: 0.85rem; color: var(--muted); } .value { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.detail, .delta { font-size: 0.85rem; }
table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--border); }
th { color: var(--muted); font-size: 0.85rem; } .num { text-align: right; font-variant-numeric: tabular-nums; }
ul.flags { list-style: none; padding: 0; margin: 0; } ul.flags li { padding: 0.5rem 0; border-bottom: 1px solid var(--border); }
.kind { font-size: 0.75rem; font-weight: 700; text-transform: uppercase; }
.downloads a { margin-right: 1rem; }
.scroll { overflow-x: auto; }
.charts { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; margin-bottom: 1rem; }
@media (min-width: 900px) { .charts { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.charts .card { margin-bottom: 0; }
.parts { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0; margin: 0.35rem 0 0; font-size: 0.8rem; color: var(--muted); }
.parts div { display: flex; justify-content: space-between; border-top: 1px dotted var(--border); }
.parts dd { margin: 0; color: var(--text); }
.note { font-size: 0.85rem; }
@media (max-width: 600px) { .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.5rem; } .kpi { padding: 0.7rem 0.75rem; } .value { font-size: 1.35rem; } }
code { overflow-wrap: anywhere; }
${WEEKLY_SVG_STYLE}
`;



const utc = (ms: number) => formatUtcMinute(ms);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function document(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>
`.text;
}

export interface SharePageMeta {
  mode: 'snapshot' | 'live';
  expiresAt: number;
  /** The token, for the two download links of this same report. */
  token: string;
}

/** Flags listed on the page: a long window can hold hundreds, which the downloads carry whole. */
const SHOWN_FLAGS = 25;

export function sharePageHtml(report: Report, meta: SharePageMeta): string {
  const teamNames = report.teams.map((t) => t.name).join(' + ');
  const cards = kpiCardModels(report.kpis, report.previous);
  const w = report.window;
  const points = weeklyPoints(report.weeks, w);
  const charts = weeklyChartsSvg(points);
  const partial = partialWeeksNote(points);
  const previousNote = previousPeriodNote(report.kpis, report.previous, report.previousWindow, report.dataSince ?? null);
  const body = html`
<header>
  <span class="badge">Shared report</span>
  <h1 data-testid="share-title">${teamNames}</h1>
  <p class="muted" data-testid="share-window">
    ${report.rangeLabel}: ${day(w.from)} to ${day(w.to - 1)}${Object.entries(report.filters ?? {}).map(([k, v]) => html` · ${k} <strong>${v}</strong>`)} · as of <span data-testid="share-as-of">${utc(w.asOf)}</span>
    · ${meta.mode === 'snapshot' ? 'figures frozen when the link was made' : 'live figures, computed when you open this page'}
    · link valid until ${utc(meta.expiresAt)}
  </p>
</header>
<div class="grid" data-testid="kpi-cards">
${cards.map(
  (c) => html`<section class="kpi" data-testid="${c.testId}" aria-label="${c.label}">
  <h3>${c.label}</h3>
  <div class="value" data-testid="${c.testId}-value">${c.value}</div>
  <div class="detail muted">${c.detail}</div>
  ${c.parts ? html`<dl class="parts">${c.parts.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value}</dd></div>`)}</dl>` : ''}
  ${c.delta ? html`<div class="delta ${{ good: 'good', bad: 'bad', neutral: 'muted' }[deltaTone(c.delta)]}">${c.delta.direction === 'up' ? '▲' : c.delta.direction === 'down' ? '▼' : '■'} ${c.delta.text} <span class="muted">vs previous period</span></div>` : ''}
</section>
`,
)}
</div>
${previousNote ? html`<p class="muted note" data-testid="previous-note">${previousNote}</p>` : ''}
<div class="charts">
<section class="card chart" aria-labelledby="cost-chart" data-testid="weekly-chart">
  <h2 id="cost-chart">Token cost against merged and surviving changes</h2>
  ${charts.cost}
  <p class="muted note">A week&#39;s surviving changes show once all of them are 7 days old.${partial ? ` ${partial}` : ''}</p>
</section>
<section class="card chart" aria-labelledby="rates-chart" data-testid="rates-chart">
  <h2 id="rates-chart">Week-survival and defect rate by week of merge</h2>
  ${charts.rates}
  <p class="muted note">A week with no change old enough to judge (7 days for survival, 14 for defects) has no point.</p>
</section>
</div>
<section class="card" aria-labelledby="weekly">
  <h2 id="weekly">Figures by week</h2>
  <div class="scroll">
  <table data-testid="weekly-table">
    <thead><tr><th>Week of</th><th class="num">Token cost</th><th class="num">Tokens</th><th class="num">Merged</th><th class="num">Survived / eligible</th><th class="num">Defect rate</th></tr></thead>
    <tbody>
${report.weeks.map(
  (wk) => html`<tr><td>${wk.week}</td><td class="num">${formatUsd(wk.costUsd)}</td><td class="num">${formatInt(wk.tokens.total)}</td><td class="num">${formatInt(wk.mergedChanges)}</td><td class="num">${formatInt(wk.weekSurvival.survived)} / ${formatInt(wk.weekSurvival.eligible)}</td><td class="num">${formatRate(wk.defectRate.rate)}</td></tr>
`,
)}
    </tbody>
  </table>
  </div>
</section>
<section class="card" aria-labelledby="flags">
  <h2 id="flags">Busy but not converging (${report.flags.length})</h2>
  ${
    report.flags.length === 0
      ? html`<p class="muted">No loop is flagged in this window.</p>`
      : html`<ul class="flags" data-testid="flag-list">${report.flags.slice(0, SHOWN_FLAGS).map(
          (f) => html`<li><span class="kind ${f.kind === 'stalled' || f.kind === 'chatter' ? 'muted' : 'bad'}">${FLAG_KIND_LABELS[f.kind]}</span> ${'run' in f ? html`<code>${f.run}</code>` : html`<strong>whole team</strong>`}<div class="muted">${describeFlag(f)}</div></li>`,
        )}</ul>`
  }
  ${
    report.flags.length > SHOWN_FLAGS
      ? html`<p class="muted" data-testid="more-flags">The other ${formatInt(report.flags.length - SHOWN_FLAGS)} flags are in the CSV and JSON downloads below.</p>`
      : ''
  }
</section>
${economicsHtml(report.economics)}
<p class="downloads muted">Download this report:
  <a href="${meta.token}/export.csv" download>CSV</a>
  <a href="${meta.token}/export.json" download>JSON</a>
</p>
`;
  return document(`Shared report: ${teamNames}`, body);
}

/** 410: the link existed but was revoked or has expired. Says nothing about what it showed. */
export function shareGoneHtml(): string {
  return document(
    'Link no longer valid',
    html`<h1>This link is no longer valid</h1><p class="muted">The shared report it pointed to has expired or was revoked. Ask whoever sent it for a new link.</p>`,
  );
}

/** 404: no such link. */
export function shareNotFoundHtml(): string {
  return document('Not found', html`<h1>Not found</h1><p class="muted">There is no shared report at this address.</p>`);
}
