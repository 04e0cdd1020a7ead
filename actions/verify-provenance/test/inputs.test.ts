import { describe, expect, it } from 'vitest';
import { buildPolicy, requireIdentity, type RawPolicy } from '../src/inputs.js';

const raw: RawPolicy = {
  predicateType: '',
  sourceRepository: '',
  sourceRef: '',
  sourceDigest: '',
  workflowTriggers: [],
  builderId: '',
  signerWorkflow: '',
  certificateIdentity: '',
  certificateIdentityRegexp: '',
  certificateOidcIssuer: '',
};

describe('policy inputs', () => {
  it('defaults to SLSA provenance from GitHub Actions', () => {
    expect(buildPolicy(raw)).toEqual({
      predicateType: 'slsa-provenance',
      certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
    });
  });
  it('refuses identity and identity-regexp together, bad regexps, partial refs and odd predicate types', () => {
    expect(() => buildPolicy({ ...raw, certificateIdentity: 'a', certificateIdentityRegexp: 'b' })).toThrow(
      /either certificate-identity or certificate-identity-regexp/,
    );
    expect(() => buildPolicy({ ...raw, certificateIdentityRegexp: '(' })).toThrow(
      /Input 'certificate-identity-regexp': not a valid regular expression/,
    );
    expect(() => buildPolicy({ ...raw, sourceRef: 'v1.0.0' })).toThrow(
      /Input 'source-ref': "v1.0.0" is not a full ref/,
    );
    expect(() => buildPolicy({ ...raw, predicateType: 'slsa' })).toThrow(/Input 'predicate-type'/);
    expect(() => buildPolicy({ ...raw, sourceDigest: 'abc123' })).toThrow(
      /Input 'source-digest': "abc123" is not a full commit SHA/,
    );
  });
  it('keeps a regexp and globs', () => {
    const p = buildPolicy({
      ...raw,
      certificateIdentityRegexp: '^https://github\\.com/o/',
      sourceRef: 'refs/tags/v*',
      predicateType: 'https://cyclonedx.org/bom',
    });
    expect(p.certificateIdentityRegexp?.test('https://github.com/o/r')).toBe(true);
    expect(p.sourceRef).toBe('refs/tags/v*');
    expect(p.predicateType).toBe('https://cyclonedx.org/bom');
  });
  it('requires a signer identity unless allow-any-identity is set', () => {
    expect(() => requireIdentity(buildPolicy(raw), false)).toThrow(
      /^Input 'source-repository': no signer identity is required: give source-repository, signer-workflow, certificate-identity or certificate-identity-regexp/,
    );
    expect(() => requireIdentity(buildPolicy({ ...raw, builderId: 'https://github.com/npm/cli' }), false)).toThrow(
      /no signer identity is required/,
    );
    expect(() => requireIdentity(buildPolicy(raw), true)).not.toThrow();
    for (const pinned of [
      { sourceRepository: 'o/r' },
      { signerWorkflow: 'o/r/.github/workflows/r.yml' },
      { certificateIdentity: 'https://x' },
      { certificateIdentityRegexp: '^https://' },
    ]) {
      expect(() => requireIdentity(buildPolicy({ ...raw, ...pinned }), false)).not.toThrow();
    }
  });
  it('takes predicate types that are absolute URIs only', () => {
    expect(buildPolicy({ ...raw, predicateType: 'urn:example:predicate' }).predicateType).toBe('urn:example:predicate');
    for (const bad of ['cyclonedx', 'https://x/a b', 'https://x/\u0007', '://x'])
      expect(() => buildPolicy({ ...raw, predicateType: bad })).toThrow(/Input 'predicate-type'/);
  });
});
