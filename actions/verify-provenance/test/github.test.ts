import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { GitHubApiDouble, sampleEvent, subjectDigest } from '@spikeformer-actions/testing/github';
import { startSigstoreServices, type SigstoreServices } from '@spikeformer-actions/testing/sigstore';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const VERIFY = 'actions/verify-provenance';
const SIGN = 'actions/sign';
const TOKEN = 'ghs_VerifyTokenCanary0123456789';
const REPO = 'spikeformer/spikeformer-kit';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vp-github-'));
// Preloaded into verify-provenance: records every outgoing socket and blocks all but the API double.
const GUARD = path.join(tmp, 'net-guard.mjs');
writeFileSync(
  GUARD,
  `import net from 'node:net';
import { appendFileSync } from 'node:fs';
const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect hands over its normalised arguments as one array.
  const o = Array.isArray(args[0]) ? args[0][0] : args[0];
  const where = typeof o === 'object' && o !== null ? String(o.host ?? o.path) + ':' + String(o.port ?? '') : String(o);
  appendFileSync(process.env.NET_GUARD_LOG, where + '\\n');
  if (where === process.env.NET_GUARD_ALLOW) return original.apply(this, args);
  process.nextTick(() => this.destroy(new Error('network access blocked by the test guard')));
  return this;
};
`,
);

let sigstore: SigstoreServices;
let selfHosted: SigstoreServices;
let double: GitHubApiDouble;

/** GitHub's instance as its trusted root describes it: Fulcio and a timestamp authority, no transparency log. */
function githubStyleRoot(s: SigstoreServices): Record<string, unknown> {
  return { ...s.trustedRoot, tlogs: [] };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmp, 'ws-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const apiEnv = (): Record<string, string> => ({ GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN });

/** sign in a private repository: GitHub's instance (here the local Sigstore), stored in the API double; the bundle file is then removed. */
async function signPrivately(s: SigstoreServices, ws: string, file: string): Promise<RunResult> {
  const r = await runBundledAction(SIGN, {
    workspace: ws,
    inputs: {
      files: file,
      attest: 'slsa-provenance',
      'output-dir': 'signed',
      'fulcio-url': s.url,
      'tsa-url': s.url,
      'github-attestations': 'true',
    },
    event: sampleEvent('push', { repository: { visibility: 'private', full_name: REPO } }),
    env: { ...s.idTokenEnv(), ...apiEnv() },
  });
  expect(r.annotations).toEqual([]);
  expect(r.exitCode).toBe(0);
  rmSync(path.join(ws, 'signed'), { recursive: true });
  return r;
}

function guarded(): { env: Record<string, string>; attempts: () => string[] } {
  const log = path.join(mkdtempSync(path.join(tmp, 'guard-')), 'connections.log');
  writeFileSync(log, '');
  return {
    env: {
      NODE_OPTIONS: `--import=${GUARD}`,
      NET_GUARD_LOG: log,
      NET_GUARD_ALLOW: `127.0.0.1:${new URL(double.url).port}`,
    },
    attempts: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
  };
}

interface Report {
  status: string;
  artifacts: { verdict: string; checks: { check: string; ok: boolean; found: string; bundle: string }[] }[];
}

function report(r: RunResult): Report {
  return JSON.parse(readFileSync(path.resolve(r.workspace, r.outputs['json-file'] ?? ''), 'utf8')) as Report;
}

beforeAll(async () => {
  ensureBundled(VERIFY);
  ensureBundled(SIGN);
  sigstore = await startSigstoreServices();
  selfHosted = await startSigstoreServices({ claims: { runner_environment: 'self-hosted' } });
  double = new GitHubApiDouble();
  await double.start();
}, 240_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
  await sigstore?.close();
  await selfHosted?.close();
  await double?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

afterEach(() => double.assertNoViolations());

describe('verify-provenance: attestations fetched from GitHub', { timeout: 90_000 }, () => {
  it('an attestation sign stored in GitHub is fetched by digest and verifies offline with a trusted root of GitHub’s instance', async () => {
    const ws = workspace({ 'app.whl': 'wheel stored in GitHub' });
    await signPrivately(sigstore, ws, 'app.whl');
    writeFileSync(path.join(ws, 'github_root.json'), JSON.stringify(githubStyleRoot(sigstore)));
    const digest = subjectDigest('wheel stored in GitHub');
    const before = double.calls('repos/list-attestations').length;
    const net = guarded();
    const r = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: {
        artifacts: 'app.whl',
        repository: REPO,
        'trusted-root': 'github_root.json',
        'json-file': 'report.json',
      },
      env: { ...apiEnv(), ...net.env },
    });
    expect(r.annotations).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'passed', verified: '1', failed: '0' });
    const calls = double.calls('repos/list-attestations').slice(before);
    expect(calls.map((c) => [c.path, c.query, c.status, c.headers.authorization, c.headers.apiVersion])).toEqual([
      [
        `/repos/${REPO}/attestations/${encodeURIComponent(digest)}`,
        { per_page: '100' },
        200,
        `token ${TOKEN}`,
        '2022-11-28',
      ],
    ]);
    // Offline: the API double is the only host the action talked to.
    expect(new Set(net.attempts())).toEqual(new Set([`127.0.0.1:${new URL(double.url).port}`]));
    const checks = report(r).artifacts[0]?.checks ?? [];
    expect(
      checks
        .filter((c) => ['signature', 'source-repository (certificate)', 'runner-environment'].includes(c.check))
        .map((c) => [c.check, c.ok, c.bundle]),
    ).toEqual([
      ['signature', true, `GitHub attestations of ${REPO} for ${digest} #1`],
      ['source-repository (certificate)', true, `GitHub attestations of ${REPO} for ${digest} #1`],
      ['runner-environment', true, `GitHub attestations of ${REPO} for ${digest} #1`],
    ]);
    expect(r.stdout).toContain(`1 attestation(s) for ${digest} in GitHub (${REPO})`);
  });

  it('require-tlog: auto requires a log entry only when the trusted root lists a log', async () => {
    const ws = workspace({ 'b.whl': 'wheel without a log entry' });
    await signPrivately(sigstore, ws, 'b.whl');
    writeFileSync(path.join(ws, 'with_log.json'), JSON.stringify(sigstore.trustedRoot));
    const r = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: { artifacts: 'b.whl', repository: REPO, 'trusted-root': 'with_log.json' },
      env: apiEnv(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['status']).toBe('failed');
    expect(r.annotations[0]?.message).toMatch(
      /^b\.whl: signature failed in GitHub attestations of spikeformer\/spikeformer-kit for sha256:[0-9a-f]{64} #1: expected a valid Sigstore signature .*found TLOG_/,
    );
  });

  it('follows the cursor pages (Link rel="next") of an organization’s attestations', async () => {
    const ws = workspace({ 'c.whl': 'wheel of many attestations' });
    await signPrivately(sigstore, ws, 'c.whl');
    const stored = double.state.attestations.at(-1);
    if (!stored) throw new Error('nothing stored');
    // 149 more copies of the attestation: two pages of 100.
    for (let i = 0; i < 149; i++) double.state.attestations.push({ ...stored, id: double.state.id() });
    writeFileSync(path.join(ws, 'github_root.json'), JSON.stringify(githubStyleRoot(sigstore)));
    const before = double.calls('orgs/list-attestations').length;
    const r = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: {
        artifacts: 'c.whl',
        owner: 'spikeformer',
        'source-repository': REPO,
        'trusted-root': 'github_root.json',
      },
      env: apiEnv(),
    });
    expect(r.annotations).toEqual([]);
    expect(r.outputs['status']).toBe('passed');
    const digest = subjectDigest('wheel of many attestations');
    expect(
      double
        .calls('orgs/list-attestations')
        .slice(before)
        .map((c) => [c.path, c.query]),
    ).toEqual([
      [`/orgs/spikeformer/attestations/${encodeURIComponent(digest)}`, { per_page: '100' }],
      [`/orgs/spikeformer/attestations/${encodeURIComponent(digest)}`, { per_page: '100', after: '100' }],
    ]);
    expect(r.stdout).toContain(`150 attestation(s) for ${digest} in GitHub (spikeformer (organization))`);
  });

  it('an artifact GitHub holds no attestation for fails on its subject digest', async () => {
    const ws = workspace({ 'd.whl': 'never signed', 'root.json': JSON.stringify(githubStyleRoot(sigstore)) });
    const r = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: { artifacts: 'd.whl', repository: REPO, 'trusted-root': 'root.json' },
      env: apiEnv(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^d\\.whl: subject-digest failed: expected a bundle whose subject is sha256:${subjectDigest('never signed').slice(7)} / sha512:[0-9a-f]{128}, found 0 bundle\\(s\\), none covering this artifact$`,
        ),
      ),
      'verify-provenance: 1 of 1 artifact(s) failed verification: d.whl',
    ]);
  });

  it('a token GitHub refuses: one error naming the permission, the token never shown', async () => {
    double.fail('repos/list-attestations', 403, 'Resource not accessible by integration', 1);
    const ws = workspace({ 'e.whl': 'x', 'root.json': JSON.stringify(githubStyleRoot(sigstore)) });
    const r = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: { artifacts: 'e.whl', repository: REPO, 'trusted-root': 'root.json' },
      env: apiEnv(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.map((a) => a.message)).toEqual([
      `verify-provenance: GitHub attestations of ${REPO} for ${subjectDigest('x')}: GitHub answered HTTP 403 (Resource not accessible by integration - https://docs.github.com/rest): the token needs read access to the repository (\`permissions: attestations: read\`, \`contents: read\`)`,
    ]);
    expect(r.outputs['status']).toBe('failed');
    expect(
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n') + r.summary,
    ).not.toContain(TOKEN);
  });
});

describe('verify-provenance: runner environment', { timeout: 90_000 }, () => {
  it('a certificate from a self-hosted runner is refused where github-hosted is required (the default with repository)', async () => {
    const ws = workspace({ 'f.whl': 'built on a self-hosted runner' });
    await signPrivately(selfHosted, ws, 'f.whl');
    writeFileSync(path.join(ws, 'root.json'), JSON.stringify(githubStyleRoot(selfHosted)));
    const digest = subjectDigest('built on a self-hosted runner');
    const refused = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: { artifacts: 'f.whl', repository: REPO, 'trusted-root': 'root.json' },
      env: apiEnv(),
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.annotations.map((a) => a.message)).toEqual([
      `f.whl: runner-environment failed in GitHub attestations of ${REPO} for ${digest} #1: expected github-hosted, found self-hosted`,
      'verify-provenance: 1 of 1 artifact(s) failed verification: f.whl',
    ]);
    const explicit = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: {
        artifacts: 'f.whl',
        repository: REPO,
        'trusted-root': 'root.json',
        'runner-environment': 'github-hosted',
      },
      env: apiEnv(),
    });
    expect(explicit.outputs['status']).toBe('failed');
    const any = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: { artifacts: 'f.whl', repository: REPO, 'trusted-root': 'root.json', 'runner-environment': 'any' },
      env: apiEnv(),
    });
    expect(any.annotations).toEqual([]);
    expect(any.outputs['status']).toBe('passed');
    const self = await runBundledAction(VERIFY, {
      workspace: ws,
      inputs: {
        artifacts: 'f.whl',
        repository: REPO,
        'trusted-root': 'root.json',
        'runner-environment': 'self-hosted',
      },
      env: apiEnv(),
    });
    expect(self.outputs['status']).toBe('passed');
  });
});
