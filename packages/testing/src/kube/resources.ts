/** The kinds the API double serves, as discovery, OpenAPI and the router see them. */

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in URLs
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  /** Has a `/status` subresource: writes to the main resource keep the stored status. */
  status: boolean;
  /** Has a `/scale` subresource (autoscaling/v1 Scale over spec.replicas). */
  scale: boolean;
  /** A custom resource: strategic merge patch is refused (415), as the real server does. */
  custom: boolean;
  /** Top-level fields a strict decode accepts (besides apiVersion, kind, metadata). */
  fields: string[];
  categories?: string[];
}

const ALL = ['all'];

export const RESOURCES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    status: true,
    scale: false,
    custom: false,
    fields: ['spec', 'status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    status: true,
    scale: false,
    custom: false,
    fields: ['spec', 'status'],
    categories: ALL,
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    status: true,
    scale: false,
    custom: false,
    fields: ['spec', 'status'],
    categories: ALL,
  },
  {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
    status: false,
    scale: false,
    custom: false,
    fields: ['subsets'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    status: false,
    scale: false,
    custom: false,
    fields: ['data', 'binaryData', 'immutable'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    status: true,
    scale: true,
    custom: false,
    fields: ['spec', 'status'],
    categories: ALL,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    status: true,
    scale: true,
    custom: false,
    fields: ['spec', 'status'],
    categories: ALL,
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
    shortNames: [],
    status: false,
    scale: false,
    custom: false,
    fields: ['addressType', 'endpoints', 'ports'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    status: true,
    scale: false,
    custom: false,
    fields: ['spec', 'status'],
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    resource: 'httproutes',
    singular: 'httproute',
    kind: 'HTTPRoute',
    namespaced: true,
    shortNames: [],
    status: true,
    scale: false,
    custom: true,
    fields: ['spec', 'status'],
    categories: ['gateway-api'],
  },
  {
    group: 'split.smi-spec.io',
    version: 'v1alpha2',
    resource: 'trafficsplits',
    singular: 'trafficsplit',
    kind: 'TrafficSplit',
    namespaced: true,
    shortNames: ['ts'],
    status: false,
    scale: false,
    custom: true,
    fields: ['spec'],
  },
];

export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** Resolves `apiVersion` + `kind` of an object, as the double's seeding API receives them. */
export function resourceForObject(apiVersion: string, kind: string): ResourceType | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/** Finds a type by kind name, plural, singular or short name (case-insensitive), as tests name them. */
export function resourceByName(name: string): ResourceType {
  const lower = name.toLowerCase();
  const found = RESOURCES.find(
    (r) =>
      r.kind.toLowerCase() === lower || r.resource === lower || r.singular === lower || r.shortNames.includes(lower),
  );
  if (!found) throw new Error(`the Kubernetes API double does not serve '${name}'`);
  return found;
}

/** Groups in discovery order, each with its versions (the first is preferred). */
export function apiGroups(): { name: string; versions: string[] }[] {
  const groups: { name: string; versions: string[] }[] = [];
  for (const r of RESOURCES) {
    let g = groups.find((x) => x.name === r.group);
    if (!g) groups.push((g = { name: r.group, versions: [] }));
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return groups;
}

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
