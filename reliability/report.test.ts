/**
 * The figures table: a test that could not run here shows as skipped, and is counted neither as
 * a pass nor as a failure.
 */
import { expect, it } from 'vitest';
import { renderReport, type ReportRow } from './report';

const row = (order: number, test: string, extra: Partial<ReportRow>): ReportRow => ({
  order,
  test,
  load: '—',
  faults: '—',
  inputs: '—',
  result: '—',
  lost: '0',
  passed: true,
  settings: 'quick',
  at: '2026-12-04T00:00:00Z',
  ...extra,
});

it('shows a skipped row as skipped, not as passed', () => {
  const md = renderReport({ seconds: 10, exitCode: 0, buildSeconds: 5 }, [
    row(1, 'Crash', {}),
    row(4, 'Disk full / read-only database', { passed: false, skipped: 'mounting a 48 MB tmpfs was refused (permission denied)' }),
    row(5, 'Shutdown', { passed: false }),
  ]);
  expect(md).toContain('1 of 3 rows passed, 1 SKIPPED (not run on this machine: Disk full / read-only database)');
  const line = (test: string) => md.split('\n').find((l) => l.startsWith(`| ${test} |`))!;
  expect(line('Disk full / read-only database')).toMatch(/\| skipped \|$/);
  expect(line('Crash')).toMatch(/\| yes \|$/);
  expect(line('Shutdown')).toMatch(/\| \*\*NO\*\* \|$/);
});
