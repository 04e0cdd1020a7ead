import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import {
  deref,
  githubOpenApi,
  type MatchedOperation,
  type OpenApiDocument,
  type ParameterObject,
  pointer,
} from './openapi.js';

/**
 * Request and response checks against GitHub's OpenAPI 3.0 description. Ajv (draft-07) takes
 * 3.0's `nullable` as a keyword; the rest of the description's extensions (`x-github`,
 * `example`, `discriminator`) are annotations, so strict mode is off. Every schema is compiled
 * from a JSON pointer into the one registered document, so `$ref: #/components/…` resolves.
 */

const DOC_ID = 'api.github.com';

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validator(ref: string): ValidateFunction {
  let fn = compiled.get(ref);
  if (!fn) {
    if (!ajv) {
      ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
      addFormats.default(ajv);
      // GitHub sends '' for unset URL fields the description marks `format: uri` (a deployment status's log_url).
      const uri = fullFormats.uri as (value: string) => boolean;
      ajv.addFormat('uri', (value: string) => value === '' || uri(value));
      // GitHub's own formats: free-form strings in practice.
      ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
      ajv.addFormat('timestamp', true);
      ajv.addSchema(typelessNullable(githubOpenApi()), DOC_ID);
    }
    fn = ajv.compile({ $ref: `${DOC_ID}${ref}` });
    compiled.set(ref, fn);
  }
  return fn;
}

/**
 * Ajv takes `nullable` only beside `type`; the description also puts it beside `allOf`/`$ref`
 * alone. Those become `anyOf: [schema, {type: 'null'}]`, which means the same in 3.0.
 */
function typelessNullable<T>(node: T): T {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      stack.push(...(current as unknown[]));
      continue;
    }
    const obj = current as Record<string, unknown>;
    if (typeof obj['nullable'] === 'boolean' && !('type' in obj)) {
      const nullable = obj['nullable'];
      Reflect.deleteProperty(obj, 'nullable');
      if (nullable) {
        const rest = { ...obj };
        for (const key of Object.keys(obj)) Reflect.deleteProperty(obj, key);
        obj['anyOf'] = [rest, { type: 'null' }];
      }
    }
    stack.push(...Object.values(obj));
  }
  return node;
}

function describeErrors(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? [])
    .slice(0, 20)
    .map(
      (e) =>
        `${where}${e.instancePath || ''} ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : ''}`,
    );
}

/** A parameter's JSON pointer: through its `$ref` when it has one, so shared parameters compile once. */
function parameters(doc: OpenApiDocument, m: MatchedOperation): Array<{ param: ParameterObject; schemaRef: string }> {
  return (m.operation.parameters ?? []).map((p, i) => ({
    param: deref<ParameterObject>(doc, p),
    schemaRef:
      '$ref' in p ? `${p.$ref}/schema` : pointer('paths', m.template, m.method, 'parameters', String(i), 'schema'),
  }));
}

/** A query or path value as its schema's type: `per_page=100` is the integer 100. */
function coerce(value: string, schema: Record<string, unknown> | undefined): unknown {
  const type = schema?.['type'];
  if ((type === 'integer' || type === 'number') && value.trim() !== '' && !Number.isNaN(Number(value)))
    return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (type === 'array') return value.split(',');
  return value;
}

export interface RequestParts {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  contentType: string | undefined;
  body: string;
}

/** What is wrong with a request by the description's rules (empty when it is allowed). */
export function requestViolations(m: MatchedOperation, r: RequestParts): string[] {
  const doc = githubOpenApi();
  const out: string[] = [];
  const params = parameters(doc, m);
  const declaredQuery = new Set(params.filter((p) => p.param.in === 'query').map((p) => p.param.name));
  for (const key of new Set(r.query.keys()))
    if (!declaredQuery.has(key)) out.push(`query parameter '${key}' is not in the description`);
  for (const { param, schemaRef } of params) {
    if (param.in !== 'path' && param.in !== 'query') continue;
    const raw = param.in === 'path' ? r.pathParams[param.name] : (r.query.get(param.name) ?? undefined);
    if (raw === undefined) {
      if (param.required) out.push(`${param.in} parameter '${param.name}' is required`);
      continue;
    }
    if (!param.schema) continue;
    const fn = validator(schemaRef);
    if (!fn(coerce(raw, param.schema))) out.push(...describeErrors(fn.errors, `${param.in} parameter '${param.name}'`));
  }

  const bodySpec = m.operation.requestBody === undefined ? undefined : deref(doc, m.operation.requestBody);
  const hasBody = r.body.trim() !== '';
  if (!bodySpec) {
    if (hasBody) out.push('the operation takes no request body');
    return out;
  }
  if (!hasBody) {
    if (bodySpec.required) out.push('a request body is required');
    return out;
  }
  const type = (r.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!bodySpec.content['application/json'])
    return [...out, `only ${Object.keys(bodySpec.content).join(', ')} bodies are checked by the double`];
  if (type !== 'application/json') return [...out, `request body content type '${type}' is not application/json`];
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    return [...out, 'the request body is not JSON'];
  }
  const bodyBase =
    '$ref' in m.operation.requestBody!
      ? m.operation.requestBody.$ref
      : pointer('paths', m.template, m.method, 'requestBody');
  const fn = validator(`${bodyBase}${pointer('content', 'application/json', 'schema').slice(1)}`);
  if (!fn(body)) out.push(...describeErrors(fn.errors, 'request body'));
  return out;
}

/** What is wrong with a response by the description: an undeclared status, or a body off its schema. */
export function responseViolations(m: MatchedOperation, status: number, body: unknown): string[] {
  const doc = githubOpenApi();
  const declared = m.operation.responses[String(status)] ?? m.operation.responses['default'];
  if (!declared)
    return [`response status ${status} is not in the description (${Object.keys(m.operation.responses).join(', ')})`];
  const base =
    '$ref' in declared
      ? declared.$ref
      : pointer(
          'paths',
          m.template,
          m.method,
          'responses',
          m.operation.responses[String(status)] ? String(status) : 'default',
        );
  const content = deref(doc, declared).content;
  if (!content?.['application/json']?.schema)
    return body === undefined ? [] : [`response ${status} has a body the description does not declare`];
  const fn = validator(`${base}${pointer('content', 'application/json', 'schema').slice(1)}`);
  return fn(body) ? [] : describeErrors(fn.errors, `response ${status} body`);
}

/** An error body GitHub sends for a status the operation's description leaves out: checked as `basic-error`. */
export function errorBodyViolations(body: unknown): string[] {
  const fn = validator('#/components/schemas/basic-error');
  return fn(body) ? [] : describeErrors(fn.errors, 'error body');
}
