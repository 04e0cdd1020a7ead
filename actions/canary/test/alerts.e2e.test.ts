import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBundled } from '@spikeformer-actions/testing';
import { type RunningAlertmanager, startAlertmanager } from '@spikeformer-actions/testing/alertmanager';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { requirePrometheus, startPrometheus, type RunningPrometheus } from '@spikeformer-actions/testing/prometheus';
import { type RunningPushgateway, startPushgateway } from '@spikeformer-actions/testing/pushgateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisFile } from '../src/record.js';
import {
  ACTION,
  FAST_ANALYSIS,
  imageOf,
  load,
  NEW_IMAGE,
  OLD_IMAGE,
  progressOf,
  replicasOf,
  routedWeights,
  runCanary,
  seedCluster,
  STABLE,
  startTracks,
  type Tracks,
  weightSource,
} from './harness.js';

/*
 * Alerts in the canary's decision, end to end: the bundled action with real kubectl against the
 * API double, live traffic scraped by Debian's Prometheus, Debian's Alertmanager asked during
 * every step (the test posts alerts to it as Prometheus would), Debian's Pushgateway receiving
 * the run's metrics, and promtool checking the rules file the action writes.
 */

const IDS = ['am-fire', 'am-down', 'am-down-pause', 'am-errors'] as const;
const tracks = new Map<string, Tracks>();
const kubes: KubeDouble[] = [];
let prometheus: RunningPrometheus | undefined;
let alertmanager: RunningAlertmanager | undefined;
let gateway: RunningPushgateway | undefined;
let deadAlertmanager = '';

function track(id: string): Tracks {
  const t = tracks.get(id);
  if (!t) throw new Error(`no tracks for ${id}`);
  return t;
}

function inputs(id: string, extra: Record<string, string>): Record<string, string> {
  return {
    deployment: id,
    service: id,
    image: `api=${NEW_IMAGE}`,
    steps: '10,50,100',
    pause: '4s',
    analysis: FAST_ANALYSIS,
    'rollout-timeout': '40s',
    'prometheus-url': prometheus?.url ?? '',
    router: 'replicas',
    'alert-matchers': `severity="critical", service="${id}"`,
    ...extra,
  };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  requirePrometheus();
  ensureBundled(ACTION);
  for (const id of IDS)
    tracks.set(id, await startTracks(id, id === 'am-errors' ? { errorRate: 0.3, latencyMs: 20, jitterMs: 5 } : STABLE));
  prometheus = await startPrometheus({
    scrapeIntervalMs: 1_000,
    targets: [...tracks.values()].flatMap((t) =>
      [t.stable, t.canary].map((s) => ({ address: s.address, labels: { namespace: 'default', service: s.name } })),
    ),
  });
  alertmanager = await startAlertmanager();
  gateway = await startPushgateway();
  const dead = await startAlertmanager();
  deadAlertmanager = dead.url;
  await dead.close();
  await prometheus.waitFor('count(up == 1)', (r) => r.length === 1, 30_000);
}, 300_000);

afterAll(async () => {
  await Promise.all(kubes.map((k) => k.close()));
  await Promise.all([prometheus?.close(), alertmanager?.close(), gateway?.close()]);
  await Promise.all([...tracks.values()].flatMap((t) => [t.stable.close(), t.canary.close()]));
});

describe.concurrent('canary: alerts in the decision (real Alertmanager, Prometheus, Pushgateway, promtool)', () => {
  it(
    'a critical alert fired mid-canary rolls back at that step; metrics pushed; the rules file passes promtool',
    { timeout: 240_000 },
    async () => {
      const id = 'am-fire';
      const kube = await seedCluster(id, 'replicas');
      kubes.push(kube);
      if (!alertmanager || !gateway) throw new Error('services missing');
      // Not matching: another service, a warning, and a resolved critical alert of this service.
      await alertmanager.post([
        { labels: { alertname: 'OtherDown', severity: 'critical', service: 'other' } },
        { labels: { alertname: 'Slowish', severity: 'warning', service: id } },
        {
          labels: { alertname: 'OldIncident', severity: 'critical', service: id },
          startsAt: new Date(Date.now() - 120_000),
          endsAt: new Date(Date.now() - 60_000),
        },
      ]);
      const gen = load(track(id), routedWeights(kube, weightSource(id, 'replicas')));
      const am = alertmanager;
      // The alert fires once the canary carries 50 %.
      const firing = until(() => progressOf(kube, id).step === 2, 120_000, 'step 2').then(() =>
        am.post([
          {
            labels: { alertname: 'CanaryBroken', severity: 'critical', service: id },
            annotations: { summary: 'p99 through the roof' },
          },
        ]),
      );
      try {
        const r = await runCanary(
          kube,
          inputs(id, {
            'alertmanager-url': alertmanager.url,
            'pushgateway-url': gateway.url,
            'alert-rules-file': 'monitoring/alert_rules.yml',
          }),
        );
        await firing;
        expect(r.exitCode, r.stdout).toBe(1);
        expect(r.outputs).toMatchObject({
          status: 'rolled-back',
          'final-weight': '0',
          'failed-step': '2',
          'alert-rules-file': 'monitoring/alert_rules.yml',
        });
        expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
          'canary: step 2 (50%): alert CanaryBroken (severity="critical", service="am-fire") firing',
        ]);
        const file = JSON.parse(readFileSync(path.join(r.workspace, 'canary-analysis.json'), 'utf8')) as AnalysisFile;
        const [first, second] = file.steps;
        expect(first?.verdict).toBe('Successful');
        expect(first?.metrics.find((m) => m.name === 'alerts')).toMatchObject({
          verdict: 'Successful',
          query: `severity="critical", service="${id}"`,
        });
        expect(second?.verdict).toBe('Failed');
        expect(second?.metrics.find((m) => m.name === 'alerts')).toMatchObject({
          verdict: 'Failed',
          reason: 'alert CanaryBroken (severity="critical", service="am-fire") firing',
        });
        expect(file.steps).toHaveLength(2);
        expect(progressOf(kube, id)).toMatchObject({ phase: 'rolled-back', step: 2 });
        expect(replicasOf(kube, `${id}-canary`)).toBe(0);
        expect(imageOf(kube, id)).toBe(OLD_IMAGE);

        const metrics = await gateway.metrics();
        const key = `instance="${id}",job="spikeformer-canary",namespace="default"`;
        expect(metrics).toContain(`spikeformer_deployment_outcome{${key},status="rolled-back"} 1`);
        expect(metrics).toContain(`spikeformer_deployment_outcome{${key},status="promoted"} 0`);
        expect(metrics).toContain(`spikeformer_deployment_success{${key}} 0`);
        expect(metrics).toContain(`spikeformer_deployment_step_reached{${key}} 2`);
        expect(metrics).toContain(`spikeformer_deployment_steps{${key}} 3`);
        expect(metrics).toContain(`spikeformer_deployment_bad_requests{${key}} 0`);
        const duration = Number(
          new RegExp(`spikeformer_deployment_duration_seconds\\{${key}\\} (\\S+)`).exec(metrics)?.[1],
        );
        expect(duration).toBeGreaterThan(8);
        expect(duration).toBeLessThan(240);

        const { promtool } = requirePrometheus();
        const rules = path.join(r.workspace, 'monitoring/alert_rules.yml');
        const check = spawnSync(promtool, ['check', 'rules', rules], { encoding: 'utf8' });
        expect(check.stdout, check.stderr).toContain('SUCCESS: 3 rules found');
        // The serving workload (the stable) is what the rules watch after the job.
        writeFileSync(
          path.join(r.workspace, 'rules_test.yml'),
          `rule_files: [monitoring/alert_rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - { series: 'http_requests_total{namespace="default",service="${id}",code="200"}', values: '0+80x30' }
      - { series: 'http_requests_total{namespace="default",service="${id}",code="503"}', values: '0+20x30' }
      - { series: 'http_requests_total{namespace="default",service="${id}-canary",code="200"}', values: '0+100x30' }
      - { series: 'up{namespace="default",service="${id}"}', values: '1x30' }
    alert_rule_test:
      - eval_time: 20m
        alertname: SpikeformerErrorRateHigh
        exp_alerts:
          - exp_labels: { severity: critical, namespace: default, service: ${id}, deployment: ${id}, trigger: error-rate }
            exp_annotations: { summary: "${id}: more than 5% of requests failed (5xx) for 5 minutes" }
      - { eval_time: 20m, alertname: SpikeformerHealthChecksFailing, exp_alerts: [] }
`,
        );
        const test = spawnSync(promtool, ['test', 'rules', 'rules_test.yml'], { cwd: r.workspace, encoding: 'utf8' });
        expect(test.status, `${test.stdout}${test.stderr}`).toBe(0);
      } finally {
        await gen.stop();
      }
    },
  );

  it(
    'Alertmanager down with on-error fail (the default): the first step fails and rolls back',
    { timeout: 180_000 },
    async () => {
      const id = 'am-down';
      const kube = await seedCluster(id, 'replicas');
      kubes.push(kube);
      const gen = load(track(id), routedWeights(kube, weightSource(id, 'replicas')));
      try {
        const r = await runCanary(kube, inputs(id, { 'alertmanager-url': deadAlertmanager }));
        expect(r.exitCode, r.stdout).toBe(1);
        expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '1' });
        expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
          expect.stringMatching(
            /^canary: step 1 \(10%\): could not be measured: alerts; on-error is fail \(Alertmanager could not be asked: GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts\?active=true&silenced=false&inhibited=false&filter=\S+ failed after 2 attempt\(s\): .*\)$/,
          ),
        ]);
        expect(progressOf(kube, id)).toMatchObject({ phase: 'rolled-back', step: 1 });
        expect(imageOf(kube, id)).toBe(OLD_IMAGE);
      } finally {
        await gen.stop();
      }
    },
  );

  it(
    'Alertmanager down with on-error inconclusive and inconclusive pause: the canary pauses at its weight',
    { timeout: 180_000 },
    async () => {
      const id = 'am-down-pause';
      const kube = await seedCluster(id, 'replicas');
      kubes.push(kube);
      const gen = load(track(id), routedWeights(kube, weightSource(id, 'replicas')));
      try {
        const r = await runCanary(
          kube,
          inputs(id, {
            'alertmanager-url': deadAlertmanager,
            analysis: `on-error: inconclusive\n${FAST_ANALYSIS}`,
            inconclusive: 'pause',
          }),
        );
        expect(r.exitCode, r.stdout).toBe(0);
        expect(r.outputs).toMatchObject({ status: 'paused', 'final-weight': '10', 'failed-step': '1' });
        expect(
          r.annotations.find(
            (a) =>
              a.level === 'notice' &&
              /^canary: step 1 \(10%\) inconclusive: could not be measured: alerts; on-error is inconclusive \(Alertmanager could not be asked: .*\); paused at 10%/.test(
                a.message,
              ),
          ),
        ).toBeDefined();
        expect(progressOf(kube, id)).toMatchObject({ phase: 'paused', step: 1, weight: 10 });
      } finally {
        await gen.stop();
      }
    },
  );

  it(
    'a canary answering 30 % 5xx: the Pushgateway gets the bad requests Prometheus counted',
    { timeout: 180_000 },
    async () => {
      const id = 'am-errors';
      const kube = await seedCluster(id, 'replicas');
      kubes.push(kube);
      if (!alertmanager || !gateway) throw new Error('services missing');
      const gen = load(track(id), routedWeights(kube, weightSource(id, 'replicas')));
      try {
        // Half the traffic at once, so the bad canary serves enough 5xx to count.
        const r = await runCanary(
          kube,
          inputs(id, { steps: '50,100', 'alertmanager-url': alertmanager.url, 'pushgateway-url': gateway.url }),
        );
        expect(r.exitCode, r.stdout).toBe(1);
        expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '1' });
        expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
          'canary: step 1 (50%): failed: error-rate',
        ]);
        const metrics = await gateway.metrics();
        const key = `instance="${id}",job="spikeformer-canary",namespace="default"`;
        expect(metrics).toContain(`spikeformer_deployment_outcome{${key},status="rolled-back"} 1`);
        expect(metrics).toContain(`spikeformer_deployment_step_reached{${key}} 1`);
        const bad = Number(new RegExp(`spikeformer_deployment_bad_requests\\{${key}\\} (\\S+)`).exec(metrics)?.[1]);
        const served = track(id).canary.served()['500'] ?? 0;
        expect(served).toBeGreaterThan(10);
        // Prometheus extrapolates increase() from 1 s scrapes: near the served count, never far off.
        expect(bad).toBeGreaterThan(served * 0.5);
        expect(bad).toBeLessThan(served * 1.5 + 2);
      } finally {
        await gen.stop();
      }
    },
  );
});
