import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bundlesFromDocument,
  digestFile,
  formatFailure,
  ProvenanceVerifier,
  type ArtifactReport,
  type Policy,
} from '../src/index.js';
import { CASES, expected, fixture, policyFor, publicGoodTrust } from './helpers.js';

const trust = publicGoodTrust();

async function verifyCase(
  c: string,
  policy: Policy,
  doc = 'attestations.json',
  tamper?: (b: Buffer) => Buffer,
): Promise<ArtifactReport> {
  const e = expected(c);
  const file = fixture(`${c}/${e.tarball.file}`);
  const digests = tamper
    ? (await import('../src/index.js')).digestBytes(tamper(readFileSync(file)))
    : await digestFile(file);
  const bundles = bundlesFromDocument(readFileSync(fixture(`${c}/${doc}`), 'utf8'), doc);
  return new ProvenanceVerifier({ trust, policy, requireTlog: true }).verifyArtifact(
    { name: e.tarball.file, digests },
    bundles,
  );
}

describe('offline verification of real npm provenance', { timeout: 30_000 }, () => {
  let connects = 0;
  beforeEach(() => {
    connects = 0;
    // Any socket connect is a failure: offline verification must not reach the network.
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket) {
      connects++;
      throw new Error('network access attempted during offline verification');
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(connects).toBe(0);
  });

  for (const c of CASES) {
    it(`${c} verifies under the policy of its expected.json`, async () => {
      const e = expected(c);
      const r = await verifyCase(c, policyFor(e));
      expect(r.failures.map(formatFailure)).toEqual([]);
      expect(r.verdict).toBe('verified');
      expect(r.digests.sha512).toBe(e.tarball.sha512);
      expect(r.evidence?.predicateType).toBe(e.provenance.predicateType);
      expect(r.evidence?.provenance?.builderId).toBe(e.provenance.builderId);
      expect(r.evidence?.provenance?.sourceDigest).toBe(e.provenance.sourceDigest);
      expect(r.evidence?.signer.type === 'certificate' && r.evidence.signer.subjectAlternativeName).toBe(
        e.provenance.certificateIdentity,
      );
      expect(r.evidence?.tlog.length).toBeGreaterThan(0);
    });

    it(`${c}: the provenance-only bundle verifies too`, async () => {
      const r = await verifyCase(c, policyFor(expected(c)), 'provenance.sigstore.json');
      expect(r.verdict).toBe('verified');
    });

    it(`${c}: a wrong source-repository fails naming the check`, async () => {
      const r = await verifyCase(c, { ...policyFor(expected(c)), sourceRepository: 'evil/fork' });
      expect(r.verdict).toBe('failed');
      const f = r.failures.find((x) => x.check.startsWith('source-repository'));
      expect(f?.expected).toBe('https://github.com/evil/fork');
      expect(f?.found).toBe(expected(c).provenance.sourceRepository);
      expect(formatFailure(f!)).toContain(expected(c).tarball.file);
    });

    it(`${c}: a wrong source-ref fails`, async () => {
      const r = await verifyCase(c, { ...policyFor(expected(c)), sourceRef: 'refs/tags/v9.*' });
      expect(r.verdict).toBe('failed');
      expect(
        r.failures.some((f) => f.check.startsWith('source-ref') && f.found === expected(c).provenance.sourceRef),
      ).toBe(true);
    });

    it(`${c}: a wrong builder-id fails`, async () => {
      const r = await verifyCase(c, { ...policyFor(expected(c)), builderId: 'https://github.com/evil/builder@v1' });
      expect(r.failures).toContainEqual(
        expect.objectContaining({ check: 'builder-id', found: expected(c).provenance.builderId }),
      );
    });

    it(`${c}: an artifact with one byte changed fails on its subject digest`, async () => {
      const r = await verifyCase(c, policyFor(expected(c)), 'attestations.json', (b) => {
        const copy = Buffer.from(b);
        copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x01;
        return copy;
      });
      expect(r.verdict).toBe('failed');
      expect(r.failures[0]?.check).toBe('subject-digest');
      expect(r.failures[0]?.found).toContain(expected(c).tarball.sha512);
    });
  }

  for (const c of CASES.filter((x) => x !== 'sigstore@1.0.0')) {
    for (const variant of ['invalidsigprov', 'invalidsigpub']) {
      it(`${c}: tampered ${variant} fails on the signature check`, async () => {
        const r = await verifyCase(c, policyFor(expected(c)), `negative/${variant}.attestations.json`);
        expect(r.verdict).toBe('failed');
        const sig = r.failures.find((f) => f.check === 'signature');
        expect(sig?.found).toMatch(/TLOG_BODY_ERROR: DSSE payload hash mismatch/);
        expect(sig?.bundle).toBe(
          `negative/${variant}.attestations.json#attestations[${variant === 'invalidsigpub' ? 0 : 1}]`,
        );
      });
    }
  }

  it('a reusable-workflow builder: signer is the generator, source comes from the certificate extensions', async () => {
    const c = '@laurentsimon__provenance-npm-test@1.0.5';
    const e = expected(c);
    expect(e.provenance.reusableWorkflow).toBe(true);
    const ok = await verifyCase(c, {
      ...policyFor(e),
      signerWorkflow: 'slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml',
    });
    expect(ok.verdict).toBe('verified');
    // The caller's repository is not the signer: asking for it as the signer workflow fails.
    const bad = await verifyCase(c, {
      ...policyFor(e),
      signerWorkflow: 'laurentsimon/provenance-npm-test/.github/workflows/release-slsa3.yml',
    });
    expect(bad.failures).toContainEqual(
      expect.objectContaining({ check: 'signer-workflow', found: e.provenance.certificateIdentity }),
    );
  });

  it('source digest, workflow trigger and provenance/certificate consistency pass on every case', async () => {
    const triggers: Record<string, string> = {
      'sigstore@1.0.0': 'release',
      'gundam-visor@1.0.1': 'release',
      '@laurentsimon__provenance-npm-test@1.0.5': 'workflow_dispatch',
    };
    for (const c of CASES) {
      const e = expected(c);
      const r = await verifyCase(c, {
        ...policyFor(e),
        sourceDigest: e.provenance.sourceDigest,
        workflowTriggers: [triggers[c] ?? ''],
      });
      expect(r.verdict).toBe('verified');
      const names = r.checks.filter((x) => x.ok).map((x) => x.check);
      expect(names).toEqual(
        expect.arrayContaining([
          'source-digest (certificate)',
          'source-digest (provenance)',
          'workflow-trigger',
          'provenance matches certificate (repository)',
          'provenance matches certificate (digest)',
        ]),
      );
      const bad = await verifyCase(c, { ...policyFor(e), workflowTriggers: ['schedule'] });
      expect(bad.failures).toContainEqual(expect.objectContaining({ check: 'workflow-trigger', found: triggers[c] }));
    }
  });

  it('certificate identity regexp and issuer are enforced', async () => {
    const c = 'gundam-visor@1.0.1';
    const e = expected(c);
    const ok = await verifyCase(c, {
      ...policyFor(e),
      certificateIdentityRegexp: /^https:\/\/github\.com\/ramonpetgrave64\//,
    });
    expect(ok.verdict).toBe('verified');
    const bad = await verifyCase(c, { ...policyFor(e), certificateOidcIssuer: 'https://accounts.google.com' });
    expect(bad.failures).toContainEqual(
      expect.objectContaining({
        check: 'certificate-oidc-issuer',
        expected: 'https://accounts.google.com',
        found: 'https://token.actions.githubusercontent.com',
      }),
    );
  });

  it('asking for another predicate type fails naming it', async () => {
    const r = await verifyCase('gundam-visor@1.0.1', {
      ...policyFor(expected('gundam-visor@1.0.1')),
      predicateType: 'https://cyclonedx.org/bom',
    });
    expect(r.verdict).toBe('failed');
    expect(r.failures.some((f) => f.check === 'predicate-type' && f.expected === 'https://cyclonedx.org/bom')).toBe(
      true,
    );
  });

  it('a forged provenance bundle beside a valid one fails the artifact', async () => {
    const c = 'gundam-visor@1.0.1';
    const e = expected(c);
    const good = bundlesFromDocument(readFileSync(fixture(`${c}/attestations.json`), 'utf8'), 'good.json');
    const forged = bundlesFromDocument(
      readFileSync(fixture(`${c}/negative/invalidsigprov.attestations.json`), 'utf8'),
      'forged.json',
    );
    const r = await new ProvenanceVerifier({ trust, policy: policyFor(e), requireTlog: true }).verifyArtifact(
      { name: e.tarball.file, digests: await digestFile(fixture(`${c}/${e.tarball.file}`)) },
      [...good, ...forged],
    );
    expect(r.verdict).toBe('failed');
    expect(r.failures).toEqual([
      expect.objectContaining({ check: 'signature', bundle: 'forged.json#attestations[1]' }),
    ]);
  });

  it('a leaf certificate with one signature byte changed fails the chain check, with the memo warm', async () => {
    const c = 'gundam-visor@1.0.1';
    const e = expected(c);
    const digests = await digestFile(fixture(`${c}/${e.tarball.file}`));
    const verifier = (): ProvenanceVerifier =>
      new ProvenanceVerifier({ trust, policy: policyFor(e), requireTlog: true });
    const text = readFileSync(fixture(`${c}/provenance.sigstore.json`), 'utf8');
    expect(
      (await verifier().verifyArtifact({ name: e.tarball.file, digests }, bundlesFromDocument(text, 'good.json')))
        .verdict,
    ).toBe('verified');
    const json = JSON.parse(text) as {
      verificationMaterial: { x509CertificateChain: { certificates: { rawBytes: string }[] } };
    };
    const leaf = json.verificationMaterial.x509CertificateChain.certificates[0]!;
    const der = Buffer.from(leaf.rawBytes, 'base64');
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01;
    leaf.rawBytes = der.toString('base64');
    const r = await verifier().verifyArtifact(
      { name: e.tarball.file, digests },
      bundlesFromDocument(JSON.stringify(json), 'bad-cert.json'),
    );
    expect(r.verdict).toBe('failed');
    expect(r.failures).toEqual([
      expect.objectContaining({
        check: 'signature',
        bundle: 'bad-cert.json',
        found: expect.stringMatching(/^CERTIFICATE_ERROR/),
      }),
    ]);
  });

  it('a bundle of another artifact does not cover this one', async () => {
    const e = expected('gundam-visor@1.0.1');
    const bundles = bundlesFromDocument(
      readFileSync(fixture('sigstore@1.0.0/attestations.json'), 'utf8'),
      'other.json',
    );
    const r = await new ProvenanceVerifier({ trust, policy: policyFor(e), requireTlog: true }).verifyArtifact(
      { name: e.tarball.file, digests: await digestFile(fixture(`gundam-visor@1.0.1/${e.tarball.file}`)) },
      bundles,
    );
    expect(r.failures).toEqual([expect.objectContaining({ check: 'subject-digest', artifact: e.tarball.file })]);
  });
});
