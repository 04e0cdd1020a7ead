// `GET /repos/{owner}/{repo}/pulls` for the GitHub API double, which does not implement the
// pulls operations: registered into its route table from here, so the workflow_run comment
// mode can be tested end to end. The answer is checked against GitHub's description like
// every other (a `pull-request-simple` list). Belongs in packages/testing/src/github/routes.ts.
import { deref, githubOpenApi, type OpenApiDocument } from '../../../packages/testing/lib/github/openapi.js';
import type { Handler } from '../../../packages/testing/lib/github/route.js';
import { ROUTES } from '../../../packages/testing/lib/github/routes.js';

/** An open pull request the double lists. */
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
  if (Array.isArray(s['allOf'])) return Object.assign({}, ...(s['allOf'] as Schema[]).map((x) => sample(doc, x, depth + 1) as object));
  for (const key of ['oneOf', 'anyOf'] as const)
    if (Array.isArray(s[key])) return sample(doc, (s[key] as Schema[])[0]!, depth + 1);
  if (s['nullable'] === true) return null;
  const type = typeof s['type'] === 'string' ? s['type'] : s['properties'] ? 'object' : 'string';
  switch (type) {
    case 'object': {
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      return Object.fromEntries(((s['required'] ?? []) as string[]).map((k) => [k, props[k] ? sample(doc, props[k], depth + 1) : 'x']));
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    default:
      return s['format'] === 'date-time' ? '2026-01-01T00:00:00Z' : s['format'] === 'uri' ? 'https://example.com/x' : 'x';
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
    return { ...b, ref, sha, label: `${owner}:${ref}`, repo: { ...r, name: repo, full_name: `${owner}/${repo}`, owner: { ...o, login: owner } } };
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

/** Serves `pulls` to every double in this process: open pull requests filtered by `head` (owner:branch). */
export function servePulls(pulls: OpenPull[]): void {
  const list: Handler = (req, ctx) => {
    const { owner = '', repo = '' } = req.pathParams;
    const head = req.query.get('head');
    const all = pulls
      .filter((p) => p.owner === owner && p.repo === repo && (head === null || `${p.headOwner}:${p.headBranch}` === head))
      .map((p) => pullRequestSimple(p, ctx.urls.server));
    return { status: 200, body: all };
  };
  (ROUTES as Record<string, Handler>)['pulls/list'] = list;
}
