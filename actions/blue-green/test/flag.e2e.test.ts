import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { ensureBundled, runBundledAction } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededCluster, selectorOf } from './cluster.js';

/*
 * Blue-green moving an OpenFeature flagd flag with the switch: the bundled action with real
 * kubectl against the API double; the written configuration evaluated by @openfeature/flagd-core.
 */

const action = path.resolve(import.meta.dirname, '..');
const CONFIGMAP = 'flagd-flags';
const DATA_KEY = 'flags.flagd.json';
const FLAG = 'new-checkout';
/** Hand-formatted, with a second flag: a switch-back must give back these bytes exactly. */
const ORIGINAL = `{
  "flags": {
    "new-checkout": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off" },
    "banner-colour": { "state": "ENABLED", "variants": { "red": "red", "blue": "blue" }, "defaultVariant": "red" }
  }
}
`;

let kube: KubeDouble | undefined;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(() => {
  ensureBundled(action);
}, 300_000);
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await kube?.close();
  kube = undefined;
});

function currentConfig(cluster: KubeDouble): string {
  return (cluster.get('configmap', CONFIGMAP)?.['data'] as Record<string, string> | undefined)?.[DATA_KEY] ?? '';
}

/** Share of 10,000 targeting keys flagd-core serves the new variant (true). */
function servedShare(text: string): number {
  const core = new FlagdCore();
  core.setConfigurations(text);
  let on = 0;
  for (let i = 0; i < 10_000; i++)
    if (core.resolveBooleanEvaluation(FLAG, false, { targetingKey: `user-${i}` }).value) on++;
  return on / 10_000;
}

async function cluster(): Promise<KubeDouble> {
  const k = await seededCluster();
  k.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIGMAP }, data: { [DATA_KEY]: ORIGINAL } });
  kube = k;
  return k;
}

async function healthServer(status: () => number): Promise<string> {
  const server = http.createServer((_req, res) => res.writeHead(status()).end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

const BASE = {
  service: 'api',
  'preview-service': 'api-preview',
  deployment: 'api',
  image: 'api=registry.local/spikeformer-api:2.0',
  'monitor-duration': '2s',
  'scale-down-delay': '0s',
  'rollout-timeout': '20s',
  'health-checks': '2',
  'flag-configmap': `${CONFIGMAP}/${DATA_KEY}`,
  'flag-key': FLAG,
  'flag-variants': 'on/off',
};

async function deploy(
  k: KubeDouble,
  inputs: Record<string, string>,
  options: Parameters<typeof runBundledAction>[1] = {},
) {
  const client = k.newClient();
  return runBundledAction(action, {
    inputs: { ...BASE, ...inputs },
    timeoutMs: 120_000,
    ...options,
    env: { KUBECONFIG: client.kubeconfig, HOME: client.dir },
  });
}

describe('blue-green with a flagd flag', { timeout: 180_000 }, () => {
  it('the switch flips the default variant; action rollback makes the stable one the default', async () => {
    const k = await cluster();
    const health = await healthServer(() => 200);
    const r = await deploy(k, { 'health-url': health });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['status']).toBe('switched');
    expect(servedShare(currentConfig(k))).toBe(1);
    const doc = JSON.parse(currentConfig(k)) as { flags: Record<string, Record<string, unknown>> };
    expect(doc.flags[FLAG]).toEqual({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' });
    expect(doc.flags['banner-colour']).toEqual({
      state: 'ENABLED',
      variants: { red: 'red', blue: 'blue' },
      defaultVariant: 'red',
    });
    const back = await deploy(k, { action: 'rollback' });
    expect(back.exitCode, back.stdout).toBe(0);
    expect(selectorOf(k)['spikeformer.io/color']).toBe('blue');
    expect(servedShare(currentConfig(k))).toBe(0);
  });

  it('a switch-back restores the configuration byte for byte', async () => {
    const k = await cluster();
    // Healthy until the flag is on the new variant: then the monitoring sees failures and switches back.
    const health = await healthServer(() => (currentConfig(k).includes('"defaultVariant": "on"') ? 500 : 200));
    const r = await deploy(k, { 'health-url': health });
    expect(r.outputs['status']).toBe('rolled-back');
    expect(r.exitCode).toBe(1);
    expect(selectorOf(k)['spikeformer.io/color']).toBe('blue');
    expect(currentConfig(k)).toBe(ORIGINAL);
    expect(r.stdout).toContain('restored the configuration from before the switch, byte for byte');
  });

  it('main cancelled after the switch: post restores the selector and the configuration byte for byte', async () => {
    const k = await cluster();
    const health = await healthServer(() => 200);
    const r = await deploy(
      k,
      { 'health-url': health, 'monitor-duration': '60s' },
      {
        stages: ['main', 'post'],
        killMainWhen: () => currentConfig(k).includes('"defaultVariant": "on"'),
      },
    );
    expect(r.stages[0]?.killed).toBe(true);
    expect(r.stages[1]?.exitCode).toBe(0);
    expect(selectorOf(k)['spikeformer.io/color']).toBe('blue');
    expect(currentConfig(k)).toBe(ORIGINAL);
    expect(r.stages[1]?.stdout).toContain(
      `flag "${FLAG}" in configmap/${CONFIGMAP} key ${DATA_KEY} restored as before the switch, byte for byte`,
    );
  });
});
