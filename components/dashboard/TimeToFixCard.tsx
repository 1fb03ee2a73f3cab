import { TimeToFixCharts } from '@/components/charts/TimeToFixCharts';
import { bucketFixHours, chartCurve, KM_TABLE_HOURS, survivalAt, type KmCurvePoint } from '@/lib/dashboard/time-to-fix';
import { formatHours, formatInt, formatRate, plural } from '@/lib/format';
import type { Kpis } from '@/lib/kpi/types';

/**
 * The team dashboard's time-to-fix card: the window's figures (kpis.md), the histogram of the fixed
 * defects and the Kaplan–Meier curve, and both as tables.
 */
export function TimeToFixCard({ ttf, fixedHours, kmCurve }: { ttf: Kpis['timeToFix']; fixedHours: readonly number[]; kmCurve: KmCurvePoint[] }) {
  const fixBuckets = bucketFixHours(fixedHours);
  return (
    <section className="card" aria-labelledby="ttf-heading">
      <h2 id="ttf-heading">Time to fix</h2>
      {ttf.opened === 0 ? (
        <p className="muted">No defect was opened in this window.</p>
      ) : (
        <>
          <p className="ttf-figures" data-testid="ttf-figures">
            Kaplan–Meier median <strong>{formatHours(ttf.kmP50Hours)}</strong>
            <span className="muted">
              {' '}
              (of the {plural(ttf.opened, 'defect', 'defects')} opened in this window,{' '}
              {ttf.open === 0 ? 'all fixed' : `the ${formatInt(ttf.open)} still open counted as not fixed yet`})
            </span>
            <br />
            Median of the fixed ones only (p50) <strong>{formatHours(ttf.p50Hours)}</strong> · p90 <strong>{formatHours(ttf.p90Hours)}</strong>
          </p>
          <TimeToFixCharts buckets={fixBuckets} kmCurve={chartCurve(kmCurve)} />
          <p className="muted small">
            Left: how long the {plural(ttf.fixed, 'fixed defect', 'fixed defects')} took. Right: the share still open after a given time
            {ttf.open === 0 ? '' : `, counting ${ttf.open === 1 ? 'the open one' : `the ${ttf.open} open ones`} as censored`} (Kaplan–Meier); it crosses 50% at
            the median.
          </p>
          <details>
            <summary>Figures</summary>
            <div className="table-scroll">
              <table data-testid="ttf-table">
                <thead>
                  <tr>
                    <th scope="col">Fixed within</th>
                    <th scope="col" className="num">Defects</th>
                  </tr>
                </thead>
                <tbody>
                  {fixBuckets.map((b) => (
                    <tr key={b.label}>
                      <td>{b.label}</td>
                      <td className="num">{b.defects}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <table>
                <thead>
                  <tr>
                    <th scope="col">After</th>
                    <th scope="col" className="num">Still open (Kaplan–Meier)</th>
                  </tr>
                </thead>
                <tbody>
                  {KM_TABLE_HOURS.map((hours) => (
                    <tr key={hours}>
                      <td>{formatHours(hours)}</td>
                      <td className="num">{formatRate(survivalAt(kmCurve, hours))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}
