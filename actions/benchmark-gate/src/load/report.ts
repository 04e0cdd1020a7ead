import { clip, Summary } from '@spikeformer-actions/core';
import type { LoadReport } from './model.js';
import { type SloResult, sloValue } from './slo.js';

/** The load-test part of the job summary and comment (pure: strings in, strings out). */

export const MAX_SLO_ROWS = 200;
const MAX_FAILURE_ROWS = 20;

export function sloRows(slos: readonly SloResult[]): string[][] {
  // Failed objectives first: they are why the step failed.
  const sorted = [...slos].sort((a, b) => Number(a.passed) - Number(b.passed));
  return sorted
    .slice(0, MAX_SLO_ROWS)
    .map((r) => [
      clip(r.slo, 200),
      clip(r.endpoint, 200),
      sloValue(r.metric, r.actual),
      r.passed ? '✅ met' : '❌ failed',
    ]);
}

export const SLO_HEADERS = ['Objective', 'Endpoint', 'Measured', 'Verdict'];

export function addLoadSection(summary: Summary, slos: readonly SloResult[], load: readonly LoadReport[]): void {
  if (slos.length > 0) {
    const failed = slos.filter((s) => !s.passed).length;
    summary
      .heading('Service-level objectives', 3)
      .paragraph(`${failed} of ${slos.length} objective check(s) failed.`)
      .table(SLO_HEADERS, sloRows(slos));
    if (slos.length > MAX_SLO_ROWS)
      summary.paragraph(`${slos.length - MAX_SLO_ROWS} more check(s) are in the JSON output.`);
  }
  for (const report of load) {
    if (report.failures.length === 0) continue;
    const top = [...report.failures].sort((a, b) => b.occurrences - a.occurrences).slice(0, MAX_FAILURE_ROWS);
    summary.details(
      `Request failures in ${clip(report.file, 200)}`,
      new Summary().table(
        ['Endpoint', 'Error', 'Occurrences'],
        top.map((f) => [clip(f.name, 200), clip(f.error, 300), String(f.occurrences)]),
      ),
    );
  }
}
