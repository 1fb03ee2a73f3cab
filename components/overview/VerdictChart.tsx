import { formatDecimal, formatUsd } from '@/lib/format';
import { VERDICT_LABELS, VERDICT_THRESHOLDS, type VerdictReference } from '@/lib/dashboard/verdict';
import { verdictChartLayout, type ChartSize, type ChartTeam, type VerdictChartLayout } from '@/lib/dashboard/verdict-chart';

const SIZES: { className: string; size: ChartSize }[] = [
  { className: 'chart-wide', size: { width: 760, height: 420, maxRadius: 30 } },
  { className: 'chart-narrow', size: { width: 360, height: 360, maxRadius: 20 } },
];

const money = (v: number) => (v >= 1 ? `$${formatDecimal(v)}` : `$${v}`);

/** One team's point in words: the link's name and its hover text. */
function describe(t: ChartTeam): string {
  const p = t.position;
  return `${t.name}: ${VERDICT_LABELS[t.verdict]} — ${formatDecimal(p.survivingPerWeek)} surviving changes a week at ${formatUsd(p.costPerSurvivingChange)} each`;
}

/** One drawing of the chart at one size: static SVG, each team a link to its dashboard. */
function Drawing({ layout, className, teamHref }: { layout: VerdictChartLayout; className: string; teamHref: (slug: string) => string }) {
  const { plot, x, y } = layout;
  const narrow = layout.width < 500;
  return (
    <svg
      className={`verdict-svg ${className}`}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="group"
      aria-label="Teams by surviving changes per week against cost per surviving change"
    >
      {layout.burningArea && (
        <g className="burning-area">
          <rect {...layout.burningArea} />
          <text x={layout.burningArea.x + 6} y={layout.burningArea.y + 16}>
            burning without outcome
          </text>
        </g>
      )}
      <g className="axis">
        {x.ticks.map((t) => (
          <g key={`x${t}`}>
            <line x1={x.at(t)} x2={x.at(t)} y1={plot.top} y2={plot.bottom} className="grid" />
            <text x={x.at(t)} y={plot.bottom + 16} textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        {y.ticks.map((t) => (
          <g key={`y${t}`}>
            <line x1={plot.left} x2={plot.right} y1={y.at(t)} y2={y.at(t)} className="grid" />
            <text x={plot.left - 6} y={y.at(t) + 4} textAnchor="end">
              {money(t)}
            </text>
          </g>
        ))}
        <text x={(plot.left + plot.right) / 2} y={layout.height - 4} textAnchor="middle" className="axis-title">
          {narrow ? 'Surviving changes / week' : 'Surviving changes per week (merged × week-survival)'}
        </text>
        <text transform={`translate(12 ${(plot.top + plot.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="axis-title">
          {narrow ? 'Cost / surviving change' : 'Cost per surviving change (log scale)'}
        </text>
      </g>
      {layout.outputMedianX !== null && (
        <g>
          <line className="reference" x1={layout.outputMedianX} x2={layout.outputMedianX} y1={plot.top} y2={plot.bottom} />
          <text className="reference-label" x={layout.outputMedianX + 4} y={plot.bottom - 6}>
            median output
          </text>
        </g>
      )}
      {layout.costlyY !== null && (
        <g>
          <line className="reference" x1={plot.left} x2={plot.right} y1={layout.costlyY} y2={layout.costlyY} />
          <text className="reference-label" x={plot.right - 4} y={layout.costlyY - 5} textAnchor="end">
            {VERDICT_THRESHOLDS.costlyFactor}× median cost
          </text>
        </g>
      )}
      {layout.bubbles.map((b) =>
        b.from ? (
          <g key={`trail-${b.team.slug}`} className={`trail verdict-${b.team.verdict}`}>
            <line x1={b.from.x} y1={b.from.y} x2={b.x} y2={b.y} />
            <circle cx={b.from.x} cy={b.from.y} r={3} />
          </g>
        ) : null,
      )}
      {layout.bubbles.map((b) => {
        const right = b.x + b.r + 70 < layout.width;
        return (
          <a
            key={b.team.slug}
            href={teamHref(b.team.slug)}
            aria-label={describe(b.team)}
            data-team={b.team.slug}
            data-verdict={b.team.verdict}
            data-x={b.team.position.survivingPerWeek ?? ''}
            data-y={b.team.position.costPerSurvivingChange ?? ''}
            className={`bubble verdict-${b.team.verdict}`}
          >
            <title>{describe(b.team)}</title>
            <circle cx={b.x} cy={b.y} r={b.r} />
            <text x={right ? b.x + b.r + 4 : b.x - b.r - 4} y={b.y + 4} textAnchor={right ? 'start' : 'end'}>
              {b.team.name}
            </text>
          </a>
        );
      })}
    </svg>
  );
}

/**
 * The overview's verdict chart: teams placed by surviving output against cost per surviving change,
 * bubble area by tokens, a trail from the previous period, the corner that burns without shipping
 * shaded. Drawn on the server at two sizes (one shown per screen width), no script.
 */
export function VerdictChart({ teams, reference, teamHref }: { teams: ChartTeam[]; reference: VerdictReference; teamHref: (slug: string) => string }) {
  const layouts = SIZES.map((s) => ({ className: s.className, layout: verdictChartLayout(teams, reference, s.size) }));
  const unplaced = layouts[0].layout.unplaced;
  return (
    <div className="verdict-chart" data-testid="verdict-chart">
      {layouts.map(({ className, layout }) => (
        <Drawing key={className} layout={layout} className={className} teamHref={teamHref} />
      ))}
      {unplaced.length > 0 && (
        <p className="muted small" data-testid="verdict-unplaced">
          Not placed: {unplaced.map((t) => `${t.name} (${VERDICT_LABELS[t.verdict]})`).join(', ')}.
        </p>
      )}
    </div>
  );
}
