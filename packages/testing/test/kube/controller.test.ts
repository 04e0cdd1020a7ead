import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { startKubeDouble, type JsonObject, type KubeDouble, type KubeObject } from '../../src/kube/index.js';

// The controller alone, driven through the double's seeding API (no kubectl: fast and exact).
// Assertions about order read the store's event history, so a slow machine cannot hide a state.
vi.setConfig({ testTimeout: 60_000 });
let kube: KubeDouble;

/** Live pods (terminating included) after every pod event, as image lists. */
function podTimeline(): string[][] {
  const live = new Map<string, string>();
  const out: string[][] = [];
  for (const e of kube.store.events()) {
    if (e.resource.kind !== 'Pod') continue;
    const name = String((e.object['metadata'] as JsonObject)['name']);
    if (e.type === 'DELETED') live.delete(name);
    else live.set(name, String(((e.object['spec'] as JsonObject)['containers'] as JsonObject[])[0]?.['image']));
    out.push([...live.values()].sort());
  }
  return out;
}

beforeEach(async () => {
  kube = await startKubeDouble({ readyDelayMs: 100, podTerminationMs: 50 });
});
afterEach(async () => kube.close());

function deployment(
  name: string,
  image: string,
  replicas: number,
  labels: Record<string, string> = { app: name },
  extra: JsonObject = {},
): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
      ...extra,
    },
  };
}

/** Ready, non-terminating pods after every pod event. */
function readyTimeline(): number[] {
  const ready = new Map<string, boolean>();
  const out: number[] = [];
  for (const e of kube.store.events()) {
    if (e.resource.kind !== 'Pod') continue;
    const meta = e.object['metadata'] as JsonObject;
    const conditions = ((e.object['status'] as JsonObject | undefined)?.['conditions'] ?? []) as JsonObject[];
    const isReady =
      e.type !== 'DELETED' &&
      meta['deletionTimestamp'] === undefined &&
      conditions.some((c) => c['type'] === 'Ready' && c['status'] === 'True');
    ready.set(String(meta['name']), isReady);
    out.push([...ready.values()].filter(Boolean).length);
  }
  return out;
}

const status = (o: KubeObject | undefined): JsonObject => (o?.['status'] ?? {}) as JsonObject;
const condition = (o: KubeObject | undefined, type: string): JsonObject | undefined =>
  ((status(o)['conditions'] ?? []) as JsonObject[]).find((c) => c['type'] === type);
const images = (pods: KubeObject[]): string[] =>
  pods.map((p) => String(((p['spec'] as JsonObject)['containers'] as JsonObject[])[0]?.['image'])).sort();

describe('Deployment controller', () => {
  test('a Deployment gets a ReplicaSet and pods that become Ready after the delay', async () => {
    kube.create(deployment('api', 'api:1', 3));
    await kube.until(() => status(kube.get('deployment', 'api'))['availableReplicas'] === 3, 10_000, 'available');
    // each pod went Pending (not ready) → Running (ready)
    const phases = kube.store
      .events()
      .filter((e) => e.resource.kind === 'Pod')
      .map((e) => String((e.object['status'] as JsonObject | undefined)?.['phase'] ?? ''));
    expect(phases.indexOf('Pending')).toBeGreaterThanOrEqual(0);
    expect(phases.lastIndexOf('Pending')).toBeLessThan(phases.indexOf('Running'));
    const d = kube.get('deployment', 'api');
    expect(status(d)).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const [rs] = kube.list('rs');
    expect(rs?.metadata['annotations']).toMatchObject({ 'deployment.kubernetes.io/revision': '1' });
    expect((rs?.metadata['ownerReferences'] as JsonObject[])[0]).toMatchObject({
      kind: 'Deployment',
      name: 'api',
      controller: true,
    });
    const pod = kube.list('pod')[0]!;
    expect(pod.metadata['labels']).toMatchObject({
      app: 'api',
      'pod-template-hash': (rs?.metadata['labels'] as JsonObject)['pod-template-hash'],
    });
    expect(status(pod)['podIP']).toMatch(/^10\.244\./);
  });

  test('a new template rolls out a new ReplicaSet; the old one is scaled to zero only once the new pods are available', async () => {
    kube.create(deployment('api', 'api:1', 2));
    await kube.until(() => status(kube.get('deployment', 'api'))['availableReplicas'] === 2);
    kube.patch(
      'deployment',
      'api',
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'api:2' }] } } } },
      'strategic',
    );
    expect(kube.get('deployment', 'api')?.metadata['generation']).toBe(2);
    await kube.until(
      () =>
        status(kube.get('deployment', 'api'))['observedGeneration'] === 2 &&
        images(kube.list('pod')).join() === 'api:2,api:2',
      10_000,
      'rollout',
    );
    expect(images(kube.list('pod'))).toEqual(['api:2', 'api:2']);
    expect(podTimeline().some((t) => t.join() === 'api:1,api:1,api:2,api:2')).toBe(true);
    // availability never dropped: once two pods were ready, two stayed ready through the rollout
    const ready = readyTimeline();
    const first = ready.indexOf(2);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(Math.min(...ready.slice(first))).toBe(2);
    expect(
      kube
        .list('rs')
        .map((rs) => (rs['spec'] as JsonObject)['replicas'])
        .sort(),
    ).toEqual([0, 2]);
  });

  test('crash loop: new pods restart and never become ready, old pods keep serving', async () => {
    kube.create(deployment('api', 'api:1', 2));
    await kube.until(() => status(kube.get('deployment', 'api'))['availableReplicas'] === 2);
    kube.controller.fail({ image: 'api:bad', mode: 'crash-loop' });
    kube.patch(
      'deployment',
      'api',
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'api:bad' }] } } } },
      'strategic',
    );
    await kube.until(
      () =>
        kube
          .list('pod')
          .some(
            (p) => ((status(p)['containerStatuses'] as JsonObject[] | undefined)?.[0]?.['restartCount'] as number) >= 2,
          ),
      10_000,
      'restarts',
    );
    const bad = kube.list('pod').filter((p) => images([p])[0] === 'api:bad');
    const cs = (status(bad[0])['containerStatuses'] as JsonObject[])[0]!;
    expect(cs['state']).toEqual({
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' },
    });
    expect(cs['lastState']).toEqual({ terminated: { exitCode: 1, reason: 'Error' } });
    expect(images(kube.list('pod'))).toEqual(['api:1', 'api:1', 'api:bad', 'api:bad']);
    expect(status(kube.get('deployment', 'api'))).toMatchObject({
      availableReplicas: 2,
      updatedReplicas: 2,
      replicas: 4,
    });
  });

  test('image pull errors, readiness failures, and lifting a rule heals the pods', async () => {
    const liftPull = kube.controller.fail({ deployment: 'pull', mode: 'image-pull' });
    kube.controller.fail({ deployment: 'unready', mode: 'unready' });
    kube.create(deployment('pull', 'ghost:1', 1));
    kube.create(deployment('unready', 'u:1', 1));
    await kube.until(
      () => {
        const p = kube.list('pod', { labelSelector: 'app=pull' })[0];
        return (
          ((status(p)['containerStatuses'] as JsonObject[] | undefined)?.[0]?.['state'] as JsonObject | undefined)?.[
            'waiting'
          ] !== undefined && JSON.stringify(status(p)).includes('ImagePullBackOff')
        );
      },
      10_000,
      'ImagePullBackOff',
    );
    const unready = kube.list('pod', { labelSelector: 'app=unready' })[0];
    await kube.until(
      () => status(kube.get('pod', String(unready?.metadata['name'])))['phase'] === 'Running',
      10_000,
      'running',
    );
    expect(condition(kube.get('pod', String(unready?.metadata['name'])), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    liftPull();
    await kube.until(() => status(kube.get('deployment', 'pull'))['availableReplicas'] === 1, 10_000, 'healed');
  });

  test('the progress deadline turns Progressing to False/ProgressDeadlineExceeded', async () => {
    kube.controller.fail({ deployment: 'slow', mode: 'unready' });
    kube.create(deployment('slow', 's:1', 1, { app: 'slow' }, { progressDeadlineSeconds: 1 }));
    await kube.until(
      () => condition(kube.get('deployment', 'slow'), 'Progressing')?.['reason'] === 'ProgressDeadlineExceeded',
      10_000,
      'deadline',
    );
    expect(condition(kube.get('deployment', 'slow'), 'Progressing')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/has timed out progressing/),
    });
    expect(condition(kube.get('deployment', 'slow'), 'Available')?.['status']).toBe('False');
  });

  test('Recreate stops the old pods before starting new ones', async () => {
    kube.create(deployment('re', 're:1', 2, { app: 're' }, { strategy: { type: 'Recreate' } }));
    await kube.until(() => status(kube.get('deployment', 're'))['availableReplicas'] === 2);
    kube.patch(
      'deployment',
      're',
      { spec: { template: { spec: { containers: [{ name: 'app', image: 're:2' }] } } } },
      'strategic',
    );
    await kube.until(
      () =>
        status(kube.get('deployment', 're'))['observedGeneration'] === 2 &&
        status(kube.get('deployment', 're'))['availableReplicas'] === 2 &&
        status(kube.get('deployment', 're'))['updatedReplicas'] === 2,
      10_000,
      'recreate',
    );
    const timeline = podTimeline();
    expect(timeline.some((t) => t.includes('re:2'))).toBe(true);
    expect(timeline.filter((t) => t.includes('re:1') && t.includes('re:2'))).toEqual([]);
  });
});

describe('Endpoints and garbage collection', () => {
  test('Endpoints and EndpointSlices follow the ready pods of the selector, with named target ports', async () => {
    kube.create(deployment('blue', 'shop:1', 2, { app: 'shop', color: 'blue' }));
    kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop' },
      spec: { selector: { app: 'shop', color: 'blue' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] },
    });
    await kube.until(
      () =>
        (
          (kube.get('endpoints', 'shop')?.['subsets'] as JsonObject[] | undefined)?.[0]?.['addresses'] as
            unknown[] | undefined
        )?.length === 2,
      10_000,
      'endpoints',
    );
    const ep = kube.get('endpoints', 'shop');
    expect((ep?.['subsets'] as JsonObject[])[0]?.['ports']).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    const [slice] = kube.list('endpointslice', { labelSelector: 'kubernetes.io/service-name=shop' });
    expect((slice?.['endpoints'] as JsonObject[]).map((e) => e['conditions'])).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: true, serving: true, terminating: false },
    ]);
    // switching the selector to pods that do not exist empties them
    kube.patch('service', 'shop', { spec: { selector: { app: 'shop', color: 'green' } } });
    await kube.until(() => kube.get('endpoints', 'shop')?.['subsets'] === undefined, 10_000, 'empty endpoints');
    expect(kube.list('endpointslice')[0]?.['endpoints']).toEqual([]);
    kube.delete('service', 'shop');
    await kube.until(
      () => kube.get('endpoints', 'shop') === undefined && kube.list('endpointslice').length === 0,
      10_000,
      'endpoints gone',
    );
  });

  test('pods of a deleted Deployment terminate gracefully and disappear', async () => {
    kube.create(deployment('gone', 'g:1', 2));
    await kube.until(() => status(kube.get('deployment', 'gone'))['availableReplicas'] === 2);
    const podNames = kube.list('pod').map((p) => String(p.metadata['name']));
    kube.delete('deployment', 'gone');
    await kube.until(() => kube.list('pod').length === 0 && kube.list('rs').length === 0, 10_000, 'collected');
    // each pod was marked terminating (deletionTimestamp) before it was removed
    for (const name of podNames) {
      const events = kube.store
        .events()
        .filter((e) => e.resource.kind === 'Pod' && (e.object['metadata'] as JsonObject)['name'] === name);
      const terminating = events.findIndex(
        (e) => e.type === 'MODIFIED' && (e.object['metadata'] as JsonObject)['deletionTimestamp'] !== undefined,
      );
      expect(terminating).toBeGreaterThan(0);
      expect(events.findIndex((e) => e.type === 'DELETED')).toBeGreaterThan(terminating);
    }
    expect(kube.controller.errors.filter((e) => !e.includes('Operation cannot be fulfilled'))).toEqual([]);
  });
});
