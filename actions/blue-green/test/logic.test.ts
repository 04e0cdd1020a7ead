import { describe, expect, it } from 'vitest';
import type { Deployment, Service } from '@spikeformer-actions/delivery/kube';
import { idleDeployment, otherColor, runsImages, selectorFor } from '../src/colors.js';
import { splitCommand } from '../src/health.js';
import { digestsOf } from '../src/record.js';
import { ANNOTATIONS, readServiceState, withState } from '../src/state.js';

const blue: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'api-blue',
    uid: 'u1',
    resourceVersion: '7',
    labels: { app: 'api', 'spikeformer.io/color': 'blue' },
    annotations: { 'deployment.kubernetes.io/revision': '3', owner: 'ml' },
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'api', 'spikeformer.io/color': 'blue' } },
    template: {
      metadata: { labels: { app: 'api', 'spikeformer.io/color': 'blue' } },
      spec: {
        containers: [
          { name: 'api', image: 'api:1' },
          { name: 'sidecar', image: 'envoy:1' },
        ],
      },
    },
  },
  status: { readyReplicas: 3 },
};

describe('colours', () => {
  it('builds the idle Deployment from the active one', () => {
    const green = idleDeployment(blue, 'api', 'green', [{ container: 'api', image: 'api:2' }], 3);
    expect(green.metadata).toEqual({
      name: 'api-green',
      labels: { app: 'api', 'spikeformer.io/color': 'green' },
      annotations: { owner: 'ml' },
    });
    expect(green.spec.selector.matchLabels).toEqual({ app: 'api', 'spikeformer.io/color': 'green' });
    expect(green.spec.template.metadata?.labels).toEqual({ app: 'api', 'spikeformer.io/color': 'green' });
    expect(green.spec.template.spec.containers.map((c) => c.image)).toEqual(['api:2', 'envoy:1']);
    expect('status' in green).toBe(false);
    expect(blue.spec.template.spec.containers[0]?.image).toBe('api:1'); // input untouched
    expect(() => idleDeployment(blue, 'api', 'green', [{ container: 'web', image: 'x' }], 1)).toThrow(
      /has no container 'web' \(containers: api, sidecar\)/,
    );
  });

  it('knows when the requested images already run', () => {
    expect(runsImages(blue, [{ container: 'api', image: 'api:1' }])).toBe(true);
    expect(runsImages(blue, [{ container: 'api', image: 'api:2' }])).toBe(false);
    expect(otherColor('blue')).toBe('green');
    expect(selectorFor({ app: 'api' }, 'green')).toEqual({ app: 'api', 'spikeformer.io/color': 'green' });
  });
});

describe('state in Service annotations', () => {
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api', resourceVersion: '9' },
    spec: { selector: { app: 'api', 'spikeformer.io/color': 'blue' } },
  };

  it('reads the active colour from the selector', () => {
    expect(readServiceState(service)).toEqual({
      ok: true,
      value: {
        active: 'blue',
        previous: undefined,
        step: undefined,
        verifiedSelector: { app: 'api', 'spikeformer.io/color': 'blue' },
        images: {},
        previousImages: {},
      },
    });
    const noColor = { ...service, spec: { selector: { app: 'api' } } };
    expect(readServiceState(noColor)).toEqual({
      ok: false,
      problem:
        'service/api selects no colour: its selector needs spikeformer.io/color=blue or =green (got {"app":"api"})',
    });
  });

  it('round-trips through withState, keeping the resourceVersion as the precondition', () => {
    const next = withState(
      service,
      { app: 'api', 'spikeformer.io/color': 'green' },
      {
        active: 'green',
        previous: 'blue',
        step: 'switched',
        verifiedSelector: { app: 'api', 'spikeformer.io/color': 'blue' },
        images: { api: 'api:2' },
        previousImages: { api: 'api:1' },
      },
      new Date('2026-11-27T10:00:00Z'),
    );
    expect(next.metadata.resourceVersion).toBe('9');
    expect(next.metadata.annotations?.[ANNOTATIONS.updatedAt]).toBe('2026-11-27T10:00:00.000Z');
    expect(readServiceState(next)).toEqual({
      ok: true,
      value: {
        active: 'green',
        previous: 'blue',
        step: 'switched',
        verifiedSelector: { app: 'api', 'spikeformer.io/color': 'blue' },
        images: { api: 'api:2' },
        previousImages: { api: 'api:1' },
      },
    });
    expect(service.spec.selector?.['spikeformer.io/color']).toBe('blue');
  });

  it('ignores a hand-edited annotation', () => {
    const edited = {
      ...service,
      metadata: {
        ...service.metadata,
        annotations: { [ANNOTATIONS.verifiedSelector]: '{not json', [ANNOTATIONS.step]: 'bogus' },
      },
    };
    const state = readServiceState(edited);
    expect(state.ok && state.value.step).toBe(undefined);
    expect(state.ok && state.value.verifiedSelector).toEqual(service.spec.selector);
  });
});

describe('health command splitting (no shell)', () => {
  it.each([
    ['curl -fsS http://x/health', ['curl', '-fsS', 'http://x/health']],
    [`sh -c 'exit 1'`, ['sh', '-c', 'exit 1']],
    ['echo "a \\"b\\" c" $(x) ;rm', ['echo', 'a "b" c', '$(x)', ';rm']],
    ['a\\ b  ""', ['a b', '']],
  ])('%s', (text, args) => {
    expect(splitCommand(text)).toEqual({ ok: true, value: args });
  });
  it('names an unclosed quote', () => {
    expect(splitCommand("echo 'x")).toEqual({ ok: false, problem: "unclosed ' quote" });
  });
});

it('records digests of digest-pinned images only', () => {
  const sha = `sha256:${'a'.repeat(64)}`;
  expect(digestsOf({ api: `ghcr.io/o/api@${sha}`, side: 'envoy:1' })).toEqual({ api: sha });
});

describe('latency baseline anchored at the switch', () => {
  it('reads the previous colour at the switch time, the new one now', async () => {
    const { defaultAnalysis, renderTemplate } = await import('@spikeformer-actions/delivery/analysis');
    const { anchorBaselineAtSwitch } = await import('../src/baseline.js');
    const spec = anchorBaselineAtSwitch({ metrics: defaultAnalysis(), onError: 'fail' }, 1_795_000_000_500);
    const latency = spec.metrics.find((m) => m.name === 'latency-p99');
    const query = renderTemplate(latency?.query ?? '', {
      namespace: 'ns',
      service: 'api',
      canary: 'api-green',
      stable: 'api-blue',
      ...latency?.args,
    });
    expect(query).toContain('service="api-blue"}[600s] @ 1795000000.500)');
    expect(query).toMatch(/service="api-green"\}\[600s\]\)/);
    expect(spec.metrics.find((m) => m.name === 'error-rate')?.query).not.toContain('@');
  });
});
