import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction, fixturePath, type RunResult } from '@spikeformer-actions/testing';
import { pushTestImage, startRegistry, type LocalRegistry } from '@spikeformer-actions/testing/registry';
import { startSigstoreServices, type SigstoreServices } from '@spikeformer-actions/testing/sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ACTION = 'actions/verify-provenance';
const CASES = ['sigstore@1.0.0', 'gundam-visor@1.0.1', '@laurentsimon__provenance-npm-test@1.0.5'] as const;

interface Expected {
  tarball: { file: string };
  provenance: {
    builderId: string;
    certificateIdentity: string;
    sourceRepository: string;
    sourceRef: string;
    sourceDigest: string;
    predicateType: string;
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vp-e2e-'));
// Preloaded into the action's process: records and blocks every outgoing socket.
const GUARD = path.join(tmp, 'net-guard.mjs');
writeFileSync(
  GUARD,
  `import net from 'node:net';
import { appendFileSync } from 'node:fs';
const log = process.env.NET_GUARD_LOG;
net.Socket.prototype.connect = function (...args) {
  const o = args[0];
  appendFileSync(log, (typeof o === 'object' && o !== null ? String(o.host ?? o.path) + ':' + String(o.port ?? '') : String(o)) + '\\n');
  process.nextTick(() => this.destroy(new Error('network access blocked by the test guard')));
  return this;
};
`,
);

function guarded(): { env: Record<string, string>; attempts: () => string[] } {
  const log = path.join(mkdtempSync(path.join(tmp, 'guard-')), 'connections.log');
  writeFileSync(log, '');
  return {
    env: { NODE_OPTIONS: `--import=${GUARD}`, NET_GUARD_LOG: log },
    attempts: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
  };
}

/** A workspace holding one fixture case, the public-good trusted root and npm's keys. */
function caseWorkspace(c: string): { ws: string; expected: Expected } {
  const ws = mkdtempSync(path.join(tmp, 'ws-'));
  cpSync(path.dirname(fixturePath(`provenance/${c}/expected.json`)), path.join(ws, 'pkg'), { recursive: true });
  cpSync(fixturePath('provenance/trusted_root.json'), path.join(ws, 'trusted_root.json'));
  cpSync(fixturePath('provenance/npm_registry_keys.json'), path.join(ws, 'npm_keys.json'));
  return { ws, expected: JSON.parse(readFileSync(path.join(ws, 'pkg/expected.json'), 'utf8')) as Expected };
}

function caseInputs(e: Expected, extra: Record<string, string> = {}): Record<string, string> {
  return {
    artifacts: `pkg/${e.tarball.file}`,
    bundles: 'pkg/attestations.json',
    'trusted-root': 'trusted_root.json',
    'public-keys': 'npm_keys.json',
    'source-repository': e.provenance.sourceRepository,
    'source-ref': e.provenance.sourceRef,
    'source-digest': e.provenance.sourceDigest,
    'builder-id': e.provenance.builderId,
    'signer-workflow': e.provenance.certificateIdentity,
    ...extra,
  };
}

const NPM_PUBLISH = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';

/** Where npm's publish attestation sits in a case's attestations document (the order varies). */
function publishIndex(ws: string): number {
  const doc = JSON.parse(readFileSync(path.join(ws, 'pkg/attestations.json'), 'utf8')) as {
    attestations: { predicateType: string }[];
  };
  return doc.attestations.findIndex((a) => a.predicateType === NPM_PUBLISH);
}

function errors(r: RunResult): string[] {
  return r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

function decoded(summary: string): string {
  return summary.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
}

beforeAll(async () => {
  ensureBundled(ACTION);
  ensureBundled('actions/sign');
}, 240_000);

describe('verify-provenance on real npm provenance, offline', { timeout: 60_000 }, () => {
  for (const c of CASES) {
    it(`${c} verifies with trusted-root set and attempts no connection`, async () => {
      const { ws, expected } = caseWorkspace(c);
      const guard = guarded();
      const r = await runBundledAction(ACTION, {
        workspace: ws,
        inputs: caseInputs(expected, { 'json-file': 'report.json' }),
        env: guard.env,
      });
      expect(errors(r)).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(guard.attempts()).toEqual([]);
      expect(r.outputs).toMatchObject({
        status: 'passed',
        verified: '1',
        failed: '0',
        'json-file': path.join(ws, 'report.json'),
      });
      const report = JSON.parse(readFileSync(path.join(ws, 'report.json'), 'utf8')) as {
        artifacts: { verdict: string; evidence: { predicateType: string; provenance: { builderId: string } } }[];
      };
      expect(report.artifacts[0]).toMatchObject({
        verdict: 'verified',
        evidence: {
          predicateType: expected.provenance.predicateType,
          provenance: { builderId: expected.provenance.builderId },
        },
      });
      const summary = decoded(r.summary);
      expect(summary).toContain(expected.provenance.builderId);
      expect(summary).toContain(expected.provenance.sourceRepository);
      expect(summary).toMatch(/log #\d+ at 20\d\d-/);
    });
  }

  for (const c of CASES) {
    it(`${c}: without registry keys the SLSA provenance is verified and npm's publish attestation reported not checked`, async () => {
      const { ws, expected } = caseWorkspace(c);
      const inputs = caseInputs(expected, { 'json-file': 'report.json' });
      delete inputs['public-keys'];
      const guard = guarded();
      const r = await runBundledAction(ACTION, { workspace: ws, inputs, env: guard.env });
      expect(errors(r)).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(guard.attempts()).toEqual([]);
      expect(r.outputs).toMatchObject({ status: 'passed', verified: '1', failed: '0' });
      const publish = `pkg/attestations.json#attestations[${publishIndex(ws)}]`;
      const line = `pkg/${expected.tarball.file}: ${publish} (${NPM_PUBLISH}) not checked (no registry keys: give npm's keys.json in public-keys to check it)`;
      expect(r.stdout.split('\n')).toContain(line);
      const report = JSON.parse(readFileSync(path.join(ws, 'report.json'), 'utf8')) as {
        artifacts: { verdict: string; notChecked: unknown[] }[];
      };
      expect(report.artifacts[0]?.notChecked).toEqual([
        { bundle: publish, predicateType: NPM_PUBLISH, reason: 'no registry keys' },
      ]);
      expect(decoded(r.summary)).toContain(`Not checked (1)</summary>`);
    });
  }

  it('without registry keys a tampered provenance still fails; with keys a tampered publish attestation fails', async () => {
    const { ws, expected } = caseWorkspace('gundam-visor@1.0.1');
    const noKeys = caseInputs(expected, { bundles: 'pkg/negative/invalidsigprov.attestations.json' });
    delete noKeys['public-keys'];
    const r = await runBundledAction(ACTION, { workspace: ws, inputs: noKeys });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toContainEqual(
      expect.stringMatching(
        /^pkg\/gundam-visor-1\.0\.1\.tgz: signature failed in pkg\/negative\/invalidsigprov\.attestations\.json#attestations\[\d\]: .*TLOG_BODY_ERROR/,
      ),
    );
    const index = publishIndex(ws);
    const doc = JSON.parse(readFileSync(path.join(ws, 'pkg/attestations.json'), 'utf8')) as {
      attestations: { bundle: { dsseEnvelope: { signatures: { sig: string }[] } } }[];
    };
    const sig = doc.attestations[index]!.bundle.dsseEnvelope.signatures[0]!;
    sig.sig = Buffer.from(Buffer.from(sig.sig, 'base64').map((b, i) => (i === 10 ? b ^ 1 : b))).toString('base64');
    writeFileSync(path.join(ws, 'pkg/forged-publish.json'), JSON.stringify(doc));
    const withKeys = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: caseInputs(expected, { bundles: 'pkg/forged-publish.json' }),
    });
    expect(withKeys.exitCode).toBe(1);
    expect(errors(withKeys)).toContainEqual(
      expect.stringContaining(
        `pkg/gundam-visor-1.0.1.tgz: signature failed in pkg/forged-publish.json#attestations[${index}]: `,
      ),
    );
    // Asked for the publish attestation itself, no keys is a failure, not "not checked".
    const publishOnly = caseInputs(expected, {
      'predicate-type': NPM_PUBLISH,
      'builder-id': '',
      'source-ref': '',
      'source-digest': '',
    });
    delete publishOnly['public-keys'];
    const asked = await runBundledAction(ACTION, { workspace: ws, inputs: publishOnly });
    expect(asked.exitCode).toBe(1);
    expect(errors(asked)).toContainEqual(
      expect.stringContaining(
        `pkg/gundam-visor-1.0.1.tgz: signature failed in pkg/attestations.json#attestations[${index}]: `,
      ),
    );
    expect(errors(asked)[0]).toMatch(
      /no trusted public key for key hint "SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA"$/,
    );
  });

  it('the network guard works: without trusted-root the TUF fetch is attempted, blocked, and reported as one input error', async () => {
    const { ws, expected } = caseWorkspace('gundam-visor@1.0.1');
    const guard = guarded();
    const inputs = caseInputs(expected);
    delete inputs['trusted-root'];
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs,
      env: { ...guard.env, RUNNER_TEMP: mkdtempSync(path.join(tmp, 'rt-')) },
      timeoutMs: 50_000,
    });
    expect(r.exitCode).toBe(1);
    expect(guard.attempts().length).toBeGreaterThan(0);
    const errors = r.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /^verify-provenance: Input 'trusted-root': not given, and the Sigstore public-good trusted root could not be fetched from https:\/\/tuf-repo-cdn\.sigstore\.dev \(.+\); give a trusted_root\.json/,
    );
    expect(r.stdout).not.toContain('Stack trace');
  });

  for (const c of ['gundam-visor@1.0.1', '@laurentsimon__provenance-npm-test@1.0.5']) {
    for (const variant of ['invalidsigprov', 'invalidsigpub']) {
      it(`${c}: tampered ${variant} fails naming the artifact and the signature check`, async () => {
        const { ws, expected } = caseWorkspace(c);
        const r = await runBundledAction(ACTION, {
          workspace: ws,
          inputs: caseInputs(expected, { bundles: `pkg/negative/${variant}.attestations.json` }),
        });
        expect(r.exitCode).toBe(1);
        expect(r.outputs['status']).toBe('failed');
        expect(errors(r)).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `^pkg/${expected.tarball.file.replace(/\./g, '\\.')}: signature failed in pkg/negative/${variant}\\.attestations\\.json#attestations\\[\\d\\]: .*TLOG_BODY_ERROR: DSSE payload hash mismatch`,
            ),
          ),
        );
      });
    }
  }

  it.each([
    [
      'source-repository',
      { 'source-repository': 'https://github.com/evil/sigstore-js' },
      /source-repository \(certificate\) failed .*expected https:\/\/github\.com\/evil\/sigstore-js, found https:\/\/github\.com\/sigstore\/sigstore-js/,
    ],
    [
      'source-ref',
      { 'source-ref': 'refs/tags/v2.*' },
      /source-ref \(certificate\) failed .*expected refs\/tags\/v2\.\*, found refs\/tags\/v1\.0\.0/,
    ],
    [
      'builder-id',
      { 'builder-id': 'https://github.com/npm/cli@10.0.0' },
      /builder-id failed .*expected https:\/\/github\.com\/npm\/cli@10\.0\.0, found https:\/\/github\.com\/npm\/cli@9\.4\.2/,
    ],
    [
      'source-digest',
      { 'source-digest': '1111111111111111111111111111111111111111' },
      /source-digest \(certificate\) failed .*expected 1{40}, found 06528997c3c8ab9f864fad9a3658446aca7fd86d/,
    ],
    [
      'workflow-trigger',
      { 'workflow-trigger': 'push, workflow_dispatch' },
      /workflow-trigger failed .*expected one of push, workflow_dispatch, found release/,
    ],
  ])('a wrong %s fails with the matching reason', async (_name, change, reason) => {
    const { ws, expected } = caseWorkspace('sigstore@1.0.0');
    const r = await runBundledAction(ACTION, { workspace: ws, inputs: caseInputs(expected, change) });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toContainEqual(expect.stringMatching(reason));
    expect(errors(r).every((m) => m.includes('sigstore-1.0.0.tgz'))).toBe(true);
  });

  it('an artifact with one byte changed fails on its subject digest', async () => {
    const { ws, expected } = caseWorkspace('sigstore@1.0.0');
    const file = path.join(ws, 'pkg', expected.tarball.file);
    const bytes = readFileSync(file);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const r = await runBundledAction(ACTION, { workspace: ws, inputs: caseInputs(expected) });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toContainEqual(
      expect.stringMatching(
        /^pkg\/sigstore-1\.0\.0\.tgz: subject-digest failed: expected a bundle whose subject is sha256:[0-9a-f]{64} \/ sha512:[0-9a-f]{128}, found subjects pkg:npm\/sigstore@1\.0\.0 sha512:7bea9f6e/,
      ),
    );
  });

  it('a reusable-workflow builder: the signer workflow is the generator, the source repository comes from the certificate', async () => {
    const { ws, expected } = caseWorkspace('@laurentsimon__provenance-npm-test@1.0.5');
    const ok = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: caseInputs(expected, {
        'signer-workflow':
          'slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml@refs/tags/v1.*',
      }),
    });
    expect(errors(ok)).toEqual([]);
    const bad = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: caseInputs(expected, {
        'signer-workflow': 'laurentsimon/provenance-npm-test/.github/workflows/release-slsa3.yml',
      }),
    });
    expect(errors(bad)).toContainEqual(
      expect.stringMatching(
        /signer-workflow failed .*found https:\/\/github\.com\/slsa-framework\/slsa-github-generator/,
      ),
    );
  });

  it('nothing to verify is an input error', async () => {
    const r = await runBundledAction(ACTION, { workspace: mkdtempSync(path.join(tmp, 'ws-')), inputs: {} });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toEqual([expect.stringContaining("Input 'artifacts': nothing to verify")]);
  });
});

describe('round trip: bundles made by the sign action verify here', { timeout: 90_000 }, () => {
  let sigstore: SigstoreServices;
  let registry: LocalRegistry;
  beforeAll(async () => {
    sigstore = await startSigstoreServices();
    registry = await startRegistry();
  }, 60_000);
  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
    await sigstore?.close();
    await registry?.stop();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  });

  function signWorkspace(): string {
    const ws = mkdtempSync(path.join(tmp, 'rt-'));
    writeFileSync(path.join(ws, 'spikeformer-1.0.0.whl'), 'wheel');
    writeFileSync(path.join(ws, 'spikeformer-1.0.0.tar.gz'), 'sdist');
    writeFileSync(path.join(ws, 'mock_root.json'), JSON.stringify(sigstore.trustedRoot));
    return ws;
  }
  const policy = {
    'trusted-root': 'mock_root.json',
    'source-repository': 'spikeformer/spikeformer-kit',
    'source-ref': 'refs/heads/main',
    'signer-workflow': 'spikeformer/spikeformer-kit/.github/workflows/ci.yml',
  };

  it('keyless SLSA provenance over two files verifies offline; a changed file and a wrong builder fail', async () => {
    const ws = signWorkspace();
    const signed = await runBundledAction('actions/sign', {
      workspace: ws,
      inputs: {
        files: 'spikeformer-1.0.0.*',
        attest: 'slsa-provenance',
        'output-dir': 'att',
        'sigstore-instance': 'public-good',
        'fulcio-url': sigstore.url,
        'rekor-url': sigstore.url,
        'tsa-url': sigstore.url,
      },
      env: sigstore.idTokenEnv(),
    });
    expect(signed.exitCode).toBe(0);
    const guard = guarded();
    const builder = 'https://github.com/spikeformer/spikeformer-kit/.github/workflows/ci.yml@refs/heads/main';
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        artifacts: 'spikeformer-1.0.0.*',
        bundles: 'att/attestation.sigstore.json',
        'builder-id': builder,
        ...policy,
      },
      env: guard.env,
    });
    expect(errors(r)).toEqual([]);
    expect(r.outputs).toMatchObject({ status: 'passed', verified: '2' });
    expect(guard.attempts()).toEqual([]);
    writeFileSync(path.join(ws, 'spikeformer-1.0.0.whl'), 'wheeL');
    const bad = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        artifacts: 'spikeformer-1.0.0.*',
        bundles: 'att/attestation.sigstore.json',
        'builder-id': 'https://github.com/other/builder',
        ...policy,
      },
    });
    expect(bad.outputs).toMatchObject({ status: 'failed', verified: '0', failed: '2' });
    expect(errors(bad)).toContainEqual(expect.stringMatching(/^spikeformer-1\.0\.0\.whl: subject-digest failed/));
    expect(errors(bad)).toContainEqual(
      expect.stringMatching(
        /^spikeformer-1\.0\.0\.tar\.gz: builder-id failed .*expected https:\/\/github\.com\/other\/builder, found https:\/\/github\.com\/spikeformer/,
      ),
    );
  });

  it('signed provenance that describes another repository than the certificate is refused', async () => {
    const ws = signWorkspace();
    const forged = {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: {
          workflow: {
            ref: 'refs/heads/main',
            repository: 'https://github.com/other/project',
            path: '.github/workflows/ci.yml',
          },
        },
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/other/project@refs/heads/main',
            digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' },
          },
        ],
      },
      runDetails: { builder: { id: 'https://github.com/other/project/.github/workflows/ci.yml@refs/heads/main' } },
    };
    writeFileSync(path.join(ws, 'forged.json'), JSON.stringify(forged));
    const signed = await runBundledAction('actions/sign', {
      workspace: ws,
      inputs: {
        files: 'spikeformer-1.0.0.whl',
        attest: 'custom',
        'predicate-type': 'https://slsa.dev/provenance/v1',
        predicate: 'forged.json',
        'output-dir': 'att',
        'sigstore-instance': 'public-good',
        'fulcio-url': sigstore.url,
        'rekor-url': sigstore.url,
      },
      env: sigstore.idTokenEnv(),
    });
    expect(errors(signed)).toEqual([]);
    // The signer identity is pinned by regexp only, so the repository check is the consistency check.
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        artifacts: 'spikeformer-1.0.0.whl',
        bundles: 'att/attestation.sigstore.json',
        'trusted-root': 'mock_root.json',
        'certificate-identity-regexp': '^https://github\\.com/spikeformer/',
      },
    });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toContainEqual(
      expect.stringMatching(
        /^spikeformer-1\.0\.0\.whl: provenance matches certificate \(repository\) failed in att\/attestation\.sigstore\.json: expected https:\/\/github\.com\/spikeformer\/spikeformer-kit \(certificate\), found https:\/\/github\.com\/other\/project \(provenance\)/,
      ),
    );
  });

  it('keyless message signatures found next to the files verify with predicate-type any', async () => {
    const ws = signWorkspace();
    const signed = await runBundledAction('actions/sign', {
      workspace: ws,
      inputs: {
        files: 'spikeformer-1.0.0.*',
        'sigstore-instance': 'public-good',
        'fulcio-url': sigstore.url,
        'rekor-url': sigstore.url,
      },
      env: sigstore.idTokenEnv(),
    });
    expect(signed.exitCode).toBe(0);
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { artifacts: 'spikeformer-1.0.0.*\n!*.sigstore.json', 'predicate-type': 'any', ...policy },
    });
    expect(errors(r)).toEqual([]);
    expect(r.outputs['verified']).toBe('2');
    // Provenance is the default requirement: a bare signature is not provenance.
    const strict = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { artifacts: 'spikeformer-1.0.0.whl', ...policy },
    });
    expect(errors(strict)).toContainEqual(
      expect.stringMatching(
        /predicate-type failed: expected https:\/\/slsa.dev\/provenance\/v1 or https:\/\/slsa.dev\/provenance\/v0.2, found only a message signature/,
      ),
    );
  });

  it('key mode: verifies with the PEM public key in public-keys, without a transparency log', async () => {
    const ws = signWorkspace();
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path.join(ws, 'cosign.pub'), publicKey.export({ format: 'pem', type: 'spki' }));
    const signed = await runBundledAction('actions/sign', {
      workspace: ws,
      inputs: {
        files: 'spikeformer-1.0.0.whl',
        mode: 'key',
        key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        attest: 'slsa-provenance',
        tlog: false,
        'output-dir': 'att',
      },
    });
    expect(errors(signed)).toEqual([]);
    const inputs = {
      artifacts: 'spikeformer-1.0.0.whl',
      bundles: 'att/attestation.sigstore.json',
      'trusted-root': 'mock_root.json',
      'public-keys': 'cosign.pub',
      'source-repository': 'spikeformer/spikeformer-kit',
    };
    const r = await runBundledAction(ACTION, { workspace: ws, inputs: { ...inputs, 'require-tlog': false } });
    expect(errors(r)).toEqual([]);
    const needsLog = await runBundledAction(ACTION, { workspace: ws, inputs });
    expect(errors(needsLog)).toContainEqual(
      expect.stringMatching(
        /signature failed .*TLOG_ERROR|signature failed .*TIMESTAMP_ERROR|signature failed .*tlog/i,
      ),
    );
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    writeFileSync(path.join(ws, 'cosign.pub'), other.export({ format: 'pem', type: 'spki' }));
    const wrongKey = await runBundledAction(ACTION, { workspace: ws, inputs: { ...inputs, 'require-tlog': false } });
    expect(errors(wrongKey)).toContainEqual(expect.stringMatching(/spikeformer-1\.0\.0\.whl: signature failed/));
  });

  it('an image signed in the registry verifies from its referrers (tag fallback)', async () => {
    const image = await pushTestImage(registry.url, 'spikeformer/api');
    const ref = `${registry.host}/spikeformer/api@${image.digest}`;
    const ws = signWorkspace();
    const signed = await runBundledAction('actions/sign', {
      workspace: ws,
      inputs: {
        image: ref,
        attest: 'slsa-provenance',
        'sigstore-instance': 'public-good',
        'fulcio-url': sigstore.url,
        'rekor-url': sigstore.url,
      },
      env: sigstore.idTokenEnv(),
    });
    expect(errors(signed)).toEqual([]);
    const r = await runBundledAction(ACTION, { workspace: ws, inputs: { image: ref, ...policy } });
    expect(errors(r)).toEqual([]);
    expect(r.stdout).toContain('1 Sigstore bundle(s) among 1 referrer(s) (tag-fallback)');
    const other = await pushTestImage(registry.url, 'spikeformer/api', 'another layer\n');
    const unsigned = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { image: `${registry.host}/spikeformer/api@${other.digest}`, ...policy },
    });
    expect(errors(unsigned)).toContainEqual(
      expect.stringContaining(`spikeformer/api@${other.digest}: subject-digest failed`),
    );
    expect(existsSync(path.join(ws, 'report.json'))).toBe(false);
  });
});
