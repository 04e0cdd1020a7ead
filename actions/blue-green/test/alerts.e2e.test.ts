import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBundled, runBundledAction } from '@spikeformer-actions/testing';
import { type RunningAlertmanager, startAlertmanager } from '@spikeformer-actions/testing/alertmanager';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { requirePrometheus } from '@spikeformer-actions/testing/prometheus';
import { type RunningPushgateway, startPushgateway } from '@spikeformer-actions/testing/pushgateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicasOf, sampleSelector, seededCluster, selectorOf } from './cluster.js';

/*
 * Alerts in the blue-green watch, end to end: the bundled action with real kubectl against the
 * API double, Debian's Alertmanager asked throughout the post-switch monitoring (the test posts
 * alerts to it as Prometheus would), Debian's Pushgateway, and promtool on the rules file.
 */

const action = path.resolve(import.meta.dirname, '..');
const MATCHERS = 'severity="critical", service="api"';
let kube: KubeDouble;
let alertmanager: RunningAlertmanager;
let gateway: RunningPushgateway;
let dead = '';

beforeAll(async () => {
  ensureBundled(action);
  kube = await seededCluster();
  alertmanager = await startAlertmanager();
  gateway = await startPushgateway();
  const stopped = await startAlertmanager();
  dead = stopped.url;
  await stopped.close();
}, 300_000);

afterAll(async () => {
  await Promise.all([kube.close(), alertmanager.close(), gateway.close()]);
});

async function deploy(inputs: Record<string, string>) {
  const client = kube.newClient();
  return runBundledAction(action, {
    inputs: {
      service: 'api',
      'preview-service': 'api-preview',
      deployment: 'api',
      image: 'api=registry.local/spikeformer-api:2.0',
      'scale-down-delay': '0',
      'alert-matchers': MATCHERS,
      ...inputs,
    },
    env: { KUBECONFIG: client.kubeconfig, HOME: client.dir },
    timeoutMs: 150_000,
  });
}

describe(
  'blue-green: alerts in the post-switch watch (real Alertmanager, Pushgateway, promtool)',
  { timeout: 200_000 },
  () => {
    it('a critical alert after the switch sends traffic back at once, naming the alert', async () => {
      const sampler = sampleSelector(kube);
      let switchedAt = 0;
      const watcher = setInterval(() => {
        if (!switchedAt && selectorOf(kube)['spikeformer.io/color'] === 'green') {
          switchedAt = Date.now();
          void alertmanager.post([{ labels: { alertname: 'GreenBroken', severity: 'critical', service: 'api' } }]);
        }
      }, 50);
      const r = await deploy({ 'alertmanager-url': alertmanager.url, 'monitor-duration': '60s' });
      clearInterval(watcher);
      const endedAt = Date.now();
      expect(sampler.stop()).toEqual([]);
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.outputs).toMatchObject({ status: 'rolled-back', 'active-color': 'blue', 'previous-color': 'blue' });
      expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
        'blue-green: switched back to blue: alert GreenBroken (severity="critical", service="api") firing',
      ]);
      expect(switchedAt).toBeGreaterThan(0);
      // Well inside the 60 s watch: the alert ended it.
      expect(endedAt - switchedAt).toBeLessThan(30_000);
      expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
      expect(replicasOf(kube, 'api-green')).toBe(0);
      const record = JSON.parse(readFileSync(path.join(r.workspace, 'blue-green-record.json'), 'utf8')) as {
        analyses: Array<{ phase: string; verdict: string; reason: string }>;
      };
      expect(record.analyses.find((a) => a.phase === 'alerts')).toMatchObject({
        verdict: 'Failed',
        reason: 'alert GreenBroken (severity="critical", service="api") firing',
      });
      await alertmanager.post([
        {
          labels: { alertname: 'GreenBroken', severity: 'critical', service: 'api' },
          startsAt: new Date(Date.now() - 60_000),
          endsAt: new Date(Date.now() - 1_000),
        },
      ]);
    });

    it('Alertmanager down: the default on-error fail switches back', async () => {
      const r = await deploy({ 'alertmanager-url': dead, 'monitor-duration': '3s' });
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.outputs).toMatchObject({ status: 'rolled-back', 'active-color': 'blue' });
      expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
        expect.stringMatching(
          /^blue-green: switched back to blue: could not be measured: alerts; on-error is fail \(Alertmanager could not be asked: GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts\?\S+ failed after 2 attempt\(s\): .*\)$/,
        ),
      ]);
      expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
    });

    it('no alert firing: switched; metrics on the Pushgateway; the rules file watches the new colour and passes promtool', async () => {
      const r = await deploy({
        'alertmanager-url': alertmanager.url,
        'monitor-duration': '3s',
        'pushgateway-url': gateway.url,
        'alert-rules-file': 'alert_rules.yml',
      });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({
        status: 'switched',
        'active-color': 'green',
        'alert-rules-file': 'alert_rules.yml',
      });
      expect(r.stdout).toMatch(/monitor: alerts #1 at .*→ Successful \(no matching alert firing\)/);
      const metrics = await gateway.metrics();
      const key = 'instance="api",job="spikeformer-blue-green",namespace="default"';
      expect(metrics).toContain(`spikeformer_deployment_outcome{${key},status="switched"} 1`);
      expect(metrics).toContain(`spikeformer_deployment_outcome{${key},status="rolled-back"} 0`);
      expect(metrics).toContain(`spikeformer_deployment_success{${key}} 1`);
      const rules = readFileSync(path.join(r.workspace, 'alert_rules.yml'), 'utf8');
      expect(rules).toContain('service=\\"api-green\\"');
      const { promtool } = requirePrometheus();
      const check = spawnSync(promtool, ['check', 'rules', path.join(r.workspace, 'alert_rules.yml')], {
        encoding: 'utf8',
      });
      expect(check.stdout, check.stderr).toContain('SUCCESS: 3 rules found');
    });
  },
);
