import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorBody, type Urls } from './objects.js';
import { githubOpenApi, matchOperation } from './openapi.js';
import type { ApiRequest, ApiResponse, RouteContext } from './route.js';
import { ROUTES } from './routes.js';
import { GitHubState } from './state.js';
import { errorBodyViolations, requestViolations, responseViolations } from './validate.js';

/** A request or response GitHub's description does not allow, or a route the double does not know. */
export interface Violation {
  method: string;
  path: string;
  operationId?: string;
  problem: string;
}

export interface RecordedGitHubRequest {
  method: string;
  path: string;
  operationId?: string;
  query: Record<string, string>;
  body: unknown;
  headers: { authorization?: string; accept?: string; apiVersion?: string; userAgent?: string };
  status: number;
}

export interface GitHubApiDoubleOptions {
  /** GITHUB_SERVER_URL for html_url fields (default https://github.com). */
  serverUrl?: string;
  /** Who each token acts as; unlisted tokens act as `github-actions[bot]`. */
  users?: Record<string, { login: string; id: number }>;
}

interface Fault {
  status: number;
  message: string;
  remaining: number;
  /** e.g. `retry-after` for a secondary rate limit. */
  headers: Record<string, string>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const BOT = { login: 'github-actions[bot]', id: 41898282 };

/**
 * A local GitHub REST API on 127.0.0.1 for tests (point GITHUB_API_URL at `url`). Every
 * request is matched to an operation of GitHub's published OpenAPI description and checked
 * (path and query parameters, JSON body); every response the double sends is checked too.
 * Anything off the description is recorded in `violations` (an unknown route also gets a
 * 404; a request off its schema a 422), so `assertNoViolations()` fails the test.
 */
export class GitHubApiDouble {
  readonly state = new GitHubState();
  readonly violations: Violation[] = [];
  readonly requests: RecordedGitHubRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly faults = new Map<string, Fault>();
  private base = '';

  constructor(private readonly options: GitHubApiDoubleOptions = {}) {
    this.server = http.createServer(
      (req, res) =>
        void this.handle(req, res).catch((error: unknown) => {
          // A defect of the double itself: recorded, so the test fails on it rather than on a hang-up.
          this.violations.push({
            method: req.method ?? '',
            path: req.url ?? '',
            problem: `the double failed: ${error instanceof Error ? error.message : String(error)}`,
          });
          res.destroy();
        }),
    );
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts listening (and loads the description, once per process); resolves to the base URL. */
  async start(): Promise<string> {
    githubOpenApi();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  get url(): string {
    return this.base;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Answers the next `times` calls of an operation with an error GitHub sends (a fork's
   * read-only token gets 403 "Resource not accessible by integration"; a secondary rate limit
   * is a 403 or 429 with a `retry-after` header).
   */
  fail(
    operationId: string,
    status: number,
    message: string,
    times = Number.POSITIVE_INFINITY,
    headers: Record<string, string> = {},
  ): void {
    this.faults.set(operationId, { status, message, remaining: times, headers });
  }

  /** Calls made to one operation, in order. */
  calls(operationId: string): RecordedGitHubRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  /** Throws, listing them, when any request or response was off GitHub's description. */
  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map(
      (v) => `${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ''}: ${v.problem}`,
    );
    throw new Error(
      `${this.violations.length} request(s) or response(s) off GitHub's OpenAPI description:\n${lines.join('\n')}`,
    );
  }

  private context(): RouteContext {
    const urls: Urls = { api: this.base, server: this.options.serverUrl ?? 'https://github.com' };
    return { state: this.state, urls, actor: (req) => this.options.users?.[req.token] ?? BOT };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const record: RecordedGitHubRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseJson(raw),
      headers: {
        authorization: header('authorization'),
        accept: header('accept'),
        apiVersion: header('x-github-api-version'),
        userAgent: header('user-agent'),
      },
      status: 0,
    };
    this.requests.push(record);
    const send = (r: ApiResponse): void => {
      record.status = r.status;
      const text = r.body === undefined ? '' : JSON.stringify(r.body);
      res.writeHead(r.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        ...r.headers,
      });
      res.end(text);
    };

    // An artifact's zip: GitHub serves it from blob storage, outside the REST description.
    const blob = method === 'GET' ? this.state.blobs.get(url.pathname) : undefined;
    if (blob) {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': blob.length }).end(blob);
      return;
    }
    const matched = matchOperation(githubOpenApi(), method, url.pathname);
    if (!('operation' in matched)) {
      this.violations.push({
        method,
        path: url.pathname,
        problem: matched.pathKnown
          ? `the description has no ${method} for this path`
          : 'no such route in the description',
      });
      send({ status: 404, body: errorBody('Not Found') });
      return;
    }
    const operationId = matched.operation.operationId;
    record.operationId = operationId;
    const violate = (problem: string): void =>
      void this.violations.push({ method, path: url.pathname, operationId, problem });

    const problems = requestViolations(matched, {
      pathParams: matched.pathParams,
      query: url.searchParams,
      contentType: header('content-type'),
      body: raw,
    });
    if (problems.length > 0) {
      problems.forEach(violate);
      send({
        status: 422,
        body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest', errors: problems },
      });
      return;
    }
    const fault = this.faults.get(operationId);
    if (fault && fault.remaining > 0) {
      fault.remaining--;
      send({ status: fault.status, body: errorBody(fault.message), headers: fault.headers });
      return;
    }
    const handler = ROUTES[operationId];
    if (!handler) {
      violate('the double does not implement this operation');
      send({ status: 501, body: errorBody('Not Implemented') });
      return;
    }
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(header('authorization') ?? '')?.[1] ?? '';
    const apiRequest: ApiRequest = {
      method,
      path: url.pathname,
      operationId,
      pathParams: matched.pathParams,
      query: url.searchParams,
      body: record.body,
      token,
    };
    const response = handler(apiRequest, this.context());
    const responseProblems = response.undeclared
      ? errorBodyViolations(response.body)
      : responseViolations(matched, response.status, response.body);
    responseProblems.forEach((p) => violate(`the double's own response: ${p}`));
    send(response);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
