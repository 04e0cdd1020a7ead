import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { toMessageSignatureBundle } from '@sigstore/bundle';
import { describe, expect, it } from 'vitest';
import {
  buildTrustMaterial,
  bundlesFromDocument,
  digestBytes,
  emptyTrustedRoot,
  GITHUB_OIDC_ISSUER,
  pemPublicKey,
  ProvenanceVerifier,
  type LoadedBundle,
} from '../src/index.js';
import { expected, fixture, policyFor, publicGoodTrust } from './helpers.js';

// Within one run each distinct bundle goes through @sigstore/verify once, whatever file it came
// from; a bundle that differs in any byte, or a message signature over other bytes, is verified anew.
const CASE = 'sigstore@1.0.0';
const e = expected(CASE);
const tarball = readFileSync(fixture(`${CASE}/${e.tarball.file}`));
const read = (file: string): LoadedBundle[] =>
  bundlesFromDocument(readFileSync(fixture(`${CASE}/${file}`), 'utf8'), file);

describe('one verification per distinct bundle in a run', { timeout: 30_000 }, () => {
  it('the SLSA bundle of attestations.json and of provenance.sigstore.json is verified once, each file named in the checks', async () => {
    const verifier = new ProvenanceVerifier({ trust: publicGoodTrust(), policy: policyFor(e), requireTlog: true });
    const report = await verifier.verifyArtifact({ name: e.tarball.file, digests: digestBytes(tarball) }, [
      ...read('attestations.json'),
      ...read('provenance.sigstore.json'),
    ]);
    expect(report.verdict).toBe('verified');
    expect(verifier.signatureCounts).toEqual({ verified: 2, reused: 1 });
    expect(report.checks.filter((c) => c.check === 'signature').map((c) => `${c.bundle} ${c.found}`)).toEqual([
      'attestations.json#attestations[0] valid',
      'attestations.json#attestations[1] valid',
      'provenance.sigstore.json valid',
    ]);
  });

  it('a copy that differs in one byte is verified on its own and fails', async () => {
    const verifier = new ProvenanceVerifier({ trust: publicGoodTrust(), policy: policyFor(e), requireTlog: true });
    const json = JSON.parse(readFileSync(fixture(`${CASE}/provenance.sigstore.json`), 'utf8')) as {
      verificationMaterial: { tlogEntries: { integratedTime: string }[] };
    };
    const entry = json.verificationMaterial.tlogEntries[0]!;
    entry.integratedTime = String(Number(entry.integratedTime) + 1);
    const altered = bundlesFromDocument(JSON.stringify(json), 'altered.json');
    const report = await verifier.verifyArtifact({ name: e.tarball.file, digests: digestBytes(tarball) }, [
      ...read('provenance.sigstore.json'),
      ...altered,
    ]);
    expect(verifier.signatureCounts).toEqual({ verified: 2, reused: 0 });
    expect(report.verdict).toBe('failed');
    expect(report.failures.map((f) => `${f.bundle} ${f.check} ${f.found.split(':')[0]}`)).toEqual([
      'altered.json signature TLOG_INCLUSION_PROMISE_ERROR',
    ]);
  });

  it('a message signature is kept per artifact bytes: the same bytes reuse it, other bytes are checked again', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = pemPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const bytes = Buffer.from('artifact bytes\n');
    const bundle = toMessageSignatureBundle({
      digest: createHash('sha256').update(bytes).digest(),
      signature: sign('sha256', bytes, privateKey),
      keyHint: key.hint,
    });
    const trust = buildTrustMaterial(emptyTrustedRoot(), [key]);
    const verifier = new ProvenanceVerifier({
      trust,
      policy: { predicateType: 'any', certificateOidcIssuer: GITHUB_OIDC_ISSUER },
      requireTlog: false,
    });
    const loaded = [{ source: 'a.sigstore.json', bundle }];
    const digests = digestBytes(bytes);
    const verdicts: string[] = [];
    for (const given of [bytes, bytes, Buffer.from('other bytes\n')]) {
      verdicts.push(
        (await verifier.verifyArtifact({ name: 'a', digests, bytes: () => Promise.resolve(given) }, loaded)).verdict,
      );
    }
    expect(verdicts).toEqual(['verified', 'verified', 'failed']);
    expect(verifier.signatureCounts).toEqual({ verified: 2, reused: 1 });
  });
});
