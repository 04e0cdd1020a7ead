import { randomBytes } from 'node:crypto';
import { artifactJson, workflowRun, type StoredArtifact, type StoredWorkflowRun } from './actions-objects.js';
import { errorBody } from './objects.js';
import { paginate, type ApiRequest, type ApiResponse, type Handler, type RouteContext } from './route.js';
import { same } from './state.js';

/** Where the double serves an artifact's zip; GitHub redirects to blob storage on another host. */
export const BLOB_PREFIX = '/_blobs/';

const notFound = (): ApiResponse => ({ status: 404, body: errorBody('Not Found'), undeclared: true });

function inRepo(req: ApiRequest, item: { owner: string; repo: string }): boolean {
  return same(item.owner, req.pathParams['owner'] ?? '') && same(item.repo, req.pathParams['repo'] ?? '');
}

function findRun(req: ApiRequest, ctx: RouteContext): StoredWorkflowRun | undefined {
  const run = ctx.state.workflowRuns.get(Number(req.pathParams['run_id']));
  return run && inRepo(req, run) ? run : undefined;
}

function findArtifact(req: ApiRequest, ctx: RouteContext): StoredArtifact | undefined {
  const artifact = ctx.state.artifacts.get(Number(req.pathParams['artifact_id']));
  return artifact && inRepo(req, artifact) ? artifact : undefined;
}

/** One page of artifacts, newest first unless `direction=asc`, with the unpaged total. */
function artifactPage(req: ApiRequest, ctx: RouteContext, artifacts: StoredArtifact[]): ApiResponse {
  const name = req.query.get('name');
  const ascending = req.query.get('direction') === 'asc';
  const matching = artifacts
    .filter((a) => inRepo(req, a) && (name === null || a.name === name))
    .sort((a, b) => (ascending ? a.id - b.id : b.id - a.id));
  const page = paginate(
    req,
    ctx,
    matching.map((a) => artifactJson(ctx.urls, ctx.state, a, ctx.state.workflowRuns.get(a.runId))),
  );
  return { ...page, body: { total_count: matching.length, artifacts: page.body } };
}

/** GET /repos/{owner}/{repo}/actions/artifacts — every artifact, expired ones included (as GitHub lists them). */
export const listArtifacts: Handler = (req, ctx) => artifactPage(req, ctx, [...ctx.state.artifacts.values()]);

/** GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts — what actions/download-artifact asks with `run-id`. */
export const listRunArtifacts: Handler = (req, ctx) => {
  const run = findRun(req, ctx);
  if (!run) return notFound();
  return artifactPage(
    req,
    ctx,
    [...ctx.state.artifacts.values()].filter((a) => a.runId === run.id),
  );
};

/** GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id} */
export const getArtifact: Handler = (req, ctx) => {
  const a = findArtifact(req, ctx);
  return a
    ? { status: 200, body: artifactJson(ctx.urls, ctx.state, a, ctx.state.workflowRuns.get(a.runId)) }
    : notFound();
};

/**
 * GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format} — a 302 to a
 * one-off URL the double serves the zip from (no token needed, as for GitHub's signed URL); an
 * expired artifact is 410 Gone.
 */
export const downloadArtifact: Handler = (req, ctx) => {
  const a = findArtifact(req, ctx);
  if (!a || req.pathParams['archive_format'] !== 'zip') return notFound();
  if (a.expired) return { status: 410, body: errorBody('Artifact has expired') };
  const location = `${BLOB_PREFIX}${a.id}/${randomBytes(12).toString('hex')}.zip`;
  ctx.state.blobs.set(location, a.zip);
  return { status: 302, headers: { location: `${ctx.urls.api}${location}` } };
};

/** GET /repos/{owner}/{repo}/actions/runs/{run_id} */
export const getWorkflowRun: Handler = (req, ctx) => {
  const run = findRun(req, ctx);
  return run ? { status: 200, body: workflowRun(ctx.urls, ctx.state, run) } : notFound();
};

const COMPLETED_CONCLUSIONS = new Set([
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
  'stale',
]);

/** GET /repos/{owner}/{repo}/actions/runs — newest first; `status` is a status or a conclusion, as on GitHub. */
export const listWorkflowRuns: Handler = (req, ctx) => {
  const event = req.query.get('event');
  const branch = req.query.get('branch');
  const status = req.query.get('status');
  const headSha = req.query.get('head_sha');
  const actor = req.query.get('actor');
  const runs = [...ctx.state.workflowRuns.values()]
    .filter((r) => inRepo(req, r))
    .filter((r) => event === null || r.event === event)
    .filter((r) => branch === null || r.headBranch === branch)
    .filter((r) => headSha === null || r.headSha === headSha)
    .filter((r) => actor === null || r.actor.login === actor)
    .filter(
      (r) => status === null || (COMPLETED_CONCLUSIONS.has(status) ? r.conclusion === status : r.status === status),
    )
    .sort((a, b) => b.id - a.id);
  const page = paginate(
    req,
    ctx,
    runs.map((r) => workflowRun(ctx.urls, ctx.state, r)),
  );
  return { ...page, body: { total_count: runs.length, workflow_runs: page.body } };
};
