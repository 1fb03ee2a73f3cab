import type { DashboardRange } from '@/lib/dashboard/search-params';

/** Names the range the URL asked for but could not have (too long, malformed), and what is shown instead. */
export function RangeNotice({ range }: { range: DashboardRange }) {
  const notice = range.problem?.notice;
  if (!notice) return null;
  return (
    <p className="status-bad" role="status" data-testid="range-notice">
      {notice.charAt(0).toUpperCase() + notice.slice(1)}.
    </p>
  );
}
