import type { JsonObject } from './json.js';
import { apiGroups, groupVersion, RESOURCES, VERBS, type ResourceType } from './resources.js';

/** Discovery documents: the legacy lists and the aggregated (apidiscovery.k8s.io/v2) form. */

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '').includes('as=APIGroupDiscoveryList') && (accept ?? '').includes('v=v2');
}

function verbsOf(type: ResourceType): string[] {
  return type.kind === 'Namespace' ? VERBS.filter((v) => v !== 'deletecollection') : VERBS;
}

export function apiVersions(): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  };
}

function groupEntry(name: string, versions: string[]): JsonObject {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0]! };
}

export function apiGroupList(): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups()
      .filter((g) => g.name !== '')
      .map((g) => groupEntry(g.name, g.versions)),
  };
}

export function apiGroup(name: string): JsonObject | undefined {
  const g = apiGroups().find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) } : undefined;
}

export function apiResourceList(group: string, version: string): JsonObject | undefined {
  const types = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const t of types) {
    resources.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: verbsOf(t),
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    if (t.status)
      resources.push({
        name: `${t.resource}/status`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get', 'patch', 'update'],
      });
    if (t.scale)
      resources.push({
        name: `${t.resource}/scale`,
        singularName: '',
        namespaced: t.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

/** `core` true answers `/api` (the legacy group only); false answers `/apis` (every named group). */
export function aggregatedDiscovery(core: boolean): JsonObject {
  const items = apiGroups()
    .filter((g) => (g.name === '') === core)
    .map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: RESOURCES.filter((r) => r.group === g.name && r.version === version).map((t) => ({
          resource: t.resource,
          responseKind: { group: t.group, version: t.version, kind: t.kind },
          scope: t.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: t.singular,
          verbs: verbsOf(t),
          ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
          ...(t.categories ? { categories: t.categories } : {}),
          subresources: [
            ...(t.status
              ? [
                  {
                    subresource: 'status',
                    responseKind: { group: t.group, version: t.version, kind: t.kind },
                    verbs: ['get', 'patch', 'update'],
                  },
                ]
              : []),
            ...(t.scale
              ? [
                  {
                    subresource: 'scale',
                    responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
                    verbs: ['get', 'patch', 'update'],
                  },
                ]
              : []),
          ],
        })),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
