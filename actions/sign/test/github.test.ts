import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction } from '@spikeformer-actions/testing';
import { GitHubApiDouble, sampleEvent } from '@spikeformer-actions/testing/github';
import { startSigstoreServices, type SigstoreServices } from '@spikeformer-actions/testing/sigstore';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ACTION = 'actions/sign';
const TOKEN = 'ghs_SignTokenCanary0123456789';

let sigstore: SigstoreServices;
let double: GitHubApiDouble;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sign-github-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const event = (visibility: 'public' | 'private' | 'internal'): Record<string, unknown> =>
  sampleEvent('push', { repository: { visibility, full_name: 'spikeformer/spikeformer-kit' } });
const apiEnv = (): Record<string, string> => ({ GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN });

beforeAll(async () => {
  ensureBundled(ACTION);
  sigstore = await startSigstoreServices();
  double = new GitHubApiDouble();
  await double.start();
}, 180_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
  await sigstore?.close();
  await double?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

afterEach(() => double.assertNoViolations());

describe('sign: Sigstore instance from the repository visibility', { timeout: 60_000 }, () => {
  it.each([
    [
      'private',
      "Signing with GitHub's Sigstore instance: Fulcio https://fulcio.githubapp.com, no transparency log, timestamp authority https://timestamp.githubapp.com",
    ],
    [
      'internal',
      "Signing with GitHub's Sigstore instance: Fulcio https://fulcio.githubapp.com, no transparency log, timestamp authority https://timestamp.githubapp.com",
    ],
    [
      'public',
      'Signing with the Sigstore public-good instance: Fulcio https://fulcio.sigstore.dev, Rekor https://rekor.sigstore.dev',
    ],
  ] as const)(
    'a %s repository signs with the instance it should (no id-token: stops before any request)',
    async (visibility, line) => {
      const r = await runBundledAction(ACTION, {
        workspace: workspace({ 'a.bin': 'x' }),
        inputs: { files: 'a.bin' },
        event: event(visibility),
      });
      expect(r.exitCode).toBe(1);
      expect(r.stdout.split('\n')).toContain(line);
      expect(r.annotations.map((a) => a.message)).toEqual([
        expect.stringMatching(/^sign: keyless signing needs a GitHub OIDC token: add `permissions: id-token: write`/),
      ]);
    },
  );

  it('sigstore-instance forces either instance whatever the visibility', async () => {
    const r = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.bin': 'x' }),
      inputs: { files: 'a.bin', 'sigstore-instance': 'github' },
      event: event('public'),
    });
    expect(r.stdout).toContain("Signing with GitHub's Sigstore instance: Fulcio https://fulcio.githubapp.com,");
    const p = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.bin': 'x' }),
      inputs: { files: 'a.bin', 'sigstore-instance': 'public-good' },
      event: event('private'),
    });
    expect(p.stdout).toContain(
      'Signing with the Sigstore public-good instance: Fulcio https://fulcio.sigstore.dev, Rekor https://rekor.sigstore.dev',
    );
  });

  it("a private repository's signature goes to the configured Fulcio and TSA and never to a transparency log", async () => {
    const ws = workspace({ 'a.whl': 'wheel' });
    const before = sigstore.requests.length;
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        files: 'a.whl',
        attest: 'slsa-provenance',
        'output-dir': 'out',
        'fulcio-url': sigstore.url,
        'tsa-url': sigstore.url,
        'github-attestations': 'false',
      },
      event: event('private'),
      env: sigstore.idTokenEnv(),
    });
    expect(r.annotations).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      `Signing with GitHub's Sigstore instance: Fulcio ${sigstore.url}, no transparency log, timestamp authority ${sigstore.url}`,
    );
    expect(sigstore.requests.slice(before).map((q) => q.path)).toEqual([
      '/oidc/token',
      '/api/v2/signingCert',
      '/api/v1/timestamp',
    ]);
    const bundle = JSON.parse(readFileSync(path.join(ws, 'out/attestation.sigstore.json'), 'utf8')) as {
      verificationMaterial: { tlogEntries?: unknown[]; timestampVerificationData: { rfc3161Timestamps: unknown[] } };
    };
    expect(bundle.verificationMaterial.tlogEntries ?? []).toEqual([]);
    expect(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
  });
});

describe('sign: attestations stored in GitHub', { timeout: 60_000 }, () => {
  const attestInputs = (extra: Record<string, string> = {}): Record<string, string> => ({
    files: 'a.whl',
    attest: 'slsa-provenance',
    'output-dir': 'out',
    'sigstore-instance': 'public-good',
    'fulcio-url': sigstore.url,
    'rekor-url': sigstore.url,
    ...extra,
  });

  it('stores the attestation bundle (POST /repos/{owner}/{repo}/attestations) and outputs its id and URL', async () => {
    const ws = workspace({ 'a.whl': 'wheel to store' });
    const before = double.calls('repos/create-attestation').length;
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: attestInputs(),
      event: event('public'),
      env: { ...sigstore.idTokenEnv(), ...apiEnv() },
    });
    expect(r.annotations).toEqual([]);
    expect(r.exitCode).toBe(0);
    const calls = double.calls('repos/create-attestation').slice(before);
    expect(calls.map((c) => [c.method, c.path, c.status, c.headers.authorization])).toEqual([
      ['POST', '/repos/spikeformer/spikeformer-kit/attestations', 201, `token ${TOKEN}`],
    ]);
    expect(calls[0]?.headers.apiVersion).toBe('2022-11-28');
    const written = JSON.parse(readFileSync(path.join(ws, 'out/attestation.sigstore.json'), 'utf8')) as unknown;
    expect(calls[0]?.body).toEqual({ bundle: written });
    const stored = double.state.attestations.at(-1);
    expect(r.outputs['attestation-id']).toBe(String(stored?.id));
    expect(r.outputs['attestation-url']).toBe(
      `https://github.com/spikeformer/spikeformer-kit/attestations/${stored?.id}`,
    );
    expect(r.stdout).toContain(
      `Stored in GitHub as attestation ${stored?.id}: https://github.com/spikeformer/spikeformer-kit/attestations/${stored?.id}`,
    );
    expect(r.summary).toContain(
      `<li>attestation ${stored?.id}: https://github.com/spikeformer/spikeformer-kit/attestations/${stored?.id}</li>`,
    );
    expect(r.masks).toContain(TOKEN);
    expect(
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n') +
        r.summary +
        JSON.stringify(r.outputs),
    ).not.toContain(TOKEN);
  });

  it('a secondary rate limit (429 with Retry-After) is waited out and the attestation stored', async () => {
    double.fail('repos/create-attestation', 429, 'You have exceeded a secondary rate limit', 1, { 'retry-after': '1' });
    const before = double.calls('repos/create-attestation').length;
    const r = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.whl': 'rate limited' }),
      inputs: attestInputs({ 'github-attestations': 'true' }),
      event: event('public'),
      env: { ...sigstore.idTokenEnv(), ...apiEnv() },
    });
    expect(r.annotations).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(
      double
        .calls('repos/create-attestation')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([429, 201]);
    expect(r.outputs['attestation-id']).toBe(String(double.state.attestations.at(-1)?.id));
  });

  it('github-attestations: true and a token without attestations: write: one error naming the permission', async () => {
    double.fail('repos/create-attestation', 403, 'Resource not accessible by integration', 1);
    const r = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.whl': 'w' }),
      inputs: attestInputs({ 'github-attestations': 'true' }),
      event: event('public'),
      env: { ...sigstore.idTokenEnv(), ...apiEnv() },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        message:
          'sign: GitHub refused to store the attestation (HTTP 403: Resource not accessible by integration - https://docs.github.com/rest): the job needs `permissions: attestations: write`, and a private or internal repository needs GitHub Enterprise Cloud (set github-attestations: false to keep bundle files only)',
      }),
    ]);
    expect(r.stdout + r.stderr).not.toContain('Stack trace');
  });

  it('github-attestations: auto: a refusal is a warning, the bundle is still written and the outputs are empty', async () => {
    double.fail('repos/create-attestation', 404, 'Not Found', 1);
    const ws = workspace({ 'a.whl': 'w' });
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: attestInputs(),
      event: event('public'),
      env: { ...sigstore.idTokenEnv(), ...apiEnv() },
    });
    expect(r.exitCode).toBe(0);
    expect(r.annotations.map((a) => [a.level, a.message])).toEqual([
      [
        'warning',
        expect.stringMatching(
          /^GitHub refused to store the attestation \(HTTP 404: Not Found.*\): the job needs `permissions: attestations: write`/,
        ),
      ],
    ]);
    expect(r.outputs['attestation-bundle']).toBe(path.join(ws, 'out/attestation.sigstore.json'));
    expect([r.outputs['attestation-id'], r.outputs['attestation-url']]).toEqual(['', '']);
  });

  it('no token (auto): nothing is sent to GitHub; github-attestations: false neither', async () => {
    const before = double.requests.length;
    const a = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.whl': 'w' }),
      inputs: attestInputs(),
      event: event('public'),
      env: { ...sigstore.idTokenEnv(), GITHUB_API_URL: double.url },
    });
    const b = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.whl': 'w' }),
      inputs: attestInputs({ 'github-attestations': 'false' }),
      event: event('public'),
      env: { ...sigstore.idTokenEnv(), ...apiEnv() },
    });
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(double.requests.length).toBe(before);
    expect(a.outputs['attestation-id']).toBe('');
  });
});
