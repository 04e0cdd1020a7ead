import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleToJSON, type Bundle } from '@sigstore/bundle';
import {
  FileError,
  info,
  parseJsonText,
  readFileLimited,
  readTextFile,
  setOutput,
  UserError,
  workspaceRelative,
} from '@spikeformer-actions/core';
import {
  buildSlsaV1Predicate,
  digestFile,
  formatImageReference,
  IN_TOTO_PAYLOAD_TYPE,
  KeyError,
  loadSigningKey,
  makeStatement,
  SLSA_PROVENANCE_V1,
  type Subject,
} from '@spikeformer-actions/supply-chain';
import type { Signer } from '@sigstore/sign';
import { storeAttestation, type StoredAttestation } from './attestations.js';
import { checksumLine, escapeName, parseChecksums } from './checksums.js';
import { githubClient } from '@spikeformer-actions/core/github';
import { describeServices } from './instance.js';
import { signingError } from './errors.js';
import { buildContext, missingContext } from './context.js';
import { attachBundle, COSIGN_SIGN_PREDICATE, imageSubject, registryClient } from './image.js';
import { readInputs, type Inputs } from './inputs.js';
import { getIdToken, jwtClaims } from './oidc.js';
import { dsseBuilder, KeySigner, keylessSigner, messageBuilder, type SigningSetup } from './signing.js';
import { buildSummary, signerOf, witnessOf, type SignedRecord } from './summary.js';

const MAX_SUBJECTS = 1024;

async function subjectsOf(input: Inputs): Promise<{ subjects: Subject[]; files: Map<string, string> }> {
  const subjects: Subject[] = [];
  const files = new Map<string, string>();
  for (const file of input.files) {
    const name = workspaceRelative(file);
    subjects.push({ name, digest: { sha256: (await digestFile(file)).sha256 } });
    files.set(name, file);
  }
  if (input.checksums) {
    const shown = workspaceRelative(input.checksums);
    const parsed = parseChecksums(await readTextFile(input.checksums, 8 * 1024 * 1024, shown));
    if (!parsed.ok) throw new FileError(shown, parsed.problem, { line: parsed.line });
    subjects.push(...parsed.subjects);
  }
  if (subjects.length > MAX_SUBJECTS)
    throw new UserError(
      `${subjects.length} subjects: at most ${MAX_SUBJECTS} can be signed in one run (split the files or use a checksums file per batch)`,
    );
  return { subjects, files };
}

async function makeSigner(input: Inputs): Promise<{ signer: Signer; claims: Record<string, unknown> }> {
  if (input.mode === 'key') {
    try {
      const key = await loadSigningKey(input.key, input.keyPassword);
      info(
        `Signing with a ${key.privateKey.asymmetricKeyType?.toUpperCase() ?? ''} key, public key fingerprint SHA256:${key.fingerprint}`,
      );
      return { signer: new KeySigner(key), claims: {} };
    } catch (e) {
      if (e instanceof KeyError) throw new UserError(`Input 'key': ${e.message}`);
      throw e;
    }
  }
  const token = await getIdToken('sigstore');
  return { signer: keylessSigner(input.services.fulcioURL, token), claims: jwtClaims(token) };
}

function outputPath(input: Inputs, fallbackDir: string, name: string): string {
  return path.join(input.outputDir || fallbackDir, name);
}

async function writeBundle(file: string, bundle: Bundle): Promise<string> {
  const json = `${JSON.stringify(bundleToJSON(bundle))}\n`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, json);
  return json;
}

/** Stores each in-toto attestation in the repository's attestations, when the run asks for it. */
async function storeInGitHub(input: Inputs, bundles: readonly Bundle[]): Promise<StoredAttestation[]> {
  if (input.githubAttestations === 'false' || bundles.length === 0) return [];
  const [owner = '', repo = ''] = input.repository.split('/');
  const target = { owner, repo, serverUrl: process.env['GITHUB_SERVER_URL'] ?? 'https://github.com' };
  const client = await githubClient(input.githubToken);
  const stored: StoredAttestation[] = [];
  for (const bundle of bundles) {
    const done = await storeAttestation(
      client,
      target,
      bundleToJSON(bundle),
      input.githubAttestations,
      input.githubToken,
    );
    if (!done) break;
    info(`Stored in GitHub as attestation ${done.id}: ${done.url}`);
    stored.push(done);
  }
  return stored;
}

const MAX_PREDICATE_BYTES = 64 * 1024 * 1024;

/** The custom predicate, read (bounded, depth-limited) before anything is sent to Sigstore. */
async function readPredicate(input: Inputs): Promise<unknown> {
  if (input.attest !== 'custom') return undefined;
  const shown = workspaceRelative(input.predicate);
  const predicate = parseJsonText(await readTextFile(input.predicate, MAX_PREDICATE_BYTES, shown), shown);
  if (typeof predicate !== 'object' || predicate === null || Array.isArray(predicate))
    throw new FileError(shown, 'is not a JSON object (an in-toto predicate is an object)');
  return predicate;
}

function predicateOf(
  input: Inputs,
  custom: unknown,
  claims: Record<string, unknown>,
): { type: string; predicate: unknown } {
  if (input.attest === 'custom') return { type: input.predicateType, predicate: custom };
  const ctx = buildContext(process.env, claims);
  const missing = missingContext(ctx);
  if (missing.length > 0)
    throw new UserError(
      `SLSA provenance needs the GitHub context; missing: ${missing.join(', ')} (run inside GitHub Actions)`,
    );
  return { type: SLSA_PROVENANCE_V1, predicate: buildSlsaV1Predicate(ctx) };
}

export async function run(): Promise<void> {
  const input = await readInputs();
  try {
    await sign(input);
  } catch (e) {
    throw signingError(e, input.services, [input.key, input.keyPassword, input.registryPassword, input.githubToken]);
  }
}

async function sign(input: Inputs): Promise<void> {
  const { subjects, files } = await subjectsOf(input);
  const custom = await readPredicate(input);
  info(describeServices(input.services, input.mode));
  const { signer, claims } = await makeSigner(input);
  const { rekorURL, tsaURL } = input.services;
  const setup: SigningSetup = { signer, ...(rekorURL ? { rekorURL } : {}), ...(tsaURL ? { tsaURL } : {}) };
  const tempDir = process.env['RUNNER_TEMP'] ?? os.tmpdir();
  const records: SignedRecord[] = [];
  let attestationPath = '';
  const attestations: Bundle[] = [];

  if (subjects.length > 0 && input.attest === 'none') {
    const builder = messageBuilder(setup);
    for (const [name, file] of files) {
      const bundle = await builder.create({ data: await readFileLimited(file, 4 * 1024 * 1024 * 1024, name) });
      const out = input.outputDir
        ? outputPath(input, '', `${path.basename(file)}.sigstore.json`)
        : `${file}.sigstore.json`;
      await writeBundle(out, bundle);
      const digest = subjects.find((s) => s.name === name)?.digest['sha256'] ?? '';
      records.push({ subject: name, digest: `sha256:${digest}`, bundlePath: workspaceRelative(out), bundle });
      info(`Signed ${escapeName(name)} → ${escapeName(workspaceRelative(out))} (${witnessOf(bundle)})`);
    }
  } else if (subjects.length > 0) {
    const { type, predicate } = predicateOf(input, custom, claims);
    const statement = makeStatement(subjects, type, predicate);
    const bundle = await dsseBuilder(setup).create({
      data: Buffer.from(JSON.stringify(statement)),
      type: IN_TOTO_PAYLOAD_TYPE,
    });
    const out = outputPath(input, tempDir, 'attestation.sigstore.json');
    await writeBundle(out, bundle);
    attestationPath = out;
    attestations.push(bundle);
    for (const s of subjects) {
      const [alg, hex] = Object.entries(s.digest)[0] ?? ['sha256', ''];
      records.push({ subject: s.name, digest: `${alg}:${hex}`, bundlePath: workspaceRelativeOr(out), bundle });
    }
    info(`Attested ${subjects.length} subject(s) with ${type} → ${workspaceRelativeOr(out)} (${witnessOf(bundle)})`);
  }

  if (input.image) {
    const ref = input.image;
    const client = registryClient(ref, input.registryUsername, input.registryPassword);
    const subject = await imageSubject(client, ref);
    const { type, predicate } =
      input.attest === 'none' ? { type: COSIGN_SIGN_PREDICATE, predicate: {} } : predicateOf(input, custom, claims);
    const statement = makeStatement(
      [{ name: `${ref.registry}/${ref.repository}`, digest: { sha256: ref.digest.slice('sha256:'.length) } }],
      type,
      predicate,
    );
    const bundle = await dsseBuilder(setup).create({
      data: Buffer.from(JSON.stringify(statement)),
      type: IN_TOTO_PAYLOAD_TYPE,
    });
    const out = outputPath(input, tempDir, `image-${ref.digest.slice(7, 19)}.sigstore.json`);
    const json = await writeBundle(out, bundle);
    const attached = await attachBundle(client, ref, subject, json, type);
    attestations.push(bundle);
    if (!attestationPath) attestationPath = out;
    records.push({
      subject: formatImageReference(ref),
      digest: ref.digest,
      bundlePath: workspaceRelativeOr(out),
      bundle,
      attachedVia: attached.via,
    });
    info(`Signed ${formatImageReference(ref)}; bundle attached as ${attached.manifestDigest} (${attached.via})`);
  }

  setOutput('bundles', [...new Set(records.map((r) => r.bundlePath))]);
  setOutput(
    'digests',
    records.map((r) => checksumLine(r.digest, r.subject)),
  );
  setOutput('attestation-bundle', attestationPath);
  const stored = await storeInGitHub(input, attestations);
  setOutput(
    'attestation-id',
    stored.map((a) => a.id),
  );
  setOutput(
    'attestation-url',
    stored.map((a) => a.url),
  );
  buildSummary(
    records,
    input.mode === 'key' ? 'Signed with a cosign key' : 'Signed keyless (GitHub OIDC)',
    stored,
  ).write();
  const first = records[0];
  if (first) info(`Signer: ${signerOf(first.bundle)}`);
}

/** Workspace-relative when inside it; bundles in RUNNER_TEMP are shown absolute. */
function workspaceRelativeOr(file: string): string {
  const rel = workspaceRelative(file);
  return rel.startsWith('..') ? file : rel;
}
