import { createHash } from 'node:crypto';
import { repoApi } from './objects.js';
import type { ApiRequest, ApiResponse, Handler, RouteContext } from './route.js';
import { same, type StoredAttestation } from './state.js';

const MAX_PER_PAGE = 100;

interface Statement {
  subject?: Array<{ digest?: Record<string, string> }>;
  predicateType?: string;
}

/** The subjects a bundle attests: the in-toto statement's digests, or a message signature's digest. */
export function bundleSubjects(bundle: Record<string, unknown>): {
  digests: string[];
  predicateType: string | undefined;
} {
  const envelope = bundle['dsseEnvelope'] as { payload?: unknown } | undefined;
  if (typeof envelope?.payload === 'string') {
    let statement: Statement;
    try {
      statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
    } catch {
      return { digests: [], predicateType: undefined };
    }
    const digests = (statement.subject ?? []).flatMap((s) =>
      Object.entries(s.digest ?? {}).map(([alg, hex]) => `${alg}:${hex.toLowerCase()}`),
    );
    return { digests, predicateType: statement.predicateType };
  }
  const message = bundle['messageSignature'] as { messageDigest?: { algorithm?: string; digest?: string } } | undefined;
  const digest = message?.messageDigest;
  if (digest?.algorithm === 'SHA2_256' && typeof digest.digest === 'string') {
    return { digests: [`sha256:${Buffer.from(digest.digest, 'base64').toString('hex')}`], predicateType: undefined };
  }
  return { digests: [], predicateType: undefined };
}

/** POST /repos/{owner}/{repo}/attestations */
export const createAttestation: Handler = (req, ctx) => {
  const { owner = '', repo = '' } = req.pathParams;
  const bundle = (req.body as { bundle: Record<string, unknown> }).bundle;
  const { digests, predicateType } = bundleSubjects(bundle);
  if (digests.length === 0) {
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        documentation_url: 'https://docs.github.com/rest/repos/attestations',
        errors: ['the bundle attests no subject digest'],
      },
    };
  }
  const stored: StoredAttestation = {
    id: ctx.state.id(),
    owner,
    repo,
    repositoryId: ctx.state.repositoryId(owner, repo),
    bundle,
    digests,
    predicateType,
  };
  ctx.state.attestations.push(stored);
  return { status: 201, body: { id: stored.id } };
};

function listed(req: ApiRequest, ctx: RouteContext, matches: StoredAttestation[]): ApiResponse {
  const predicate = req.query.get('predicate_type');
  const kept = predicate === null ? matches : matches.filter((a) => a.predicateType === predicate);
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  // Cursor pagination as GitHub does it for attestations: `after` is an opaque cursor (here the index).
  const start = Math.max(0, Number(req.query.get('after') ?? 0) || 0);
  const page = kept.slice(start, start + perPage);
  const attestations = page.map((a) => ({
    bundle: a.bundle,
    repository_id: a.repositoryId,
    bundle_url: `${repoApi(ctx.urls, a.owner, a.repo)}/attestations/${a.id}/bundle`,
  }));
  const headers: Record<string, string> = {};
  if (start + perPage < kept.length) {
    const q = new URLSearchParams(req.query);
    q.set('per_page', String(perPage));
    q.set('after', String(start + perPage));
    headers['link'] = `<${ctx.urls.api}${req.path}?${q.toString()}>; rel="next"`;
  }
  return { status: 200, body: { attestations }, headers };
}

/** GET /repos/{owner}/{repo}/attestations/{subject_digest} */
export const listRepoAttestations: Handler = (req, ctx) => {
  const { owner = '', repo = '', subject_digest = '' } = req.pathParams;
  const digest = subject_digest.toLowerCase();
  return listed(
    req,
    ctx,
    ctx.state.attestations.filter((a) => same(a.owner, owner) && same(a.repo, repo) && a.digests.includes(digest)),
  );
};

/** GET /orgs/{org}/attestations/{subject_digest} */
export const listOrgAttestations: Handler = (req, ctx) => {
  const { org = '', subject_digest = '' } = req.pathParams;
  const digest = subject_digest.toLowerCase();
  return listed(
    req,
    ctx,
    ctx.state.attestations.filter((a) => same(a.owner, org) && a.digests.includes(digest)),
  );
};

/** The SHA-256 of bytes as the API names it (`sha256:<hex>`), for tests. */
export function subjectDigest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
