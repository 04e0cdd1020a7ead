import { type AnalysisSpec, LATENCY_RATIO_QUERY } from '@spikeformer-actions/delivery/analysis';

/**
 * After a blue-green switch the previous colour gets no traffic, so the default latency trigger
 * (new p99 / previous p99 over the same window) would divide by nothing. For blue-green the
 * previous colour's p99 is read as it was when it last carried all the traffic: the window
 * ending at the switch (PromQL's `@` modifier).
 */
export const LATENCY_AT_SWITCH_QUERY = LATENCY_RATIO_QUERY.replace(
  'service="{{ stable }}"}[{{ window }}]',
  'service="{{ stable }}"}[{{ window }}] @ {{ switched_at }}',
);

export function anchorBaselineAtSwitch(spec: AnalysisSpec, switchedAtMs: number): AnalysisSpec {
  return {
    ...spec,
    metrics: spec.metrics.map((m) =>
      m.query === LATENCY_RATIO_QUERY
        ? { ...m, query: LATENCY_AT_SWITCH_QUERY, args: { ...m.args, switched_at: (switchedAtMs / 1000).toFixed(3) } }
        : m,
    ),
  };
}
