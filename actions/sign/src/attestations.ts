import { errorMessage, redact, UserError, warning } from '@spikeformer-actions/core';
import type { GitHubClient } from '@spikeformer-actions/core/github';

export const STORE_CHOICES = ['auto', 'true', 'false'] as const;
export type StoreChoice = (typeof STORE_CHOICES)[number];

export interface StoredAttestation {
  id: string;
  url: string;
}

export interface StoreTarget {
  owner: string;
  repo: string;
  serverUrl: string;
}

/** The HTTP status of an Octokit error, if it has one. */
function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Where GitHub shows a stored attestation, as actions/attest links it. */
export function attestationUrl(target: StoreTarget, id: string): string {
  return `${target.serverUrl.replace(/\/+$/, '')}/${target.owner}/${target.repo}/attestations/${id}`;
}

/** Why GitHub refused to store an attestation, with the fix for the usual causes. */
export function refusalText(e: unknown, token: string): string {
  const message = redact(errorMessage(e), [token]).split(/\r?\n/)[0] ?? '';
  // Octokit reports a request that got no answer (refused, timed out) as status 500 without a response.
  if ((e as { response?: unknown } | null)?.response === undefined)
    return `GitHub could not be reached to store the attestation (${message})`;
  const status = statusOf(e);
  if (status === 403 || status === 404) {
    return `GitHub refused to store the attestation (HTTP ${status}: ${message}): the job needs \`permissions: attestations: write\`, and a private or internal repository needs GitHub Enterprise Cloud (set github-attestations: false to keep bundle files only)`;
  }
  return `GitHub did not store the attestation (${status === undefined ? message : `HTTP ${status}: ${message}`})`;
}

/** The id GitHub answers with (a number; read as text, as @actions/attest does). */
function idOf(data: unknown): string {
  const id = (data as { id?: unknown } | null)?.id;
  if (
    (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ||
    (typeof id === 'string' && /^\d{1,20}$/.test(id))
  )
    return String(id);
  throw new UserError('GitHub stored the attestation but answered without an id');
}

/**
 * Stores one bundle in the repository's attestations (`POST /repos/{owner}/{repo}/attestations`,
 * what `gh attestation verify` and actions/attest read). With `auto`, a refusal is a warning
 * and signing still succeeds; with `true` it fails the step.
 */
export async function storeAttestation(
  client: GitHubClient,
  target: StoreTarget,
  bundleJson: Record<string, unknown>,
  choice: Exclude<StoreChoice, 'false'>,
  token: string,
): Promise<StoredAttestation | undefined> {
  try {
    const { data } = await client.request('POST /repos/{owner}/{repo}/attestations', {
      owner: target.owner,
      repo: target.repo,
      bundle: bundleJson,
    });
    const id = idOf(data);
    return { id, url: attestationUrl(target, id) };
  } catch (e) {
    if (e instanceof UserError) throw e;
    const text = refusalText(e, token);
    if (choice === 'true') throw new UserError(text, { cause: e });
    warning(text);
    return undefined;
  }
}
