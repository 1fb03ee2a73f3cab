/**
 * The shared report's Agents & models and What if sections, as HTML (no script): the same
 * figures, ranking and wording as the dashboard's (lib/economics/view.ts, lib/format.ts).
 */
import type { ReportEconomics } from '@/lib/data/economics';
import type { CompareAnswer, CompareGroup } from '@/lib/economics/types';
import { describeScenario, formatInterval, MIN_RANKED_RUNS, rankGroups } from '@/lib/economics/view';
import { formatCompact, formatInt, formatRate, formatUsd } from '@/lib/format';
import { html, type Html } from './html';

function groupRow(g: CompareGroup, ranked: boolean): Html {
  const figures = ranked
    ? html`<td class="num">${formatRate(g.convergenceRate)} <span class="muted">(${formatInterval(g.convergenceCi95)})</span></td><td class="num">${formatRate(g.weekSurvival.rate)} <span class="muted">of ${formatInt(g.weekSurvival.eligible)}</span></td><td class="num">${formatUsd(g.costPerSurvivingChange)}</td><td class="num">${g.medianTokensPerConvergedRun === null ? '—' : formatInt(g.medianTokensPerConvergedRun)}</td>`
    : html`<td colspan="4" class="muted">too few runs to tell</td>`;
  return html`<tr data-key="${g.key}"><th scope="row"><code>${g.key}</code></th><td class="num">${formatInt(g.runs)}</td>${figures}</tr>
`;
}

function groupsTable(answer: CompareAnswer): Html {
  if (answer.groups.length === 0) return html`<p class="muted">No run ended in this window.</p>`;
  const { ranked, tooFew } = rankGroups(answer.groups, 'runs', true);
  return html`<div class="scroll"><table data-testid="econ-${answer.by}-table">
  <thead><tr><th>${answer.by === 'agent' ? 'Agent' : 'Main model'}</th><th class="num">Ended runs</th><th class="num">Convergence (95% interval)</th><th class="num">Week-survival</th><th class="num">Cost per surviving change</th><th class="num">Median tokens per converged run</th></tr></thead>
  <tbody>${ranked.map((g) => groupRow(g, true))}${tooFew.map((g) => groupRow(g, false))}</tbody>
</table></div>`;
}

export function economicsHtml(economics: ReportEconomics | undefined): Html {
  if (!economics) return html``;
  const w = economics.whatIf;
  const even = economics.breakEven;
  return html`<section class="card" aria-labelledby="agents-models" data-testid="share-agents-models">
  <h2 id="agents-models">Agents &amp; models</h2>
  ${groupsTable(economics.byAgent)}
  ${groupsTable(economics.byModel)}
  <p class="muted note">Runs that ended in this window, by the agent that started them and by the model that used most of their tokens. Fewer than ${MIN_RANKED_RUNS} ended runs: not ranked.</p>
</section>
<section class="card" aria-labelledby="what-if" data-testid="share-what-if">
  <h2 id="what-if">What if these loops ran elsewhere?</h2>
  ${
    w === null
      ? html`<p class="muted">The scenario's model is no longer in the price table.</p>`
      : html`<p class="muted note">This window's calls re-priced as ${describeScenario(w.scenario)}.</p>
  <table data-testid="share-whatif-table">
    <thead><tr><th></th><th class="num">Today</th><th class="num">What if</th></tr></thead>
    <tbody>
      <tr><th scope="row">Cost of the window</th><td class="num">${formatUsd(w.baseline.costUsd)}</td><td class="num">${formatUsd(w.whatIf.costUsd)}</td></tr>
      <tr><th scope="row">Cost per merged change</th><td class="num">${formatUsd(w.baseline.costPerMergedChange)}</td><td class="num">${formatUsd(w.whatIf.costPerMergedChange)}</td></tr>
      <tr><th scope="row">Cost per surviving change</th><td class="num">${formatUsd(w.baseline.costPerSurvivingChange)}</td><td class="num">${formatUsd(w.whatIf.costPerSurvivingChange)}</td></tr>
    </tbody>
  </table>
  <p>Saving: <strong>${formatUsd(w.savingUsd)}</strong>.${
    even
      ? html` The node costs ${formatUsd(even.nodeMonthlyUsd)} a month and breaks even at ${even.breakEvenTokensPerMonth === null ? '—' : formatCompact(even.breakEvenTokensPerMonth)} tokens a month (this window's pace: ${economics.tokensPerMonth === null ? '—' : formatCompact(economics.tokensPerMonth)}).`
      : ''
  }</p>`
  }
</section>`;
}
