import {
  startKubeDouble,
  type KubeClientEnv,
  type KubeDouble,
  type JsonObject,
} from '@spikeformer-actions/testing/kube';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  Kubectl,
  RolloutFailedError,
  setDeploymentImage,
  setServiceSelector,
  waitForDeletion,
  waitForReadyEndpoints,
  waitForRollout,
  WaitTimeoutError,
} from '../../src/kube/index.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });
let kube: KubeDouble;
let client: KubeClientEnv;
let k: Kubectl;

function deployment(
  name: string,
  image: string,
  replicas: number,
  labels: Record<string, string>,
  extra: JsonObject = {},
): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
      ...extra,
    },
  };
}

beforeAll(async () => {
  kube = await startKubeDouble({ readyDelayMs: 200, podTerminationMs: 1000 }); // terminating long enough to be seen
  client = kube.newClient();
  k = new Kubectl({
    kubeconfig: client.kubeconfig,
    cacheDir: client.cacheDir,
    env: client.env,
    namespace: 'default',
    retry: { attempts: 3, baseMs: 20, capMs: 50 },
  });
});
afterAll(async () => kube.close());

const fast = { timeoutMs: 15_000, pollMs: 150 };

describe('waitForRollout', () => {
  test('returns once a new version is rolled out', async () => {
    kube.create(deployment('web', 'web:1', 2, { app: 'web' }));
    expect((await waitForRollout(k, 'web', fast)).state).toBe('complete');
    await setDeploymentImage(k, 'web', 'app', 'web:2');
    const status = await waitForRollout(k, 'web', fast);
    expect(status.message).toBe('deployment "web" successfully rolled out');
    const pods = kube.list('pod', { labelSelector: 'app=web' }).filter((p) => !p.metadata['deletionTimestamp']);
    expect(pods.map((p) => ((p['spec'] as JsonObject)['containers'] as JsonObject[])[0]?.['image'])).toEqual([
      'web:2',
      'web:2',
    ]);
  });

  test('fails fast with the reason when new pods crash-loop', async () => {
    kube.create(deployment('crashy', 'crashy:1', 1, { app: 'crashy' }));
    await waitForRollout(k, 'crashy', fast);
    const lift = kube.controller.fail({ image: 'crashy:2', mode: 'crash-loop' });
    await setDeploymentImage(k, 'crashy', 'app', 'crashy:2');
    const error = await waitForRollout(k, 'crashy', fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolloutFailedError);
    expect((error as RolloutFailedError).problems[0]).toMatchObject({ container: 'app', reason: 'CrashLoopBackOff' });
    expect((error as Error).message).toMatch(
      /deployment "crashy" is failing: pod crashy-\w+-\w+ container app: CrashLoopBackOff/,
    );
    // the old pod keeps serving while the new one fails
    expect(
      kube
        .list('pod', { labelSelector: 'app=crashy' })
        .some((p) => ((p['spec'] as JsonObject)['containers'] as JsonObject[])[0]?.['image'] === 'crashy:1'),
    ).toBe(true);
    lift();
  });

  test('fails fast on an image that cannot be pulled', async () => {
    kube.controller.fail({ image: 'nowhere:404', mode: 'image-pull' });
    kube.create(deployment('pull', 'nowhere:404', 1, { app: 'pull' }));
    const error = await waitForRollout(k, 'pull', fast).catch((e: unknown) => e);
    expect((error as RolloutFailedError).problems.map((p) => p.reason)).toEqual(['ImagePullBackOff']);
  });

  test('pods that never become ready time out with what was seen last', async () => {
    kube.controller.fail({ deployment: 'unready', mode: 'unready' });
    kube.create(deployment('unready', 'u:1', 2, { app: 'unready' }));
    const error = await waitForRollout(k, 'unready', { timeoutMs: 1500, pollMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).last).toBe('0 of 2 updated replicas are available');
  });

  test('a passed progress deadline is a failure', async () => {
    kube.controller.fail({ deployment: 'late', mode: 'unready' });
    kube.create(deployment('late', 'late:1', 1, { app: 'late' }, { progressDeadlineSeconds: 1 }));
    const error = await waitForRollout(k, 'late', fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolloutFailedError);
    expect((error as Error).message).toBe('deployment "late" exceeded its progress deadline');
  });
});

describe('waitForReadyEndpoints', () => {
  test('a selector switch is done when only the new pods are behind the Service', async () => {
    kube.create(deployment('blue', 'shop:1', 2, { app: 'shop', color: 'blue' }));
    kube.create(deployment('green', 'shop:2', 3, { app: 'shop', color: 'green' }));
    kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop' },
      spec: { selector: { app: 'shop', color: 'blue' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const blue = await waitForReadyEndpoints(k, { service: 'shop', pods: 'color=blue' }, { ...fast, minReady: 2 });
    expect(blue).toHaveLength(2);
    await waitForRollout(k, 'green', fast);
    await setServiceSelector(k, 'shop', { app: 'shop', color: 'green' });
    const green = await waitForReadyEndpoints(k, { service: 'shop', pods: 'color=green' }, { ...fast, minReady: 3 });
    const greenIps = kube
      .list('pod', { labelSelector: 'color=green' })
      .map((p) => (p['status'] as JsonObject)['podIP']);
    expect(green.sort()).toEqual(greenIps.sort());
    expect(green.some((ip) => blue.includes(ip))).toBe(false);
  });

  test('by selector counts ready pods, and times out when too few are ready', async () => {
    expect(await waitForReadyEndpoints(k, { selector: 'app=shop' }, { ...fast, minReady: 5 })).toHaveLength(5);
    await expect(
      waitForReadyEndpoints(k, { selector: 'app=unready' }, { timeoutMs: 600, pollMs: 200 }),
    ).rejects.toThrow(/0 of 1 ready/);
  });
});

describe('waitForDeletion', () => {
  test('waits through graceful termination of a pod', async () => {
    const pod = kube.list('pod', { labelSelector: 'color=blue' })[0]!;
    const name = String(pod.metadata['name']);
    await k.delete('pod', name);
    expect(kube.get('pod', name)?.metadata['deletionTimestamp']).toBeDefined();
    await waitForDeletion(k, 'pod', name, fast);
    expect(kube.get('pod', name)).toBeUndefined();
  });

  test('deleting a Deployment removes its ReplicaSets and pods', async () => {
    await k.delete('deployment', 'web');
    await waitForDeletion(k, 'deployment', 'web', fast);
    await kube.until(
      () =>
        kube.list('pod', { labelSelector: 'app=web' }).length === 0 &&
        kube.list('rs', { labelSelector: 'app=web' }).length === 0,
      10_000,
      'garbage collection',
    );
  });
});
