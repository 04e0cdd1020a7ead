import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  error,
  errorMessage,
  formatDuration,
  GateFailure,
  info,
  readFileLimited,
  readTextFile,
  setOutput,
  UserError,
  warning,
  workspaceRelative,
} from '@spikeformer-actions/core';
import {
  bundlesFromDocument,
  digestFile,
  DocumentError,
  formatFailure,
  formatImageReference,
  formatNotChecked,
  ProvenanceVerifier,
  type ArtifactInput,
  type ArtifactReport,
  type BundleProblem,
  type LoadedBundle,
} from '@spikeformer-actions/supply-chain';
import { describeSource, fetchAttestations, type FetchedAttestations } from './github-attestations.js';
import { githubClient, type GitHubClient } from '@spikeformer-actions/core/github';
import { fetchImageBundles } from './image.js';
import { checkRunnerEnvironment } from './runner-environment.js';
import { jsonFileInput, readInputs } from './inputs.js';
import { buildSummary } from './summary.js';
import { loadTrust } from './trust-io.js';

const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;
const BUNDLE_EXPECTED = 'a Sigstore bundle, JSON lines of bundles or an npm attestations document';

type Loaded = { ok: true; bundles: LoadedBundle[] } | { ok: false; problem: BundleProblem };

/** A bundle file's bundles, or why it has none: an unreadable bundle fails verification, it does not stop it. */
async function loadBundleFile(file: string): Promise<Loaded> {
  const shown = workspaceRelative(file);
  try {
    return { ok: true, bundles: bundlesFromDocument(await readTextFile(file, MAX_BUNDLE_BYTES, shown), shown) };
  } catch (e) {
    if (e instanceof DocumentError || e instanceof UserError)
      return { ok: false, problem: { bundle: shown, expected: BUNDLE_EXPECTED, found: e.message } };
    throw e;
  }
}

/** Where the report goes: the json-file input, else RUNNER_TEMP; '' when the input itself is unusable. */
function reportPath(): string {
  try {
    return jsonFileInput() || path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), 'verify-provenance.json');
  } catch {
    return '';
  }
}

async function writeReport(file: string, report: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Every run sets every output: a step that stops on bad input still says status=failed, so a
 * later `if: always()` step never reads an empty status as something else.
 */
export async function run(): Promise<void> {
  try {
    await verify();
  } catch (e) {
    if (e instanceof GateFailure) throw e;
    const file = reportPath();
    if (file)
      await writeReport(file, { status: 'failed', error: errorMessage(e), artifacts: [] }).catch(() => undefined);
    setOutput('status', 'failed');
    setOutput('verified', 0);
    setOutput('failed', 0);
    setOutput('json-file', file && existsSync(file) ? file : '');
    throw e;
  }
}

async function verify(): Promise<void> {
  const started = performance.now();
  const input = await readInputs();
  if (input.anyIdentity) {
    warning(
      'allow-any-identity: true: any valid signature verifies, whoever made it (no source repository, signer workflow or certificate identity is checked)',
    );
  }
  const { trust, origin, keyCount } = await loadTrust(input.trustedRoot, input.publicKeys);
  // A root without a transparency log (GitHub's instance) cannot vouch for a log entry: bundles carry a signed timestamp instead.
  const requireTlog = input.requireTlog === 'auto' ? trust.tlogs.length > 0 : input.requireTlog;
  const verifier = new ProvenanceVerifier({
    trust,
    policy: input.policy,
    requireTlog,
    explicitIssuer: input.explicitIssuer,
    hasPublicKeys: keyCount > 0,
  });
  const source = input.attestationSource;
  let client: GitHubClient | undefined;
  /** The attestations GitHub holds for a digest, when owner/repository is given. */
  const fromGitHub = async (sha256: string | undefined): Promise<FetchedAttestations> => {
    if (!source || !sha256) return { bundles: [], problems: [] };
    client ??= await githubClient(input.githubToken);
    const got = await fetchAttestations(client, source, `sha256:${sha256}`, input.githubToken);
    info(`${got.bundles.length} attestation(s) for sha256:${sha256} in GitHub (${describeSource(source)})`);
    return got;
  };

  const bundles: LoadedBundle[] = [];
  const problems: BundleProblem[] = [];
  const missing = new Map<string, BundleProblem>();
  const take = (loaded: Loaded): void => {
    if (loaded.ok) bundles.push(...loaded.bundles);
    else problems.push(loaded.problem);
  };
  for (const file of input.bundles) take(await loadBundleFile(file));
  if (input.bundles.length === 0 && !source) {
    // sign writes <file>.sigstore.json next to each file: use those when no bundle is named.
    for (const artifact of input.artifacts) {
      const sibling = `${artifact}.sigstore.json`;
      if (existsSync(sibling)) take(await loadBundleFile(sibling));
      else
        missing.set(artifact, {
          expected: `${path.basename(sibling)} next to it (or set bundles)`,
          found: 'no such file',
        });
    }
  }

  const reports: ArtifactReport[] = [];
  for (const file of input.artifacts) {
    const name = workspaceRelative(file);
    const artifact: ArtifactInput = {
      name,
      digests: await digestFile(file),
      bytes: () => readFileLimited(file, 4 * 1024 * 1024 * 1024, name),
    };
    const own = missing.get(file);
    const github = await fromGitHub(artifact.digests.sha256);
    reports.push(
      await verifier.verifyArtifact(
        artifact,
        [...bundles, ...github.bundles],
        [...(own ? [own] : []), ...problems, ...github.problems],
      ),
    );
  }
  if (input.image) {
    const sha256 = input.image.digest.slice('sha256:'.length);
    // With owner/repository the image's attestations come from GitHub, not from the registry.
    const imageBundles = source
      ? []
      : await fetchImageBundles(input.image, input.registryUsername, input.registryPassword);
    const github = await fromGitHub(sha256);
    const name = formatImageReference(input.image);
    reports.push(
      await verifier.verifyArtifact(
        { name, digests: { sha256 } },
        [...imageBundles, ...github.bundles, ...bundles],
        [...problems, ...github.problems],
      ),
    );
  }
  if (input.artifacts.length === 0 && !input.image) {
    for (const b of bundles) reports.push(verifier.verifyStandalone(b));
    for (const p of problems) reports.push(ProvenanceVerifier.unreadable(p));
  }

  for (const [i, r] of reports.entries()) reports[i] = checkRunnerEnvironment(r, input.runnerEnvironment);
  const failed = reports.filter((r) => r.verdict === 'failed');
  for (const r of reports) {
    if (r.verdict === 'verified') {
      const e = r.evidence;
      const who =
        e?.signer.type === 'certificate'
          ? e.signer.subjectAlternativeName
          : `public key ${e?.signer.type === 'public-key' ? e.signer.hint : ''}`;
      info(`✓ ${r.artifact}: verified (${e?.predicateType ?? 'message signature'}, signed by ${who})`);
    } else for (const f of r.failures) error(formatFailure(f));
    for (const n of r.notChecked ?? []) info(formatNotChecked(r.artifact, n));
  }

  const jsonFile = input.jsonFile || path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), 'verify-provenance.json');
  const status = failed.length === 0 ? 'passed' : 'failed';
  await writeReport(jsonFile, {
    status,
    trustedRoot: origin,
    policy: {
      ...input.policy,
      certificateIdentityRegexp: input.policy.certificateIdentityRegexp?.source,
      runnerEnvironment: input.runnerEnvironment,
    },
    artifacts: reports,
  });
  setOutput('status', status);
  setOutput('verified', reports.length - failed.length);
  setOutput('failed', failed.length);
  setOutput('json-file', jsonFile);
  buildSummary(reports, origin).write();
  info(
    `${reports.length - failed.length}/${reports.length} verified in ${formatDuration(performance.now() - started)}`,
  );
  if (failed.length > 0 && input.failOnError) {
    throw new GateFailure(
      `${failed.length} of ${reports.length} artifact(s) failed verification: ${failed.map((r) => r.artifact).join(', ')}`,
    );
  }
}
