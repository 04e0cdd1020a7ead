import { describe, expect, it } from 'vitest';
import { attestationUrl, refusalText } from '../src/attestations.js';
import { retryDelayMs } from '@spikeformer-actions/core/github';
import { storeChoice } from '../src/inputs.js';
import { chooseInstance, describeServices, githubInstanceHost, resolveServices } from '../src/instance.js';

const none = { fulcioURL: '', rekorURL: '', tsaURL: '', tlog: 'auto' as const };

describe('Sigstore instance from the repository visibility', () => {
  it.each([
    ['public', 'public-good'],
    ['private', 'github'],
    ['internal', 'github'],
    [undefined, 'github'],
    ['PUBLIC', 'github'],
    [7, 'github'],
  ])('visibility %s → %s', (visibility, instance) => {
    expect(chooseInstance('auto', visibility)).toBe(instance);
  });
  it('a forced instance wins over the visibility', () => {
    expect(chooseInstance('public-good', 'private')).toBe('public-good');
    expect(chooseInstance('github', 'public')).toBe('github');
  });
  it('github.com signs at githubapp.com, a GHE.com tenant at its own host', () => {
    expect(githubInstanceHost('https://github.com')).toBe('githubapp.com');
    expect(githubInstanceHost('')).toBe('githubapp.com');
    expect(githubInstanceHost('https://octo.ghe.com')).toBe('octo.ghe.com');
    expect(githubInstanceHost('not a url')).toBe('githubapp.com');
  });
});

describe('services of an instance', () => {
  it('a private repository: GitHub Fulcio and TSA, no transparency log', () => {
    const s = resolveServices(chooseInstance('auto', 'private'), 'https://github.com', none, 'keyless');
    expect(s).toEqual({
      instance: 'github',
      fulcioURL: 'https://fulcio.githubapp.com',
      tsaURL: 'https://timestamp.githubapp.com',
    });
    expect(describeServices(s, 'keyless')).toBe(
      "Signing with GitHub's Sigstore instance: Fulcio https://fulcio.githubapp.com, no transparency log, timestamp authority https://timestamp.githubapp.com",
    );
  });
  it('a public repository: public-good Fulcio and Rekor, no TSA', () => {
    const s = resolveServices(chooseInstance('auto', 'public'), 'https://github.com', none, 'keyless');
    expect(s).toEqual({
      instance: 'public-good',
      fulcioURL: 'https://fulcio.sigstore.dev',
      rekorURL: 'https://rekor.sigstore.dev',
    });
    expect(describeServices(s, 'keyless')).toBe(
      'Signing with the Sigstore public-good instance: Fulcio https://fulcio.sigstore.dev, Rekor https://rekor.sigstore.dev',
    );
  });
  it('URL inputs replace the instance services one by one', () => {
    expect(
      resolveServices(
        'github',
        'https://github.com',
        { ...none, fulcioURL: 'http://f', tsaURL: 'http://t' },
        'keyless',
      ),
    ).toEqual({ instance: 'github', fulcioURL: 'http://f', tsaURL: 'http://t' });
    expect(resolveServices('github', 'https://github.com', { ...none, rekorURL: 'http://r' }, 'keyless')).toEqual({
      instance: 'github',
      fulcioURL: 'https://fulcio.githubapp.com',
      rekorURL: 'http://r',
      tsaURL: 'https://timestamp.githubapp.com',
    });
  });
  it('key mode asks no timestamp authority of GitHub; tlog: false drops the log', () => {
    expect(resolveServices('github', '', none, 'key')).toEqual({
      instance: 'github',
      fulcioURL: 'https://fulcio.githubapp.com',
    });
    expect(resolveServices('public-good', '', { ...none, tlog: 'false' }, 'key')).toEqual({
      instance: 'public-good',
      fulcioURL: 'https://fulcio.sigstore.dev',
    });
  });
  it('refuses tlog: true without a log, and keyless without any signed time', () => {
    expect(() => resolveServices('github', '', { ...none, tlog: 'true' }, 'keyless')).toThrow(
      "Input 'tlog': is true, but GitHub's Sigstore instance has no transparency log: leave tlog at auto, or set rekor-url to a Rekor of your own",
    );
    expect(() => resolveServices('public-good', '', { ...none, tlog: 'false' }, 'keyless')).toThrow(
      "Input 'tlog': keyless signing with tlog: false needs tsa-url: a short-lived certificate is only verifiable with a signed timestamp",
    );
  });
});

describe('storing attestations in GitHub', () => {
  const ready = { choice: 'auto' as const, token: 't', repository: 'octo/app', attests: true };
  it('auto stores when it can and skips otherwise; false never', () => {
    expect(storeChoice(ready)).toBe('auto');
    expect(storeChoice({ ...ready, token: '' })).toBe('false');
    expect(storeChoice({ ...ready, repository: '' })).toBe('false');
    expect(storeChoice({ ...ready, attests: false })).toBe('false');
    expect(storeChoice({ ...ready, choice: 'false' })).toBe('false');
  });
  it.each([
    [
      { token: '' },
      "Input 'github-token': is empty, and github-attestations: true needs a token with `permissions: attestations: write`",
    ],
    [
      { repository: 'octo/app/x' },
      "Input 'github-attestations': is true, but GITHUB_REPOSITORY does not name a repository (owner/name): run inside GitHub Actions or set github-attestations: false",
    ],
    [
      { attests: false },
      "Input 'github-attestations': is true, but GitHub stores in-toto attestations only: set attest: slsa-provenance or custom (or sign an image), or github-attestations: false",
    ],
  ])('true refuses to start without %o', (change, message) => {
    expect(() => storeChoice({ ...ready, choice: 'true', ...change })).toThrow(message);
  });
  it('links the attestation as GitHub shows it, and names the permission on a refusal', () => {
    expect(attestationUrl({ owner: 'octo', repo: 'app', serverUrl: 'https://github.com/' }, '42')).toBe(
      'https://github.com/octo/app/attestations/42',
    );
    const e = Object.assign(new Error('Resource not accessible by integration tok3n'), { status: 403, response: {} });
    expect(refusalText(e, 'tok3n')).toBe(
      'GitHub refused to store the attestation (HTTP 403: Resource not accessible by integration ***): the job needs `permissions: attestations: write`, and a private or internal repository needs GitHub Enterprise Cloud (set github-attestations: false to keep bundle files only)',
    );
    expect(refusalText(Object.assign(new Error('fetch failed'), { status: 500 }), 'tok3n')).toBe(
      'GitHub could not be reached to store the attestation (fetch failed)',
    );
  });
});

describe('GitHub API retries', () => {
  it('waits out a secondary rate limit as GitHub asks, briefly after a server error, never after a refusal', () => {
    expect(retryDelayMs(429, '2', 1)).toBe(2000);
    expect(retryDelayMs(403, '0', 1)).toBe(0);
    expect(retryDelayMs(429, undefined, 2)).toBe(2000);
    expect(retryDelayMs(502, undefined, 1)).toBe(200);
    expect(retryDelayMs(403, undefined, 1)).toBeUndefined();
    expect(retryDelayMs(404, undefined, 1)).toBeUndefined();
    expect(retryDelayMs(undefined, undefined, 1)).toBeUndefined();
  });
  it('gives up after three attempts, and on a Retry-After that is too long or not a number', () => {
    expect(retryDelayMs(502, undefined, 3)).toBeUndefined();
    expect(retryDelayMs(429, '3600', 1)).toBeUndefined();
    expect(retryDelayMs(429, 'NaN', 1)).toBeUndefined();
    expect(retryDelayMs(429, '-1', 1)).toBeUndefined();
  });
});
