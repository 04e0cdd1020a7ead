import { isObject, type Json, type JsonObject } from './json.js';
import type { ResourceType } from './resources.js';
import { metaOf } from './store.js';

/** `meta.k8s.io/v1 Table` answers, so plain `kubectl get` prints the usual columns. */

function age(created: string | undefined): string {
  if (!created) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

function field(o: JsonObject, ...path: string[]): Json | undefined {
  let cur: Json | undefined = o;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

function n(v: Json | undefined): number {
  return typeof v === 'number' ? v : 0;
}

function columnsFor(type: ResourceType): [string[], (o: JsonObject) => Json[]] {
  switch (type.kind) {
    case 'Deployment':
      return [
        ['Ready', 'Up-to-date', 'Available'],
        (o) => [
          `${n(field(o, 'status', 'readyReplicas'))}/${n(field(o, 'spec', 'replicas'))}`,
          n(field(o, 'status', 'updatedReplicas')),
          n(field(o, 'status', 'availableReplicas')),
        ],
      ];
    case 'ReplicaSet':
      return [
        ['Desired', 'Current', 'Ready'],
        (o) => [
          n(field(o, 'spec', 'replicas')),
          n(field(o, 'status', 'replicas')),
          n(field(o, 'status', 'readyReplicas')),
        ],
      ];
    case 'Pod': {
      return [
        ['Ready', 'Status', 'Restarts'],
        (o) => {
          const statuses = (
            Array.isArray(field(o, 'status', 'containerStatuses'))
              ? (field(o, 'status', 'containerStatuses') as Json[])
              : []
          ).filter(isObject);
          const waiting = statuses
            .map((c) => field(c, 'state', 'waiting', 'reason'))
            .find((r) => typeof r === 'string');
          const phase = metaOf(o).deletionTimestamp
            ? 'Terminating'
            : (waiting ?? field(o, 'status', 'phase') ?? 'Pending');
          return [
            `${statuses.filter((c) => c['ready'] === true).length}/${statuses.length}`,
            phase,
            statuses.reduce((k, c) => k + n(c['restartCount']), 0),
          ];
        },
      ];
    }
    case 'Service':
      return [
        ['Type', 'Cluster-IP', 'Port(s)'],
        (o) => [
          field(o, 'spec', 'type') ?? 'ClusterIP',
          field(o, 'spec', 'clusterIP') ?? '<none>',
          (Array.isArray(field(o, 'spec', 'ports')) ? (field(o, 'spec', 'ports') as Json[]) : [])
            .filter(isObject)
            .map((p) => `${String(p['port'])}/${String(p['protocol'] ?? 'TCP')}`)
            .join(',') || '<none>',
        ],
      ];
    default:
      return [[], () => []];
  }
}

export function toTable(type: ResourceType, objects: JsonObject[], listMeta: JsonObject): JsonObject {
  const [extra, cells] = columnsFor(type);
  const columns = ['Name', ...extra, 'Age'].map((name, i) => ({
    name,
    type: i === 0 ? 'string' : 'string',
    format: i === 0 ? 'name' : '',
    description: name,
    priority: 0,
  }));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows: objects.map((o) => ({
      cells: [metaOf(o).name, ...cells(o), age(metaOf(o).creationTimestamp)],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o['metadata'] ?? {} },
    })),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').includes('as=Table');
}
