import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startKubeDouble, type JsonObject, type KubeClientEnv, type KubeDouble } from '../../src/kube/index.js';

// The machine's real kubectl (Google Cloud SDK dispatcher → kubectl 1.32) against the double.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });
let kube: KubeDouble;
let c: KubeClientEnv;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api, team: ml}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: app
          image: spikeformer/api:1.0
          ports: [{containerPort: 8080, name: http}]
        - name: sidecar
          image: envoy:1.30
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: http}]
`;

async function ok(args: string[], input?: string): Promise<string> {
  const r = await c.kubectl(args, { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} → ${r.code}\n${r.stderr}`);
  return r.stdout;
}

async function json(args: string[]): Promise<JsonObject> {
  return JSON.parse(await ok([...args, '-o', 'json'])) as JsonObject;
}

function field(o: unknown, ...path: (string | number)[]): unknown {
  let cur = o;
  for (const p of path) cur = (cur as Record<string | number, unknown> | undefined)?.[p];
  return cur;
}

beforeAll(async () => {
  kube = await startKubeDouble({ readyDelayMs: 150, podTerminationMs: 1500 }); // `wait --for=delete` sees pods terminate
  c = kube.newClient();
});
afterAll(async () => kube.close());

describe('real kubectl against the double', () => {
  test('the dispatcher picks kubectl 1.32 from the pinned /version, and discovery is aggregated', async () => {
    const v = JSON.parse(await ok(['version', '-o', 'json'])) as {
      serverVersion: { minor: string };
      clientVersion: { gitVersion: string };
    };
    expect(v.serverVersion.minor).toBe('32');
    expect(v.clientVersion.gitVersion).toMatch(/^v1\.32\./);
    await ok(['get', 'configmaps']);
    const api = kube.requests.find((r) => r.path === '/apis');
    expect(api?.accept).toContain('as=APIGroupDiscoveryList');
    expect(await ok(['api-resources', '--api-group=split.smi-spec.io', '-o', 'name'])).toBe(
      'trafficsplits.split.smi-spec.io\n',
    );
  });

  test('apply (client-side) creates, then configures with a three-way merge', async () => {
    expect(await ok(['apply', '-f', '-'], DEPLOYMENT)).toBe('deployment.apps/api created\nservice/api created\n');
    const posted = kube.requests.filter((r) => r.method === 'POST');
    expect(
      posted.every(
        (r) => r.query['fieldValidation'] === 'Strict' && r.query['fieldManager'] === 'kubectl-client-side-apply',
      ),
    ).toBe(true);
    await ok(['rollout', 'status', 'deployment/api', '--timeout=20s']);
    // drop the team label, change replicas: the label must go (it was in last-applied), the rest stays
    const changed = DEPLOYMENT.replace('labels: {app: api, team: ml}', 'labels: {app: api}').replace(
      'replicas: 2',
      'replicas: 3',
    );
    expect(await ok(['apply', '-f', '-'], changed)).toBe('deployment.apps/api configured\nservice/api unchanged\n');
    const d = await json(['get', 'deployment', 'api']);
    expect(field(d, 'metadata', 'labels')).toEqual({ app: 'api' });
    expect(field(d, 'spec', 'replicas')).toBe(3);
    expect(field(d, 'spec', 'template', 'spec', 'containers', 1, 'image')).toBe('envoy:1.30');
  });

  test('get prints the usual columns, and selects by label and field', async () => {
    await ok(['rollout', 'status', 'deployment/api', '--timeout=20s']);
    const table = await ok(['get', 'deployment', 'api']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(table.split('\n')[1]).toMatch(/^api\s+3\/3\s+3\s+3\s+\d+s$/);
    const pods = await json(['get', 'pods', '-l', 'app=api', '--field-selector', 'status.phase=Running']);
    expect((pods['items'] as unknown[]).length).toBe(3);
    const paged = await ok(['get', 'pods', '--chunk-size=2', '-o', 'name']);
    expect(paged.trim().split('\n')).toHaveLength(3);
    expect(
      kube.requests
        .filter((r) => r.path.endsWith('/pods') && r.query['limit'] === '2')
        .map((r) => r.query['continue'] !== undefined),
    ).toEqual([false, true]);
    const none = await json(['get', 'pods', '-l', 'app in (nothing)']);
    expect(none['items']).toEqual([]);
    expect(await ok(['get', 'svc', 'api', '-o', 'jsonpath={.spec.clusterIP}'])).toMatch(/^10\.96\.\d+\.\d+$/);
    const ep = await json(['get', 'endpoints', 'api']);
    expect(field(ep, 'subsets', 0, 'addresses')).toHaveLength(3);
    expect(field(ep, 'subsets', 0, 'ports')).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  test('set image sends $setElementOrder and only the named container changes', async () => {
    expect(await ok(['set', 'image', 'deployment/api', 'app=spikeformer/api:1.1'])).toBe(
      'deployment.apps/api image updated\n',
    );
    const patch = kube.requests.filter((r) => r.method === 'PATCH' && r.query['fieldManager'] === 'kubectl-set').at(-1);
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(patch?.body).toContain('$setElementOrder/containers');
    const containers = field(
      await json(['get', 'deployment', 'api']),
      'spec',
      'template',
      'spec',
      'containers',
    ) as JsonObject[];
    expect(containers.map((x) => [x['name'], x['image']])).toEqual([
      ['app', 'spikeformer/api:1.1'],
      ['sidecar', 'envoy:1.30'],
    ]);
    const out = await ok(['rollout', 'status', 'deployment/api', '--timeout=20s']);
    expect(out).toContain('deployment "api" successfully rolled out');
    expect(
      kube.requests.some((r) => r.query['watch'] === 'true' && r.query['fieldSelector'] === 'metadata.name=api'),
    ).toBe(true);
    const rs = await json(['get', 'rs', '-l', 'app=api']);
    const revisions = (rs['items'] as JsonObject[]).map((x) => [
      field(x, 'metadata', 'annotations', 'deployment.kubernetes.io/revision'),
      field(x, 'spec', 'replicas'),
    ]);
    expect(revisions.sort()).toEqual([
      ['1', 0],
      ['2', 3],
    ]);
  });

  test('rollout undo goes back to the previous ReplicaSet', async () => {
    await ok(['rollout', 'undo', 'deployment/api']);
    await ok(['rollout', 'status', 'deployment/api', '--timeout=20s']);
    expect(await ok(['get', 'deployment', 'api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe(
      'spikeformer/api:1.0',
    );
    expect(
      await ok([
        'get',
        'deployment',
        'api',
        '-o',
        'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
      ]),
    ).toBe('3');
  });

  test('patch: strategic merge, JSON merge and JSON patch', async () => {
    await ok([
      'patch',
      'deployment',
      'api',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy:1.31"}]}}}}',
    ]);
    let containers = field(
      await json(['get', 'deployment', 'api']),
      'spec',
      'template',
      'spec',
      'containers',
    ) as JsonObject[];
    expect(containers.map((x) => x['image'])).toEqual(['spikeformer/api:1.0', 'envoy:1.31']); // merged by name, not replaced
    await ok(['patch', 'deployment', 'api', '--type=merge', '-p', '{"metadata":{"annotations":{"owner":"ml-team"}}}']);
    await ok([
      'patch',
      'deployment',
      'api',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/template/spec/containers/1"},{"op":"add","path":"/metadata/labels/tier","value":"web"}]',
    ]);
    const d = await json(['get', 'deployment', 'api']);
    containers = field(d, 'spec', 'template', 'spec', 'containers') as JsonObject[];
    expect(containers.map((x) => x['name'])).toEqual(['app']);
    expect(field(d, 'metadata', 'annotations', 'owner')).toBe('ml-team');
    expect(field(d, 'metadata', 'labels', 'tier')).toBe('web');
    const failed = await c.kubectl([
      'patch',
      'deployment',
      'api',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/spec/replicas","value":99}]',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('test operation does not apply');
  });

  test('scale goes through the scale subresource', async () => {
    expect(await ok(['scale', 'deployment', 'api', '--replicas=1'])).toBe('deployment.apps/api scaled\n');
    const scale = kube.requests.filter((r) => r.path.endsWith('/deployments/api/scale')).at(-1);
    expect(scale?.method).toBe('PATCH');
    expect(JSON.parse(scale?.body ?? '{}')).toEqual({ spec: { replicas: 1 } });
    await kube.until(
      () => kube.list('pod', { labelSelector: 'app=api' }).length === 1,
      10_000,
      'scale down to one pod',
    );
  });

  test('wait for a condition, label, and delete with wait for the objects to go', async () => {
    expect(await ok(['wait', '--for=condition=Available', 'deployment/api', '--timeout=20s'])).toBe(
      'deployment.apps/api condition met\n',
    );
    expect(await ok(['label', 'svc', 'api', 'release=stable'])).toBe('service/api labeled\n');
    expect(field(kube.get('service', 'api'), 'metadata', 'labels')).toEqual({ release: 'stable' });
    const overwrite = await c.kubectl(['label', 'svc', 'api', 'release=canary']);
    expect(overwrite.stderr).toContain("'release' already has a value (stable)");
    expect(await ok(['delete', 'deployment', 'api'])).toBe('deployment.apps "api" deleted\n');
    await kube.until(
      () => kube.list('pod', { labelSelector: 'app=api' }).some((p) => p.metadata['deletionTimestamp'] !== undefined),
      10_000,
      'terminating pods',
    );
    expect(await ok(['wait', '--for=delete', 'pod', '-l', 'app=api', '--timeout=20s'])).toMatch(
      /^pod\/api-\w+-\w+ condition met\n$/,
    );
    expect(kube.list('pod', { labelSelector: 'app=api' })).toEqual([]);
    expect(kube.list('rs', { labelSelector: 'app=api' })).toEqual([]);
  });
});

describe('server-side apply and dry runs', () => {
  const cm = (value: string, extra = ''): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\ndata:\n  mode: "${value}"\n${extra}`;

  test('create, update, field removal, conflicts and force', async () => {
    expect(await ok(['apply', '--server-side', '--field-manager=ci', '-f', '-'], cm('a', '  extra: "1"\n'))).toBe(
      'configmap/flags serverside-applied\n',
    );
    // fields the manager stops applying are removed
    await ok(['apply', '--server-side', '--field-manager=ci', '-f', '-'], cm('b'));
    expect(field(kube.get('configmap', 'flags'), 'data')).toEqual({ mode: 'b' });
    // another manager changes the field: applying a different value is a conflict
    await ok(['patch', 'configmap', 'flags', '--type=merge', '-p', '{"data":{"mode":"hotfix"}}']);
    const conflict = await c.kubectl(['apply', '--server-side', '--field-manager=ci', '-f', '-'], { input: cm('c') });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.mode',
    );
    expect(field(kube.get('configmap', 'flags'), 'data', 'mode')).toBe('hotfix');
    await ok(['apply', '--server-side', '--field-manager=ci', '--force-conflicts', '-f', '-'], cm('c'));
    expect(field(kube.get('configmap', 'flags'), 'data', 'mode')).toBe('c');
    const sent = kube.requests.filter((r) => r.contentType === 'application/apply-patch+yaml');
    expect(sent.some((r) => r.query['force'] === 'true')).toBe(true);
  });

  test('--dry-run=server answers without persisting, for create, patch and delete', async () => {
    await ok(
      ['create', '--dry-run=server', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ghost' }, data: { a: '1' } }),
    );
    expect(kube.get('configmap', 'ghost')).toBeUndefined();
    await ok(['patch', 'configmap', 'flags', '--type=merge', '-p', '{"data":{"mode":"dry"}}', '--dry-run=server']);
    expect(field(kube.get('configmap', 'flags'), 'data', 'mode')).toBe('c');
    await ok(['delete', 'configmap', 'flags', '--dry-run=server']);
    expect(kube.get('configmap', 'flags')).toBeDefined();
    expect(kube.requests.filter((r) => r.query['dryRun'] === 'All').length).toBeGreaterThanOrEqual(2);
  });

  test('typed generators send protobuf: read for ConfigMap and Namespace, refused for the rest', async () => {
    expect(await ok(['create', 'namespace', 'typed-ns'])).toBe('namespace/typed-ns created\n');
    expect(
      await ok(['create', 'configmap', 'typed', '-n', 'typed-ns', '--from-literal=a=1', '--from-literal=b=two words']),
    ).toBe('configmap/typed created\n');
    const posted = kube.requests.at(-1);
    expect(posted?.contentType).toBe('application/vnd.kubernetes.protobuf');
    expect(posted?.decodedAs).toBe('application/json');
    expect(kube.get('configmap', 'typed', 'typed-ns')?.['data']).toEqual({ a: '1', b: 'two words' });
    const r = await c.kubectl(['create', 'deployment', 'typed', '--image=x:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown format');
  });

  test('diff works because dry runs are honoured', async () => {
    const r = await c.kubectl(['diff', '-f', '-'], { input: cm('changed') });
    expect(r.code).toBe(1); // 1 = differences found
    expect(r.stdout).toMatch(/-\s+mode: c\n\+\s+mode: changed/);
    expect(field(kube.get('configmap', 'flags'), 'data', 'mode')).toBe('c');
  });
});

describe('resourceVersion conflicts', () => {
  test('a replace with a stale resourceVersion gets 409', async () => {
    const stale = await json(['get', 'configmap', 'flags']);
    await ok(['patch', 'configmap', 'flags', '--type=merge', '-p', '{"data":{"mode":"newer"}}']);
    (stale['data'] as JsonObject)['mode'] = 'stale';
    const r = await c.kubectl(['replace', '-f', '-'], { input: JSON.stringify(stale) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (Conflict)');
    expect(r.stderr).toContain(
      'the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(kube.requests.filter((q) => q.method === 'PUT').at(-1)?.status).toBe(409);
    expect(field(kube.get('configmap', 'flags'), 'data', 'mode')).toBe('newer');
  });

  test('a patch carrying a stale resourceVersion gets 409; a current one succeeds', async () => {
    const rv = String(field(kube.get('configmap', 'flags'), 'metadata', 'resourceVersion'));
    await ok(['label', 'configmap', 'flags', 'bump=1']);
    const r = await c.kubectl([
      'patch',
      'configmap',
      'flags',
      '--type=merge',
      '-p',
      JSON.stringify({ metadata: { resourceVersion: rv }, data: { mode: 'x' } }),
    ]);
    expect(r.stderr).toContain('Error from server (Conflict)');
    const now = String(field(kube.get('configmap', 'flags'), 'metadata', 'resourceVersion'));
    await ok([
      'patch',
      'configmap',
      'flags',
      '--type=merge',
      '-p',
      JSON.stringify({ metadata: { resourceVersion: now }, data: { mode: 'x' } }),
    ]);
    expect(field(kube.get('configmap', 'flags'), 'data', 'mode')).toBe('x');
  });
});

describe('custom resources', () => {
  test('HTTPRoute and TrafficSplit: apply, merge and JSON patch; strategic merge is refused like the real server', async () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'api' },
      spec: {
        parentRefs: [{ name: 'gw' }],
        rules: [
          {
            backendRefs: [
              { name: 'api-stable', port: 80, weight: 90 },
              { name: 'api-canary', port: 80, weight: 10 },
            ],
          },
        ],
      },
    };
    await ok(['apply', '-f', '-'], JSON.stringify(route));
    await ok([
      'patch',
      'httproute',
      'api',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":50},{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":50}]',
    ]);
    expect(await ok(['get', 'httproute', 'api', '-o', 'jsonpath={.spec.rules[0].backendRefs[*].weight}'])).toBe(
      '50 50',
    );
    const split = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'api' },
      spec: {
        service: 'api',
        backends: [
          { service: 'api-stable', weight: 100 },
          { service: 'api-canary', weight: 0 },
        ],
      },
    };
    await ok(['apply', '--server-side', '-f', '-'], JSON.stringify(split));
    await ok([
      'patch',
      'ts',
      'api',
      '--type=merge',
      '-p',
      '{"spec":{"backends":[{"service":"api-stable","weight":80},{"service":"api-canary","weight":20}]}}',
    ]);
    expect(await ok(['get', 'trafficsplit', 'api', '-o', 'jsonpath={.spec.backends[*].weight}'])).toBe('80 20');
    const strategic = await c.kubectl(['patch', 'ts', 'api', '--type=strategic', '-p', '{"spec":{"service":"x"}}']);
    expect(strategic.code).toBe(1);
    expect(strategic.stderr).toMatch(/strategic merge patch is not supported|UnsupportedMediaType|unknown format/);
  });

  test('Ingress with canary annotations, and EndpointSlices readable by service name', async () => {
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'api-canary',
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '10',
        },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'api.example',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'api-canary', port: { number: 80 } } } },
              ],
            },
          },
        ],
      },
    };
    await ok(['apply', '-f', '-'], JSON.stringify(ingress));
    await ok(['annotate', '--overwrite', 'ingress', 'api-canary', 'nginx.ingress.kubernetes.io/canary-weight=50']);
    expect(
      field(kube.get('ingress', 'api-canary'), 'metadata', 'annotations', 'nginx.ingress.kubernetes.io/canary-weight'),
    ).toBe('50');
    const slices = await json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=api']);
    expect((slices['items'] as JsonObject[]).map((s) => s['addressType'])).toEqual(['IPv4']);
  });
});
