import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Event payloads checked against GitHub's webhook descriptions (npm `@octokit/openapi-webhooks`,
 * pinned): a test's `pull_request` or `merge_group` event is one GitHub could send. The
 * description is OpenAPI 3.1 (JSON Schema 2020-12: `type: [..., "null"]`), hence Ajv2020.
 */

interface WebhooksDocument {
  webhooks: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } } }>;
}

const DOC_ID = 'webhooks.api.github.com';

let ajv: Ajv2020 | undefined;
let doc: WebhooksDocument | undefined;
const compiled = new Map<string, ValidateFunction>();

function load(): { ajv: Ajv2020; doc: WebhooksDocument } {
  if (!ajv || !doc) {
    doc = createRequire(import.meta.url)('@octokit/openapi-webhooks/generated/api.github.com.json') as WebhooksDocument;
    ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    ajv.addSchema(doc, DOC_ID);
  }
  return { ajv, doc };
}

/**
 * The description's key for an event: `merge_group` with action `checks_requested` is
 * `merge-group-checks-requested`.
 */
export function webhookKey(name: string, payload: Record<string, unknown>): string {
  const { doc } = load();
  const base = name.replace(/_/g, '-');
  const action = typeof payload['action'] === 'string' ? `${base}-${payload['action'].replace(/_/g, '-')}` : undefined;
  if (action !== undefined && doc.webhooks[action]) return action;
  if (doc.webhooks[base]) return base;
  throw new Error(
    `GitHub's webhook description has no event '${name}'${action === undefined ? '' : ` (nor '${action}')`}`,
  );
}

/** Problems with a payload (empty when GitHub could send it). */
export function eventViolations(name: string, payload: Record<string, unknown>): string[] {
  const key = webhookKey(name, payload);
  const { ajv } = load();
  let fn = compiled.get(key);
  if (!fn) {
    const ref = `${DOC_ID}#/webhooks/${key}/post/requestBody/content/application~1json/schema`;
    fn = ajv.compile({ $ref: ref });
    compiled.set(key, fn);
  }
  if (fn(payload)) return [];
  return (fn.errors ?? []).slice(0, 20).map((e) => `${key}${e.instancePath} ${e.message ?? e.keyword}`);
}

/** The payload, when GitHub's webhook schema for the event allows it; throws listing what is wrong otherwise. */
export function validEvent<T extends Record<string, unknown>>(name: string, payload: T): T {
  const problems = eventViolations(name, payload);
  if (problems.length > 0)
    throw new Error(`the '${name}' event payload does not match GitHub's webhook schema:\n${problems.join('\n')}`);
  return payload;
}

/** The event's payload schema and a resolver for its `#/components/…` references. */
export function webhookSchema(
  name: string,
  payload: Record<string, unknown>,
): { schema: Record<string, unknown>; resolve: (ref: string) => Record<string, unknown> } {
  const key = webhookKey(name, payload);
  const { doc } = load();
  const schema = doc.webhooks[key]?.post?.requestBody?.content?.['application/json']?.schema as Record<string, unknown>;
  const resolve = (ref: string): Record<string, unknown> => {
    let node: unknown = doc;
    for (const part of ref.replace(/^#\//, '').split('/'))
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (typeof node !== 'object' || node === null) throw new Error(`unresolvable reference ${ref}`);
    return node as Record<string, unknown>;
  };
  return { schema, resolve };
}
