/**
 * Where an upload's result points: the team's dashboard over the days its events span (an import
 * of last year's logs is not in the default last 4 weeks), and each run it stored.
 */
import type { UploadSummary } from '@/lib/data/upload-summary';
import { MAX_WINDOW_DAYS } from '@/lib/http/window-params';

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface UploadLinks {
  team: { slug: string; name: string; href: string };
  /** The days the dashboard link shows ("2026-11-20 to 2026-11-21"); null for the default range. */
  span: string | null;
  runs: { run: string; events: number; href: string }[];
  runCount: number;
}

export function uploadLinks(team: { slug: string; name: string }, summary: UploadSummary): UploadLinks {
  const { firstEventAt: first, lastEventAt: last } = summary;
  const fits = first !== null && last !== null && last - first < (MAX_WINDOW_DAYS - 1) * DAY_MS;
  const range = fits ? new URLSearchParams({ from: day(first), to: day(last) }) : null;
  const teamPath = `/teams/${encodeURIComponent(team.slug)}`;
  return {
    team: { ...team, href: range ? `${teamPath}?${range}` : teamPath },
    span: range ? `${range.get('from')} to ${range.get('to')}` : null,
    runs: summary.runs.map((r) => {
      const q = new URLSearchParams({ team: team.slug, ...(range ? Object.fromEntries(range) : {}) });
      return { ...r, href: `/runs/${encodeURIComponent(r.run)}?${q}` };
    }),
    runCount: summary.runCount,
  };
}
