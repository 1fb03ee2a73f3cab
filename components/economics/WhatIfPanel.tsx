import Link from 'next/link';
import { breakEven, tokensPerMonth } from '@/lib/economics/break-even';
import type { ParamResult } from '@/lib/economics/params';
import type { CostFigures, Scenario, WhatIfAnswer } from '@/lib/economics/types';
import { describeScenario, presetScenario, presetViewParams, WHATIF_PREFIX } from '@/lib/economics/view';
import { withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { formatCompact, formatUsd } from '@/lib/format';

const ROWS: { key: keyof CostFigures; label: string }[] = [
  { key: 'costUsd', label: 'Cost of the window' },
  { key: 'costPerMergedChange', label: 'Cost per merged change' },
  { key: 'costPerSurvivingChange', label: 'Cost per surviving change' },
];

const NODE_FIELDS = [
  ['gpuHourUsd', 'GPU $/hour', '0.01', undefined],
  ['gpus', 'GPUs', '1', undefined],
  ['prefillTokensPerSecond', 'Prefill tokens/s (whole node)', '1', undefined],
  ['decodeTokensPerSecond', 'Decode tokens/s (whole node)', '1', undefined],
  ['utilization', 'Utilisation (0–1]', '0.01', '1'],
] as const;
const RATE_FIELDS = [
  ['inputPerM', 'Input $/M'],
  ['outputPerM', 'Output $/M'],
  ['cacheReadPerM', 'Cache read $/M'],
  ['cacheWritePerM', 'Cache write $/M'],
] as const;

/** What a value of the scenario shown is, for the form's defaults. */
const valueOf = (s: Scenario | null, field: string): string | undefined => (s && field in s ? String((s as unknown as Record<string, unknown>)[field]) : undefined);

/** The label of a form field named in a refusal (`whatif.utilization` → "Utilisation (0–1]"). */
function labelOf(param: string): string {
  const field = param.startsWith(WHATIF_PREFIX) ? param.slice(WHATIF_PREFIX.length) : param;
  return [...NODE_FIELDS, ...RATE_FIELDS].find(([name]) => name === field)?.[1] ?? (field === 'model' ? 'Model' : field);
}

/**
 * The What if panel: a plain GET form (it works without script), the scenario's figures beside
 * today's, and for a node its break-even. `result` is the answer for the scenario of the URL, or
 * why the URL's scenario could not be used.
 */
export function WhatIfPanel({
  scenario,
  result,
  tokens,
  window,
  models,
  teamModels,
  params,
  basePath,
}: {
  scenario: ParamResult<Scenario>;
  result: { ok: true; answer: WhatIfAnswer } | { ok: false; field: string; error: string };
  /** The window's total tokens (today's usage, of which the break-even is reckoned). */
  tokens: number;
  window: { from: number; to: number };
  /** The ids the price table prices. */
  models: string[];
  /** The models the team's runs used: the form offers the first of them the table prices. */
  teamModels: readonly string[];
  params: SearchParams;
  basePath: string;
}) {
  const shown = scenario.ok ? scenario.value : null;
  const node = shown?.kind === 'selfhosted' ? shown : presetScenario();
  const kept = Object.entries(params).filter(([k]) => !k.startsWith(WHATIF_PREFIX));
  const answer = result.ok ? result.answer : null;
  const even = answer && answer.scenario.kind === 'selfhosted' ? breakEven(answer.scenario, tokens, answer.baseline.costUsd, answer.whatIf.costUsd) : null;
  const monthly = tokensPerMonth(tokens, window);
  // A refused scenario keeps what was typed in the form, so that only the field at fault needs fixing.
  const typed = (field: string): string | undefined => {
    const v = result.ok ? undefined : params[`${WHATIF_PREFIX}${field}`];
    return typeof v === 'string' ? v : undefined;
  };
  return (
    <section className="card" aria-labelledby="whatif-heading" id="what-if" data-testid="what-if">
      <h2 id="whatif-heading">What if these loops ran elsewhere?</h2>
      {!result.ok && (
        <p className="status-bad" role="status" data-testid="whatif-error">
          {labelOf(result.field)}: {result.error}
        </p>
      )}
      {answer && (
        <>
          <p className="small muted" data-testid="whatif-scenario">
            This window&apos;s calls re-priced as {describeScenario(answer.scenario)}, beside what they cost today.
          </p>
          <table data-testid="whatif-table">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col" className="num">Today</th>
                <th scope="col" className="num">What if</th>
                <th scope="col" className="num">Saving</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map(({ key, label }) => {
                const today = answer.baseline[key];
                const then = answer.whatIf[key];
                return (
                  <tr key={key} data-figure={key}>
                    <th scope="row">{label}</th>
                    <td className="num" data-column="baseline">{formatUsd(today)}</td>
                    <td className="num" data-column="whatif">{formatUsd(then)}</td>
                    <td className="num" data-column="saving">{today === null || then === null ? '—' : formatUsd(today - then)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {even && (
            <p data-testid="break-even">
              The node costs <strong>{formatUsd(even.nodeMonthlyUsd)}</strong> a month busy or idle. It breaks even with today&apos;s prices at{' '}
              <strong data-figure="break-even">{even.breakEvenTokensPerMonth === null ? '—' : `${formatCompact(even.breakEvenTokensPerMonth)} tokens`}</strong> a
              month; this team uses about {monthly === null ? '—' : formatCompact(monthly)} a month, and the node can serve about{' '}
              {even.capacityTokensPerMonth === null ? '—' : formatCompact(even.capacityTokensPerMonth)} of this mix.
            </p>
          )}
        </>
      )}
      <form method="get" action={`${basePath}#what-if`} className="whatif-form">
        {kept.map(([k, v]) => (typeof v === 'string' ? <input key={k} type="hidden" name={k} value={v} /> : null))}
        <fieldset>
          <legend>A model of the price table</legend>
          <select name="whatif.model" defaultValue={valueOf(shown, 'model') ?? teamModels.find((m) => models.includes(m)) ?? models[0]} aria-label="Model to re-price at">
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>{' '}
          <button type="submit" name="whatif.scenario" value="model">
            Re-price at this model
          </button>
        </fieldset>
        <fieldset>
          <legend>Custom per-million rates (USD)</legend>
          {RATE_FIELDS.map(([field, label]) => (
            <label key={field}>
              {label}{' '}
              <input type="number" min="0" step="any" name={`whatif.${field}`} defaultValue={typed(field) ?? (shown?.kind === 'price' ? valueOf(shown, field) : undefined)} />
            </label>
          ))}{' '}
          <button type="submit" name="whatif.scenario" value="price">
            Re-price at these rates
          </button>
        </fieldset>
        <fieldset>
          <legend>A self-hosted node</legend>
          <p className="small">
            Presets:{' '}
            {presetViewParams().map(({ preset, params: p }, i) => (
              <span key={preset.id}>
                {i > 0 && ' · '}
                <Link href={`${withParams(Object.fromEntries(kept), p)}#what-if`} title={preset.source} data-preset={preset.id}>
                  {preset.label}
                </Link>
              </span>
            ))}{' '}
            (sources and dates: <a href="/docs/pricing">docs/pricing</a>)
          </p>
          {NODE_FIELDS.map(([field, label, step, max]) => (
            <label key={field}>
              {label} <input type="number" min="0" max={max} step={step} name={`whatif.${field}`} defaultValue={typed(field) ?? valueOf(node, field)} />
            </label>
          ))}{' '}
          <button type="submit" name="whatif.scenario" value="selfhosted">
            Price this node
          </button>
        </fieldset>
      </form>
    </section>
  );
}
