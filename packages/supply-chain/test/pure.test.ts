import { describe, expect, it } from 'vitest';
import {
  buildSlsaV1Predicate,
  fallbackTag,
  fulcioExtensions,
  GITHUB_BUILD_TYPE_V1,
  globToRegExp,
  matchesPattern,
  normaliseRepository,
  parseChallenge,
  parseDigest,
  parseImageReference,
  parseStatement,
  provenanceFacts,
  splitSourceUri,
  sriToHex,
  SLSA_PROVENANCE_V1,
} from '../src/index.js';

describe('image references', () => {
  const d = `sha256:${'a'.repeat(64)}`;
  it('parses registry, repository and digest, with docker.io defaults', () => {
    expect(parseImageReference(`ghcr.io/spikeformer/kit@${d}`)).toEqual({
      ok: true,
      value: { registry: 'ghcr.io', repository: 'spikeformer/kit', digest: d },
    });
    expect(parseImageReference(`127.0.0.1:5000/a/b:v1@${d}`)).toEqual({
      ok: true,
      value: { registry: '127.0.0.1:5000', repository: 'a/b', digest: d, tag: 'v1' },
    });
    expect(parseImageReference(`ubuntu@${d}`)).toEqual({
      ok: true,
      value: { registry: 'docker.io', repository: 'library/ubuntu', digest: d },
    });
  });
  it('refuses tags without digest and malformed digests', () => {
    expect(parseImageReference('ghcr.io/a/b:latest')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not pinned by digest'),
    });
    expect(parseImageReference('ghcr.io/a/b@sha256:abc')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not a sha256 digest'),
    });
    expect(parseImageReference(`ghcr.io/A/b@${d}`)).toMatchObject({ ok: false });
  });
  it('names the fallback tag as OCI 1.1 does', () => {
    expect(fallbackTag(d)).toBe(`sha256-${'a'.repeat(64)}`);
  });
});

describe('digests and challenges', () => {
  it('parses OCI digests and npm SRI', () => {
    expect(parseDigest(`sha512:${'0'.repeat(128)}`)).toEqual({ algorithm: 'sha512', hex: '0'.repeat(128) });
    expect(parseDigest(`sha256:${'0'.repeat(63)}`)).toBeNull();
    expect(
      sriToHex('sha512-jZ15cvZ2UWx1AUqgdOEa5gTZjwtk7Gclph4oOP89qxYhGPpxQz+zHhVQ0wvQ3snQhs4DK5RFe1g5AMUHrPOcQA==')?.hex,
    ).toBe(
      '8d9d7972f676516c75014aa074e11ae604d98f0b64ec6725a61e2838ff3dab162118fa71433fb31e1550d30bd0dec9d086ce032b94457b583900c507acf39c40',
    );
  });
  it('parses a bearer challenge', () => {
    expect(
      parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"'),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:a/b:pull' },
    });
  });
});

describe('policy helpers', () => {
  it('globs match within and across segments', () => {
    expect(globToRegExp('refs/tags/v*').test('refs/tags/v1.2.3')).toBe(true);
    expect(globToRegExp('refs/tags/v*').test('refs/tags/v1/evil')).toBe(false);
    expect(matchesPattern('refs/**', 'refs/tags/v1/x')).toBe(true);
    expect(matchesPattern('refs/tags/v1.0.0', 'refs/tags/v1x0x0')).toBe(false);
  });
  it('normalises repositories and source URIs', () => {
    expect(normaliseRepository('Owner/Repo')).toBe('https://github.com/Owner/Repo');
    expect(normaliseRepository('git+https://GitHub.com/o/r.git')).toBe('https://github.com/o/r');
    expect(splitSourceUri('git+https://github.com/o/r@refs/tags/v1')).toEqual({
      repository: 'https://github.com/o/r',
      ref: 'refs/tags/v1',
    });
  });
  it('decodes v1 (raw) and v2 (DER UTF8String) Fulcio extensions', () => {
    const ext = fulcioExtensions([
      { oid: { id: [1, 3, 6, 1, 4, 1, 57264, 1, 5] }, value: Buffer.from('o/r') },
      { oid: { id: [1, 3, 6, 1, 4, 1, 57264, 1, 12] }, value: Buffer.from([0x0c, 0x05, ...Buffer.from('https')]) },
    ]);
    expect(ext).toEqual({ githubWorkflowRepository: 'o/r', sourceRepositoryURI: 'https' });
  });
});

describe('SLSA v1 provenance predicate', () => {
  const ctx = {
    serverUrl: 'https://github.com',
    repository: 'o/r',
    repositoryId: '1',
    repositoryOwnerId: '2',
    ref: 'refs/tags/v1',
    sha: 'abc',
    eventName: 'push',
    workflowRef: 'o/r/.github/workflows/rel.yml@refs/tags/v1',
    runId: '9',
    runAttempt: '2',
    runnerEnvironment: 'github-hosted',
  };
  it('carries the GitHub context as attest-build-provenance does, and reads back as provenance facts', () => {
    const p = buildSlsaV1Predicate(ctx);
    expect(p.buildDefinition.buildType).toBe(GITHUB_BUILD_TYPE_V1);
    expect(p.buildDefinition.externalParameters).toEqual({
      workflow: { ref: 'refs/tags/v1', repository: 'https://github.com/o/r', path: '.github/workflows/rel.yml' },
    });
    expect(p.buildDefinition.resolvedDependencies).toEqual([
      { uri: 'git+https://github.com/o/r@refs/tags/v1', digest: { gitCommit: 'abc' } },
    ]);
    expect(p.runDetails.builder.id).toBe('https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1');
    expect(p.runDetails.metadata?.invocationId).toBe('https://github.com/o/r/actions/runs/9/attempts/2');
    expect(
      buildSlsaV1Predicate({ ...ctx, jobWorkflowRef: 'x/gen/.github/workflows/b.yml@refs/tags/v2' }).runDetails.builder
        .id,
    ).toBe('https://github.com/x/gen/.github/workflows/b.yml@refs/tags/v2');
    expect(provenanceFacts(SLSA_PROVENANCE_V1, p)).toMatchObject({
      version: 'v1',
      sourceRepository: 'https://github.com/o/r',
      sourceRef: 'refs/tags/v1',
      sourceDigest: 'abc',
    });
  });
  it('parses statements and refuses ones without subjects', () => {
    expect(
      parseStatement(Buffer.from('{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x"}')),
    ).toMatchObject({ ok: false, problem: 'statement has no subject' });
    expect(parseStatement(Buffer.from('nope'))).toMatchObject({ ok: false });
  });
});

describe('bundle documents', () => {
  const bundle = (n: number): string =>
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        publicKey: { hint: `k${n}` },
        tlogEntries: [],
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: Buffer.alloc(32, n).toString('base64') },
        signature: 'AAAA',
      },
    });
  it('reads a bundle, JSON lines of bundles, and npm attestations documents', async () => {
    const { bundlesFromDocument } = await import('../src/index.js');
    expect(bundlesFromDocument(bundle(1), 'a.json').map((b) => b.source)).toEqual(['a.json']);
    expect(bundlesFromDocument(`${bundle(1)}\n${bundle(2)}\n`, 'b.jsonl').map((b) => b.source)).toEqual([
      'b.jsonl#1',
      'b.jsonl#2',
    ]);
    const npm = JSON.stringify({
      attestations: [{ predicateType: 'https://slsa.dev/provenance/v1', bundle: JSON.parse(bundle(3)) }],
    });
    expect(bundlesFromDocument(npm, 'c.json')).toEqual([
      expect.objectContaining({
        source: 'c.json#attestations[0]',
        declaredPredicateType: 'https://slsa.dev/provenance/v1',
      }),
    ]);
  });
  it('names the file and what is wrong', async () => {
    const { bundlesFromDocument } = await import('../src/index.js');
    expect(() => bundlesFromDocument('{"mediaType":"text/plain"}', 'x.json')).toThrow(/x\.json: not a Sigstore bundle/);
    expect(() => bundlesFromDocument(`${bundle(1)}\nnot json`, 'y.jsonl')).toThrow(/y\.jsonl:2: line is not JSON/);
    expect(() => bundlesFromDocument('{"attestations":[]}', 'z.json')).toThrow(
      /z\.json: the attestations document is empty/,
    );
    expect(() => bundlesFromDocument(' \n', 'e.json')).toThrow(
      /^e\.json: is empty \(expected a Sigstore bundle or an npm attestations document\)$/,
    );
    expect(() => bundlesFromDocument(`{"attestations":${'['.repeat(300)}${']'.repeat(300)}}`, 'd.json')).toThrow(
      /^d\.json:1:272: nests deeper than 256 levels$/,
    );
    // A pretty-printed document cut short is a JSON error with its position, not "line 1 is not a bundle".
    expect(() => bundlesFromDocument('{\n  "attestations": [\n    {', 't.json')).toThrow(
      /^t\.json:3:6: invalid JSON: /,
    );
    expect(() =>
      bundlesFromDocument('{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}', 'm.json'),
    ).toThrow('m.json: malformed Sigstore bundle: invalid v0.1 bundle (content, verificationMaterial)');
  });
});
