import {
  code,
  errorMessage,
  info,
  link,
  maskSecret,
  notice,
  Summary,
  TrustedHtml,
  warning,
} from '@spikeformer-actions/core';
import {
  commentErrorText,
  errorStatus,
  type EventPayload,
  headShaOf,
  pullRequestNumberOf,
  readEvent,
  upsertPullRequestComment,
} from '@spikeformer-actions/core/github';
import type { Analysis } from './analyse.js';

/** This action's comment marker; one comment per pull request, updated in place. */
export const COMMENT_MARKER = '<!-- spikeformer-actions/quality-gate -->';
const MAX_FILES = 20;
const MAX_RANGES_PER_FILE = 10;

/** Where the comment's links point: the repository's files at the commit under test, and the run. */
export interface CommentLinks {
  /** GITHUB_SERVER_URL (credentials removed). */
  server: string;
  /** owner/name. */
  repository: string;
  /** The commit the uncovered lines are in. */
  sha: string;
  /** The workflow run's page, when known. */
  runUrl?: string;
}

/** A file and line range on GitHub, every path segment encoded (paths come from the diff). */
export function blobUrl(l: CommentLinks, file: string, start: number, end: number): string {
  const segments = file.split('/').map(encodeURIComponent).join('/');
  return `${l.server}/${l.repository}/blob/${l.sha}/${segments}#L${start}${end > start ? `-L${end}` : ''}`;
}

function pct(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}%`;
}

/**
 * The PR comment: verdict, failed conditions, changed-line coverage with each uncovered
 * range linked to its lines, and the test failure count. Short by design; the job summary
 * has the rest. Every untrusted string is escaped by Summary (HTML renders in comments).
 */
export function commentBody(a: Analysis, l: CommentLinks): string {
  const s = new Summary();
  s.raw(new TrustedHtml(COMMENT_MARKER));
  s.heading(`Quality gate: ${a.status === 'passed' ? 'passed ✅' : 'failed ❌'}`, 3);
  const failed = a.conditions.filter((c) => c.verdict === 'fail');
  if (failed.length > 0)
    s.table(
      ['Failed condition', 'Value', 'Threshold'],
      failed.map((c) => [c.metric, c.shown, c.threshold]),
    );
  const facts: Array<string | TrustedHtml> = [];
  if (a.diff)
    facts.push(
      `Changed-line coverage ${pct(a.diff.percent)} (${a.diff.covered}/${a.diff.measured} executable changed lines)`,
    );
  else if (a.noDiffReason) facts.push(`No changed-line coverage: ${a.noDiffReason}`);
  if (a.coverage) facts.push(`Line coverage ${pct(a.coverage.percent)}`);
  if (a.tests) facts.push(`Tests: ${a.tests.failed + a.tests.errors} failed of ${a.tests.total}`);
  if (facts.length > 0) s.list(facts);
  const uncovered = a.diff?.files.filter((f) => f.uncoveredRanges.length > 0) ?? [];
  if (uncovered.length > 0) {
    const items = uncovered.slice(0, MAX_FILES).map((f) => {
      const ranges = f.uncoveredRanges
        .slice(0, MAX_RANGES_PER_FILE)
        .map(
          (r) =>
            link(r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`, blobUrl(l, f.path, r.start, r.end)).html,
        );
      const more =
        f.uncoveredRanges.length > MAX_RANGES_PER_FILE
          ? ` … ${f.uncoveredRanges.length - MAX_RANGES_PER_FILE} more`
          : '';
      return new TrustedHtml(`${code(f.path).html}: ${ranges.join(', ')}${more}`);
    });
    const body = new Summary().list(items);
    if (uncovered.length > MAX_FILES) body.paragraph(`… and ${uncovered.length - MAX_FILES} more files.`);
    s.details(`Uncovered changed lines (${uncovered.length} files)`, body, a.status === 'failed');
  }
  if (l.runUrl) s.paragraph(link('Details in the job summary', l.runUrl));
  return s.toString();
}

export interface PostRequest {
  token: string;
  body: string;
}

/**
 * Posts or updates the comment. It never fails the step: no token, a fork's read-only token
 * (403) and a non-PR event are notices; other errors a warning.
 */
export async function postComment(r: PostRequest): Promise<void> {
  if (r.token === '') {
    notice('No PR comment: github-token is empty (give it a token with pull-requests: write, or set comment: false)', {
      title: 'Quality gate comment',
    });
    return;
  }
  // The runner masks github.token and secrets itself; a token from elsewhere is masked before use.
  maskSecret(r.token);
  try {
    const outcome = await upsertPullRequestComment({ token: r.token, marker: COMMENT_MARKER, body: r.body });
    info(
      outcome.action === 'skipped'
        ? `PR comment skipped: ${outcome.reason}`
        : `PR comment ${outcome.action}: ${outcome.url}`,
    );
  } catch (error) {
    const text = `No PR comment: ${commentErrorText(error, r.token)}`;
    if (errorStatus(error) === 403) notice(text, { title: 'Quality gate comment' });
    else warning(text, { title: 'Quality gate comment' });
  }
}

/** GITHUB_SERVER_URL without credentials, query or trailing slash; github.com when it is not an http(s) URL. */
function serverOrigin(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'https:' || u.protocol === 'http:')
      return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
  } catch {
    // not a URL
  }
  return 'https://github.com';
}

/** The links from the runner's environment; values that are not what the runner sets are left out. */
export function linksFrom(env: NodeJS.ProcessEnv, event: EventPayload): CommentLinks {
  const server = serverOrigin(env.GITHUB_SERVER_URL ?? '');
  const repository = /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ? env.GITHUB_REPOSITORY! : '';
  const head = headShaOf(event, env.GITHUB_SHA ?? '');
  const sha = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(head) ? head : 'HEAD';
  const runId = env.GITHUB_RUN_ID ?? '';
  return {
    server,
    repository,
    sha,
    ...(/^\d+$/.test(runId) && repository !== '' ? { runUrl: `${server}/${repository}/actions/runs/${runId}` } : {}),
  };
}

/** The comment step of the gate: only on a pull request event; never fails the step. */
export async function commentOnPullRequest(a: Analysis, token: string): Promise<void> {
  let event: EventPayload;
  try {
    event = await readEvent();
  } catch (error) {
    warning(`No PR comment: ${errorMessage(error)}`, { title: 'Quality gate comment' });
    return;
  }
  if (pullRequestNumberOf(event) === undefined) {
    info('PR comment: skipped, the event is not a pull request');
    return;
  }
  await postComment({ token, body: commentBody(a, linksFrom(process.env, event)) });
}
