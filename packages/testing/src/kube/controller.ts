import { createHash } from 'node:crypto';
import type { KubeApi } from './api.js';
import { now } from './api.js';
import { clone, deepEqual, isObject, type Json, type JsonObject } from './json.js';
import { resourceByName } from './resources.js';
import { labelSelectorString, matchesLabels, parseLabelSelector } from './selectors.js';
import { metaOf, type ObjectMeta } from './store.js';

/** How a pod fails when a failure rule matches it. */
export type PodFailure = 'crash-loop' | 'image-pull' | 'unready';

export interface FailureRule {
  mode: PodFailure;
  /** Pods with a container running exactly this image. */
  image?: string;
  /** Pods of this Deployment (through their ReplicaSet). */
  deployment?: string;
  namespace?: string;
}

export interface ControllerOptions {
  /** Time from pod creation to Ready (default 300 ms). */
  readyDelayMs?: number;
  /** Time a deleted pod stays Terminating (default 100 ms). */
  podTerminationMs?: number;
  /** Period of the safety-net reconcile (default 1 s); timed transitions are scheduled exactly. */
  tickMs?: number;
}

const DEPLOYMENT = resourceByName('deployments');
const REPLICASET = resourceByName('replicasets');
const POD = resourceByName('pods');
const SERVICE = resourceByName('services');
const ENDPOINTS = resourceByName('endpoints');
const SLICE = resourceByName('endpointslices');
const MANAGER = 'kube-controller-manager';
const REVISION = 'deployment.kubernetes.io/revision';
/** Owner kinds the garbage collector knows; dependents of other owners are left alone. */
const GC_OWNERS = new Set(['Deployment', 'ReplicaSet', 'Pod', 'Service', 'Endpoints', 'EndpointSlice']);

type Obj = JsonObject;

function spec(o: Obj): JsonObject {
  return isObject(o['spec']) ? o['spec'] : {};
}
function status(o: Obj): JsonObject {
  return isObject(o['status']) ? o['status'] : {};
}
function num(v: Json | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}
function ownedBy(o: Obj, uid: string): boolean {
  return (metaOf(o).ownerReferences ?? []).some((r) => r.uid === uid);
}
function ownerRef(owner: Obj, kind: string, apiVersion: string): Json {
  const m = metaOf(owner);
  return { apiVersion, kind, name: m.name, uid: m.uid, controller: true, blockOwnerDeletion: true };
}
function shortHash(text: string, length = 10): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length]!;
  return out;
}
function isReady(pod: Obj): boolean {
  const conditions = status(pod)['conditions'];
  return (
    Array.isArray(conditions) && conditions.some((c) => isObject(c) && c['type'] === 'Ready' && c['status'] === 'True')
  );
}
function terminating(o: Obj): boolean {
  return metaOf(o).deletionTimestamp !== undefined;
}
/** Carries lastTransitionTime over when a condition's status and reason did not change. */
function conditionsKeepingTimes(next: JsonObject[], previous: Json | undefined): JsonObject[] {
  const old = Array.isArray(previous) ? previous.filter(isObject) : [];
  return next.map((c) => {
    const before = old.find((o) => o['type'] === c['type']);
    const same = before && before['status'] === c['status'] && before['reason'] === c['reason'];
    const time = same && typeof before['lastTransitionTime'] === 'string' ? before['lastTransitionTime'] : now();
    const out: JsonObject = { ...c, lastTransitionTime: time };
    if (c['type'] === 'Progressing' || c['type'] === 'Available')
      out['lastUpdateTime'] = same && typeof before['lastUpdateTime'] === 'string' ? before['lastUpdateTime'] : time;
    return out;
  });
}

/**
 * The double's kube-controller-manager: Deployments → ReplicaSets → Pods that become Ready after
 * a delay (or fail as a rule says), Endpoints and EndpointSlices following the ready pods of each
 * Service's selector, and garbage collection through ownerReferences.
 */
export class Controller {
  readonly readyDelayMs: number;
  readonly podTerminationMs: number;
  private readonly rules: FailureRule[] = [];
  private readonly podBorn = new Map<string, number>();
  private readonly podDying = new Map<string, number>();
  private readonly progressSince = new Map<string, { generation: number; available: number; since: number }>();
  private readonly safetyTimer: NodeJS.Timeout;
  private dueTimer: NodeJS.Timeout | undefined;
  /** When the next time-driven change is due (a pod turning ready, a deadline passing, …). */
  private due = Number.POSITIVE_INFINITY;
  private scheduled = false;
  private forced = false;
  /** The store's resourceVersion when the last pass started (its own writes make the next one run). */
  private lastPassRv = -1;
  private running = false;
  private ipCounter = 1;
  private stopped = false;
  /** Errors a reconcile pass hit (a test can assert none happened). */
  readonly errors: string[] = [];

  constructor(
    private readonly api: KubeApi,
    options: ControllerOptions = {},
  ) {
    this.readyDelayMs = options.readyDelayMs ?? 300;
    this.podTerminationMs = options.podTerminationMs ?? 100;
    // passes run on every change and when a timed transition is due; the slow tick is a safety net
    this.safetyTimer = setInterval(() => this.schedule(), options.tickMs ?? 1000);
    this.safetyTimer.unref();
    api.store.subscribe(() => this.schedule());
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.safetyTimer);
    if (this.dueTimer) clearTimeout(this.dueTimer);
  }

  /** Makes matching pods (existing and future) fail; returns a function that lifts the rule. */
  fail(rule: FailureRule): () => void {
    this.rules.push(rule);
    this.schedule(true);
    return () => {
      const i = this.rules.indexOf(rule);
      if (i >= 0) this.rules.splice(i, 1);
      this.schedule(true);
    };
  }

  clearFailures(): void {
    this.rules.length = 0;
    this.schedule(true);
  }

  /** Runs a pass soon; `force` runs it even if nothing changed (a failure rule was added or lifted). */
  schedule(force = false): void {
    if (force) this.forced = true;
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  /** One full pass; each step writes only what changed, so passes converge. */
  reconcile(): void {
    if (this.running || this.stopped) return;
    // nothing changed and nothing is due: skip (keeps an idle double off the CPU)
    const rv = this.api.store.resourceVersion;
    if (!this.forced && rv === this.lastPassRv && Date.now() < this.due) return;
    this.forced = false;
    this.lastPassRv = rv;
    this.running = true;
    this.due = Number.POSITIVE_INFINITY;
    try {
      for (const step of [
        () => this.collectGarbage(),
        () => this.deployments(),
        () => this.replicaSets(),
        () => this.pods(),
        () => this.endpoints(),
      ]) {
        try {
          step();
        } catch (error) {
          // a conflict with a concurrent client write: the next pass retries
          this.errors.push(error instanceof Error ? error.message : String(error));
          if (this.errors.length > 100) this.errors.shift();
        }
      }
    } finally {
      this.running = false;
      if (this.dueTimer) clearTimeout(this.dueTimer);
      this.dueTimer = undefined;
      // A step (through a watch listener) can call stop(); TS keeps the narrowing of the guard above.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (Number.isFinite(this.due) && !this.stopped) {
        this.dueTimer = setTimeout(() => this.schedule(), Math.max(1, this.due - Date.now()));
        this.dueTimer.unref();
      }
    }
  }

  private dueAt(time: number): void {
    if (time < this.due) this.due = time;
  }

  private collectGarbage(): void {
    const uids = new Set<string>();
    const all: [ReturnType<typeof resourceByName>, Obj][] = [];
    for (const type of [DEPLOYMENT, REPLICASET, POD, SERVICE, ENDPOINTS, SLICE]) {
      for (const o of this.api.store.peek(type)) {
        uids.add(metaOf(o).uid);
        all.push([type, o]);
      }
    }
    for (const [type, o] of all) {
      const refs = metaOf(o).ownerReferences ?? [];
      if (refs.length > 0 && refs.every((r) => GC_OWNERS.has(r.kind) && !uids.has(r.uid)) && !terminating(o)) {
        this.api.delete(type, metaOf(o).namespace, metaOf(o).name, {}, type === POD);
      }
    }
  }

  private templateHash(deployment: Obj): string {
    return shortHash(JSON.stringify(spec(deployment)['template'] ?? {}));
  }

  private deployments(): void {
    for (const d of this.api.store.peek(DEPLOYMENT)) {
      if (terminating(d)) continue;
      const meta = metaOf(d);
      const dspec = spec(d);
      const desired = num(dspec['replicas'], 1);
      const hash = this.templateHash(d);
      let sets = this.api.store.peek(REPLICASET, meta.namespace).filter((rs) => ownedBy(rs, meta.uid));
      const revisionOf = (rs: Obj): number => Number(metaOf(rs).annotations?.[REVISION] ?? '0');
      const maxRevision = Math.max(0, ...sets.map(revisionOf));
      let current = sets.find((rs) => metaOf(rs).labels?.['pod-template-hash'] === hash);
      if (!current) {
        const template = clone(isObject(dspec['template']) ? dspec['template'] : {});
        const tmeta = isObject(template['metadata']) ? template['metadata'] : (template['metadata'] = {});
        const labels = { ...(isObject(tmeta['labels']) ? tmeta['labels'] : {}), 'pod-template-hash': hash };
        tmeta['labels'] = labels;
        const selector = clone(isObject(dspec['selector']) ? dspec['selector'] : {});
        selector['matchLabels'] = {
          ...(isObject(selector['matchLabels']) ? selector['matchLabels'] : {}),
          'pod-template-hash': hash,
        };
        current = this.api.create(
          REPLICASET,
          meta.namespace,
          {
            metadata: {
              name: `${meta.name}-${hash}`,
              namespace: meta.namespace ?? 'default',
              labels,
              annotations: {
                [REVISION]: String(maxRevision + 1),
                'deployment.kubernetes.io/desired-replicas': String(desired),
              },
              ownerReferences: [ownerRef(d, 'Deployment', 'apps/v1')],
            },
            spec: { replicas: 0, selector, template },
          },
          { fieldManager: MANAGER },
        ).object;
        sets = [...sets, current];
      } else if (revisionOf(current) < maxRevision) {
        // a rollback to an older template: that ReplicaSet becomes the newest revision
        const bumped = clone(current);
        metaOf(bumped).annotations = { ...(metaOf(bumped).annotations ?? {}), [REVISION]: String(maxRevision + 1) };
        current = this.api.update(REPLICASET, meta.namespace, metaOf(bumped).name, bumped, {
          fieldManager: MANAGER,
        }).object;
      }
      const newRevision = metaOf(current).annotations?.[REVISION] ?? '1';
      if (meta.annotations?.[REVISION] !== newRevision) {
        const annotated = clone(d);
        metaOf(annotated).annotations = { ...(meta.annotations ?? {}), [REVISION]: newRevision };
        delete (annotated['metadata'] as JsonObject)['resourceVersion'];
        this.api.update(DEPLOYMENT, meta.namespace, meta.name, annotated, { fieldManager: MANAGER });
      }
      const old = sets.filter((rs) => rs !== current).sort((a, b) => revisionOf(b) - revisionOf(a));
      const newAvailable = num(status(current)['availableReplicas'], 0);
      if (dspec['paused'] !== true) {
        const recreate = isObject(dspec['strategy']) && dspec['strategy']['type'] === 'Recreate';
        // Recreate waits until the old pods are gone, terminating ones included
        const oldUids = new Set(old.map((rs) => metaOf(rs).uid));
        const oldPods = this.api.store
          .peek(POD, meta.namespace)
          .filter((p) => (metaOf(p).ownerReferences ?? []).some((r) => oldUids.has(r.uid))).length;
        const newTarget = recreate && oldPods > 0 ? 0 : desired;
        // old pods keep serving until new ones are available (a surge of up to 100 %)
        let keepOld = recreate ? 0 : Math.max(0, desired - newAvailable);
        this.setReplicas(current, newTarget);
        for (const rs of old) {
          const keep = Math.min(keepOld, num(status(rs)['availableReplicas'], 0));
          keepOld -= keep;
          this.setReplicas(rs, keep);
        }
      }
      this.deploymentStatus(d, current, [current, ...old], desired);
    }
  }

  private setReplicas(rs: Obj, replicas: number): void {
    if (num(spec(rs)['replicas'], 1) === replicas) return;
    const next = clone(rs);
    (next['spec'] as JsonObject)['replicas'] = replicas;
    delete (next['metadata'] as JsonObject)['resourceVersion'];
    this.api.update(REPLICASET, metaOf(rs).namespace, metaOf(rs).name, next, { fieldManager: MANAGER });
  }

  private deploymentStatus(d: Obj, current: Obj, sets: Obj[], desired: number): void {
    const meta = metaOf(d);
    const fresh = sets
      .map((rs) => this.api.store.peekOne(REPLICASET, metaOf(rs).namespace, metaOf(rs).name))
      .filter((x): x is Obj => x !== undefined);
    const sum = (field: string): number => fresh.reduce((n, rs) => n + num(status(rs)[field], 0), 0);
    const newRs = fresh.find((rs) => metaOf(rs).uid === metaOf(current).uid) ?? current;
    const updated = num(status(newRs)['replicas'], 0);
    const updatedAvailable = num(status(newRs)['availableReplicas'], 0);
    const replicas = sum('replicas');
    const available = sum('availableReplicas');
    const ready = sum('readyReplicas');
    const dspec = spec(d);
    const strategy = isObject(dspec['strategy']) ? dspec['strategy'] : {};
    const rolling = isObject(strategy['rollingUpdate']) ? strategy['rollingUpdate'] : {};
    const maxUnavailableRaw = rolling['maxUnavailable'] ?? '25%';
    const maxUnavailable =
      typeof maxUnavailableRaw === 'number'
        ? maxUnavailableRaw
        : Math.floor((desired * Number(String(maxUnavailableRaw).replace('%', ''))) / 100);
    const generation = meta.generation ?? 1;
    const track = this.progressSince.get(meta.uid);
    if (!track || track.generation !== generation || track.available !== updatedAvailable) {
      this.progressSince.set(meta.uid, { generation, available: updatedAvailable, since: Date.now() });
    }
    const since = this.progressSince.get(meta.uid)!.since;
    const complete =
      updated === desired && replicas === desired && available === desired && updatedAvailable === desired;
    const deadline = num(dspec['progressDeadlineSeconds'], 600) * 1000;
    if (!complete) this.dueAt(since + deadline + 1);
    const rsName = metaOf(current).name;
    let progressing: JsonObject;
    if (complete)
      progressing = {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      };
    else if (Date.now() - since > deadline)
      progressing = {
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
      };
    else
      progressing = {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${rsName}" is progressing.`,
      };
    const availableOk = available >= desired - maxUnavailable;
    const availableCondition: JsonObject = availableOk
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        };
    const previous = status(d);
    const next: JsonObject = {
      observedGeneration: generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      conditions: conditionsKeepingTimes([availableCondition, progressing], previous['conditions']),
    };
    if (desired - available > 0) next['unavailableReplicas'] = desired - available;
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const)
      if (next[k] === 0) delete next[k];
    if (!deepEqual(previous, next)) this.api.writeStatus(DEPLOYMENT, d, next, MANAGER);
  }

  private replicaSets(): void {
    for (const rs of this.api.store.peek(REPLICASET)) {
      const meta = metaOf(rs);
      const desired = num(spec(rs)['replicas'], 1);
      const pods = this.api.store.peek(POD, meta.namespace).filter((p) => ownedBy(p, meta.uid) && !terminating(p));
      if (!terminating(rs)) {
        for (let i = pods.length; i < desired; i++) {
          const template = clone(isObject(spec(rs)['template']) ? spec(rs)['template'] : {}) as JsonObject;
          const tmeta = isObject(template['metadata']) ? template['metadata'] : {};
          const created = this.api.create(
            POD,
            meta.namespace,
            {
              metadata: {
                ...tmeta,
                name: `${meta.name}-${shortHash(`${meta.uid}/${Date.now()}/${Math.random()}`, 5)}`,
                namespace: meta.namespace ?? 'default',
                ownerReferences: [ownerRef(rs, 'ReplicaSet', 'apps/v1')],
              },
              spec: { ...(isObject(template['spec']) ? template['spec'] : {}), nodeName: 'node-1' },
            },
            { fieldManager: MANAGER },
          ).object;
          pods.push(created);
        }
        if (pods.length > desired) {
          // remove not-ready pods first, then the youngest
          const victims = [...pods].sort(
            (a, b) =>
              Number(isReady(a)) - Number(isReady(b)) ||
              (this.podBorn.get(metaOf(b).uid) ?? 0) - (this.podBorn.get(metaOf(a).uid) ?? 0),
          );
          for (const victim of victims.slice(0, pods.length - desired)) {
            this.api.delete(POD, meta.namespace, metaOf(victim).name, {}, true);
            pods.splice(pods.indexOf(victim), 1);
          }
        }
      }
      const selector = parseLabelSelector(
        labelSelectorString(spec(rs)['selector'] as Parameters<typeof labelSelectorString>[0]),
      );
      const readyCount = pods.filter(isReady).length;
      const next: JsonObject = {
        replicas: pods.length,
        fullyLabeledReplicas: pods.filter((p) => matchesLabels(selector, metaOf(p).labels)).length,
        readyReplicas: readyCount,
        availableReplicas: readyCount,
        observedGeneration: meta.generation ?? 1,
      };
      for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const)
        if (next[k] === 0) delete next[k];
      if (!deepEqual(status(rs), next)) this.api.writeStatus(REPLICASET, rs, next, MANAGER);
    }
  }

  private deploymentOfPod(pod: Obj): string | undefined {
    const rsRef = (metaOf(pod).ownerReferences ?? []).find((r) => r.kind === 'ReplicaSet');
    if (!rsRef) return undefined;
    const rs = this.api.store.peekOne(REPLICASET, metaOf(pod).namespace, rsRef.name);
    return rs ? (metaOf(rs).ownerReferences ?? []).find((r) => r.kind === 'Deployment')?.name : undefined;
  }

  private failureFor(pod: Obj, meta: ObjectMeta): FailureRule | undefined {
    const containers = Array.isArray(spec(pod)['containers'])
      ? (spec(pod)['containers'] as Json[]).filter(isObject)
      : [];
    const deployment = this.deploymentOfPod(pod);
    return this.rules.find(
      (r) =>
        (r.namespace === undefined || r.namespace === meta.namespace) &&
        (r.image === undefined || containers.some((c) => c['image'] === r.image)) &&
        (r.deployment === undefined || r.deployment === deployment),
    );
  }

  private pods(): void {
    const clock = Date.now();
    for (const pod of this.api.store.peek(POD)) {
      const meta = metaOf(pod);
      if (terminating(pod)) {
        const since = this.podDying.get(meta.uid) ?? clock;
        this.podDying.set(meta.uid, since);
        this.dueAt(since + this.podTerminationMs);
        if (clock - since >= this.podTerminationMs) {
          this.api.store.remove(POD, meta.namespace, meta.name);
          this.podDying.delete(meta.uid);
          this.podBorn.delete(meta.uid);
        }
        continue;
      }
      const born = this.podBorn.get(meta.uid) ?? clock;
      this.podBorn.set(meta.uid, born);
      const age = clock - born;
      const previous = status(pod);
      const containers = (Array.isArray(spec(pod)['containers']) ? (spec(pod)['containers'] as Json[]) : []).filter(
        isObject,
      );
      const podIP =
        typeof previous['podIP'] === 'string'
          ? previous['podIP']
          : `10.244.${Math.floor(this.ipCounter / 250)}.${(this.ipCounter++ % 250) + 2}`;
      const startTime = typeof previous['startTime'] === 'string' ? previous['startTime'] : now();
      const rule = this.failureFor(pod, meta);
      const started = age >= this.readyDelayMs;
      if (!started) this.dueAt(born + this.readyDelayMs);
      let phase = 'Pending';
      let ready = false;
      let state: (c: JsonObject) => JsonObject = () => ({ waiting: { reason: 'ContainerCreating' } });
      let restarts = 0;
      let reason: string | undefined = 'ContainersNotReady';
      if (started && !rule) {
        phase = 'Running';
        ready = true;
        reason = undefined;
        state = () => ({ running: { startedAt: startTime } });
      } else if (started && rule?.mode === 'unready') {
        phase = 'Running';
        state = () => ({ running: { startedAt: startTime } });
      } else if (started && rule?.mode === 'crash-loop') {
        phase = 'Running';
        const period = Math.max(this.readyDelayMs, 100);
        restarts = Math.max(1, Math.floor(age / period));
        this.dueAt(born + (restarts + 1) * period);
        state = () => ({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' } });
      } else if (started && rule?.mode === 'image-pull') {
        const backoff = age >= 2 * this.readyDelayMs;
        if (!backoff) this.dueAt(born + 2 * this.readyDelayMs);
        state = (c) => ({
          waiting: {
            reason: backoff ? 'ImagePullBackOff' : 'ErrImagePull',
            message: `Back-off pulling image "${String(c['image'])}"`,
          },
        });
      }
      const conditions: JsonObject[] = [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', ...(reason ? { reason } : {}) },
        { type: 'Ready', status: ready ? 'True' : 'False', ...(reason ? { reason } : {}) },
      ];
      const next: JsonObject = {
        phase,
        conditions: conditionsKeepingTimes(conditions, previous['conditions']),
        hostIP: '10.0.0.1',
        podIP,
        podIPs: [{ ip: podIP }],
        startTime,
        containerStatuses: containers.map((c) => ({
          name: c['name'] ?? '',
          image: c['image'] ?? '',
          imageID: '',
          ready,
          started: phase === 'Running',
          restartCount: restarts,
          state: state(c),
          ...(restarts > 0 ? { lastState: { terminated: { exitCode: 1, reason: 'Error' } } } : {}),
        })),
      };
      if (!deepEqual(previous, next)) this.api.writeStatus(POD, pod, next, 'kubelet');
    }
  }

  private endpoints(): void {
    const services = this.api.store.peek(SERVICE);
    const live = new Set(services.map((s) => `${metaOf(s).namespace}/${metaOf(s).name}`));
    for (const ep of this.api.store.peek(ENDPOINTS)) {
      const m = metaOf(ep);
      if (
        m.annotations?.['spikeformer.test/managed-by'] === 'endpoint-controller' &&
        !live.has(`${m.namespace}/${m.name}`)
      )
        this.api.delete(ENDPOINTS, m.namespace, m.name);
    }
    for (const svc of services) {
      const meta = metaOf(svc);
      const selectorMap = spec(svc)['selector'];
      if (!isObject(selectorMap) || Object.keys(selectorMap).length === 0) continue;
      const selector = parseLabelSelector(
        Object.entries(selectorMap)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(','),
      );
      const pods = this.api.store
        .peek(POD, meta.namespace)
        .filter((p) => matchesLabels(selector, metaOf(p).labels) && typeof status(p)['podIP'] === 'string');
      const address = (p: Obj): JsonObject => ({
        ip: status(p)['podIP'] ?? '',
        nodeName: 'node-1',
        targetRef: { kind: 'Pod', name: metaOf(p).name, namespace: metaOf(p).namespace ?? '', uid: metaOf(p).uid },
      });
      const ports = (Array.isArray(spec(svc)['ports']) ? (spec(svc)['ports'] as Json[]) : [])
        .filter(isObject)
        .map((port) => {
          const target = port['targetPort'] ?? port['port'] ?? 80;
          const resolved = typeof target === 'number' ? target : (this.namedPort(pods[0], String(target)) ?? 0);
          return {
            ...(port['name'] !== undefined ? { name: port['name'] } : {}),
            port: resolved,
            protocol: port['protocol'] ?? 'TCP',
          };
        });
      const readyPods = pods.filter((p) => isReady(p) && !terminating(p));
      const notReady = pods.filter((p) => !isReady(p) || terminating(p));
      const subset: JsonObject = { ports };
      if (readyPods.length > 0) subset['addresses'] = readyPods.map(address);
      if (notReady.length > 0) subset['notReadyAddresses'] = notReady.map(address);
      const endpoints: JsonObject = {
        metadata: {
          name: meta.name,
          namespace: meta.namespace ?? 'default',
          labels: meta.labels ?? {},
          annotations: { 'spikeformer.test/managed-by': 'endpoint-controller' },
        },
        ...(pods.length > 0 ? { subsets: [subset] } : {}),
      };
      this.upsert(ENDPOINTS, endpoints);
      const slice: JsonObject = {
        metadata: {
          name: `${meta.name}-${shortHash(meta.uid, 5)}`,
          namespace: meta.namespace ?? 'default',
          labels: {
            'kubernetes.io/service-name': meta.name,
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          },
          ownerReferences: [ownerRef(svc, 'Service', 'v1')],
        },
        addressType: 'IPv4',
        endpoints: pods.map((p) => ({
          addresses: [status(p)['podIP'] ?? ''],
          conditions: { ready: isReady(p) && !terminating(p), serving: isReady(p), terminating: terminating(p) },
          nodeName: 'node-1',
          targetRef: { kind: 'Pod', name: metaOf(p).name, namespace: metaOf(p).namespace ?? '', uid: metaOf(p).uid },
        })),
        ports,
      };
      this.upsert(SLICE, slice);
    }
  }

  private namedPort(pod: Obj | undefined, name: string): number | undefined {
    if (!pod) return undefined;
    for (const c of (Array.isArray(spec(pod)['containers']) ? (spec(pod)['containers'] as Json[]) : []).filter(
      isObject,
    )) {
      for (const p of (Array.isArray(c['ports']) ? c['ports'] : []).filter(isObject))
        if (p['name'] === name && typeof p['containerPort'] === 'number') return p['containerPort'];
    }
    return undefined;
  }

  /** Creates or updates an object the controller owns, writing only when its content changed. */
  private upsert(type: ReturnType<typeof resourceByName>, desired: JsonObject): void {
    const m = desired['metadata'] as JsonObject;
    const existing = this.api.store.peekOne(type, String(m['namespace']), String(m['name']));
    if (!existing) {
      this.api.create(type, String(m['namespace']), desired, { fieldManager: MANAGER });
      return;
    }
    const next: JsonObject = {
      ...clone(existing),
      ...clone(desired),
      metadata: { ...clone(existing['metadata'] as JsonObject), ...clone(m) },
    };
    if (!('subsets' in desired)) delete next['subsets'];
    delete (next['metadata'] as JsonObject)['resourceVersion'];
    const compareA = { ...existing, metadata: {} };
    const compareB = { ...next, metadata: {} };
    if (deepEqual(compareA, compareB) && deepEqual(metaOf(existing).labels ?? {}, m['labels'] ?? {})) return;
    this.api.update(type, String(m['namespace']), String(m['name']), next, { fieldManager: MANAGER });
  }
}
