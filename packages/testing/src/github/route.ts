import type { Urls } from './objects.js';
import type { GitHubState } from './state.js';

export interface ApiRequest {
  method: string;
  /** The URL path below the double's base, e.g. `/repos/o/r/issues/7/comments`. */
  path: string;
  operationId: string;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** The token from the Authorization header ('' without one). */
  token: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * A status GitHub sends that its description leaves out for the operation (a 403 for a
   * fork's token, a 404 for a deleted comment): only the body is checked, as `basic-error`.
   */
  undeclared?: boolean;
}

export interface RouteContext {
  state: GitHubState;
  urls: Urls;
  /** The user a token acts as (`github-actions[bot]` unless the test maps it). */
  actor(req: ApiRequest): { login: string; id: number };
}

export type Handler = (req: ApiRequest, ctx: RouteContext) => ApiResponse;

const MAX_PER_PAGE = 100;

/** One page of `items` by `per_page`/`page`, with GitHub's Link header (first, prev, next, last). */
export function paginate(req: ApiRequest, ctx: RouteContext, items: unknown[]): ApiResponse {
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (n: number): string => {
    const q = new URLSearchParams(req.query);
    q.set('per_page', String(perPage));
    q.set('page', String(n));
    return `<${ctx.urls.api}${req.path}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${pageUrl(1)}; rel="first"`, `${pageUrl(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`);
  const body = items.slice((page - 1) * perPage, page * perPage);
  return { status: 200, body, ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}) };
}
