import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { SERVER_VERSION, startKubeDouble, type JsonObject, type KubeDouble } from '../../src/kube/index.js';

// The HTTP API directly, as any client (kubectl, client-node, curl) sees it.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });
let kube: KubeDouble;

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: JsonObject; headers: Headers }> {
  const res = await fetch(`${kube.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as JsonObject, headers: res.headers };
}

beforeAll(async () => {
  kube = await startKubeDouble();
});
afterAll(async () => kube.close());

const CM = '/api/v1/namespaces/default/configmaps';

describe('HTTP semantics', () => {
  test('version, legacy discovery and OpenAPI v3', async () => {
    expect((await call('GET', '/version')).json).toEqual(SERVER_VERSION);
    const apps = (await call('GET', '/apis/apps/v1')).json;
    expect((apps['resources'] as JsonObject[]).map((r) => r['name'])).toEqual([
      'deployments',
      'deployments/status',
      'deployments/scale',
      'replicasets',
      'replicasets/status',
      'replicasets/scale',
    ]);
    const root = (await call('GET', '/openapi/v3')).json;
    const url = String(((root['paths'] as JsonObject)['apis/apps/v1'] as JsonObject)['serverRelativeURL']);
    const doc = (await call('GET', url)).json;
    expect(((doc['components'] as JsonObject)['schemas'] as JsonObject)['io.k8s.api.apps.v1.Deployment']).toMatchObject(
      { 'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }] },
    );
  });

  test('create, stale update → 409, current update → new resourceVersion, no-op keeps it', async () => {
    const created = await call('POST', CM, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { a: '1' },
    });
    expect(created.status).toBe(201);
    const rv = String((created.json['metadata'] as JsonObject)['resourceVersion']);
    const first = await call('PUT', `${CM}/x`, { ...created.json, data: { a: '2' } });
    expect(first.status).toBe(200);
    const stale = await call('PUT', `${CM}/x`, { ...created.json, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    const rv2 = String((first.json['metadata'] as JsonObject)['resourceVersion']);
    expect(Number(rv2)).toBeGreaterThan(Number(rv));
    const same = await call('PUT', `${CM}/x`, first.json);
    expect((same.json['metadata'] as JsonObject)['resourceVersion']).toBe(rv2);
  });

  test('create in a missing namespace is 404; a duplicate is 409 AlreadyExists; unknown fields warn or fail', async () => {
    expect(
      (await call('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'y' } })).json,
    ).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
    expect((await call('POST', CM, { metadata: { name: 'x' } })).json).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
    });
    const warned = await call('POST', CM, { metadata: { name: 'w' }, bogus: 1 });
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"bogus\\""');
    expect(warned.json['bogus']).toBeUndefined();
    expect(
      (await call('POST', `${CM}?fieldValidation=Strict`, { metadata: { name: 's' }, bogus: 1 })).json,
    ).toMatchObject({ code: 400, message: 'strict decoding error: unknown field "bogus"' });
  });

  test('a protobuf body that is not a ConfigMap or Namespace, or is malformed, is 415', async () => {
    for (const body of [Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff]), Buffer.from('not protobuf')]) {
      const res = await fetch(`${kube.url}${CM}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
        body,
      });
      expect(res.status).toBe(415);
    }
  });

  test('validation: a Deployment whose selector does not match its template is 422', async () => {
    const r = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'bad' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    });
    expect(r.status).toBe(422);
    expect(String(r.json['message'])).toContain('`selector` does not match template `labels`');
  });

  test('delete preconditions, and a delete of a missing object is 404', async () => {
    const x = kube.get('configmap', 'x')!;
    expect((await call('DELETE', `${CM}/x`, { preconditions: { resourceVersion: '1' } })).status).toBe(409);
    expect((await call('DELETE', `${CM}/x`, { preconditions: { uid: x.metadata['uid'] } })).json).toMatchObject({
      status: 'Success',
    });
    expect((await call('DELETE', `${CM}/x`)).status).toBe(404);
  });

  test('deleting a namespace deletes what is in it', async () => {
    kube.createNamespace('temp');
    kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'in-temp', namespace: 'temp' } });
    expect((await call('DELETE', '/api/v1/namespaces/temp')).status).toBe(200);
    expect(kube.get('configmap', 'in-temp', 'temp')).toBeUndefined();
    expect((await call('POST', '/api/v1/namespaces/temp/configmaps', { metadata: { name: 'again' } })).status).toBe(
      404,
    );
  });

  test('scale subresource: GET, and PUT with a stale resourceVersion is 409', async () => {
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    });
    const scale = (await call('GET', '/apis/apps/v1/namespaces/default/deployments/d/scale')).json;
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 1 },
      status: { selector: 'app=d' },
    });
    kube.patch('deployment', 'd', { metadata: { labels: { moved: 'on' } } });
    const stale = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/d/scale', {
      ...scale,
      spec: { replicas: 5 },
    });
    expect(stale.status).toBe(409);
    const patched = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/d/scale',
      { spec: { replicas: 4 } },
      'application/merge-patch+json',
    );
    expect(patched.json).toMatchObject({ spec: { replicas: 4 } });
  });

  test('status subresource writes only status; main-resource writes keep it', async () => {
    kube.create({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: [] } });
    const path = '/apis/networking.k8s.io/v1/namespaces/default/ingresses/i';
    await call(
      'PATCH',
      `${path}/status`,
      { status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }, spec: { ingressClassName: 'ignored' } },
      'application/merge-patch+json',
    );
    const i = kube.get('ingress', 'i')!;
    expect(i['status']).toEqual({ loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } });
    expect((i['spec'] as JsonObject)['ingressClassName']).toBeUndefined();
    await call(
      'PATCH',
      path,
      { status: { loadBalancer: {} }, spec: { ingressClassName: 'nginx' } },
      'application/merge-patch+json',
    );
    expect(kube.get('ingress', 'i')!['status']).toEqual({ loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } });
  });

  test('watch streams the changes after a resourceVersion, filtered by label selector', async () => {
    const list = (await call('GET', `${CM}?labelSelector=watch%3Dme`)).json;
    const rv = String((list['metadata'] as JsonObject)['resourceVersion']);
    const controller = new AbortController();
    const res = await fetch(
      `${kube.url}${CM}?watch=true&labelSelector=watch%3Dme&resourceVersion=${rv}&timeoutSeconds=5`,
      { signal: controller.signal },
    );
    kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', labels: { watch: 'me' } } });
    kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } });
    kube.patch('configmap', 'w1', { data: { k: 'v' } });
    kube.patch('configmap', 'w1', { metadata: { labels: { watch: null } } }); // leaves the selection
    kube.patch('configmap', 'other', { metadata: { labels: { watch: 'me' } } }); // enters it
    kube.delete('configmap', 'w1');
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n').filter(Boolean).length < 4) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const events = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED w1',
      'MODIFIED w1',
      'DELETED w1',
      'ADDED other',
    ]);
  });
});
