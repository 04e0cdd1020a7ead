import { validEvent, webhookSchema } from './webhooks.js';

/**
 * The smallest payload GitHub's webhook schema allows for an event, with the test's own values
 * laid over it, checked by validEvent: a `pull_request` event needs a full pull request and
 * repository object (hundreds of required fields), which no test wants to spell out.
 */

type Schema = Record<string, unknown>;
type Resolve = (ref: string) => Schema;

const MAX_DEPTH = 40;

function stringFor(s: Schema): string {
  switch (s['format']) {
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'uri':
      return 'https://example.com/x';
    case 'uri-template':
      return 'https://example.com/x{/y}';
    case 'email':
      return 'octocat@example.com';
    default: {
      const min = typeof s['minLength'] === 'number' ? s['minLength'] : 1;
      return 'x'.repeat(Math.max(1, min));
    }
  }
}

function sample(schema: Schema, resolve: Resolve, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema['$ref'] === 'string') return sample(resolve(schema['$ref']), resolve, depth + 1);
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'].find((v) => v !== null) ?? null;
  if (Array.isArray(schema['allOf'])) {
    return Object.assign({}, ...(schema['allOf'] as Schema[]).map((s) => sample(s, resolve, depth + 1) as object));
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alternatives = schema[key];
    if (Array.isArray(alternatives) && alternatives.length > 0) {
      const nullable = (alternatives as Schema[]).find((s) => s['type'] === 'null');
      return nullable ? null : sample(alternatives[0] as Schema, resolve, depth + 1);
    }
  }
  const types = Array.isArray(schema['type'])
    ? (schema['type'] as string[])
    : typeof schema['type'] === 'string'
      ? [schema['type']]
      : [];
  if (types.includes('null')) return null;
  const type = types[0] ?? (schema['properties'] ? 'object' : 'string');
  switch (type) {
    case 'object': {
      const props = (schema['properties'] ?? {}) as Record<string, Schema>;
      const out: Record<string, unknown> = {};
      for (const name of (schema['required'] ?? []) as string[])
        out[name] = props[name] ? sample(props[name], resolve, depth + 1) : 'x';
      return out;
    }
    case 'array': {
      const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      return Array.from({ length: min }, () => sample((schema['items'] ?? {}) as Schema, resolve, depth + 1));
    }
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 1;
    case 'boolean':
      return false;
    default:
      return stringFor(schema);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays too) is replaced by the override. */
function overlay(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(base[k], v);
  return out;
}

/**
 * A payload for `name` (e.g. `pull_request` with `{ action: 'synchronize', … }`) that GitHub's
 * webhook schema accepts: the schema's minimum, then `overrides`. Throws when the result
 * does not validate (an override of the wrong shape).
 */
export function sampleEvent(name: string, overrides: Record<string, unknown>): Record<string, unknown> {
  const { schema, resolve } = webhookSchema(name, overrides);
  const payload = overlay(sample(schema, resolve, 0), overrides) as Record<string, unknown>;
  return validEvent(name, payload);
}
