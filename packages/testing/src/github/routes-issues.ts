import { errorBody, issueComment } from './objects.js';
import { paginate, type Handler } from './route.js';
import { same } from './state.js';

/**
 * GET /repos/{owner}/{repo}/issues/{issue_number}/comments — oldest first, `per_page` (max 100) and
 * `page`, Link header.
 */
export const listComments: Handler = (req, ctx) => {
  const { owner = '', repo = '', issue_number = '' } = req.pathParams;
  const all = ctx.state.commentsOn(owner, repo, Number(issue_number)).map((c) => issueComment(ctx.urls, c));
  return paginate(req, ctx, all);
};

/** POST /repos/{owner}/{repo}/issues/{issue_number}/comments */
export const createComment: Handler = (req, ctx) => {
  const { owner = '', repo = '', issue_number = '' } = req.pathParams;
  const body = req.body as { body: string };
  const at = ctx.state.now();
  const stored = {
    id: ctx.state.id(),
    owner,
    repo,
    issue: Number(issue_number),
    body: body.body,
    author: ctx.actor(req),
    createdAt: at,
    updatedAt: at,
  };
  ctx.state.comments.set(stored.id, stored);
  const json = issueComment(ctx.urls, stored);
  return { status: 201, body: json, headers: { location: String(json['url']) } };
};

/** PATCH /repos/{owner}/{repo}/issues/comments/{comment_id} — only the comment's author may edit it, as on GitHub. */
export const updateComment: Handler = (req, ctx) => {
  const { owner = '', repo = '', comment_id = '' } = req.pathParams;
  const stored = ctx.state.comments.get(Number(comment_id));
  if (!stored || !same(stored.owner, owner) || !same(stored.repo, repo))
    return { status: 404, body: errorBody('Not Found'), undeclared: true };
  if (stored.author.login !== ctx.actor(req).login)
    return { status: 403, body: errorBody('Resource not accessible by integration'), undeclared: true };
  stored.body = (req.body as { body: string }).body;
  stored.updatedAt = ctx.state.now();
  return { status: 200, body: issueComment(ctx.urls, stored) };
};

/** GET /repos/{owner}/{repo}/issues/comments/{comment_id} */
export const getComment: Handler = (req, ctx) => {
  const { owner = '', repo = '', comment_id = '' } = req.pathParams;
  const stored = ctx.state.comments.get(Number(comment_id));
  if (!stored || !same(stored.owner, owner) || !same(stored.repo, repo))
    return { status: 404, body: errorBody('Not Found') };
  return { status: 200, body: issueComment(ctx.urls, stored) };
};
