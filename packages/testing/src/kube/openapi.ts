import { createHash } from 'node:crypto';
import type { JsonObject } from './json.js';
import { apiGroups, groupVersion, RESOURCES, type ResourceType } from './resources.js';

/**
 * A minimal OpenAPI v3: per group-version, one schema per kind with its GVK extension, and the
 * collection (post) and item (patch/put) paths with a `fieldValidation` parameter. That is what
 * kubectl needs to accept `apply` and hand validation to the server (`fieldValidation=Strict`).
 */

function schemaId(t: ResourceType): string {
  if (t.group === '') return `io.k8s.api.core.v1.${t.kind}`;
  if (t.custom) return `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;
  return `io.k8s.api.${t.group.split('.')[0]}.${t.version}.${t.kind}`;
}

function basePath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const FIELD_VALIDATION = { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } };

export function openApiDocument(group: string, version: string): JsonObject | undefined {
  const types = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  const schemas: JsonObject = {};
  const paths: JsonObject = {};
  for (const t of types) {
    const gvk = [{ group: t.group, version: t.version, kind: t.kind }];
    const ref = { $ref: `#/components/schemas/${schemaId(t)}` };
    const content = { 'application/json': { schema: ref } };
    schemas[schemaId(t)] = {
      type: 'object',
      description: `${t.kind} (served by the spikeformer Kubernetes API double)`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        ...Object.fromEntries(t.fields.map((f) => [f, { 'x-kubernetes-preserve-unknown-fields': true }])),
      },
      'x-kubernetes-group-version-kind': gvk,
    };
    const collection = `/${basePath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    const op = (verb: string): JsonObject => ({
      operationId: `${verb}${t.kind}`,
      parameters: [FIELD_VALIDATION],
      responses: { '200': { description: 'OK', content }, '201': { description: 'Created', content } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk[0]!,
    });
    paths[collection] = { post: { ...op('post'), requestBody: { content } } };
    paths[`${collection}/{name}`] = {
      get: op('get'),
      put: { ...op('put'), requestBody: { content } },
      patch: {
        ...op('patch'),
        requestBody: { content: { 'application/merge-patch+json': { schema: { type: 'object' } } } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

export function openApiHash(group: string, version: string): string {
  return createHash('sha512')
    .update(JSON.stringify(openApiDocument(group, version)))
    .digest('hex')
    .slice(0, 64)
    .toUpperCase();
}

export function openApiRoot(): JsonObject {
  const paths: JsonObject = {};
  for (const g of apiGroups()) {
    for (const v of g.versions) {
      const p = basePath(g.name, v);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${openApiHash(g.name, v)}` };
    }
  }
  return { paths };
}

/** Maps `/openapi/v3/api/v1` or `/openapi/v3/apis/apps/v1` to its group and version. */
export function parseOpenApiPath(path: string): { group: string; version: string } | undefined {
  const m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  return m[1] ? { group: '', version: m[1] } : { group: m[2]!, version: m[3]! };
}

export { groupVersion };
