import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlagdCore } from '@openfeature/flagd-core';
import { ensureBundled } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, FAST_ANALYSIS, NEW_IMAGE, runCanary, seedCluster } from './harness.js';

/*
 * A canary that moves an OpenFeature flagd flag with its traffic: the bundled action drives real
 * kubectl against the API double; every configuration it writes to the ConfigMap is evaluated by
 * @openfeature/flagd-core (flagd's own evaluator) over 10,000 targeting keys.
 */

const CONFIGMAP = 'flagd-flags';
const DATA_KEY = 'flags.flagd.json';
const FLAG = 'new-checkout';
const KEYS = 10_000;

/** Hand-formatted, with a second flag: the rollback must give back these bytes exactly. */
const ORIGINAL = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "new-checkout": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off"
    },
    "banner-colour": { "state": "ENABLED", "variants": { "red": "red", "blue": "blue" }, "defaultVariant": "red" }
  }
}
`;

/** Share of the targeting keys flagd-core serves the new variant (true) under `text`. */
function servedShare(text: string): number {
  const core = new FlagdCore();
  core.setConfigurations(text);
  let on = 0;
  for (let i = 0; i < KEYS; i++)
    if (core.resolveBooleanEvaluation(FLAG, false, { targetingKey: `user-${i}` }).value) on++;
  return on / KEYS;
}

/** Every flag configuration the action wrote to the ConfigMap, in order (successful writes only). */
function writtenConfigs(kube: KubeDouble): string[] {
  return kube.requests
    .filter(
      (q) =>
        (q.method === 'PUT' || q.method === 'PATCH') && q.path.endsWith(`/configmaps/${CONFIGMAP}`) && q.status < 300,
    )
    .map((q) => (JSON.parse(q.body) as { data: Record<string, string> }).data[DATA_KEY] ?? '');
}

function currentConfig(kube: KubeDouble): string | undefined {
  return (kube.get('configmap', CONFIGMAP)?.['data'] as Record<string, string> | undefined)?.[DATA_KEY];
}

/** Prometheus answering every query with no data (the analysis counts it as a pass: on-no-data pass). */
async function emptyPrometheus(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const range = (req.url ?? '').startsWith('/api/v1/query_range');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: range ? 'matrix' : 'vector', result: [] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A pre-step gate that refuses the given step (non-2xx: the canary rolls back). */
async function gate(refuseStep: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const step = (JSON.parse(body) as { step?: number }).step;
      res.writeHead(step === refuseStep ? 503 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let prometheus: Awaited<ReturnType<typeof emptyPrometheus>>;
const kubes: KubeDouble[] = [];

async function cluster(id: string): Promise<KubeDouble> {
  const kube = await seedCluster(id, 'replicas');
  kubes.push(kube);
  kube.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIGMAP },
    data: { [DATA_KEY]: ORIGINAL, 'README.txt': 'flags for flagd' },
  });
  return kube;
}

function inputs(id: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    deployment: id,
    service: id,
    image: `api=${NEW_IMAGE}`,
    steps: '10,50,100',
    pause: '1s',
    analysis: FAST_ANALYSIS,
    'on-no-data': 'pass',
    'rollout-timeout': '40s',
    'prometheus-url': prometheus.url,
    'flag-configmap': CONFIGMAP,
    'flag-key': FLAG,
    'flag-variants': 'on/off',
    ...extra,
  };
}

beforeAll(async () => {
  ensureBundled(ACTION);
  prometheus = await emptyPrometheus();
}, 180_000);

afterAll(async () => {
  await Promise.all(kubes.map((k) => k.close()));
  await prometheus.close();
});

describe('canary with a flagd flag', () => {
  it("serves each step's share (±3 % over 10,000 keys) and restores the configuration byte for byte on rollback", async () => {
    const kube = await cluster('flagrb');
    const refuse = await gate(3);
    try {
      const r = await runCanary(kube, inputs('flagrb', { webhooks: `pre-step: ${refuse.url}/pre` }));
      expect(r.outputs['status']).toBe('rolled-back');
      expect(r.outputs['failed-step']).toBe('3');
      expect(r.exitCode).toBe(1);
      const written = writtenConfigs(kube);
      expect(written).toHaveLength(3);
      const [at10, at50, restored] = written as [string, string, string];
      expect(Math.abs(servedShare(at10) - 0.1)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(servedShare(at50) - 0.5)).toBeLessThanOrEqual(0.03);
      expect(JSON.parse(at50)).toMatchObject({
        flags: {
          [FLAG]: {
            targeting: {
              fractional: [
                ['on', 50],
                ['off', 50],
              ],
            },
          },
        },
      });
      expect(restored).toBe(ORIGINAL);
      expect(currentConfig(kube)).toBe(ORIGINAL);
      expect(servedShare(currentConfig(kube) ?? '')).toBe(0);
      expect(r.stdout).toContain('restored the configuration from before the canary, byte for byte');
      // The flag changed by hand after the rollback: an abort of the ended canary leaves that change alone.
      const byHand = ORIGINAL.replace('"defaultVariant": "off"', '"defaultVariant": "on"');
      kube.patch('configmap', CONFIGMAP, { data: { [DATA_KEY]: byHand } });
      const aborted = await runCanary(kube, inputs('flagrb', { action: 'abort' }));
      expect(aborted.outputs['status']).toBe('aborted');
      expect(currentConfig(kube)).toBe(byHand);
    } finally {
      await refuse.close();
    }
  }, 180_000);

  it('follows every step to promotion: the new variant becomes the default for everyone', async () => {
    const kube = await cluster('flagpr');
    const r = await runCanary(kube, inputs('flagpr'));
    expect(r.outputs['status']).toBe('promoted');
    expect(r.exitCode).toBe(0);
    const written = writtenConfigs(kube);
    expect(written).toHaveLength(4);
    const shares = written.map(servedShare);
    expect(Math.abs((shares[0] ?? 0) - 0.1)).toBeLessThanOrEqual(0.03);
    expect(Math.abs((shares[1] ?? 0) - 0.5)).toBeLessThanOrEqual(0.03);
    expect(shares.slice(2)).toEqual([1, 1]);
    const promoted = JSON.parse(currentConfig(kube) ?? '') as { flags: Record<string, Record<string, unknown>> };
    expect(promoted.flags[FLAG]).toEqual({
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
    });
    expect(promoted.flags['banner-colour']).toEqual({
      state: 'ENABLED',
      variants: { red: 'red', blue: 'blue' },
      defaultVariant: 'red',
    });
  }, 180_000);

  it('abort restores the configuration a paused canary had moved', async () => {
    const kube = await cluster('flagab');
    // No data counts as inconclusive and the policy pauses: the canary (and the flag) stays at 10 %.
    const paused = await runCanary(kube, inputs('flagab', { 'on-no-data': 'inconclusive', inconclusive: 'pause' }));
    expect(paused.outputs['status']).toBe('paused');
    expect(Math.abs(servedShare(currentConfig(kube) ?? '') - 0.1)).toBeLessThanOrEqual(0.03);
    const aborted = await runCanary(kube, inputs('flagab', { action: 'abort' }));
    expect(aborted.outputs['status']).toBe('aborted');
    expect(currentConfig(kube)).toBe(ORIGINAL);
  }, 180_000);

  it('a cancelled main: the post step restores the configuration byte for byte with the traffic', async () => {
    const kube = await cluster('flagpost');
    const r = await runCanary(kube, inputs('flagpost', { pause: '60s' }), {
      stages: ['main', 'post'],
      killMainWhen: () => (currentConfig(kube) ?? '').includes('"fractional"'),
    });
    expect(r.stages[0]?.killed).toBe(true);
    expect(r.stages[1]?.exitCode).toBe(0);
    expect(currentConfig(kube)).toBe(ORIGINAL);
    expect(r.stages[1]?.stdout).toContain(
      `canary post: flag: flag "${FLAG}" in configmap/${CONFIGMAP} key ${DATA_KEY}: restored the configuration from before the canary, byte for byte`,
    );
  }, 180_000);
});
