import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { type KubeApi, type PatchType, type WriteOptions } from './api.js';
import {
  aggregatedDiscovery,
  AGGREGATED_CONTENT_TYPE,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.js';
import { type Faults } from './faults.js';
import { clone, isObject, type Json, type JsonObject } from './json.js';
import { openApiDocument, openApiRoot, parseOpenApiPath } from './openapi.js';
import { decodeProtobuf } from './protobuf.js';
import { jsonPatch } from './patch-json.js';
import { jsonMergePatch } from './patch-merge.js';
import { strategicMerge } from './patch-strategic.js';
import { findResource, groupVersion, type ResourceType } from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import { ApiError, badRequest } from './status.js';
import { metaOf, type WatchEvent } from './store.js';
import { toTable, wantsTable } from './table.js';

/** One request as the double saw it (tests assert on what kubectl or the client sent). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  accept: string | undefined;
  userAgent: string | undefined;
  body: string;
  /** Set when a protobuf body was decoded (to `application/json`). */
  decodedAs?: string;
  status: number;
}

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const PATCH_TYPES: Record<string, PatchType> = {
  'application/strategic-merge-patch+json': 'strategic',
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

/** The Status reason the real server gives each code (kubectl prints it as `Error from server (Reason)`). */
const FAULT_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

interface Route {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function parseRoute(path: string): Route | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(path);
  if (!m) return undefined;
  const group = m[1] ? '' : m[2]!;
  const version = m[1] ?? m[3]!;
  const segs = m[4]!
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let namespace: string | undefined;
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    namespace = segs[1];
    segs.splice(0, 2);
  }
  const type = findResource(group, version, segs[0] ?? '');
  if (!type || segs.length > 3) return undefined;
  if (!type.namespaced && namespace !== undefined) return undefined;
  return { type, namespace, name: segs[1], subresource: segs[2] };
}

function managerFrom(query: URLSearchParams, userAgent: string | undefined): string {
  const explicit = query.get('fieldManager');
  if (explicit) return explicit;
  return (userAgent ?? 'unknown').split('/')[0] ?? 'unknown';
}

function fieldValidation(query: URLSearchParams): WriteOptions['fieldValidation'] {
  const v = query.get('fieldValidation');
  return v === 'Strict' || v === 'Warn' || v === 'Ignore' ? v : undefined;
}

/**
 * The HTTP face of the double: discovery, OpenAPI v3, the resource endpoints (get, list, watch,
 * create, update, patch, delete, deletecollection, `/scale`, `/status`), Table answers for
 * plain `kubectl get`, fault injection, and a log of every request.
 */
export class KubeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly api: KubeApi,
    readonly faults: Faults,
  ) {
    // a client that goes away mid-request must not take the test process down
    this.server = http.createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.faults.dropWatches();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    let body = rawBody.toString('utf8');
    let contentType = req.headers['content-type'];
    if ((contentType ?? '').includes('protobuf')) {
      // typed generators (`create configmap|namespace`) send protobuf: read it for the kinds we can
      const decoded = decodeProtobuf(rawBody);
      if (decoded) {
        body = JSON.stringify(decoded);
        contentType = 'application/json';
      }
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      ...(contentType !== req.headers['content-type'] ? { decodedAs: contentType } : {}),
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
      body,
      status: 0,
    };
    this.requests.push(record);
    if (this.requests.length > 20_000) this.requests.splice(0, 10_000);
    const fault = this.faults.take(record.method, record.path);
    if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.reset) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    const send = (status: number, payload: Json, headers: Record<string, string> = {}): void => {
      record.status = status;
      const text = JSON.stringify(payload);
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
        ...headers,
      });
      res.end(text);
    };
    if (fault.fail) {
      const error = new ApiError(
        fault.fail.status,
        FAULT_REASONS[fault.fail.status] ?? 'InternalError',
        `injected fault: HTTP ${fault.fail.status}`,
      );
      send(
        fault.fail.status,
        error.toStatus(),
        fault.fail.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.fail.retryAfterSeconds) } : {},
      );
      return;
    }
    try {
      this.route(req, res, url, body, contentType, record, send);
    } catch (error) {
      if (error instanceof ApiError) send(error.code, error.toStatus(), error.headers);
      else if (error instanceof SelectorError) send(400, badRequest(error.message).toStatus());
      else
        send(
          500,
          new ApiError(
            500,
            'InternalError',
            `the API double failed: ${error instanceof Error ? error.message : String(error)}`,
          ).toStatus(),
        );
    }
  }

  private route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: string,
    requestType: string | undefined,
    record: RecordedRequest,
    send: (status: number, payload: Json, headers?: Record<string, string>) => void,
  ): void {
    const method = record.method;
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    if (method === 'GET') {
      if (path === '/version') return send(200, SERVER_VERSION);
      if (path === '/api')
        return wantsAggregated(accept)
          ? send(200, aggregatedDiscovery(true), { 'Content-Type': AGGREGATED_CONTENT_TYPE })
          : send(200, apiVersions());
      if (path === '/apis')
        return wantsAggregated(accept)
          ? send(200, aggregatedDiscovery(false), { 'Content-Type': AGGREGATED_CONTENT_TYPE })
          : send(200, apiGroupList());
      if (path === '/openapi/v3') return send(200, openApiRoot());
      const gv = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
      if (gv) {
        const list = apiResourceList(gv[1] ? '' : gv[2]!, gv[1] ?? gv[3]!);
        if (list) return send(200, list);
      }
      const g = /^\/apis\/([^/]+)$/.exec(path);
      if (g) {
        const group = apiGroup(g[1]!);
        if (group) return send(200, group);
      }
      const oa = parseOpenApiPath(path);
      if (oa) {
        const doc = openApiDocument(oa.group, oa.version);
        if (doc) return send(200, doc, { 'Cache-Control': 'public, immutable' });
      }
      if (path === '/healthz' || path === '/readyz' || path === '/livez') {
        record.status = 200;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
    }
    const route = parseRoute(path);
    if (!route)
      return send(404, new ApiError(404, 'NotFound', 'the server could not find the requested resource').toStatus());
    const q = url.searchParams;
    const options: WriteOptions = {
      dryRun: q.get('dryRun') === 'All',
      fieldManager: managerFrom(q, req.headers['user-agent']),
      fieldValidation: fieldValidation(q),
      force: q.get('force') === 'true',
    };
    const { type, namespace, name, subresource } = route;
    if (subresource && !((subresource === 'status' && type.status) || (subresource === 'scale' && type.scale))) {
      return send(404, new ApiError(404, 'NotFound', 'the server could not find the requested resource').toStatus());
    }
    const parseBody = (): Json => {
      const contentType = (requestType ?? 'application/json').split(';')[0]!.trim();
      if (contentType.includes('protobuf') || contentType.includes('cbor')) {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
        );
      }
      try {
        return (contentType.includes('yaml') ? parseYaml(body) : JSON.parse(body)) as Json;
      } catch (error) {
        throw badRequest(`error decoding request body: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const objectBody = (): JsonObject => {
      const parsed = parseBody();
      if (!isObject(parsed)) throw badRequest('the request body must be a JSON object');
      return parsed;
    };
    const written = (status: number, result: { object: JsonObject; warnings: string[] }): void =>
      send(
        status,
        result.object,
        result.warnings.length ? { Warning: result.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') } : {},
      );

    if (name === undefined) {
      if (method === 'GET')
        return q.get('watch') === 'true' || q.get('watch') === '1'
          ? this.watch(res, route, q, record)
          : this.list(route, q, accept, send);
      if (method === 'POST') {
        const result = this.api.create(type, namespace, objectBody(), options);
        return written(201, result);
      }
      if (method === 'DELETE') {
        const items = this.select(route, q).map((o) =>
          this.api.delete(type, metaOf(o).namespace, metaOf(o).name, { dryRun: options.dryRun }, type.kind === 'Pod'),
        );
        return send(200, {
          kind: `${type.kind}List`,
          apiVersion: groupVersion(type),
          metadata: { resourceVersion: String(this.api.store.resourceVersion) },
          items: items,
        });
      }
      return send(
        405,
        new ApiError(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        ).toStatus(),
      );
    }

    if (subresource === 'scale') {
      if (method === 'GET') return send(200, this.api.scaleOf(type, this.api.get(type, namespace, name)));
      if (method === 'PUT') return send(200, this.api.writeScale(type, namespace, name, objectBody(), options));
      if (method === 'PATCH') {
        const patchType = PATCH_TYPES[(req.headers['content-type'] ?? '').split(';')[0]!.trim()];
        if (!patchType) throw new ApiError(415, 'UnsupportedMediaType', 'unsupported patch type');
        const current = this.api.scaleOf(type, this.api.get(type, namespace, name));
        const patch = parseBody();
        const patched =
          patchType === 'json'
            ? jsonPatch(current, patch)
            : patchType === 'merge'
              ? jsonMergePatch(current, patch)
              : strategicMerge(current, patch);
        return send(200, this.api.writeScale(type, namespace, name, patched, options));
      }
    }

    switch (method) {
      case 'GET': {
        const object = this.api.get(type, namespace, name);
        if (wantsTable(accept) && !subresource)
          return send(200, toTable(type, [object], { resourceVersion: metaOf(object).resourceVersion }));
        return send(200, object);
      }
      case 'PUT':
        return written(
          200,
          this.api.update(type, namespace, name, objectBody(), {
            ...options,
            subresource: subresource === 'status' ? 'status' : undefined,
          }),
        );
      case 'PATCH': {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        const patchType = PATCH_TYPES[contentType];
        if (!patchType)
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`,
          );
        const exists = this.api.store.get(type, namespace, name) !== undefined;
        const result = this.api.patch(type, namespace, name, patchType, parseBody(), {
          ...options,
          subresource: subresource === 'status' ? 'status' : undefined,
        });
        return written(patchType === 'apply' && !exists ? 201 : 200, result);
      }
      case 'DELETE': {
        const raw = body.trim() === '' ? {} : objectBody();
        const policy =
          typeof raw['propagationPolicy'] === 'string'
            ? raw['propagationPolicy']
            : (q.get('propagationPolicy') ?? undefined);
        const pre = isObject(raw['preconditions']) ? raw['preconditions'] : {};
        const grace =
          typeof raw['gracePeriodSeconds'] === 'number'
            ? raw['gracePeriodSeconds']
            : q.has('gracePeriodSeconds')
              ? Number(q.get('gracePeriodSeconds'))
              : undefined;
        const deleted = this.api.delete(
          type,
          namespace,
          name,
          {
            dryRun: options.dryRun || (Array.isArray(raw['dryRun']) && raw['dryRun'].includes('All')),
            propagationPolicy: policy as 'Background' | 'Foreground' | 'Orphan' | undefined,
            preconditions: {
              resourceVersion: typeof pre['resourceVersion'] === 'string' ? pre['resourceVersion'] : undefined,
              uid: typeof pre['uid'] === 'string' ? pre['uid'] : undefined,
            },
            gracePeriodSeconds: grace,
          },
          type.kind === 'Pod',
        );
        if (metaOf(deleted).deletionTimestamp) return send(200, deleted);
        return send(200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, group: type.group, kind: type.resource, uid: metaOf(deleted).uid },
        });
      }
      default:
        return send(
          405,
          new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          ).toStatus(),
        );
    }
  }

  private select(route: Route, q: URLSearchParams): JsonObject[] {
    const labels = parseLabelSelector(q.get('labelSelector') ?? '');
    const fields = parseFieldSelector(q.get('fieldSelector') ?? '');
    return this.api.store
      .list(route.type, route.namespace)
      .filter((o) => matchesLabels(labels, metaOf(o).labels) && matchesFields(fields, o));
  }

  private list(
    route: Route,
    q: URLSearchParams,
    accept: string | undefined,
    send: (status: number, payload: Json, headers?: Record<string, string>) => void,
  ): void {
    let items = this.select(route, q);
    const listMeta: JsonObject = { resourceVersion: String(this.api.store.resourceVersion) };
    // pagination: the continue token carries the offset (the real one is opaque too)
    const limit = Number(q.get('limit') ?? '0');
    let offset = 0;
    const token = q.get('continue');
    if (token) {
      const parsed = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
      if (!parsed) throw badRequest('the provided continue parameter is invalid');
      offset = Number(parsed[1]);
    }
    if (Number.isInteger(limit) && limit > 0) {
      const page = items.slice(offset, offset + limit);
      if (offset + limit < items.length) {
        listMeta['continue'] = Buffer.from(`offset:${offset + limit}`).toString('base64');
        listMeta['remainingItemCount'] = items.length - offset - limit;
      }
      items = page;
    } else if (offset > 0) items = items.slice(offset);
    if (wantsTable(accept)) return send(200, toTable(route.type, items, listMeta));
    send(200, { kind: `${route.type.kind}List`, apiVersion: groupVersion(route.type), metadata: listMeta, items });
  }

  private watch(res: http.ServerResponse, route: Route, q: URLSearchParams, record: RecordedRequest): void {
    const labels = parseLabelSelector(q.get('labelSelector') ?? '');
    const fields = parseFieldSelector(q.get('fieldSelector') ?? '');
    const selected = (o: JsonObject): boolean =>
      (route.namespace === undefined || metaOf(o).namespace === route.namespace) &&
      matchesLabels(labels, metaOf(o).labels) &&
      matchesFields(fields, o);
    // as the watch cache does: an object entering the selection is ADDED, one leaving it DELETED
    const typeFor = (e: WatchEvent): string | undefined => {
      if (e.resource !== route.type) return undefined;
      const now = selected(e.object);
      if (e.type !== 'MODIFIED' || !e.previous) return now ? e.type : undefined;
      const before = selected(e.previous);
      if (now) return before ? 'MODIFIED' : 'ADDED';
      return before ? 'DELETED' : undefined;
    };
    record.status = 200;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders(); // a client waits for the headers before it reads events
    const write = (type: string, object: Json): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const rvText = q.get('resourceVersion');
    const rv = rvText === null || rvText === '' || rvText === '0' ? undefined : Number(rvText);
    let backlog: WatchEvent[] | undefined;
    if (rv === undefined) {
      for (const o of this.select(route, q)) write('ADDED', o);
    } else {
      backlog = this.api.store.eventsSince(rv);
      if (!backlog) {
        write(
          'ERROR',
          new ApiError(
            410,
            'Expired',
            `too old resource version: ${rv} (${this.api.store.oldestResumable})`,
          ).toStatus(),
        );
        res.end();
        return;
      }
      for (const e of backlog) {
        const type = typeFor(e);
        if (type) write(type, e.object);
      }
    }
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      unsubscribe();
      untrack();
      clearTimeout(timeout);
      clearTimeout(lifetime);
      clearInterval(bookmarks);
      res.end();
    };
    const unsubscribe = this.api.store.subscribe((e) => {
      const type = typeFor(e);
      if (type) write(type, clone(e.object));
    });
    const untrack = this.faults.trackWatch(end);
    const seconds = Number(q.get('timeoutSeconds') ?? '1800');
    const timeout = setTimeout(end, Math.max(1, seconds) * 1000);
    const lifetime =
      this.faults.watchLifetimeMs !== undefined ? setTimeout(end, this.faults.watchLifetimeMs) : undefined;
    // bookmarks keep a client's resourceVersion fresh, as the real server sends them when asked
    const bookmarks =
      q.get('allowWatchBookmarks') === 'true'
        ? setInterval(
            () =>
              write('BOOKMARK', {
                kind: route.type.kind,
                apiVersion: groupVersion(route.type),
                metadata: { resourceVersion: String(this.api.store.resourceVersion) },
              }),
            1000,
          )
        : undefined;
    // the request body is consumed already, so `req` 'close' has fired; the response's is the signal
    res.on('close', end);
    res.on('error', end); // a write racing a client that just went away
  }
}
