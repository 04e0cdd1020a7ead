import { deployment, deploymentStatus, errorBody, type StoredDeployment, type StoredStatus } from './objects.js';
import { paginate, type Handler } from './route.js';
import { same } from './state.js';

/** POST /repos/{owner}/{repo}/deployments — the ref is taken as the commit (no branch table here). */
export const createDeployment: Handler = (req, ctx) => {
  const { owner = '', repo = '' } = req.pathParams;
  const b = req.body as {
    ref: string;
    task?: string;
    payload?: Record<string, unknown> | string;
    environment?: string;
    description?: string | null;
    transient_environment?: boolean;
    production_environment?: boolean;
  };
  const environment = b.environment ?? 'production';
  const stored: StoredDeployment = {
    id: ctx.state.id(),
    owner,
    repo,
    sha: /^[0-9a-f]{40}$/i.test(b.ref) ? b.ref.toLowerCase() : '0000000000000000000000000000000000000000',
    ref: b.ref,
    task: b.task ?? 'deploy',
    payload: b.payload ?? {},
    environment,
    description: b.description ?? null,
    transient: b.transient_environment ?? false,
    production: b.production_environment ?? environment === 'production',
    createdAt: ctx.state.now(),
    creator: ctx.actor(req),
  };
  ctx.state.deployments.set(stored.id, stored);
  return { status: 201, body: deployment(ctx.urls, stored) };
};

/** GET /repos/{owner}/{repo}/deployments — newest first, filtered by sha, ref, task, environment. */
export const listDeployments: Handler = (req, ctx) => {
  const { owner = '', repo = '' } = req.pathParams;
  const filters = (['sha', 'ref', 'task', 'environment'] as const)
    .map((k) => [k, req.query.get(k)] as const)
    .filter(([, v]) => v !== null && v !== 'none');
  const all = [...ctx.state.deployments.values()]
    .filter((d) => same(d.owner, owner) && same(d.repo, repo))
    .filter((d) => filters.every(([k, v]) => d[k] === v))
    .sort((a, b) => b.id - a.id)
    .map((d) => deployment(ctx.urls, d));
  return paginate(req, ctx, all);
};

function findDeployment(
  pathParams: Record<string, string>,
  deployments: Map<number, StoredDeployment>,
): StoredDeployment | undefined {
  const d = deployments.get(Number(pathParams['deployment_id']));
  return d && same(d.owner, pathParams['owner'] ?? '') && same(d.repo, pathParams['repo'] ?? '') ? d : undefined;
}

/** GET /repos/{owner}/{repo}/deployments/{deployment_id} */
export const getDeployment: Handler = (req, ctx) => {
  const d = findDeployment(req.pathParams, ctx.state.deployments);
  return d ? { status: 200, body: deployment(ctx.urls, d) } : { status: 404, body: errorBody('Not Found') };
};

/**
 * POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses — `auto_inactive` (default true)
 * retires earlier successes in the environment.
 */
export const createDeploymentStatus: Handler = (req, ctx) => {
  const d = findDeployment(req.pathParams, ctx.state.deployments);
  if (!d) return { status: 404, body: errorBody('Not Found'), undeclared: true };
  const b = req.body as {
    state: string;
    target_url?: string;
    log_url?: string;
    description?: string;
    environment?: string;
    environment_url?: string;
    auto_inactive?: boolean;
  };
  const status: StoredStatus = {
    id: ctx.state.id(),
    deployment: d,
    state: b.state,
    description: b.description ?? '',
    environment: b.environment ?? d.environment,
    targetUrl: b.log_url ?? b.target_url ?? '',
    logUrl: b.log_url ?? b.target_url ?? '',
    environmentUrl: b.environment_url ?? '',
    createdAt: ctx.state.now(),
    creator: ctx.actor(req),
  };
  if (b.environment !== undefined) d.environment = b.environment;
  if (b.state === 'success' && b.auto_inactive !== false) {
    for (const other of ctx.state.deployments.values()) {
      if (
        other === d ||
        other.environment !== d.environment ||
        !same(other.owner, d.owner) ||
        !same(other.repo, d.repo)
      )
        continue;
      const latest = ctx.state.statuses.filter((s) => s.deployment === other).at(-1);
      if (latest?.state === 'success')
        ctx.state.statuses.push({ ...latest, id: ctx.state.id(), state: 'inactive', createdAt: ctx.state.now() });
    }
  }
  ctx.state.statuses.push(status);
  const json = deploymentStatus(ctx.urls, status);
  return { status: 201, body: json, headers: { location: String(json['url']) } };
};

/** GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses — newest first. */
export const listDeploymentStatuses: Handler = (req, ctx) => {
  const d = findDeployment(req.pathParams, ctx.state.deployments);
  if (!d) return { status: 404, body: errorBody('Not Found') };
  const all = ctx.state.statuses
    .filter((s) => s.deployment === d)
    .sort((a, b) => b.id - a.id)
    .map((s) => deploymentStatus(ctx.urls, s));
  return paginate(req, ctx, all);
};
