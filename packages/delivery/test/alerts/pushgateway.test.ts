import {
  pushgatewayAvailable,
  type RunningPushgateway,
  startPushgateway,
} from '@spikeformer-actions/testing/pushgateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeploymentMetrics,
  deploymentMetricsText,
  pushDeploymentMetrics,
  pushUrl,
} from '../../src/rollout/pushgateway.js';

/* Deployment metrics pushed to Debian's real Pushgateway and read back from its /metrics. */

let gateway: RunningPushgateway | undefined;
const available = pushgatewayAvailable();

beforeAll(async () => {
  if (available) gateway = await startPushgateway();
}, 60_000);

afterAll(async () => {
  await gateway?.close();
});

const METRICS: DeploymentMetrics = {
  job: 'spikeformer-canary',
  instance: 'shop-api',
  namespace: 'shop',
  durationSeconds: 83.25,
  outcome: 'rolled-back',
  outcomes: ['promoted', 'rolled-back', 'aborted', 'paused', 'error'],
  succeeded: false,
  stepReached: 2,
  steps: 3,
  badRequests: 17,
  finishedAt: new Date('2026-12-05T20:00:00Z'),
};

describe('deployment metrics', () => {
  it('are gauges in the text format, one outcome series per status', () => {
    const text = deploymentMetricsText(METRICS);
    expect(text).toContain(
      '# TYPE spikeformer_deployment_duration_seconds gauge\nspikeformer_deployment_duration_seconds 83.25\n',
    );
    expect(text).toContain('spikeformer_deployment_outcome{status="rolled-back"} 1\n');
    expect(text).toContain('spikeformer_deployment_outcome{status="promoted"} 0\n');
    expect(text).toContain('spikeformer_deployment_step_reached 2\n');
    expect(text).toContain('spikeformer_deployment_bad_requests 17\n');
    expect(text).toContain('spikeformer_deployment_finished_timestamp_seconds 1796500800\n');
  });

  it('grouping key segments that are not URL-safe are base64url, and credentials stay out of the URL', () => {
    expect(pushUrl('http://u:p@gw:9091/base/', { job: 'j', namespace: 'n', instance: 'a/b' })).toBe(
      'http://gw:9091/base/metrics/job/j/namespace/n/instance@base64/YS9i',
    );
  });
});

describe.runIf(available)('against a real Pushgateway', () => {
  it('pushes under job/namespace/instance and a second push replaces the group', async () => {
    if (!gateway) throw new Error('no pushgateway');
    await pushDeploymentMetrics(gateway.url, METRICS);
    let text = await gateway.metrics();
    const key = 'instance="shop-api",job="spikeformer-canary",namespace="shop"';
    expect(text).toContain(`spikeformer_deployment_duration_seconds{${key}} 83.25`);
    expect(text).toContain(`spikeformer_deployment_outcome{${key},status="rolled-back"} 1`);
    expect(text).toContain(`spikeformer_deployment_step_reached{${key}} 2`);
    expect(text).toContain(`spikeformer_deployment_bad_requests{${key}} 17`);
    await pushDeploymentMetrics(gateway.url, {
      ...METRICS,
      outcome: 'promoted',
      succeeded: true,
      stepReached: 3,
      badRequests: 0,
    });
    text = await gateway.metrics();
    expect(text).toContain(`spikeformer_deployment_outcome{${key},status="promoted"} 1`);
    expect(text).toContain(`spikeformer_deployment_outcome{${key},status="rolled-back"} 0`);
    expect(text).toContain(`spikeformer_deployment_step_reached{${key}} 3`);
  });

  it('a refused push is an error without credentials', async () => {
    await expect(pushDeploymentMetrics('http://user:pa55word-x@127.0.0.1:9/', METRICS, 1_000)).rejects.toThrow(
      /^PUT http:\/\/127\.0\.0\.1:9\/metrics\/job\/spikeformer-canary\/namespace\/shop\/instance\/shop-api failed after 3 attempt\(s\)/,
    );
    await expect(pushDeploymentMetrics('http://user:pa55word-x@127.0.0.1:9/', METRICS, 1_000)).rejects.not.toThrow(
      /pa55word/,
    );
  });
});
