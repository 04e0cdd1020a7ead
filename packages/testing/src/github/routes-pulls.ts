import { deref, githubOpenApi, type OpenApiDocument } from './openapi.js';
import type { Handler } from './route.js';

// `GET /repos/{owner}/{repo}/pulls`: the open pull requests a test puts in `state.pulls`, as
// `pull-request-simple` objects (the smallest the description allows, with the test's values
// laid over), filtered by `head` (owner:branch) as GitHub filters them.

/** An open pull request the double lists (`state.pulls`). */
export interface OpenPull {
  number: number;
  owner: string;
  repo: string;
  headOwner: string;
  headBranch: string;
  headSha: string;
}

type Schema = Record<string, unknown>;

/** The smallest value the schema allows: required properties only, first alternative, minimum lengths. */
function sample(doc: OpenApiDocument, schema: Schema, depth: number): unknown {
  const s = deref<Schema>(doc, schema);
  if (depth > 30) return null;
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).find((v) => v !== null) ?? null;
  if (Array.isArray(s['allOf']))
    return Object.assign({}, ...(s['allOf'] as Schema[]).map((x) => sample(doc, x, depth + 1) as object));
  for (const key of ['oneOf', 'anyOf'] as const)
    if (Array.isArray(s[key])) return sample(doc, (s[key] as Schema[])[0]!, depth + 1);
  if (s['nullable'] === true) return null;
  const type = typeof s['type'] === 'string' ? s['type'] : s['properties'] ? 'object' : 'string';
  switch (type) {
    case 'object': {
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      return Object.fromEntries(
        ((s['required'] ?? []) as string[]).map((k) => [k, props[k] ? sample(doc, props[k], depth + 1) : 'x']),
      );
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    default:
      return s['format'] === 'date-time'
        ? '2026-01-01T00:00:00Z'
        : s['format'] === 'uri'
          ? 'https://example.com/x'
          : 'x';
  }
}

let template: Record<string, unknown> | undefined;

function pullRequestSimple(p: OpenPull, server: string): Record<string, unknown> {
  const doc = githubOpenApi();
  template ??= sample(doc, { $ref: '#/components/schemas/pull-request-simple' }, 0) as Record<string, unknown>;
  const t = structuredClone(template);
  const side = (base: unknown, owner: string, repo: string, ref: string, sha: string): unknown => {
    const b = base as Record<string, unknown>;
    const r = b['repo'] as Record<string, unknown>;
    const o = r['owner'] as Record<string, unknown>;
    return {
      ...b,
      ref,
      sha,
      label: `${owner}:${ref}`,
      repo: { ...r, name: repo, full_name: `${owner}/${repo}`, owner: { ...o, login: owner } },
    };
  };
  return {
    ...t,
    number: p.number,
    id: 500_000 + p.number,
    state: 'open',
    html_url: `${server}/${p.owner}/${p.repo}/pull/${p.number}`,
    head: side(t['head'], p.headOwner, p.repo, p.headBranch, p.headSha),
    base: side(t['base'], p.owner, p.repo, 'main', '0'.repeat(40)),
  };
}

/** GET /repos/{owner}/{repo}/pulls */
export const listPulls: Handler = (req, ctx) => {
  const { owner = '', repo = '' } = req.pathParams;
  const head = req.query.get('head');
  const all = ctx.state.pulls
    .filter((p) => p.owner === owner && p.repo === repo && (head === null || `${p.headOwner}:${p.headBranch}` === head))
    .map((p) => pullRequestSimple(p, ctx.urls.server));
  return { status: 200, body: all };
};
