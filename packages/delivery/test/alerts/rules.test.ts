import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prometheusAvailable, requirePrometheus } from '@spikeformer-actions/testing/prometheus';
import { afterAll, describe, expect, it } from 'vitest';
import { ERROR_RATE_QUERY, HEALTH_FAILURE_QUERY } from '../../src/analysis/default-analysis.js';
import { renderTemplate } from '../../src/analysis/template.js';
import { rollbackRules, rollbackRulesYaml } from '../../src/alerts/rules.js';

/*
 * The design's rollback triggers as a rules file, checked by Debian's promtool: `check rules`
 * (syntax, PromQL) and `test rules` on input series that fire each trigger and ones that do not.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'sf-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = {
  namespace: 'shop',
  workload: 'api',
  group: 'spikeformer-api-rollback-triggers',
  labels: { deployment: 'api' },
};
const labels = (trigger: string, service = 'api'): string =>
  `{ severity: critical, namespace: shop, service: ${service}, deployment: api, trigger: ${trigger} }`;

/** A promtool unit test: each trigger fires for the bad series after its `for:` window and not before; the good series never fire. */
function unitTests(rulesFile: string): string {
  const day = 1440;
  return `rule_files: [${JSON.stringify(rulesFile)}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      # 10 % errors on api from the start.
      - { series: 'http_requests_total{namespace="shop",service="api",code="200"}', values: '0+90x40' }
      - { series: 'http_requests_total{namespace="shop",service="api",code="500"}', values: '0+10x40' }
    alert_rule_test:
      - { eval_time: 4m, alertname: SpikeformerErrorRateHigh, exp_alerts: [] }
      - eval_time: 15m
        alertname: SpikeformerErrorRateHigh
        exp_alerts:
          - exp_labels: ${labels('error-rate')}
            exp_annotations: { summary: "api: more than 5% of requests failed (5xx) for 5 minutes" }
  - interval: 1m
    input_series:
      # 4 % errors: under the threshold.
      - { series: 'http_requests_total{namespace="shop",service="api",code="200"}', values: '0+96x40' }
      - { series: 'http_requests_total{namespace="shop",service="api",code="500"}', values: '0+4x40' }
    alert_rule_test:
      - { eval_time: 30m, alertname: SpikeformerErrorRateHigh, exp_alerts: [] }
  - interval: 1m
    input_series:
      # A day of requests under 0.1 s, then every request between 0.1 and 0.5 s: p99 about 5x its baseline.
      - { series: 'http_request_duration_seconds_bucket{namespace="shop",service="api",le="0.1"}', values: '0+100x${day} ${day * 100}x40' }
      - { series: 'http_request_duration_seconds_bucket{namespace="shop",service="api",le="0.5"}', values: '0+100x${day + 40}' }
      - { series: 'http_request_duration_seconds_bucket{namespace="shop",service="api",le="+Inf"}', values: '0+100x${day + 40}' }
    alert_rule_test:
      - { eval_time: ${day - 5}m, alertname: SpikeformerLatencyAboveBaseline, exp_alerts: [] }
      - { eval_time: ${day + 5}m, alertname: SpikeformerLatencyAboveBaseline, exp_alerts: [] }
      - eval_time: ${day + 25}m
        alertname: SpikeformerLatencyAboveBaseline
        exp_alerts:
          - exp_labels: ${labels('latency-p99')}
            exp_annotations: { summary: "api: p99 latency above 2× its baseline for 10 minutes" }
  - interval: 1m
    input_series:
      # The same latency all along: the ratio stays 1.
      - { series: 'http_request_duration_seconds_bucket{namespace="shop",service="api",le="0.1"}', values: '0+100x${day + 40}' }
      - { series: 'http_request_duration_seconds_bucket{namespace="shop",service="api",le="+Inf"}', values: '0+100x${day + 40}' }
    alert_rule_test:
      - { eval_time: ${day + 30}m, alertname: SpikeformerLatencyAboveBaseline, exp_alerts: [] }
  - interval: 1m
    input_series:
      # Two targets: one goes down at 10m (50 % failing, not more); both down from 20m.
      - { series: 'up{namespace="shop",service="api",instance="a"}', values: '1x10 0x30' }
      - { series: 'up{namespace="shop",service="api",instance="b"}', values: '1x20 0x20' }
    alert_rule_test:
      - { eval_time: 19m, alertname: SpikeformerHealthChecksFailing, exp_alerts: [] }
      - eval_time: 30m
        alertname: SpikeformerHealthChecksFailing
        exp_alerts:
          - exp_labels: ${labels('health-checks')}
            exp_annotations: { summary: "api: more than 50% of health checks failed" }
`;
}

describe.runIf(prometheusAvailable())('rollback triggers as Prometheus rules (real promtool)', () => {
  it('use the default analysis queries, filled with the serving workload', () => {
    const rules = rollbackRules(OPTIONS);
    const vars = { namespace: 'shop', canary: 'api' };
    expect(rules.map((r) => [r.alert, r.for])).toEqual([
      ['SpikeformerErrorRateHigh', '5m'],
      ['SpikeformerLatencyAboveBaseline', '10m'],
      ['SpikeformerHealthChecksFailing', '1m'],
    ]);
    expect(rules[0]?.expr).toBe(`(${renderTemplate(ERROR_RATE_QUERY, { ...vars, window: '5m' })}) > 0.05`);
    expect(rules[1]?.expr).toBe(
      '(histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop",service="api"}[10m])))' +
        ' / histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop",service="api"}[10m] offset 1d)))) > 2',
    );
    expect(rules[2]?.expr).toBe(`(${renderTemplate(HEALTH_FAILURE_QUERY, { ...vars, window: '5m' })}) > 0.5`);
  });

  it('pass promtool check rules and promtool test rules', () => {
    const { promtool } = requirePrometheus();
    const rulesFile = path.join(dir, 'alert_rules.yml');
    writeFileSync(rulesFile, rollbackRulesYaml(OPTIONS));
    const check = execFileSync(promtool, ['check', 'rules', rulesFile], { encoding: 'utf8' });
    expect(check).toContain('SUCCESS: 3 rules found');
    const testFile = path.join(dir, 'alert_rules_test.yml');
    writeFileSync(testFile, unitTests(rulesFile));
    const test = spawnSync(promtool, ['test', 'rules', testFile], { encoding: 'utf8' });
    expect(`${test.stdout}${test.stderr}`).toContain('SUCCESS');
    expect(test.status, `${test.stdout}${test.stderr}`).toBe(0);
  });

  it('promtool test rules fails on a trigger with another threshold (the unit test can fail)', () => {
    const { promtool } = requirePrometheus();
    const rulesFile = path.join(dir, 'wrong_rules.yml');
    writeFileSync(rulesFile, rollbackRulesYaml(OPTIONS).replace('> 0.05', '> 0.5'));
    const testFile = path.join(dir, 'wrong_rules_test.yml');
    writeFileSync(testFile, unitTests(rulesFile));
    const test = spawnSync(promtool, ['test', 'rules', testFile], { encoding: 'utf8' });
    expect(test.status).toBe(1);
    expect(`${test.stdout}${test.stderr}`).toMatch(/FAILED:[\s\S]*alertname: SpikeformerErrorRateHigh/);
  });
});
