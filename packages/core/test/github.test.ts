import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitHubApiDouble } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commentErrorText,
  commentText,
  diffBaseFromEvent,
  diffBaseOf,
  headShaOf,
  MAX_COMMENT_CHARS,
  pullRequestNumber,
  pullRequestNumberOf,
  upsertPullRequestComment,
} from '../src/github/index.js';

const MARKER = '<!-- spikeformer-actions/test -->';
const BASE = 'b'.repeat(40);
let double: GitHubApiDouble;
let dir = '';
const saved = { ...process.env };

beforeAll(async () => {
  double = new GitHubApiDouble({ users: { 'other-token': { login: 'octocat', id: 1 } } });
  await double.start();
  dir = mkdtempSync(path.join(tmpdir(), 'core-github-'));
  const eventPath = path.join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 12, base: { sha: BASE } } }));
  // @actions/github reads these once, when first loaded.
  Object.assign(process.env, {
    GITHUB_API_URL: double.url,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: 'pull_request',
  });
}, 60_000);
afterAll(async () => {
  process.env = saved;
  await double.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('upsertPullRequestComment', () => {
  it('creates one comment on the event pull request, then updates it in place', async () => {
    const first = await upsertPullRequestComment({ token: 't1', marker: MARKER, body: 'first' });
    expect(first.action).toBe('created');
    expect(first.action === 'created' ? first.url : '').toMatch(
      /^https:\/\/github\.com\/octo\/app\/pull\/12#issuecomment-\d+$/,
    );
    const second = await upsertPullRequestComment({ token: 't1', marker: MARKER, body: 'second' });
    expect(second).toEqual({ ...first, action: 'updated' });
    expect(double.state.commentsOn('octo', 'app', 12).map((c) => c.body)).toEqual([`${MARKER}\nsecond`]);
    expect(double.calls('issues/list-comments').map((r) => r.query)).toEqual([
      { per_page: '100', page: '1' },
      { per_page: '100', page: '1' },
    ]);
    double.assertNoViolations();
  });

  it('finds its comment on a later page', async () => {
    for (let i = 0; i < 100; i++)
      double.state.comments.set(5000 + i, {
        id: 5000 + i,
        owner: 'octo',
        repo: 'app',
        issue: 13,
        body: `chatter ${i}`,
        author: { login: 'octocat', id: 1 },
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      });
    double.state.comments.set(6000, {
      id: 6000,
      owner: 'octo',
      repo: 'app',
      issue: 13,
      body: `${MARKER}\nold`,
      author: { login: 'github-actions[bot]', id: 41898282 },
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    const listed = double.calls('issues/list-comments').length;
    const r = await upsertPullRequestComment({ token: 't1', marker: MARKER, body: 'new', issueNumber: 13 });
    expect(r).toMatchObject({ action: 'updated', id: 6000 });
    expect(
      double
        .calls('issues/list-comments')
        .slice(listed)
        .map((c) => c.query['page']),
    ).toEqual(['1', '2']);
    double.assertNoViolations();
  });

  it("creates a new comment when the marked one is someone else's (403)", async () => {
    double.state.comments.set(900, {
      id: 900,
      owner: 'octo',
      repo: 'app',
      issue: 14,
      body: `${MARKER}\nforged`,
      author: { login: 'octocat', id: 1 },
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    const r = await upsertPullRequestComment({ token: 't1', marker: MARKER, body: 'ours', issueNumber: 14 });
    expect(r.action).toBe('created');
    expect(double.state.comments.get(900)?.body).toBe(`${MARKER}\nforged`);
    expect(double.state.commentsOn('octo', 'app', 14).map((c) => c.body)).toEqual([
      `${MARKER}\nforged`,
      `${MARKER}\nours`,
    ]);
    double.assertNoViolations();
  });

  it("throws GitHub's refusal with its status, and the message names the permission", async () => {
    double.fail('issues/create-comment', 403, 'Resource not accessible by integration', 1);
    const error = await upsertPullRequestComment({
      token: 'ghs_secret1234',
      marker: MARKER,
      body: 'x',
      issueNumber: 15,
    }).catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(403);
    const text = commentErrorText(error, 'ghs_secret1234');
    expect(text).toMatch(
      /^GitHub refused the comment \(403: Resource not accessible by integration.*\); the token needs pull-requests: write, and a pull request from a fork gets a read-only token$/,
    );
    expect(text).not.toContain('ghs_secret1234');
    double.assertNoViolations();
  });

  it('refuses a marker that is not one line', async () => {
    await expect(upsertPullRequestComment({ token: 't', marker: '<!-- a\nb -->', body: 'x' })).rejects.toThrow(
      'the comment marker must be one non-empty line',
    );
  });

  it("puts the marker first and cuts a body to GitHub's limit", () => {
    expect(commentText(MARKER, 'x')).toBe(`${MARKER}\nx`);
    expect(commentText(MARKER, `${MARKER}\nx`)).toBe(`${MARKER}\nx`);
    const long = commentText(MARKER, 'y'.repeat(70_000));
    expect(long.length).toBe(MAX_COMMENT_CHARS);
    expect(long.endsWith("… (cut to GitHub's comment size limit)")).toBe(true);
  });
});

describe('event payload', () => {
  it('takes the diff base from pull_request, merge_group and push payloads', () => {
    expect(diffBaseOf({ pull_request: { number: 1, base: { sha: BASE, ref: 'main' } } })).toEqual({
      base: BASE,
      from: 'pull_request',
    });
    expect(diffBaseOf({ pull_request: { number: 1, base: { ref: 'release/1' } } })).toEqual({
      base: 'release/1',
      from: 'pull_request',
    });
    expect(diffBaseOf({ merge_group: { base_sha: BASE, head_sha: 'c'.repeat(40) } })).toEqual({
      base: BASE,
      from: 'merge_group',
    });
    expect(diffBaseOf({ before: BASE, after: 'c'.repeat(40), ref: 'refs/heads/main' })).toEqual({
      base: BASE,
      from: 'push',
    });
    expect(diffBaseOf({ before: '0'.repeat(40), after: 'c'.repeat(40) })).toBeUndefined();
    expect(diffBaseOf({ inputs: {} })).toBeUndefined();
  });

  it('names the pull request and the head commit', () => {
    expect(pullRequestNumberOf({ pull_request: { number: 9 } })).toBe(9);
    expect(pullRequestNumberOf({ issue: { number: 4, pull_request: { url: 'x' } } })).toBe(4);
    expect(pullRequestNumberOf({ issue: { number: 4 } })).toBeUndefined();
    expect(pullRequestNumberOf({ pull_request: { number: -1 } })).toBeUndefined();
    expect(headShaOf({ pull_request: { head: { sha: 'h1' } } }, 'g')).toBe('h1');
    expect(headShaOf({ merge_group: { head_sha: 'h2' } }, 'g')).toBe('h2');
    expect(headShaOf({}, 'g')).toBe('g');
  });

  it('reads GITHUB_EVENT_PATH, and gives nothing without one', async () => {
    expect(await pullRequestNumber()).toBe(12);
    expect(await diffBaseFromEvent()).toEqual({ base: BASE, from: 'pull_request' });
    expect(await diffBaseFromEvent(path.join(dir, 'missing.json'))).toBeUndefined();
  });
});
