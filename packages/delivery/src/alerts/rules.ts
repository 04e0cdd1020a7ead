import { ERROR_RATE_QUERY, HEALTH_FAILURE_QUERY, LATENCY_RATIO_QUERY } from '../analysis/default-analysis.js';
import { renderTemplate } from '../analysis/template.js';

/**
 * The CI/CD design's rollback triggers as a Prometheus rules file, so the cluster's monitoring
 * keeps watching what serves after the job with the thresholds the job used:
 *
 *   error rate > 5 % for 5 minutes            ERROR_RATE_QUERY over 5m, for: 5m
 *   response time > 2× baseline for 10 min    LATENCY_RATIO_QUERY over 10m against the same
 *                                             service `offset 1d` (the job's stable is gone), for: 10m
 *   health check failures > 50 %              HEALTH_FAILURE_QUERY over 5m, for: 1m
 *
 * The queries are the default analysis' own templates, filled with the serving workload.
 */

export interface RollbackRulesOptions {
  /** Namespace label of the series. */
  namespace: string;
  /** The `service` label of what serves after the job (the canary's stable, the active colour). */
  workload: string;
  /** Rule group name. */
  group: string;
  /** Extra labels on every alert (e.g. the deployment). */
  labels?: Record<string, string>;
  /** What the latency is compared with: the same service this long ago (PromQL duration). */
  baselineOffset?: string;
}

export interface RollbackRule {
  alert: string;
  trigger: string;
  expr: string;
  for: string;
  summary: string;
}

/** The baseline is the same service earlier: a PromQL `offset` on the divisor of the ratio. */
export const LATENCY_BASELINE_QUERY = LATENCY_RATIO_QUERY.replace(
  'service="{{ stable }}"}[{{ window }}]',
  'service="{{ canary }}"}[{{ window }}] offset {{ baseline }}',
);

export function rollbackRules(options: RollbackRulesOptions): RollbackRule[] {
  const vars = {
    namespace: options.namespace,
    canary: options.workload,
    stable: options.workload,
    service: options.workload,
  };
  const render = (template: string, args: Record<string, string>): string =>
    renderTemplate(template, { ...vars, ...args });
  return [
    {
      alert: 'SpikeformerErrorRateHigh',
      trigger: 'error-rate',
      expr: `(${render(ERROR_RATE_QUERY, { window: '5m' })}) > 0.05`,
      for: '5m',
      summary: `${options.workload}: more than 5% of requests failed (5xx) for 5 minutes`,
    },
    {
      alert: 'SpikeformerLatencyAboveBaseline',
      trigger: 'latency-p99',
      expr: `(${render(LATENCY_BASELINE_QUERY, { window: '10m', quantile: '0.99', baseline: options.baselineOffset ?? '1d' })}) > 2`,
      for: '10m',
      summary: `${options.workload}: p99 latency above 2× its baseline for 10 minutes`,
    },
    {
      alert: 'SpikeformerHealthChecksFailing',
      trigger: 'health-checks',
      expr: `(${render(HEALTH_FAILURE_QUERY, { window: '5m' })}) > 0.5`,
      for: '1m',
      summary: `${options.workload}: more than 50% of health checks failed`,
    },
  ];
}

/** A YAML string: JSON's double-quoted form is valid YAML and needs no YAML library. */
const q = (text: string): string => JSON.stringify(text);

/** The rules as a file `promtool check rules` accepts. */
export function rollbackRulesYaml(options: RollbackRulesOptions): string {
  const labels = { severity: 'critical', namespace: options.namespace, service: options.workload, ...options.labels };
  const lines = [
    '# Rollback triggers of the spikeformer CI/CD design, written by the deploy action.',
    'groups:',
    `  - name: ${q(options.group)}`,
    '    rules:',
  ];
  for (const rule of rollbackRules(options)) {
    lines.push(
      `      - alert: ${rule.alert}`,
      `        expr: ${q(rule.expr)}`,
      `        for: ${rule.for}`,
      '        labels:',
      ...Object.entries({ ...labels, trigger: rule.trigger }).map(([k, v]) => `          ${k}: ${q(v)}`),
      '        annotations:',
      `          summary: ${q(rule.summary)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
