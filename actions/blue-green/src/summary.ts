import { Summary } from '@spikeformer-actions/core';
import {
  MEASUREMENT_TABLE_HEADERS,
  measurementRows,
  METRIC_TABLE_HEADERS,
  metricRows,
} from '@spikeformer-actions/delivery/analysis';
import type { Deployer } from './deployer.js';
import type { Inputs } from './inputs.js';
import type { Status } from './record.js';
import type { Timeline } from '@spikeformer-actions/delivery/rollout';

export function writeSummary(
  inputs: Inputs,
  timeline: Timeline,
  deployer: Deployer,
  outcome: { status: Status; reason: string; before?: string | undefined; after?: string | undefined } | undefined,
): void {
  const s = new Summary().heading(`Blue-green ${inputs.action}: ${outcome?.status ?? 'error'}`);
  if (outcome) {
    s.table(
      ['service', 'before', 'after', 'status', 'why'],
      [[inputs.service, outcome.before ?? '', outcome.after ?? '', outcome.status, outcome.reason]],
    );
  }
  s.heading('Timeline', 3).table(
    ['time (UTC)', 'step', 'detail', ''],
    timeline.entries.map((e) => [e.at.slice(11, 19), e.step, e.detail, e.ok ? '✓' : '✗']),
  );
  for (const { phase, result } of deployer.analyses) {
    s.heading(`Analysis (${phase}): ${result.verdict}`, 3)
      .paragraph(result.reason)
      .table(METRIC_TABLE_HEADERS, metricRows(result));
    for (const metric of result.metrics) {
      if (metric.measurements.length > 0)
        s.details(
          `${metric.name}: ${metric.measurements.length} measurement(s)`,
          new Summary().table(MEASUREMENT_TABLE_HEADERS, measurementRows(metric)),
        );
    }
  }
  if (deployer.probes.length > 0) {
    const failed = deployer.probes.filter((p) => !p.ok).length;
    s.details(
      `Health probes: ${deployer.probes.length - failed}/${deployer.probes.length} healthy`,
      new Summary().table(
        ['time', 'kind', 'result', 'detail'],
        deployer.probes.map((p) => [p.at.slice(11, 19), p.kind, p.ok ? 'healthy' : 'failed', p.detail]),
      ),
    );
  }
  s.write();
}
