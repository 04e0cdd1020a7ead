import { InputError } from '@spikeformer-actions/core';
import { redactUrls } from './errors.js';

export const INSTANCES = ['auto', 'public-good', 'github'] as const;
export type InstanceChoice = (typeof INSTANCES)[number];
export type Instance = Exclude<InstanceChoice, 'auto'>;
export const TLOG_CHOICES = ['auto', 'true', 'false'] as const;
export type TlogChoice = (typeof TLOG_CHOICES)[number];

export interface Services {
  instance: Instance;
  fulcioURL: string;
  /** Absent: no transparency log (GitHub's instance has none). */
  rekorURL?: string;
  tsaURL?: string;
}

/**
 * The Sigstore instance for this repository: GitHub's for anything not known to be public
 * (private, internal, or no `repository.visibility` in the event), so that a private
 * repository's names and workflow paths never reach the public transparency log; the
 * public-good instance for a public repository. As actions/attest chooses.
 */
export function chooseInstance(choice: InstanceChoice, visibility: unknown): Instance {
  if (choice !== 'auto') return choice;
  return visibility === 'public' ? 'public-good' : 'github';
}

/**
 * GitHub's Sigstore hosts for a GitHub server: github.com signs at githubapp.com, a GHE.com
 * tenant at its own host (`fulcio.<tenant>.ghe.com`), as @actions/attest derives them.
 */
export function githubInstanceHost(serverUrl: string): string {
  let host = 'github.com';
  try {
    host = new URL(serverUrl || 'https://github.com').hostname.toLowerCase();
  } catch {
    /* an unparsable GITHUB_SERVER_URL: github.com's instance */
  }
  return host === 'github.com' ? 'githubapp.com' : host;
}

export interface ServiceOverrides {
  fulcioURL: string;
  rekorURL: string;
  tsaURL: string;
  tlog: TlogChoice;
}

/**
 * The services a run signs with: the instance's, each replaced by its URL input when given.
 * `tlog: auto` logs when the instance (or rekor-url) has a log; `tlog: true` without one is
 * refused rather than silently signing without the log the user asked for. A keyless
 * certificate lives ten minutes, so it needs a signed time: the log's or a timestamp authority's.
 */
export function resolveServices(
  instance: Instance,
  serverUrl: string,
  o: ServiceOverrides,
  mode: 'keyless' | 'key',
): Services {
  const host = githubInstanceHost(serverUrl);
  const base =
    instance === 'github'
      ? { fulcioURL: `https://fulcio.${host}`, rekorURL: '', tsaURL: `https://timestamp.${host}` }
      : { fulcioURL: 'https://fulcio.sigstore.dev', rekorURL: 'https://rekor.sigstore.dev', tsaURL: '' };
  const rekorURL = o.rekorURL || base.rekorURL;
  if (o.tlog === 'true' && rekorURL === '') {
    throw new InputError(
      'tlog',
      "is true, but GitHub's Sigstore instance has no transparency log: leave tlog at auto, or set rekor-url to a Rekor of your own",
    );
  }
  // A key signature needs no signed time; GitHub's TSA is only asked for one in keyless mode.
  const tsaURL = o.tsaURL || (mode === 'keyless' ? base.tsaURL : '');
  const useLog = o.tlog !== 'false' && rekorURL !== '';
  if (mode === 'keyless' && !useLog && tsaURL === '') {
    throw new InputError(
      'tlog',
      'keyless signing with tlog: false needs tsa-url: a short-lived certificate is only verifiable with a signed timestamp',
    );
  }
  return {
    instance,
    fulcioURL: o.fulcioURL || base.fulcioURL,
    ...(useLog ? { rekorURL } : {}),
    ...(tsaURL ? { tsaURL } : {}),
  };
}

/** One log line naming the services, so that a run shows where its signature went. */
export function describeServices(s: Services, mode: 'keyless' | 'key'): string {
  const name = s.instance === 'github' ? "GitHub's Sigstore instance" : 'the Sigstore public-good instance';
  const parts = [
    ...(mode === 'keyless' ? [`Fulcio ${s.fulcioURL}`] : []),
    s.rekorURL ? `Rekor ${s.rekorURL}` : 'no transparency log',
    ...(s.tsaURL ? [`timestamp authority ${s.tsaURL}`] : []),
  ];
  // A URL input may carry credentials: they are masked, and never written here either.
  return redactUrls(`Signing with ${name}: ${parts.join(', ')}`);
}
