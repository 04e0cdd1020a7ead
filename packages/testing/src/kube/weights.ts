import { isObject, type Json, type JsonObject } from './json.js';
import { resourceByName } from './resources.js';
import { matchesLabels, parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';
import { metaOf } from './store.js';

/**
 * Where the traffic split of a test cluster is read from, one per routing method the actions use:
 * - `endpoints`: the ready endpoints of a Service, split by which pods they belong to. Covers
 *   blue-green (the Service selector is switched: 100/0 → 0/100) and the replica-ratio canary
 *   (one Service over both tracks: the split follows the ready pod counts).
 * - `ingress-nginx`: the canary Ingress's `canary`/`canary-weight`/`canary-weight-total` annotations.
 * - `httproute`: the backendRef weights of a Gateway API HTTPRoute.
 * - `trafficsplit`: the backend weights of an SMI TrafficSplit.
 */
export type WeightSource =
  | { kind: 'endpoints'; service: string; stablePods: string; canaryPods: string; namespace?: string }
  | { kind: 'ingress-nginx'; canaryIngress: string; namespace?: string }
  | { kind: 'httproute'; route: string; stableBackend: string; canaryBackend: string; namespace?: string }
  | { kind: 'trafficsplit'; split: string; stableBackend: string; canaryBackend: string; namespace?: string };

/** Percentages of traffic per track; both 0 when nothing can receive traffic. */
export interface TrackWeights {
  stable: number;
  canary: number;
}

function percent(stable: number, canary: number): TrackWeights {
  const total = stable + canary;
  if (total <= 0) return { stable: 0, canary: 0 };
  const c = Math.round((canary / total) * 10_000) / 100;
  return { stable: Math.round((100 - c) * 100) / 100, canary: c };
}

function num(v: Json | undefined): number {
  return typeof v === 'number'
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : 0;
}

function list(v: Json | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** Reads the current split from the double's store (no HTTP, no kubectl). */
export function readWeights(store: ObjectStore, source: WeightSource): TrackWeights {
  const ns = source.namespace ?? 'default';
  switch (source.kind) {
    case 'endpoints': {
      const slices = store
        .list(resourceByName('endpointslice'), ns)
        .filter((s) => metaOf(s).labels?.['kubernetes.io/service-name'] === source.service);
      const readyPods = new Set<string>();
      for (const slice of slices) {
        for (const e of list(slice['endpoints'])) {
          const conditions = isObject(e['conditions']) ? e['conditions'] : {};
          const ref = isObject(e['targetRef']) ? e['targetRef'] : {};
          if (conditions['ready'] === true && typeof ref['name'] === 'string') readyPods.add(ref['name']);
        }
      }
      const stableSel = parseLabelSelector(source.stablePods);
      const canarySel = parseLabelSelector(source.canaryPods);
      let stable = 0;
      let canary = 0;
      for (const pod of store.list(resourceByName('pod'), ns)) {
        if (!readyPods.has(metaOf(pod).name)) continue;
        if (matchesLabels(canarySel, metaOf(pod).labels)) canary++;
        else if (matchesLabels(stableSel, metaOf(pod).labels)) stable++;
      }
      return percent(stable, canary);
    }
    case 'ingress-nginx': {
      const ingress = store.get(resourceByName('ingress'), ns, source.canaryIngress);
      const annotations = ingress ? (metaOf(ingress).annotations ?? {}) : {};
      if (annotations['nginx.ingress.kubernetes.io/canary'] !== 'true') return { stable: 100, canary: 0 };
      const total = num(annotations['nginx.ingress.kubernetes.io/canary-weight-total']) || 100;
      const weight = Math.min(total, num(annotations['nginx.ingress.kubernetes.io/canary-weight']));
      return percent(total - weight, weight);
    }
    case 'httproute': {
      const route = store.get(resourceByName('httproute'), ns, source.route);
      const refs = list(isObject(route?.['spec']) ? route['spec']['rules'] : undefined).flatMap((r) =>
        list(r['backendRefs']),
      );
      // a backendRef without a weight has weight 1 (Gateway API default)
      const weight = (name: string): number =>
        refs
          .filter((b) => b['name'] === name)
          .reduce((n, b) => n + (b['weight'] === undefined ? 1 : num(b['weight'])), 0);
      return percent(weight(source.stableBackend), weight(source.canaryBackend));
    }
    case 'trafficsplit': {
      const split = store.get(resourceByName('trafficsplit'), ns, source.split);
      const backends = list(isObject(split?.['spec']) ? split['spec']['backends'] : undefined);
      const weight = (name: string): number =>
        backends.filter((b) => b['service'] === name).reduce((n, b) => n + num(b['weight']), 0);
      return percent(weight(source.stableBackend), weight(source.canaryBackend));
    }
  }
}
