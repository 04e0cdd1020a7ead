/**
 * A Kubernetes API double that the machine's real `kubectl` talks to (no real API server can run
 * on these machines or on CI; see docs/reference/progressive-delivery.md §4–5).
 *
 * ```ts
 * import { startKubeDouble } from '@spikeformer-actions/testing/kube';
 *
 * const kube = await startKubeDouble({ readyDelayMs: 200 });   // 127.0.0.1, random port
 * const client = kube.newClient();          // fresh kubeconfig + --cache-dir + HOME per test
 * await client.kubectl(['apply', '-f', '-'], { input: yamlText });
 * kube.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: … });
 * await kube.until(() => valueOf(kube.get('deployment', 'api'), 'status', 'availableReplicas') === 3);
 * kube.patch('service', 'api', { spec: { selector: { color: 'green' } } });  // a concurrent writer
 * kube.list('pod', { labelSelector: 'app=api' }); kube.delete('pod', name); kube.createNamespace('prod');
 * const stop = kube.controller.fail({ image: 'api:broken', mode: 'crash-loop' }); // or image-pull | unready
 * kube.faults.failNext(2, { status: 503 });  // a 5xx burst; also resetNext(), addLatency(), dropWatches()
 * kube.requests                               // every request kubectl sent (method, path, query, body, status)
 * kube.store.events()                         // every change in order (ADDED/MODIFIED/DELETED, resourceVersion)
 * await kube.close();                         // server, controller, client temp dirs
 * ```
 *
 * What it serves: `/version` pinned to 1.32 (the Google Cloud SDK dispatcher then runs kubectl
 * 1.32), legacy and aggregated discovery, a minimal OpenAPI v3 (so `apply` validates through the
 * server with `fieldValidation`), get/list/watch with label and field selectors, Table answers for
 * plain `kubectl get`, create/update/delete/deletecollection, patch (strategic merge incl.
 * `$setElementOrder`/`$patch`/`$retainKeys`/`$deleteFromPrimitiveList`, JSON merge, JSON patch),
 * `/scale` and `/status`, server-side apply with managedFields and field conflicts, `dryRun=All`,
 * resourceVersion preconditions (409 Conflict), uid preconditions, strict/warn field validation.
 * Kinds: Namespace, Pod, Service, Endpoints, ConfigMap, Deployment, ReplicaSet, EndpointSlice,
 * Ingress, HTTPRoute (gateway.networking.k8s.io/v1) and TrafficSplit (split.smi-spec.io/v1alpha2).
 *
 * The controller: a Deployment gets a ReplicaSet per pod template (revision annotations, rollback
 * re-uses the old one), ReplicaSets get Pods, Pods become Ready after `readyDelayMs` unless a
 * failure rule matches (crash-loop, image-pull, unready); old ReplicaSets keep their available
 * pods until the new ones are available (surge 100 %, so an unready new version never drops the
 * old one); Deployment status and conditions (Available, Progressing incl.
 * ProgressDeadlineExceeded) follow; Endpoints/EndpointSlices follow each Service's ready pods;
 * ownerReferences are garbage-collected. Namespaces `default`, `staging` and `kube-system` exist.
 *
 * Traffic split for the load generator (`@spikeformer-actions/testing/traffic`):
 * `kube.weightsProvider({ kind: 'endpoints', service: 'shop', stablePods: 'track=stable', canaryPods: 'track=canary' })`
 * gives an async `() => {stable, canary}` (percentages) read from the live cluster state; also
 * `ingress-nginx` (canary annotations), `httproute` (backendRef weights), `trafficsplit`.
 *
 * Known differences from a real cluster: strict validation covers top-level fields only; no RBAC,
 * no admission; protobuf bodies are read only for ConfigMap and Namespace (`kubectl create
 * configmap|namespace`), so other typed generators (`create deployment|service`, `expose`, `run`)
 * get 415 — use `create -f`/`apply -f`; a rolling update creates all new pods at once (maxSurge is
 * not honoured; each old pod goes as a new one becomes available).
 */
import { KubeApi, type PatchType } from './api.js';
import { Controller, type ControllerOptions } from './controller.js';
import { Faults } from './faults.js';
import { isObject, type Json, type JsonObject } from './json.js';
import { writeClientEnv, type KubeClientEnv } from './kubeconfig.js';
import { resourceByName, resourceForObject } from './resources.js';
import { matchesLabels, parseLabelSelector } from './selectors.js';
import { KubeHttpServer, type RecordedRequest } from './server.js';
import { ObjectStore, metaOf } from './store.js';
import { readWeights, type TrackWeights, type WeightSource } from './weights.js';

export { ApiError } from './status.js';
export type { FailureRule, PodFailure, ControllerOptions } from './controller.js';
export type { FaultMatch } from './faults.js';
export type { KubeClientEnv } from './kubeconfig.js';
export { kubectlBinary } from './kubeconfig.js';
export type { RecordedRequest } from './server.js';
export { SERVER_VERSION } from './server.js';
export type { Json, JsonObject } from './json.js';
export type { TrackWeights, WeightSource } from './weights.js';
export { jsonMergePatch } from './patch-merge.js';
export { getPath } from './json.js';
export { jsonPatch } from './patch-json.js';
export { strategicMerge } from './patch-strategic.js';
export { parseLabelSelector, matchesLabels, parseFieldSelector, matchesFields } from './selectors.js';

/** A loosely typed Kubernetes object as tests read it back. */
export type KubeObject = JsonObject & { metadata: JsonObject };

/** A nested field of an object read back from the double, e.g. `valueOf(d, 'status', 'availableReplicas')`. */
export function valueOf(object: JsonObject | undefined, ...path: (string | number)[]): Json | undefined {
  let cur: Json | undefined = object;
  for (const key of path) {
    if (Array.isArray(cur) && typeof key === 'number') cur = cur[key];
    else if (isObject(cur) && typeof key === 'string') cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Typed objects (a Deployment interface, say) become plain JSON; `undefined` fields drop out. */
function toJson(value: object): JsonObject {
  const json = JSON.parse(JSON.stringify(value)) as Json;
  if (!isObject(json)) throw new Error('expected a JSON object');
  return json;
}

export interface KubeDoubleOptions extends ControllerOptions {
  /** Extra namespaces to create at start (besides default, staging, kube-system). */
  namespaces?: string[];
}

export class KubeDouble {
  readonly store = new ObjectStore();
  readonly api = new KubeApi(this.store);
  readonly faults = new Faults();
  readonly controller: Controller;
  private readonly http: KubeHttpServer;
  private readonly clients: KubeClientEnv[] = [];
  url = '';

  constructor(options: KubeDoubleOptions = {}) {
    this.controller = new Controller(this.api, options);
    this.http = new KubeHttpServer(this.api, this.faults);
    for (const ns of ['default', 'staging', 'kube-system', ...(options.namespaces ?? [])]) this.createNamespace(ns);
  }

  /** @internal use startKubeDouble() */
  async listen(): Promise<this> {
    this.url = await this.http.listen();
    return this;
  }

  /** Every request the server received, oldest first. */
  get requests(): RecordedRequest[] {
    return this.http.requests;
  }

  /** A fresh kubeconfig (contexts `double` and `elsewhere`), `--cache-dir` and HOME; removed on close(). */
  newClient(): KubeClientEnv {
    const client = writeClientEnv(this.url);
    this.clients.push(client);
    return client;
  }

  createNamespace(name: string): void {
    if (!this.store.get(resourceByName('namespace'), undefined, name))
      this.api.create(resourceByName('namespace'), undefined, { metadata: { name } }, { fieldManager: 'test' });
  }

  /** Creates an object as a test seeds it (apiVersion/kind decide the type; namespace defaults to `default`). */
  create(object: object): KubeObject {
    const json = toJson(object);
    const { type, namespace } = this.typeOf(json);
    return this.api.create(type, namespace, json, { fieldManager: 'test' }).object as KubeObject;
  }

  /** Replaces an object; a `metadata.resourceVersion` in it is a precondition, as over HTTP. */
  update(object: object): KubeObject {
    const json = toJson(object);
    const { type, namespace } = this.typeOf(json);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- a test's object may lack a name
    return this.api.update(type, namespace, String(metaOf(json).name), json, {
      fieldManager: 'test',
    }).object as KubeObject;
  }

  /** Patches as another client would (for a concurrent change in a conflict test); a JSON patch is an array. */
  patch(kind: string, name: string, patch: object, patchType: PatchType = 'merge', namespace = 'default'): KubeObject {
    const type = resourceByName(kind);
    return this.api.patch(
      type,
      type.namespaced ? namespace : undefined,
      name,
      patchType,
      JSON.parse(JSON.stringify(patch)) as Json,
      { fieldManager: 'test' },
    ).object as KubeObject;
  }

  get(kind: string, name: string, namespace = 'default'): KubeObject | undefined {
    const type = resourceByName(kind);
    return this.store.get(type, type.namespaced ? namespace : undefined, name) as KubeObject | undefined;
  }

  list(kind: string, options: { namespace?: string; labelSelector?: string } = {}): KubeObject[] {
    const type = resourceByName(kind);
    const selector = parseLabelSelector(options.labelSelector ?? '');
    return this.store
      .list(type, type.namespaced ? options.namespace : undefined)
      .filter((o) => matchesLabels(selector, metaOf(o).labels)) as KubeObject[];
  }

  delete(kind: string, name: string, namespace = 'default'): void {
    const type = resourceByName(kind);
    this.api.delete(type, type.namespaced ? namespace : undefined, name, {}, type.kind === 'Pod');
  }

  /** The current traffic split (percentages) as the routing objects in the double say. */
  weights(source: WeightSource): TrackWeights {
    return readWeights(this.store, source);
  }

  /** `weights()` as the async provider the traffic load generator takes. */
  weightsProvider(source: WeightSource): () => Promise<TrackWeights> {
    return async () => readWeights(this.store, source);
  }

  /** Polls `predicate` (every 20 ms) until it holds; throws after `timeoutMs` (default 10 s). */
  async until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.controller.stop();
    await this.http.close();
    for (const c of this.clients) c.cleanup();
  }

  private typeOf(object: JsonObject): { type: ReturnType<typeof resourceByName>; namespace: string | undefined } {
    const type = resourceForObject(String(object['apiVersion'] ?? ''), String(object['kind'] ?? ''));
    if (!type)
      throw new Error(
        `the Kubernetes API double does not serve ${String(object['apiVersion'])} ${String(object['kind'])}`,
      );
    const meta = isObject(object['metadata']) ? object['metadata'] : {};
    return {
      type,
      namespace: type.namespaced ? (typeof meta['namespace'] === 'string' ? meta['namespace'] : 'default') : undefined,
    };
  }
}

/** Starts the double on 127.0.0.1 (random port) with its controller running. */
export async function startKubeDouble(options: KubeDoubleOptions = {}): Promise<KubeDouble> {
  return new KubeDouble(options).listen();
}
