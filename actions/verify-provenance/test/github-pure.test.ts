import type { ArtifactReport } from '@spikeformer-actions/supply-chain';
import { describe, expect, it } from 'vitest';
import { bundlesOfPage } from '../src/github-attestations.js';
import { attestationSource, runnerEnvironmentOf } from '../src/inputs.js';
import { checkRunnerEnvironment } from '../src/runner-environment.js';

function report(
  runnerEnvironment: string | undefined,
  signer: 'certificate' | 'public-key' = 'certificate',
): ArtifactReport {
  return {
    artifact: 'a.whl',
    digests: {},
    verdict: 'verified',
    evidence: {
      source: 'b.json',
      kind: 'dsse',
      signer:
        signer === 'certificate'
          ? {
              type: 'certificate',
              subjectAlternativeName: 'https://github.com/o/r/.github/workflows/x.yml@refs/heads/main',
              issuer: 'https://token.actions.githubusercontent.com',
              extensions: runnerEnvironment ? { runnerEnvironment } : {},
            }
          : { type: 'public-key', hint: 'k1' },
      tlog: [],
      timestamps: [],
    },
    failures: [],
    checks: [],
  };
}

describe('runner-environment', () => {
  it('refuses a self-hosted certificate where github-hosted is required, with a named check', () => {
    const r = checkRunnerEnvironment(report('self-hosted'), 'github-hosted');
    expect(r.verdict).toBe('failed');
    expect(r.failures).toEqual([
      {
        artifact: 'a.whl',
        bundle: 'b.json',
        check: 'runner-environment',
        expected: 'github-hosted',
        found: 'self-hosted',
      },
    ]);
  });
  it('passes a matching certificate and records the check; any checks nothing', () => {
    const r = checkRunnerEnvironment(report('github-hosted'), 'github-hosted');
    expect([r.verdict, r.checks]).toEqual([
      'verified',
      [{ bundle: 'b.json', check: 'runner-environment', ok: true, expected: 'github-hosted', found: 'github-hosted' }],
    ]);
    expect(checkRunnerEnvironment(report('self-hosted'), 'any')).toEqual(report('self-hosted'));
  });
  it('an absent extension or a key signature fails a required environment', () => {
    expect(checkRunnerEnvironment(report(undefined), 'self-hosted').failures[0]?.found).toBe('(absent)');
    expect(checkRunnerEnvironment(report(undefined, 'public-key'), 'github-hosted').failures[0]?.found).toBe(
      'a public key (hint k1), no certificate',
    );
  });
  it('defaults to github-hosted for attestations from GitHub, any otherwise; refuses other values', () => {
    expect([
      runnerEnvironmentOf('', true),
      runnerEnvironmentOf('', false),
      runnerEnvironmentOf('self-hosted', true),
    ]).toEqual(['github-hosted', 'any', 'self-hosted']);
    expect(() => runnerEnvironmentOf('hosted', true)).toThrow(
      `Input 'runner-environment': "hosted" is not one of github-hosted, self-hosted, any`,
    );
  });
});

describe('where attestations are fetched', () => {
  it('repository wins over owner; each is checked for its shape', () => {
    expect(attestationSource('octo', 'octo/app')).toEqual({ repository: 'octo/app' });
    expect(attestationSource('octo', '')).toEqual({ owner: 'octo' });
    expect(attestationSource('', '')).toBeUndefined();
    expect(() => attestationSource('', 'octo/..')).toThrow(`Input 'repository': "octo/.." is not owner/name`);
    expect(() => attestationSource('', 'octo')).toThrow(`Input 'repository': "octo" is not owner/name`);
    expect(() => attestationSource('-octo', '')).toThrow(
      `Input 'owner': "-octo" is not a GitHub user or organization name`,
    );
  });
});

describe('a page of attestations as GitHub returns it', () => {
  it('names each entry, and reports what is not an inline bundle', () => {
    const got = bundlesOfPage(
      { attestations: [{ bundle_url: 'https://x' }, {}, { bundle: { mediaType: 'text/plain' } }] },
      'GH',
      4,
    );
    expect(got.bundles).toEqual([]);
    expect(got.problems).toEqual([
      { bundle: 'GH #4', expected: 'an inline Sigstore bundle', found: 'only a bundle_url' },
      { bundle: 'GH #5', expected: 'an inline Sigstore bundle', found: 'no bundle' },
      {
        bundle: 'GH #6',
        expected: 'a Sigstore bundle',
        found: 'GH #6: not a Sigstore bundle (no application/vnd.dev.sigstore.bundle mediaType)',
      },
    ]);
    expect(bundlesOfPage([], 'GH', 1).problems).toEqual([
      { bundle: 'GH', expected: 'a list of attestations ({attestations: [...]})', found: 'another answer' },
    ]);
  });
});
