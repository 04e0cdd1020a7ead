import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { ensureBundled, repoRoot, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { pushTestImage, startRegistry, type LocalRegistry } from '@spikeformer-actions/testing/registry';
import { startSigstoreServices, type SigstoreServices } from '@spikeformer-actions/testing/sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ACTION = 'actions/sign';
// cosign's own encrypted key test vector (password "hello"), kept with the supply-chain tests.
const COSIGN_KEY = readFileSync(
  path.join(repoRoot, 'packages/supply-chain/test/fixtures/cosign-sigstore-hello.key'),
  'utf8',
);
const PASSWORD_CANARY = 'hello';

let sigstore: SigstoreServices;
let registry: LocalRegistry;

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sign-e2e-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

function mockTrust(keyPem?: string): ReturnType<typeof toTrustMaterial> {
  const root = TrustedRoot.fromJSON(sigstore.trustedRoot);
  if (!keyPem) return toTrustMaterial(root);
  const key = createPublicKey(keyPem);
  return toTrustMaterial(root, () => ({ publicKey: key, validFor: () => true }));
}

function readBundle(file: string): Bundle {
  return bundleFromJSON(JSON.parse(readFileSync(file, 'utf8')));
}

interface Statement {
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

function statementOf(bundle: Bundle): Statement {
  if (bundle.content.$case !== 'dsseEnvelope') throw new Error('not a DSSE bundle');
  return JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8')) as Statement;
}

function allText(r: RunResult): string {
  // ::add-mask:: lines hand the secret to the runner's masker; everything else must be clean.
  const stdout = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, r.stderr, r.summary, JSON.stringify(r.outputs), JSON.stringify(r.annotations)].join('\n');
}

/** The summary's text with HTML entities decoded (core escapes every cell). */
function summaryText(r: RunResult): string {
  return r.summary
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}

/** The local Sigstore as the public-good instance (the harness's event names no visibility, which would pick GitHub's). */
const mockUrls = (): Record<string, string> => ({
  'sigstore-instance': 'public-good',
  'fulcio-url': sigstore.url,
  'rekor-url': sigstore.url,
});

beforeAll(async () => {
  ensureBundled(ACTION);
  sigstore = await startSigstoreServices();
  registry = await startRegistry();
}, 180_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
  await sigstore?.close();
  await registry?.stop();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

describe('sign (bundled action, local Sigstore and registry)', { timeout: 60_000 }, () => {
  it('signs files keyless: OIDC → Fulcio → Rekor; every bundle verifies and a tampered file fails', async () => {
    const ws = workspace({ 'spikeformer-1.0.0.whl': 'wheel contents', 'spikeformer-1.0.0.tar.gz': 'sdist contents' });
    const before = sigstore.requests.length;
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { files: 'spikeformer-1.0.0.*', ...mockUrls() },
      env: sigstore.idTokenEnv(),
    });
    expect(r.annotations).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.outputs['bundles']?.split('\n').sort()).toEqual([
      'spikeformer-1.0.0.tar.gz.sigstore.json',
      'spikeformer-1.0.0.whl.sigstore.json',
    ]);
    expect(sigstore.requests.slice(before).map((q) => q.path)).toEqual(
      expect.arrayContaining(['/oidc/token', '/api/v2/signingCert', '/api/v1/log/entries']),
    );
    const verifier = new Verifier(mockTrust(), { tlogThreshold: 1, ctlogThreshold: 1 });
    for (const name of ['spikeformer-1.0.0.whl', 'spikeformer-1.0.0.tar.gz']) {
      const bundle = readBundle(path.join(ws, `${name}.sigstore.json`));
      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      const signer = verifier.verify(toSignedEntity(bundle, readFileSync(path.join(ws, name))), {
        subjectAlternativeName:
          'https://github.com/spikeformer/spikeformer-kit/.github/workflows/ci.yml@refs/heads/main',
        extensions: { issuer: 'https://token.actions.githubusercontent.com' },
      });
      expect(signer.identity?.subjectAlternativeName).toContain('spikeformer-kit');
      expect(() => verifier.verify(toSignedEntity(bundle, Buffer.from('wheel contentS')))).toThrow(
        /SIGNATURE_ERROR|signature/i,
      );
    }
    expect(summaryText(r)).toContain(
      'https://github.com/spikeformer/spikeformer-kit/.github/workflows/ci.yml@refs/heads/main (issuer https://token.actions.githubusercontent.com)',
    );
    expect(summaryText(r)).toMatch(/Rekor #\d+/);
    expect(r.outputs['digests']).toContain('sha256:');
    // The OIDC token is masked, and appears nowhere else.
    expect(r.masks.some((m) => m.split('.').length === 3)).toBe(true);
    for (const m of r.masks) expect(allText(r)).not.toContain(m);
  });

  it('without id-token permission: one clear error naming the fix, nothing sent', async () => {
    const before = sigstore.requests.length;
    const r = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.bin': 'x' }),
      inputs: { files: 'a.bin', ...mockUrls() },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/permissions: id-token: write.*mode: key/),
      }),
    ]);
    expect(sigstore.requests.length).toBe(before);
  });

  it('under act (ACT=true): a clear error that points at mode: key', async () => {
    const r = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.bin': 'x' }),
      inputs: { files: 'a.bin', ...mockUrls() },
      env: { ...sigstore.idTokenEnv(), ACT: 'true' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toMatch(/act \(ACT=true\).*mode: key/);
  });

  it('a refused token request says what permission is missing', async () => {
    const refusing = await startSigstoreServices({ oidcStatus: 403 });
    try {
      const r = await runBundledAction(ACTION, {
        workspace: workspace({ 'a.bin': 'x' }),
        inputs: {
          files: 'a.bin',
          'sigstore-instance': 'public-good',
          'fulcio-url': refusing.url,
          'rekor-url': refusing.url,
        },
        env: refusing.idTokenEnv(),
      });
      expect(r.exitCode).toBe(1);
      // @actions/core getIDToken reports the status as "Error Code : 403".
      expect(r.annotations[0]?.message).toMatch(
        /^sign: the runner gave no OIDC token \(.*Error Code : 403.*\); check that the job has `permissions: id-token: write`/,
      );
    } finally {
      await refusing.close();
    }
  });

  it('key mode with a cosign-made encrypted key: signs, prints the fingerprint, verifies with the public key, leaks no secret', async () => {
    const ws = workspace({ 'model.nir': 'graph bytes' });
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { files: 'model.nir', mode: 'key', key: COSIGN_KEY, 'key-password': PASSWORD_CANARY, tlog: false },
    });
    expect(r.annotations).toEqual([]);
    expect(r.exitCode).toBe(0);
    const bundle = readBundle(path.join(ws, 'model.nir.sigstore.json'));
    expect(bundle.verificationMaterial.content.$case).toBe('publicKey');
    const hint =
      bundle.verificationMaterial.content.$case === 'publicKey'
        ? bundle.verificationMaterial.content.publicKey.hint
        : '';
    expect(r.stdout).toContain(`fingerprint SHA256:${hint}`);
    // The public key comes from the private key through node's crypto, not from the action.
    const { loadSigningKey } = await import('@spikeformer-actions/supply-chain');
    const key = await loadSigningKey(COSIGN_KEY, PASSWORD_CANARY);
    const verifier = new Verifier(mockTrust(key.publicKeyPem), {
      tlogThreshold: 0,
      ctlogThreshold: 0,
      timestampThreshold: 0,
    });
    verifier.verify(toSignedEntity(bundle, readFileSync(path.join(ws, 'model.nir'))));
    expect(() => verifier.verify(toSignedEntity(bundle, Buffer.from('graph byteS')))).toThrow();
    // Secrets: the password, and every line of the key body, appear only in ::add-mask::.
    const text = allText(r);
    expect(r.masks).toEqual(expect.arrayContaining([PASSWORD_CANARY]));
    for (const line of COSIGN_KEY.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(text).not.toContain(line);
    expect(text).not.toMatch(/\bhello\b/);
  });

  it('key mode with a transparency-log entry (hashedrekord with the public key)', async () => {
    const ws = workspace({ 'a.bin': 'payload' });
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { files: 'a.bin', mode: 'key', key: COSIGN_KEY, 'key-password': PASSWORD_CANARY, ...mockUrls() },
    });
    expect(r.exitCode).toBe(0);
    const bundle = readBundle(path.join(ws, 'a.bin.sigstore.json'));
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    const { loadSigningKey } = await import('@spikeformer-actions/supply-chain');
    const key = await loadSigningKey(COSIGN_KEY, PASSWORD_CANARY);
    new Verifier(mockTrust(key.publicKeyPem), { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1 }).verify(
      toSignedEntity(bundle, Buffer.from('payload')),
    );
  });

  it('a wrong key password is a clear error and leaks neither password', async () => {
    const r = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.bin': 'x' }),
      inputs: { files: 'a.bin', mode: 'key', key: COSIGN_KEY, 'key-password': 'Wr0ng-Canary-Pass', tlog: false },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining("Input 'key': wrong password for the encrypted key"),
      }),
    ]);
    expect(allText(r)).not.toContain('Wr0ng-Canary-Pass');
  });

  it('attests SLSA v1 provenance over all files keyless, from the GitHub context (Rekor in-toto entry + TSA)', async () => {
    const ws = workspace({ 'a.whl': 'A', 'b.whl': 'B' });
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        files: '*.whl',
        attest: 'slsa-provenance',
        'tsa-url': sigstore.url,
        'output-dir': 'attestations',
        ...mockUrls(),
      },
      env: sigstore.idTokenEnv(),
    });
    expect(r.annotations).toEqual([]);
    expect(r.outputs['attestation-bundle']).toBe(path.join(ws, 'attestations/attestation.sigstore.json'));
    const bundle = readBundle(r.outputs['attestation-bundle']!);
    new Verifier(mockTrust(), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 2 }).verify(
      toSignedEntity(bundle),
    );
    const st = statementOf(bundle);
    expect(st.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(st.subject.map((s) => s.name)).toEqual(['a.whl', 'b.whl']);
    expect(st.subject[0]?.digest['sha256']).toBe('559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd');
    // SLSA v1 schema: buildDefinition{buildType, externalParameters, internalParameters?, resolvedDependencies?}, runDetails{builder{id}, metadata?}.
    const p = st.predicate as {
      buildDefinition: Record<string, unknown>;
      runDetails: { builder: { id: string }; metadata: { invocationId: string } };
    };
    expect(Object.keys(st.predicate).sort()).toEqual(['buildDefinition', 'runDetails']);
    expect(Object.keys(p.buildDefinition).sort()).toEqual([
      'buildType',
      'externalParameters',
      'internalParameters',
      'resolvedDependencies',
    ]);
    expect(p.buildDefinition['buildType']).toBe('https://actions.github.io/buildtypes/workflow/v1');
    expect(p.buildDefinition['externalParameters']).toEqual({
      workflow: {
        ref: 'refs/heads/main',
        repository: 'https://github.com/spikeformer/spikeformer-kit',
        path: '.github/workflows/ci.yml',
      },
    });
    expect(p.buildDefinition['internalParameters']).toEqual({
      github: {
        event_name: 'push',
        repository_id: '700000001',
        repository_owner_id: '100000001',
        runner_environment: 'github-hosted',
      },
    });
    expect(p.buildDefinition['resolvedDependencies']).toEqual([
      {
        uri: 'git+https://github.com/spikeformer/spikeformer-kit@refs/heads/main',
        digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' },
      },
    ]);
    expect(p.runDetails.builder.id).toBe(
      'https://github.com/spikeformer/spikeformer-kit/.github/workflows/ci.yml@refs/heads/main',
    );
    expect(p.runDetails.metadata.invocationId).toBe(
      'https://github.com/spikeformer/spikeformer-kit/actions/runs/9000000001/attempts/1',
    );
  });

  it('attests a custom predicate (a CycloneDX SBOM) over a checksums file', async () => {
    const sbom = { bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'numpy', version: '2.1.0' }] };
    const sums = `${'c'.repeat(64)}  dist/spikeformer-1.0.0-py3-none-any.whl\n`;
    const ws = workspace({ 'sbom.cdx.json': JSON.stringify(sbom), SHA256SUMS: sums });
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        checksums: 'SHA256SUMS',
        attest: 'custom',
        'predicate-type': 'https://cyclonedx.org/bom',
        predicate: 'sbom.cdx.json',
        mode: 'key',
        key: COSIGN_KEY,
        'key-password': PASSWORD_CANARY,
        tlog: false,
        'output-dir': 'out',
      },
    });
    expect(r.annotations).toEqual([]);
    const st = statementOf(readBundle(path.join(ws, 'out/attestation.sigstore.json')));
    expect(st).toMatchObject({
      predicateType: 'https://cyclonedx.org/bom',
      predicate: sbom,
      subject: [{ name: 'dist/spikeformer-1.0.0-py3-none-any.whl', digest: { sha256: 'c'.repeat(64) } }],
    });
  });

  it('signs an image in a real registry and the signature is fetched back through the registry API and verifies', async () => {
    const image = await pushTestImage(registry.url, 'spikeformer/api');
    const ref = `${registry.host}/spikeformer/api@${image.digest}`;
    const r = await runBundledAction(ACTION, {
      workspace: workspace(),
      inputs: {
        image: ref,
        'tsa-url': sigstore.url,
        'registry-username': 'ci',
        'registry-password': 'Registry-Canary-7731',
        ...mockUrls(),
      },
      env: sigstore.idTokenEnv(),
    });
    expect(r.annotations).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.masks).toContain('Registry-Canary-7731');
    expect(allText(r)).not.toContain('Registry-Canary-7731');
    expect(r.stdout).toContain('(tag-fallback)');
    // Fetch back with plain registry API calls: fallback tag index → artifact manifest → bundle blob.
    const tag = image.digest.replace(':', '-');
    const index = (await (
      await fetch(`${registry.url}/v2/spikeformer/api/manifests/${tag}`, {
        headers: { accept: 'application/vnd.oci.image.index.v1+json' },
      })
    ).json()) as { manifests: { digest: string; artifactType: string }[] };
    expect(index.manifests).toEqual([
      expect.objectContaining({ artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }),
    ]);
    const manifest = (await (
      await fetch(`${registry.url}/v2/spikeformer/api/manifests/${index.manifests[0]!.digest}`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
    ).json()) as {
      subject: { digest: string };
      layers: { digest: string }[];
    };
    expect(manifest.subject.digest).toBe(image.digest);
    const blob = await (await fetch(`${registry.url}/v2/spikeformer/api/blobs/${manifest.layers[0]!.digest}`)).json();
    const bundle = bundleFromJSON(blob);
    new Verifier(mockTrust(), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(bundle), {
      subjectAlternativeName: /spikeformer-kit/,
    });
    const st = statementOf(bundle);
    expect(st.predicateType).toBe('https://sigstore.dev/cosign/sign/v1');
    expect(st.subject).toEqual([
      { name: `${registry.host}/spikeformer/api`, digest: { sha256: image.digest.slice(7) } },
    ]);
  });

  it('an unreachable transparency log is one error naming it and the way out', async () => {
    const r = await runBundledAction(ACTION, {
      workspace: workspace({ 'a.bin': 'x' }),
      inputs: {
        files: 'a.bin',
        'sigstore-instance': 'public-good',
        'fulcio-url': sigstore.url,
        'rekor-url': 'http://127.0.0.1:9',
      },
      env: sigstore.idTokenEnv(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(
          /^sign: the transparency log \(http:\/\/127\.0\.0\.1:9\) did not record the signature; set tlog: false with a tsa-url/,
        ),
      }),
    ]);
    expect(r.stdout).not.toContain('Stack trace');
  });

  it('an image missing from the registry is a user error naming it', async () => {
    const ref = `${registry.host}/spikeformer/none@sha256:${'0'.repeat(64)}`;
    const r = await runBundledAction(ACTION, {
      workspace: workspace(),
      inputs: { image: ref, mode: 'key', key: COSIGN_KEY, 'key-password': PASSWORD_CANARY, tlog: false },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          `registry: image spikeformer/none@sha256:${'0'.repeat(64)} not found on ${registry.host}`,
        ),
      }),
    ]);
  });

  it('refuses an image given by tag', async () => {
    const r = await runBundledAction(ACTION, {
      workspace: workspace(),
      inputs: {
        image: `${registry.host}/spikeformer/api:latest`,
        mode: 'key',
        key: COSIGN_KEY,
        'key-password': PASSWORD_CANARY,
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toMatch(/Input 'image': .*not pinned by digest/);
  });
});
