import { createRequire } from 'node:module';

/**
 * GitHub's published REST description for api.github.com (npm `@octokit/openapi`, pinned in
 * package.json): the routes the double answers and the schemas every request and response is
 * checked against. Loaded on first use: 13 MB of JSON that most test files never need.
 */

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
  'x-multi-segment'?: boolean;
}

type Ref = { $ref: string };

export interface MediaObject {
  schema?: Record<string, unknown>;
}

export interface OperationObject {
  operationId: string;
  parameters?: Array<ParameterObject | Ref>;
  requestBody?: { required?: boolean; content: Record<string, MediaObject> } | Ref;
  responses: Record<string, { content?: Record<string, MediaObject>; headers?: Record<string, unknown> } | Ref>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, OperationObject>>;
  components: Record<string, Record<string, unknown>>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

let loaded: OpenApiDocument | undefined;

export function githubOpenApi(): OpenApiDocument {
  loaded ??= createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as OpenApiDocument;
  return loaded;
}

/** Follows a local `#/components/…` reference (parameters, responses and request bodies are often one). */
export function deref<T>(doc: OpenApiDocument, value: T | Ref): T {
  let current: unknown = value;
  for (let hops = 0; hops < 16 && isRef(current); hops++) current = resolvePointer(doc, current.$ref);
  if (isRef(current)) throw new Error(`reference loop at ${current.$ref}`);
  return current as T;
}

function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && typeof (value as Ref).$ref === 'string';
}

function resolvePointer(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined) throw new Error(`unresolvable reference ${ref}`);
  }
  return node;
}

/** A JSON pointer into the description, as Ajv takes it after the document's id. */
export function pointer(...segments: string[]): string {
  return `#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export interface MatchedOperation {
  method: string;
  template: string;
  operation: OperationObject;
  pathParams: Record<string, string>;
}

interface CompiledPath {
  template: string;
  regex: RegExp;
  names: string[];
  literals: number;
}

let compiled: CompiledPath[] | undefined;

/**
 * Path templates as regular expressions, most literal segments first (`/issues/comments` before
 * `/issues/{issue_number}`).
 */
function compiledPaths(doc: OpenApiDocument): CompiledPath[] {
  if (compiled) return compiled;
  const out: CompiledPath[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const names: string[] = [];
    let literals = 0;
    const multi = new Set<string>();
    for (const op of Object.values(item)) {
      for (const p of op.parameters ?? []) {
        const param = deref<ParameterObject>(doc, p);
        if (param.in === 'path' && param['x-multi-segment']) multi.add(param.name);
      }
    }
    const source = template
      .split('/')
      .map((segment) => {
        const m = /^\{([^}]+)\}$/.exec(segment);
        if (!m) {
          if (segment !== '') literals++;
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }
        names.push(m[1]!);
        return multi.has(m[1]!) ? '(.+)' : '([^/]+)';
      })
      .join('/');
    out.push({ template, regex: new RegExp(`^${source}$`), names, literals });
  }
  compiled = out.sort((a, b) => b.literals - a.literals);
  return compiled;
}

/** The operation GitHub's description has for this method and path, or undefined. */
export function matchOperation(
  doc: OpenApiDocument,
  method: string,
  path: string,
): MatchedOperation | { pathKnown: boolean } {
  const lower = method.toLowerCase();
  let pathKnown = false;
  for (const c of compiledPaths(doc)) {
    const m = c.regex.exec(path);
    if (!m) continue;
    pathKnown = true;
    const operation = doc.paths[c.template]?.[lower];
    if (!operation || !(HTTP_METHODS as readonly string[]).includes(lower)) continue;
    const pathParams: Record<string, string> = {};
    c.names.forEach((name, i) => (pathParams[name] = decodeURIComponent(m[i + 1]!)));
    return { method: lower, template: c.template, operation, pathParams };
  }
  return { pathKnown };
}
