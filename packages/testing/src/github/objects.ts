/**
 * The JSON objects the double answers with, shaped as GitHub's description requires them
 * (every `required` property present, `format: uri` fields real URLs), so the response checks
 * hold for what the double itself sends.
 */

export interface Urls {
  /** The double's own base URL (what GITHUB_API_URL points at). */
  api: string;
  /** GITHUB_SERVER_URL for html_url fields. */
  server: string;
}

export function simpleUser(urls: Urls, login: string, id: number): Record<string, unknown> {
  const url = `${urls.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `${urls.server}/avatars/u/${id}`,
    gravatar_id: '',
    url,
    html_url: `${urls.server}/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

export function repoApi(urls: Urls, owner: string, repo: string): string {
  return `${urls.api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

export interface StoredComment {
  id: number;
  owner: string;
  repo: string;
  issue: number;
  body: string;
  author: { login: string; id: number };
  createdAt: string;
  updatedAt: string;
}

export function issueComment(urls: Urls, c: StoredComment): Record<string, unknown> {
  const api = repoApi(urls, c.owner, c.repo);
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${urls.server}/${encodeURIComponent(c.owner)}/${encodeURIComponent(c.repo)}/pull/${c.issue}#issuecomment-${c.id}`,
    body: c.body,
    user: simpleUser(urls, c.author.login, c.author.id),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${api}/issues/${c.issue}`,
    author_association: 'NONE',
    performed_via_github_app: null,
  };
}

export interface StoredDeployment {
  id: number;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  environment: string;
  description: string | null;
  transient: boolean;
  production: boolean;
  createdAt: string;
  creator: { login: string; id: number };
}

export function deployment(urls: Urls, d: StoredDeployment): Record<string, unknown> {
  const api = repoApi(urls, d.owner, d.repo);
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: simpleUser(urls, d.creator.login, d.creator.id),
    created_at: d.createdAt,
    updated_at: d.createdAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: d.transient,
    production_environment: d.production,
    performed_via_github_app: null,
  };
}

export interface StoredStatus {
  id: number;
  deployment: StoredDeployment;
  state: string;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  createdAt: string;
  creator: { login: string; id: number };
}

export function deploymentStatus(urls: Urls, s: StoredStatus): Record<string, unknown> {
  const api = repoApi(urls, s.deployment.owner, s.deployment.repo);
  return {
    url: `${api}/deployments/${s.deployment.id}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state,
    creator: simpleUser(urls, s.creator.login, s.creator.id),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${s.deployment.id}`,
    repository_url: api,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
    performed_via_github_app: null,
  };
}

/** GitHub's error body (`basic-error`). */
export function errorBody(message: string, docs = 'https://docs.github.com/rest'): Record<string, unknown> {
  return { message, documentation_url: docs };
}
