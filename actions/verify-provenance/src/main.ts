import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  error,
  FileError,
  formatDuration,
  GateFailure,
  info,
  readFileLimited,
  readTextFile,
  setOutput,
  UserError,
  workspaceRelative,
} from '@spikeformer-actions/core';
import {
  bundlesFromDocument,
  digestFile,
  DocumentError,
  formatFailure,
  formatImageReference,
  ProvenanceVerifier,
  type ArtifactInput,
  type ArtifactReport,
  type LoadedBundle,
} from '@spikeformer-actions/supply-chain';
import { fetchImageBundles } from './image.js';
import { readInputs } from './inputs.js';
import { buildSummary } from './summary.js';
import { loadTrust } from './trust-io.js';

const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

async function loadBundleFile(file: string): Promise<LoadedBundle[]> {
  const shown = workspaceRelative(file);
  try {
    return bundlesFromDocument(await readTextFile(file, MAX_BUNDLE_BYTES, shown), shown);
  } catch (e) {
    if (e instanceof DocumentError) throw new FileError(shown, e.message.startsWith(`${shown}`) ? e.message.slice(shown.length).replace(/^[:\s]+/, '') : e.message);
    throw e;
  }
}

export async function run(): Promise<void> {
  const started = performance.now();
  const input = await readInputs();
  const { trust, origin } = await loadTrust(input.trustedRoot, input.publicKeys);
  const verifier = new ProvenanceVerifier({ trust, policy: input.policy, requireTlog: input.requireTlog, explicitIssuer: input.explicitIssuer });

  const bundles: LoadedBundle[] = [];
  for (const file of input.bundles) bundles.push(...(await loadBundleFile(file)));
  if (input.bundles.length === 0) {
    // sign writes <file>.sigstore.json next to each file: use those when no bundle is named.
    for (const artifact of input.artifacts) {
      const sibling = `${artifact}.sigstore.json`;
      if (!existsSync(sibling)) throw new UserError(`${workspaceRelative(artifact)}: no bundle given and no ${path.basename(sibling)} next to it (set 'bundles')`);
      bundles.push(...(await loadBundleFile(sibling)));
    }
  }

  const reports: ArtifactReport[] = [];
  for (const file of input.artifacts) {
    const name = workspaceRelative(file);
    const artifact: ArtifactInput = { name, digests: await digestFile(file), bytes: () => readFileLimited(file, 4 * 1024 * 1024 * 1024, name) };
    reports.push(await verifier.verifyArtifact(artifact, bundles));
  }
  if (input.image) {
    const imageBundles = await fetchImageBundles(input.image, input.registryUsername, input.registryPassword);
    const name = formatImageReference(input.image);
    reports.push(await verifier.verifyArtifact({ name, digests: { sha256: input.image.digest.slice('sha256:'.length) } }, [...imageBundles, ...bundles]));
  }
  if (input.artifacts.length === 0 && !input.image) for (const b of bundles) reports.push(verifier.verifyStandalone(b));

  const failed = reports.filter((r) => r.verdict === 'failed');
  for (const r of reports) {
    if (r.verdict === 'verified') {
      const e = r.evidence;
      const who = e?.signer.type === 'certificate' ? e.signer.subjectAlternativeName : `public key ${e?.signer.type === 'public-key' ? e.signer.hint : ''}`;
      info(`✓ ${r.artifact}: verified (${e?.predicateType ?? 'message signature'}, signed by ${who})`);
    } else for (const f of r.failures) error(formatFailure(f));
  }

  const jsonFile = input.jsonFile || path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), 'verify-provenance.json');
  await mkdir(path.dirname(jsonFile), { recursive: true });
  await writeFile(jsonFile, `${JSON.stringify({ status: failed.length === 0 ? 'passed' : 'failed', trustedRoot: origin, policy: { ...input.policy, certificateIdentityRegexp: input.policy.certificateIdentityRegexp?.source }, artifacts: reports }, null, 2)}\n`);
  setOutput('status', failed.length === 0 ? 'passed' : 'failed');
  setOutput('verified', reports.length - failed.length);
  setOutput('failed', failed.length);
  setOutput('json-file', jsonFile);
  buildSummary(reports, origin).write();
  info(`${reports.length - failed.length}/${reports.length} verified in ${formatDuration(performance.now() - started)}`);
  if (failed.length > 0 && input.failOnError) {
    throw new GateFailure(`${failed.length} of ${reports.length} artifact(s) failed verification: ${failed.map((r) => r.artifact).join(', ')}`);
  }
}
