import { UserError } from '@spikeformer-actions/core';
import {
  type Deployment,
  type HttpRoute,
  type Ingress,
  type Kubectl,
  type Service,
  type TrafficSplit,
  updateObject,
  waitForReadyEndpoints,
  waitForRollout,
} from '@spikeformer-actions/delivery/kube';
import { replicaSplit, type RouterKind } from './plan.js';
import {
  canaryIngress,
  canaryName,
  canaryService,
  ingressWeight,
  routeOriginalWeights,
  routeRestored,
  routeWithWeight,
  splitRestored,
  splitWithWeight,
} from './routes.js';
import type { CanaryPlan } from './state.js';

/** What a router needs to know; also saved for the post step. */
export interface RouterConfig {
  kind: RouterKind;
  namespace: string;
  deployment: string;
  service: string;
  ingress: string;
  httpRoute: string;
  trafficSplit: string;
  rolloutTimeoutMs: number;
}

export type Log = (step: string, detail: string, ok?: boolean) => void;

/**
 * Moves traffic between the stable and the canary. `setWeight` only returns once the new split
 * is in force (pods ready, endpoints listed, routing object written); `toStable` sends 100 % to
 * the stable and scales the canary to zero, keeping every object for inspection.
 */
export class Router {
  constructor(
    private readonly kubectl: Kubectl,
    readonly config: RouterConfig,
    private readonly log: Log,
  ) {}

  get canary(): string {
    return canaryName(this.config.deployment);
  }

  private async waitPods(deployment: string): Promise<void> {
    await waitForRollout(this.kubectl, deployment, { timeoutMs: this.config.rolloutTimeoutMs, pollMs: 500 });
  }

  private async scale(deployment: string, replicas: number): Promise<void> {
    const d = await this.kubectl.get<Deployment>('deployment', deployment);
    if (!d || (d.spec.replicas ?? 0) === replicas) return;
    await this.kubectl.scale('deployment', deployment, replicas);
    this.log('scale', `${deployment} → ${replicas} replica(s)`);
  }

  /** Checks that the routing objects exist and returns what restoring them needs. */
  async prepare(): Promise<Record<string, unknown>> {
    const c = this.config;
    switch (c.kind) {
      case 'replicas':
        return {};
      case 'nginx-ingress': {
        await this.kubectl.mustGet<Ingress>('ingress', c.ingress);
        return {};
      }
      case 'gateway-api': {
        const route = await this.kubectl.mustGet<HttpRoute>('httproute', c.httpRoute);
        const original = routeOriginalWeights(route, c.service);
        if (
          original.every(
            (w, i) => w === null && !(route.spec.rules?.[i]?.backendRefs ?? []).some((b) => b.name === c.service),
          )
        ) {
          throw new UserError(`httproute/${c.httpRoute} has no backendRef to service ${c.service}`);
        }
        return { routeWeights: original };
      }
      case 'smi': {
        const split = await this.kubectl.get<TrafficSplit>('trafficsplit', c.trafficSplit);
        return split
          ? { splitBackends: split.spec.backends, splitCreated: false }
          : { splitBackends: [], splitCreated: true };
      }
    }
  }

  /** Traffic routers address the canary through `<service>-canary`; created once, kept on rollback. */
  async ensureCanaryService(): Promise<void> {
    if (this.config.kind === 'replicas') return;
    const name = canaryName(this.config.service);
    if (await this.kubectl.get<Service>('service', name)) return;
    const stable = await this.kubectl.mustGet<Service>('service', this.config.service);
    await this.kubectl.create(canaryService(stable, this.config.kind));
    this.log('canary service', `created service/${name}`);
  }

  /** Canary pods for a traffic router: as many as the stable had, ready behind the canary Service. */
  async ensureCanaryPods(plan: CanaryPlan): Promise<void> {
    if (this.config.kind === 'replicas') return;
    await this.scale(this.canary, Math.max(1, plan.stableReplicas));
    await this.waitPods(this.canary);
    const ready = await waitForReadyEndpoints(
      this.kubectl,
      { service: canaryName(this.config.service) },
      { timeoutMs: this.config.rolloutTimeoutMs, pollMs: 500 },
    );
    this.log(
      'canary pods',
      `${this.canary} ready behind service/${canaryName(this.config.service)} (${ready.length} endpoint(s))`,
    );
  }

  /** Puts `weight` % of the traffic on the canary; returns how it is expressed. */
  async setWeight(weight: number, plan: CanaryPlan): Promise<string> {
    const c = this.config;
    switch (c.kind) {
      case 'replicas': {
        const split = replicaSplit(weight, plan.stableReplicas);
        // Up before down: the Service never loses its last ready pod.
        await this.scale(this.canary, split.canary);
        await this.waitPods(this.canary);
        if (split.stable > 0) {
          await this.scale(c.deployment, split.stable);
          await this.waitPods(c.deployment);
        }
        // The Service lists every ready pod of both tracks before the split counts as in force.
        await waitForReadyEndpoints(
          this.kubectl,
          { service: c.service },
          { timeoutMs: c.rolloutTimeoutMs, pollMs: 500, minReady: split.canary + Math.max(split.stable, 0) },
        );
        if (split.stable === 0) await this.scale(c.deployment, 0);
        return `${split.canary} canary pod(s) and ${split.stable} stable pod(s) behind service/${c.service}: ${split.actual}% of the pods`;
      }
      case 'nginx-ingress': {
        const name = canaryName(c.ingress);
        const existing = await this.kubectl.get<Ingress>('ingress', name);
        if (!existing) {
          const stable = await this.kubectl.mustGet<Ingress>('ingress', c.ingress);
          await this.kubectl.create(canaryIngress(stable, c.service, weight));
        } else {
          await updateObject<Ingress>(
            this.kubectl,
            'ingress',
            name,
            (i) => {
              i.metadata.annotations = { ...(i.metadata.annotations ?? {}), ...ingressWeight(weight) };
              return i;
            },
            { conflictRetries: 3 },
          );
        }
        return `ingress/${name} canary-weight ${weight}/100`;
      }
      case 'gateway-api': {
        await updateObject<HttpRoute>(
          this.kubectl,
          'httproute',
          c.httpRoute,
          (r) => routeWithWeight(r, c.service, weight),
          { conflictRetries: 3 },
        );
        return `httproute/${c.httpRoute} backendRefs ${c.service}=${100 - weight}, ${canaryName(c.service)}=${weight}`;
      }
      case 'smi': {
        const existing = await this.kubectl.get<TrafficSplit>('trafficsplit', c.trafficSplit);
        const next = splitWithWeight(existing, c.trafficSplit, c.namespace || undefined, c.service, weight);
        if (existing)
          await updateObject<TrafficSplit>(
            this.kubectl,
            'trafficsplit',
            c.trafficSplit,
            (s) => splitWithWeight(s, c.trafficSplit, c.namespace || undefined, c.service, weight),
            { conflictRetries: 3 },
          );
        else await this.kubectl.create(next);
        return `trafficsplit/${c.trafficSplit} backends ${c.service}=${100 - weight}, ${canaryName(c.service)}=${weight}`;
      }
    }
  }

  /** 100 % to the stable (it is scaled back first where needed), then the canary to zero pods; objects are kept. */
  async toStable(plan: CanaryPlan | undefined): Promise<void> {
    const c = this.config;
    const stableReplicas = Math.max(1, plan?.stableReplicas ?? 1);
    if (c.kind === 'replicas') {
      const stable = await this.kubectl.get<Deployment>('deployment', c.deployment);
      if (stable && (stable.spec.replicas ?? 0) === 0) {
        await this.scale(c.deployment, stableReplicas);
        await this.waitPods(c.deployment);
      }
    } else {
      await this.routeWeightZero();
    }
    await this.scale(this.canary, 0);
    this.log('traffic', `100% on ${c.deployment}; ${this.canary} scaled to zero and kept for inspection`);
  }

  private async routeWeightZero(): Promise<void> {
    const c = this.config;
    if (c.kind === 'nginx-ingress') {
      const name = canaryName(c.ingress);
      if (await this.kubectl.get<Ingress>('ingress', name)) {
        await updateObject<Ingress>(
          this.kubectl,
          'ingress',
          name,
          (i) => {
            i.metadata.annotations = { ...(i.metadata.annotations ?? {}), ...ingressWeight(0) };
            return i;
          },
          { conflictRetries: 3 },
        );
      }
    } else if (c.kind === 'gateway-api') {
      const route = await this.kubectl.get<HttpRoute>('httproute', c.httpRoute);
      if (
        route &&
        (route.spec.rules ?? []).some((r) => (r.backendRefs ?? []).some((b) => b.name === canaryName(c.service)))
      ) {
        await updateObject<HttpRoute>(this.kubectl, 'httproute', c.httpRoute, (r) => routeWithWeight(r, c.service, 0), {
          conflictRetries: 3,
        });
      }
    } else if (c.kind === 'smi') {
      if (await this.kubectl.get<TrafficSplit>('trafficsplit', c.trafficSplit)) {
        await updateObject<TrafficSplit>(
          this.kubectl,
          'trafficsplit',
          c.trafficSplit,
          (s) => splitWithWeight(s, c.trafficSplit, c.namespace || undefined, c.service, 0),
          { conflictRetries: 3 },
        );
      }
    }
  }

  /** After promotion: the routes as they were before the canary, and the canary's routing objects gone. */
  async restoreRoutes(plan: CanaryPlan): Promise<void> {
    const c = this.config;
    switch (c.kind) {
      case 'replicas':
        break;
      case 'nginx-ingress':
        await this.kubectl.delete('ingress', canaryName(c.ingress), { ignoreNotFound: true });
        break;
      case 'gateway-api': {
        const original = Array.isArray(plan.restore['routeWeights'])
          ? (plan.restore['routeWeights'] as Array<number | null>)
          : [];
        await updateObject<HttpRoute>(
          this.kubectl,
          'httproute',
          c.httpRoute,
          (r) => routeRestored(r, c.service, original),
          { conflictRetries: 3 },
        );
        break;
      }
      case 'smi': {
        if (plan.restore['splitCreated'] === true)
          await this.kubectl.delete('trafficsplit', c.trafficSplit, { ignoreNotFound: true });
        else {
          const original = Array.isArray(plan.restore['splitBackends'])
            ? (plan.restore['splitBackends'] as Array<{ service: string; weight: number }>)
            : [];
          await updateObject<TrafficSplit>(
            this.kubectl,
            'trafficsplit',
            c.trafficSplit,
            (s) => splitRestored(s, c.service, original),
            { conflictRetries: 3 },
          );
        }
        break;
      }
    }
    if (c.kind !== 'replicas') await this.kubectl.delete('service', canaryName(c.service), { ignoreNotFound: true });
    this.log('routes', `routes restored${c.kind === 'replicas' ? '' : `; canary routing objects removed`}`);
  }
}
