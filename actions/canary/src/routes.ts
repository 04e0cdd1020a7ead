import type { Deployment, HttpRoute, Ingress, Service, TrafficSplit } from '@spikeformer-actions/delivery/kube';
import type { RouterKind } from './plan.js';
import { TRACK_LABEL } from './state.js';
import { type ImageChange, imagesOf, labelSelector } from '@spikeformer-actions/delivery/rollout';

export { imagesOf, labelSelector };

/**
 * Pure object builders for the canary and its routes. Every function returns a new object.
 */

export function canaryName(base: string): string {
  return `${base}-canary`;
}

/**
 * The canary's pod labels. With the replicas router they keep the stable Service's selector
 * labels (the Service sends traffic to both, by pod count). With a traffic router the canary
 * must NOT match the stable Service, or it would take traffic the router did not give it: the
 * selector's labels get a `-canary` value, and the canary Service selects those.
 */
export function canaryPodLabels(
  router: RouterKind,
  stableLabels: Readonly<Record<string, string>>,
  serviceSelector: Readonly<Record<string, string>>,
): Record<string, string> {
  const labels: Record<string, string> = { ...stableLabels, [TRACK_LABEL]: 'canary' };
  if (router !== 'replicas')
    for (const key of Object.keys(serviceSelector))
      if (labels[key] !== undefined) labels[key] = `${labels[key]}-canary`;
  return labels;
}

function rewrite(
  labels: Readonly<Record<string, string>> | undefined,
  router: RouterKind,
  serviceSelector: Readonly<Record<string, string>>,
): Record<string, string> {
  return canaryPodLabels(router, labels ?? {}, serviceSelector);
}

/** The canary Deployment: a copy of the stable with the new images, its own labels and 0 replicas. */
export function canaryDeployment(
  stable: Deployment,
  base: string,
  router: RouterKind,
  serviceSelector: Readonly<Record<string, string>>,
  changes: readonly ImageChange[],
): Deployment {
  const d = structuredClone(stable);
  d.metadata = {
    name: canaryName(base),
    labels: { ...(stable.metadata.labels ?? {}), [TRACK_LABEL]: 'canary' },
    ...(stable.metadata.namespace ? { namespace: stable.metadata.namespace } : {}),
  };
  d.spec.replicas = 0;
  d.spec.selector = { ...d.spec.selector, matchLabels: rewrite(d.spec.selector.matchLabels, router, serviceSelector) };
  d.spec.template.metadata = {
    ...d.spec.template.metadata,
    labels: rewrite(d.spec.template.metadata?.labels, router, serviceSelector),
  };
  for (const change of changes) {
    const container = d.spec.template.spec.containers.find((c) => c.name === change.container);
    if (!container) {
      throw new Error(
        `deployment/${stable.metadata.name} has no container '${change.container}' (containers: ${d.spec.template.spec.containers.map((c) => c.name).join(', ')})`,
      );
    }
    container.image = change.image;
  }
  delete (d as { status?: unknown }).status;
  return d;
}

/** A Service for the canary pods (traffic routers address the canary through it). */
export function canaryService(stable: Service, router: RouterKind): Service {
  const selector = stable.spec.selector ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: canaryName(stable.metadata.name),
      labels: { [TRACK_LABEL]: 'canary' },
      ...(stable.metadata.namespace ? { namespace: stable.metadata.namespace } : {}),
    },
    spec: { selector: canaryPodLabels(router, selector, selector), ports: structuredClone(stable.spec.ports ?? []) },
  };
}

const NGINX = 'nginx.ingress.kubernetes.io';

/** Replaces the stable Service by the canary one in every backend of an Ingress spec. */
function retarget(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => retarget(v, from, to));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] =
      k === 'service' && typeof v === 'object' && v !== null && (v as { name?: unknown }).name === from
        ? { ...(v as object), name: to }
        : retarget(v, from, to);
  return out;
}

/** ingress-nginx's canary Ingress: the stable Ingress's rules pointed at the canary Service, with the weight annotations. */
export function canaryIngress(stable: Ingress, service: string, weight: number): Ingress {
  const annotations = Object.fromEntries(
    Object.entries(stable.metadata.annotations ?? {}).filter(
      ([k]) => !k.startsWith(`${NGINX}/canary`) && k !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  return {
    apiVersion: stable.apiVersion,
    kind: 'Ingress',
    metadata: {
      name: canaryName(stable.metadata.name),
      labels: { [TRACK_LABEL]: 'canary' },
      annotations: { ...annotations, ...ingressWeight(weight) },
      ...(stable.metadata.namespace ? { namespace: stable.metadata.namespace } : {}),
    },
    spec: retarget(stable.spec, service, canaryName(service)) as Ingress['spec'],
  };
}

export function ingressWeight(weight: number): Record<string, string> {
  return {
    [`${NGINX}/canary`]: 'true',
    [`${NGINX}/canary-weight`]: String(weight),
    [`${NGINX}/canary-weight-total`]: '100',
  };
}

type BackendRef = NonNullable<NonNullable<HttpRoute['spec']['rules']>[number]['backendRefs']>[number];

/** The stable backendRef weights of an HTTPRoute, per rule (to restore them later). */
export function routeOriginalWeights(route: HttpRoute, service: string): Array<number | null> {
  return (route.spec.rules ?? []).map((r) => {
    const ref = (r.backendRefs ?? []).find((b) => b.name === service);
    return ref ? (ref.weight ?? null) : null;
  });
}

/** Sets stable 100−w and canary w on every rule that routes to the stable Service. */
export function routeWithWeight(route: HttpRoute, service: string, weight: number): HttpRoute {
  const r = structuredClone(route);
  const canary = canaryName(service);
  let touched = 0;
  for (const rule of r.spec.rules ?? []) {
    const refs = rule.backendRefs ?? [];
    const stable = refs.find((b) => b.name === service);
    if (!stable) continue;
    touched++;
    stable.weight = 100 - weight;
    const existing = refs.find((b) => b.name === canary);
    if (existing) existing.weight = weight;
    else {
      const ref: BackendRef = { ...stable, name: canary, weight };
      refs.push(ref);
    }
    rule.backendRefs = refs;
  }
  if (touched === 0) throw new Error(`httproute/${route.metadata.name} has no backendRef to service ${service}`);
  return r;
}

/** Removes the canary backendRefs and gives the stable ones their original weights back. */
export function routeRestored(route: HttpRoute, service: string, original: ReadonlyArray<number | null>): HttpRoute {
  const r = structuredClone(route);
  const canary = canaryName(service);
  (r.spec.rules ?? []).forEach((rule, i) => {
    if (!rule.backendRefs) return;
    rule.backendRefs = rule.backendRefs.filter((b) => b.name !== canary);
    const stable = rule.backendRefs.find((b) => b.name === service);
    if (!stable) return;
    const weight = original[i];
    if (weight === null || weight === undefined) delete stable.weight;
    else stable.weight = weight;
  });
  return r;
}

/** The SMI TrafficSplit with stable 100−w and canary w (other backends kept). */
export function splitWithWeight(
  split: TrafficSplit | undefined,
  name: string,
  namespace: string | undefined,
  service: string,
  weight: number,
): TrafficSplit {
  const canary = canaryName(service);
  const base: TrafficSplit = split
    ? structuredClone(split)
    : {
        apiVersion: 'split.smi-spec.io/v1alpha2',
        kind: 'TrafficSplit',
        metadata: { name, labels: { [TRACK_LABEL]: 'canary' }, ...(namespace ? { namespace } : {}) },
        spec: { service, backends: [] },
      };
  const others = base.spec.backends.filter((b) => b.service !== service && b.service !== canary);
  base.spec.backends = [{ service, weight: 100 - weight }, { service: canary, weight }, ...others];
  return base;
}

export function splitRestored(
  split: TrafficSplit,
  service: string,
  original: ReadonlyArray<{ service: string; weight: number }>,
): TrafficSplit {
  const s = structuredClone(split);
  s.spec.backends = original.length > 0 ? original.map((b) => ({ ...b })) : [{ service, weight: 100 }];
  return s;
}
