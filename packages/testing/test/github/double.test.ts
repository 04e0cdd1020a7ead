import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventViolations, GitHubApiDouble, sampleEvent, subjectDigest, validEvent } from '../../src/github/index.js';

let double: GitHubApiDouble;
beforeAll(async () => {
  double = new GitHubApiDouble({ users: { 'other-token': { login: 'someone-else', id: 7 } } });
  await double.start();
}, 60_000);
afterAll(() => double.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  token = 'test-token',
): Promise<{ status: number; json: unknown; link: string | null }> {
  const res = await fetch(`${double.url}${path}`, {
    method,
    headers: {
      authorization: `token ${token}`,
      accept: 'application/vnd.github+json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text), link: res.headers.get('link') };
}

function takeViolations(): string[] {
  const problems = double.violations.map((v) => `${v.operationId ?? '-'}: ${v.problem}`);
  double.violations.length = 0;
  return problems;
}

describe('GitHubApiDouble', () => {
  it('answers a valid create, list and update of issue comments with no violation', async () => {
    const created = await call('POST', '/repos/octo/app/issues/7/comments', { body: 'hello' });
    expect(created.status).toBe(201);
    const id = (created.json as { id: number }).id;
    expect(created.json).toMatchObject({
      body: 'hello',
      user: { login: 'github-actions[bot]' },
      html_url: `https://github.com/octo/app/pull/7#issuecomment-${id}`,
    });
    const updated = await call('PATCH', `/repos/octo/app/issues/comments/${id}`, { body: 'again' });
    expect(updated.status).toBe(200);
    expect((updated.json as { body: string }).body).toBe('again');
    const listed = await call('GET', '/repos/octo/app/issues/7/comments?per_page=100&page=1');
    expect(listed.status).toBe(200);
    expect((listed.json as Array<{ id: number; body: string }>).map((c) => [c.id, c.body])).toEqual([[id, 'again']]);
    expect(takeViolations()).toEqual([]);
  });

  it('pages comments with per_page/page and a Link header', async () => {
    for (let i = 0; i < 5; i++) await call('POST', '/repos/octo/app/issues/8/comments', { body: `c${i}` });
    const first = await call('GET', '/repos/octo/app/issues/8/comments?per_page=2');
    expect((first.json as Array<{ body: string }>).map((c) => c.body)).toEqual(['c0', 'c1']);
    expect(first.link).toBe(
      `<${double.url}/repos/octo/app/issues/8/comments?per_page=2&page=2>; rel="next", <${double.url}/repos/octo/app/issues/8/comments?per_page=2&page=3>; rel="last"`,
    );
    const last = await call('GET', '/repos/octo/app/issues/8/comments?per_page=2&page=3');
    expect((last.json as Array<{ body: string }>).map((c) => c.body)).toEqual(['c4']);
    expect(last.link).toContain('rel="prev"');
    expect(last.link).not.toContain('rel="next"');
    expect(takeViolations()).toEqual([]);
  });

  it('records a request body that misses a required field, and answers 422', async () => {
    const r = await call('POST', '/repos/octo/app/issues/7/comments', { text: 'no body field' });
    expect(r.status).toBe(422);
    expect(takeViolations()).toEqual(["issues/create-comment: request body must have required property 'body'"]);
  });

  it('records a query parameter of the wrong type or not in the description', async () => {
    await call('GET', '/repos/octo/app/issues/7/comments?per_page=many&sort=asc');
    expect(takeViolations()).toEqual([
      "issues/list-comments: query parameter 'sort' is not in the description",
      "issues/list-comments: query parameter 'per_page' must be integer",
    ]);
  });

  it('answers an unknown route with 404 and records it', async () => {
    const r = await call('GET', '/repos/octo/app/no-such-thing');
    expect(r.status).toBe(404);
    const wrongMethod = await call('PUT', '/repos/octo/app/issues/7/comments', { body: 'x' });
    expect(wrongMethod.status).toBe(404);
    expect(takeViolations()).toEqual([
      '-: no such route in the description',
      '-: the description has no PUT for this path',
    ]);
    expect(() => {
      double.violations.push({ method: 'GET', path: '/x', problem: 'p' });
      double.assertNoViolations();
    }).toThrow("1 request(s) or response(s) off GitHub's OpenAPI description:\nGET /x: p");
    takeViolations();
  });

  it("refuses to let another user's token edit a comment (403, as GitHub does)", async () => {
    const created = await call('POST', '/repos/octo/app/issues/9/comments', { body: 'mine' });
    const id = (created.json as { id: number }).id;
    const r = await call('PATCH', `/repos/octo/app/issues/comments/${id}`, { body: 'theirs' }, 'other-token');
    expect(r.status).toBe(403);
    expect(r.json).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest',
    });
    expect(takeViolations()).toEqual([]);
  });

  it('injects faults for an operation a given number of times', async () => {
    double.fail('issues/create-comment', 403, 'Resource not accessible by integration', 1);
    expect((await call('POST', '/repos/octo/app/issues/10/comments', { body: 'x' })).status).toBe(403);
    expect((await call('POST', '/repos/octo/app/issues/10/comments', { body: 'x' })).status).toBe(201);
    expect(takeViolations()).toEqual([]);
    double.fail('issues/list-comments', 429, 'You have exceeded a secondary rate limit', 1, { 'retry-after': '1' });
    const limited = await fetch(`${double.url}/repos/octo/app/issues/10/comments`, {
      headers: { authorization: 'token t' },
    });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    await limited.text();
  });

  it('stores attestations and finds them by subject digest, per repository and per organisation', async () => {
    const digest = subjectDigest('artifact bytes');
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'a.tgz', digest: { sha256: digest.slice(7) } }],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {},
    };
    const bundle = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {},
      dsseEnvelope: {
        payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
        payloadType: 'application/vnd.in-toto+json',
        signatures: [],
      },
    };
    const created = await call('POST', '/repos/octo/app/attestations', { bundle });
    expect(created.status).toBe(201);
    const repo = await call('GET', `/repos/octo/app/attestations/${digest}?per_page=10`);
    expect(repo.json).toEqual({
      attestations: [
        {
          bundle,
          repository_id: 700000001,
          bundle_url: `${double.url}/repos/octo/app/attestations/${(created.json as { id: number }).id}/bundle`,
        },
      ],
    });
    const org = await call(
      'GET',
      `/orgs/octo/attestations/${digest}?predicate_type=${encodeURIComponent('https://slsa.dev/provenance/v1')}`,
    );
    expect((org.json as { attestations: unknown[] }).attestations).toHaveLength(1);
    const other = await call('GET', `/orgs/octo/attestations/${digest}?predicate_type=other`);
    expect(other.json).toEqual({ attestations: [] });
    expect(takeViolations()).toEqual([]);
  });

  it('accepts a dependency snapshot and keeps deployments with their statuses', async () => {
    const snapshot = {
      version: 0,
      sha: 'a'.repeat(40),
      ref: 'refs/heads/main',
      job: { correlator: 'ci', id: '1' },
      detector: { name: 'sbom', version: '1', url: 'https://example.com' },
      scanned: '2026-01-01T00:00:00Z',
    };
    const snap = await call('POST', '/repos/octo/app/dependency-graph/snapshots', snapshot);
    expect(takeViolations()).toEqual([]);
    expect(snap.status).toBe(201);
    expect(snap.json).toMatchObject({ result: 'SUCCESS' });
    const dep = await call('POST', '/repos/octo/app/deployments', {
      ref: 'b'.repeat(40),
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
    });
    expect(dep.status).toBe(201);
    const id = (dep.json as { id: number }).id;
    const st = await call('POST', `/repos/octo/app/deployments/${id}/statuses`, {
      state: 'success',
      log_url: 'https://example.com/log',
    });
    expect(st.status).toBe(201);
    const list = await call('GET', `/repos/octo/app/deployments/${id}/statuses`);
    expect((list.json as Array<{ state: string }>).map((s) => s.state)).toEqual(['success']);
    const deps = await call('GET', '/repos/octo/app/deployments?environment=staging');
    expect((deps.json as Array<{ id: number }>).map((d) => d.id)).toEqual([id]);
    const bad = await call('POST', `/repos/octo/app/deployments/${id}/statuses`, { state: 'done' });
    expect(bad.status).toBe(422);
    expect(takeViolations()).toEqual([
      'repos/create-deployment-status: request body/state must be equal to one of the allowed values',
    ]);
  });
});

describe('validEvent', () => {
  const repository = {
    id: 1,
    node_id: 'R_1',
    name: 'app',
    full_name: 'octo/app',
    private: false,
  };
  it('names what a payload misses', () => {
    const problems = eventViolations('merge_group', {
      action: 'checks_requested',
      merge_group: { head_sha: 'x' },
      repository,
    });
    expect(problems[0]).toMatch(/^merge-group-checks-requested\/merge_group must have required property/);
    expect(() => validEvent('merge_group', { action: 'checks_requested' })).toThrow(
      /^the 'merge_group' event payload does not match GitHub's webhook schema:\nmerge-group-checks-requested must have required property/,
    );
  });
  it('refuses an event GitHub does not have', () => {
    expect(() => validEvent('no_such_event', {})).toThrow("GitHub's webhook description has no event 'no_such_event'");
  });
});

describe('sampleEvent', () => {
  it('makes pull_request and merge_group payloads GitHub could send, with the given values', () => {
    const pr = sampleEvent('pull_request', {
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, base: { sha: 'b'.repeat(40), ref: 'main' }, head: { sha: 'c'.repeat(40) } },
    });
    expect(pr).toMatchObject({
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, base: { sha: 'b'.repeat(40), ref: 'main' }, head: { sha: 'c'.repeat(40) } },
    });
    expect(eventViolations('pull_request', pr)).toEqual([]);
    const mg = sampleEvent('merge_group', {
      action: 'checks_requested',
      merge_group: { base_sha: 'b'.repeat(40), head_sha: 'c'.repeat(40), base_ref: 'refs/heads/main' },
    });
    expect(mg['merge_group']).toMatchObject({
      base_sha: 'b'.repeat(40),
      head_sha: 'c'.repeat(40),
      base_ref: 'refs/heads/main',
    });
  });
  it('refuses overrides of the wrong shape', () => {
    expect(() => sampleEvent('merge_group', { action: 'checks_requested', merge_group: { base_sha: 42 } })).toThrow(
      /merge-group-checks-requested\/merge_group\/base_sha must be string/,
    );
  });
});

describe('response checks', () => {
  it('name a response body off its schema and a status the description does not list', async () => {
    const { githubOpenApi, matchOperation } = await import('../../src/github/openapi.js');
    const { responseViolations } = await import('../../src/github/validate.js');
    const m = matchOperation(githubOpenApi(), 'POST', '/repos/octo/app/issues/7/comments');
    if (!('operation' in m)) throw new Error('route not found');
    expect(m.operation.operationId).toBe('issues/create-comment');
    expect(responseViolations(m, 201, { id: 1 })).toContain("response 201 body must have required property 'node_id'");
    expect(responseViolations(m, 418, {})).toEqual([
      'response status 418 is not in the description (201, 403, 404, 410, 422)',
    ]);
  });
});
