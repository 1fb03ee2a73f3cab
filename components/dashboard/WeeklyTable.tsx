import type { WeeklyKpis } from '@/lib/kpi/types';
import { formatInt, formatRate, formatUsd } from '@/lib/format';
import { TableScroll } from '@/components/TableScroll';

/** The weekly figures as a table: the charts' text alternative. */
export function WeeklyTable({ weeks }: { weeks: WeeklyKpis[] }) {
  return (
    <TableScroll label="Weekly figures">
      <table data-testid="weekly-table">
        <caption className="sr-only">Weekly figures</caption>
        <thead>
          <tr>
            <th scope="col">Week of</th>
            <th scope="col" className="num">Token cost</th>
            <th scope="col" className="num">Tokens</th>
            <th scope="col" className="num">Merged</th>
            <th scope="col" className="num">Survived / eligible</th>
            <th scope="col" className="num">Defect rate</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.week}>
              <td>{w.week}</td>
              <td className="num">{formatUsd(w.costUsd)}</td>
              <td className="num">{formatInt(w.tokens.total)}</td>
              <td className="num">{formatInt(w.mergedChanges)}</td>
              <td className="num">
                {formatInt(w.weekSurvival.survived)} / {formatInt(w.weekSurvival.eligible)}
              </td>
              <td className="num">{formatRate(w.defectRate.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
