/**
 * Where everything goes on the overview's verdict chart (components/overview/VerdictChart.tsx):
 * teams by surviving changes per week (x, linear from 0) against cost per surviving change (y,
 * logarithmic: costs differ by orders of magnitude), bubble area by tokens, a trail from the
 * previous period, and the corner that burns without shipping. Pure: pixels from figures.
 */
import { linearAxis, logAxis, type Axis } from '@/lib/charts/scale';
import type { TeamPosition, Verdict, VerdictReference } from './verdict';

export interface ChartTeam {
  slug: string;
  name: string;
  verdict: Verdict;
  position: TeamPosition;
  previous: TeamPosition | null;
}

export interface ChartSize {
  width: number;
  height: number;
  /** Largest bubble radius. */
  maxRadius: number;
}

export interface PlacedBubble {
  team: ChartTeam;
  x: number;
  y: number;
  r: number;
  /** The previous period's point, when the team could be placed then. */
  from: { x: number; y: number } | null;
}

export interface VerdictChartLayout {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  x: Axis;
  y: Axis;
  bubbles: PlacedBubble[];
  /** The shaded corner (low output, high cost): null without a reference. */
  burningArea: { x: number; y: number; width: number; height: number } | null;
  /** Where the reference lines are drawn, in pixels. */
  outputMedianX: number | null;
  costlyY: number | null;
  /** Teams that could not be placed (too little data, or nothing surviving). */
  unplaced: ChartTeam[];
}

const placed = (p: TeamPosition | null): p is TeamPosition & { survivingPerWeek: number; costPerSurvivingChange: number } =>
  p !== null && p.survivingPerWeek !== null && p.costPerSurvivingChange !== null && p.costPerSurvivingChange > 0;

export function verdictChartLayout(teams: readonly ChartTeam[], ref: VerdictReference, size: ChartSize): VerdictChartLayout {
  const narrow = size.width < 500;
  const plot = { left: narrow ? 52 : 64, right: size.width - 12, top: 12, bottom: size.height - (narrow ? 40 : 44) };
  const points = teams.flatMap((t) => [t.position, t.previous]).filter(placed);
  const xs = points.map((p) => p.survivingPerWeek);
  const ys = points.map((p) => p.costPerSurvivingChange);
  if (ref.outputMedian !== null) xs.push(ref.outputMedian);
  if (ref.costlyAbove !== null) ys.push(ref.costlyAbove);
  const x = linearAxis(0, Math.max(1, ...xs) * 1.08, plot.left, plot.right, narrow ? 4 : 6);
  const y = ys.length ? logAxis(Math.min(...ys) / 1.3, Math.max(...ys) * 1.3, plot.bottom, plot.top) : logAxis(0.1, 10, plot.bottom, plot.top);
  const maxTokens = Math.max(1, ...teams.map((t) => t.position.tokens));
  const bubbles: PlacedBubble[] = [];
  const unplaced: ChartTeam[] = [];
  for (const team of teams) {
    const p = team.position;
    if (team.verdict === 'too-little-data' || !placed(p)) {
      unplaced.push(team);
      continue;
    }
    const prev = placed(team.previous) ? { x: x.at(team.previous.survivingPerWeek), y: y.at(team.previous.costPerSurvivingChange) } : null;
    bubbles.push({ team, x: x.at(p.survivingPerWeek), y: y.at(p.costPerSurvivingChange), r: Math.max(5, Math.sqrt(p.tokens / maxTokens) * size.maxRadius), from: prev });
  }
  // The biggest behind, so a small bubble on top of a big one stays visible.
  bubbles.sort((a, b) => b.r - a.r);
  const outputMedianX = ref.outputMedian === null ? null : x.at(ref.outputMedian);
  const costlyY = ref.costlyAbove === null ? null : y.at(ref.costlyAbove);
  const burningArea =
    outputMedianX === null || costlyY === null ? null : { x: plot.left, y: plot.top, width: outputMedianX - plot.left, height: costlyY - plot.top };
  return { width: size.width, height: size.height, plot, x, y, bubbles, burningArea, outputMedianX, costlyY, unplaced };
}
