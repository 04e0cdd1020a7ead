import { errorMessage, redact, UserError } from '@spikeformer-actions/core';
import {
  bundlesFromDocument,
  DocumentError,
  type BundleProblem,
  type LoadedBundle,
} from '@spikeformer-actions/supply-chain';
import type { GitHubClient } from '@spikeformer-actions/core/github';

/** gh attestation verify reads at most 1,000 attestations per digest; so do we (10 pages of 100). */
const PER_PAGE = 100;
const MAX_PAGES = 10;
const MAX_BUNDLE_CHARS = 32 * 1024 * 1024;

/** Where attestations are looked up: one repository, or every repository of an owner. */
export type AttestationSource = { repository: string } | { owner: string };

export function describeSource(source: AttestationSource): string {
  return 'repository' in source ? source.repository : `${source.owner} (organization)`;
}

export interface FetchedAttestations {
  bundles: LoadedBundle[];
  problems: BundleProblem[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The bundles of one page of `{ attestations: [{ bundle, bundle_url, repository_id }] }`, as GitHub returns them. */
export function bundlesOfPage(data: unknown, shown: string, first: number): FetchedAttestations {
  const out: FetchedAttestations = { bundles: [], problems: [] };
  const list = isRecord(data) && Array.isArray(data['attestations']) ? (data['attestations'] as unknown[]) : undefined;
  if (!list) {
    out.problems.push({
      bundle: shown,
      expected: 'a list of attestations ({attestations: [...]})',
      found: 'another answer',
    });
    return out;
  }
  for (const [i, entry] of list.entries()) {
    const source = `${shown} #${first + i}`;
    const bundle = isRecord(entry) ? entry['bundle'] : undefined;
    if (!isRecord(bundle)) {
      // bundle_url answers a snappy-compressed bundle; only inline bundles are read.
      out.problems.push({
        bundle: source,
        expected: 'an inline Sigstore bundle',
        found: isRecord(entry) && typeof entry['bundle_url'] === 'string' ? 'only a bundle_url' : 'no bundle',
      });
      continue;
    }
    const text = JSON.stringify(bundle);
    if (text.length > MAX_BUNDLE_CHARS) {
      out.problems.push({
        bundle: source,
        expected: `a bundle of at most ${MAX_BUNDLE_CHARS} characters`,
        found: `${text.length} characters`,
      });
      continue;
    }
    try {
      out.bundles.push(...bundlesFromDocument(text, source));
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      out.problems.push({ bundle: source, expected: 'a Sigstore bundle', found: e.message });
    }
  }
  return out;
}

function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Every attestation GitHub holds for one digest (`sha256:<hex>`), following the cursor pages
 * (Link rel="next") up to 1,000. A 404 is "none"; other refusals stop the run with the
 * permission the token needs.
 */
export async function fetchAttestations(
  client: GitHubClient,
  source: AttestationSource,
  digest: string,
  token: string,
): Promise<FetchedAttestations> {
  const shown = `GitHub attestations of ${describeSource(source)} for ${digest}`;
  const out: FetchedAttestations = { bundles: [], problems: [] };
  const pages =
    'repository' in source
      ? client.paginate.iterator('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
          owner: source.repository.split('/')[0] ?? '',
          repo: source.repository.split('/')[1] ?? '',
          subject_digest: digest,
          per_page: PER_PAGE,
        })
      : client.paginate.iterator('GET /orgs/{org}/attestations/{subject_digest}', {
          org: source.owner,
          subject_digest: digest,
          per_page: PER_PAGE,
        });
  let count = 0;
  try {
    for await (const page of pages) {
      const got = bundlesOfPage(page.data, shown, count + 1);
      out.bundles.push(...got.bundles);
      out.problems.push(...got.problems);
      count += got.bundles.length + got.problems.length;
      if (count >= PER_PAGE * MAX_PAGES) break;
    }
  } catch (e) {
    // Octokit reports a request that got no answer (refused, timed out) as status 500 without a response.
    const answered = (e as { response?: unknown } | null)?.response !== undefined;
    const status = answered ? statusOf(e) : undefined;
    if (status === 404) return out;
    const why = redact(errorMessage(e), [token]).split(/\r?\n/)[0] ?? '';
    if (!answered) throw new UserError(`${shown}: GitHub could not be reached (${why})`, { cause: e });
    const hint =
      status === 401 || status === 403
        ? ': the token needs read access to the repository (`permissions: attestations: read`, `contents: read`)'
        : '';
    throw new UserError(`${shown}: GitHub answered ${status === undefined ? why : `HTTP ${status} (${why})`}${hint}`, {
      cause: e,
    });
  }
  return out;
}
