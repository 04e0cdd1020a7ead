import { readEvent } from '@spikeformer-actions/core/github';
import { InputError, inputs, maskSecret, redactUrl, safeInline, workspaceRelative } from '@spikeformer-actions/core';
import { imageInput, isTypeUri, type ImageReference } from '@spikeformer-actions/supply-chain';
import { LINE_BREAK } from './checksums.js';
import { keyProblem } from './key-shape.js';
import { STORE_CHOICES, type StoreChoice } from './attestations.js';
import { chooseInstance, INSTANCES, resolveServices, TLOG_CHOICES, type Services } from './instance.js';

export const MODES = ['keyless', 'key'] as const;
export const ATTEST = ['none', 'slsa-provenance', 'custom'] as const;
export type Mode = (typeof MODES)[number];
export type Attest = (typeof ATTEST)[number];

export interface Inputs {
  files: string[];
  checksums: string;
  image: ImageReference | undefined;
  mode: Mode;
  key: string;
  keyPassword: string;
  /** The Sigstore services, from sigstore-instance and the URL inputs. */
  services: Services;
  attest: Attest;
  predicateType: string;
  predicate: string;
  outputDir: string;
  registryUsername: string;
  registryPassword: string;
  /** Whether and how attestations are stored in GitHub ('false': never). */
  githubAttestations: StoreChoice;
  githubToken: string;
  /** owner/repo of GITHUB_REPOSITORY; '' outside a runner. */
  repository: string;
}

export interface RawChoices {
  hasSubjects: boolean;
  hasFiles: boolean;
  checksums: string;
  image: boolean;
  mode: Mode;
  key: string;
  attest: Attest;
  predicateType: string;
  predicate: string;
}

/** Cross-field rules; pure so that each message is tested. */
export function validate(c: RawChoices): void {
  if (!c.hasSubjects && !c.image) throw new InputError('files', 'nothing to sign: give files, checksums or image');
  if (c.mode === 'key' && c.key === '')
    throw new InputError('key', 'is required with mode: key (a cosign private key PEM, from a secret)');
  if (c.mode === 'keyless' && c.key !== '')
    throw new InputError('key', 'is set but mode is keyless; set mode: key to sign with it');
  if (c.attest === 'custom' && (c.predicateType === '' || c.predicate === '')) {
    throw new InputError('predicate', 'attest: custom needs both predicate (a JSON file) and predicate-type (its URI)');
  }
  if (c.attest !== 'custom' && (c.predicateType !== '' || c.predicate !== '')) {
    throw new InputError('predicate-type', 'predicate and predicate-type are only used with attest: custom');
  }
  if (c.predicateType !== '' && !isTypeUri(c.predicateType)) {
    throw new InputError(
      'predicate-type',
      `"${c.predicateType}" is not a URI: in-toto needs an absolute URI with a scheme, such as https://cyclonedx.org/bom`,
    );
  }
  if (c.mode === 'key') {
    const problem = keyProblem(c.key);
    if (problem) throw new InputError('key', problem);
  }
  if (c.checksums !== '' && c.attest === 'none' && !c.hasFiles) {
    throw new InputError(
      'checksums',
      'checksums name subjects without their bytes: use attest: slsa-provenance or custom to attest them',
    );
  }
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export interface StoreChoices {
  choice: StoreChoice;
  token: string;
  repository: string;
  /** Whether the run makes an in-toto attestation (attest, or an image): GitHub stores only those. */
  attests: boolean;
}

/**
 * Whether attestations go to GitHub. `auto` stores when there is something to store, a token
 * and a repository, and skips otherwise; `true` refuses to start without them.
 */
export function storeChoice(c: StoreChoices): StoreChoice {
  const ready = c.token !== '' && REPOSITORY.test(c.repository) && c.attests;
  if (c.choice !== 'true') return c.choice === 'auto' && ready ? 'auto' : 'false';
  if (c.token === '')
    throw new InputError(
      'github-token',
      'is empty, and github-attestations: true needs a token with `permissions: attestations: write`',
    );
  if (!REPOSITORY.test(c.repository))
    throw new InputError(
      'github-attestations',
      'is true, but GITHUB_REPOSITORY does not name a repository (owner/name): run inside GitHub Actions or set github-attestations: false',
    );
  if (!c.attests) {
    throw new InputError(
      'github-attestations',
      'is true, but GitHub stores in-toto attestations only: set attest: slsa-provenance or custom (or sign an image), or github-attestations: false',
    );
  }
  return 'true';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function url(name: string, fallback: string): string {
  const value = inputs.getString(name, fallback);
  if (value === '') return '';
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    // Not parsable, so redactUrl cannot find the userinfo: hide whatever sits before an @.
    throw new InputError(name, `"${value.replace(/\/\/[^/]*@/, '//***@')}" is not an http(s) URL`);
  }
  // A password in a service URL is a secret even though it did not come through a secret input.
  if (u.password) {
    maskSecret(u.password);
    maskSecret(safeDecode(u.password));
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new InputError(name, `"${redactUrl(value)}" is not an http(s) URL`);
  return value.replace(/\/+$/, '');
}

/** A path input whose value ends up in an output: it must be one line. */
function oneLinePath(name: string): string {
  const value = inputs.getPath(name);
  if (LINE_BREAK.test(value))
    throw new InputError(name, 'holds a line break; a path written to an output must be one line');
  return value;
}

/**
 * Refuses a matched file whose name holds a line break: its subject line and bundle path
 * could not be written one per line in the outputs (bundles, digests).
 */
export function refuseLineBreaks(files: readonly string[]): void {
  for (const file of files) {
    const name = workspaceRelative(file);
    if (LINE_BREAK.test(name)) {
      throw new InputError(
        'files',
        `the file name "${safeInline(name.replace(/[\u2028\u2029]/g, '\n'), 200)}" holds a line break, which the outputs cannot hold one per line: rename the file`,
      );
    }
  }
}

/** `repository.visibility` of the workflow's event (public, private, internal), if it says. */
async function repositoryVisibility(env: NodeJS.ProcessEnv): Promise<unknown> {
  const event = await readEvent(env['GITHUB_EVENT_PATH'] ?? '');
  const repository = event['repository'];
  return typeof repository === 'object' && repository !== null
    ? (repository as Record<string, unknown>)['visibility']
    : undefined;
}

export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<Inputs> {
  const key = inputs.getSecret('key');
  const envPassword = env['COSIGN_PASSWORD'] ?? '';
  // The password from the environment is as secret as the input, which getSecret masks.
  maskSecret(envPassword);
  const keyPassword = inputs.getSecret('key-password') || envPassword;
  const files = await inputs.getFiles('files');
  if (inputs.getString('files') !== '' && files.length === 0) throw new InputError('files', 'no file matches');
  refuseLineBreaks(files);
  const checksums = inputs.getPath('checksums');
  const image = imageInput('image', inputs.getString('image'));
  const result: Inputs = {
    files,
    checksums,
    image,
    mode: inputs.getEnum('mode', MODES, 'keyless'),
    key,
    keyPassword,
    services: { instance: 'public-good', fulcioURL: '' },
    attest: inputs.getEnum('attest', ATTEST, 'none'),
    predicateType: inputs.getString('predicate-type'),
    predicate: inputs.getPath('predicate'),
    outputDir: oneLinePath('output-dir'),
    registryUsername: inputs.getString('registry-username'),
    registryPassword: inputs.getSecret('registry-password'),
    githubAttestations: 'false',
    githubToken: inputs.getSecret('github-token'),
    repository: env['GITHUB_REPOSITORY'] ?? '',
  };
  validate({
    hasSubjects: files.length > 0 || checksums !== '',
    hasFiles: files.length > 0,
    checksums,
    image: image !== undefined,
    mode: result.mode,
    key,
    attest: result.attest,
    predicateType: result.predicateType,
    predicate: result.predicate,
  });
  const overrides = {
    fulcioURL: url('fulcio-url', ''),
    rekorURL: url('rekor-url', ''),
    tsaURL: url('tsa-url', ''),
    tlog: inputs.getEnum('tlog', TLOG_CHOICES, 'auto'),
  };
  const choice = inputs.getEnum('sigstore-instance', INSTANCES, 'auto');
  const instance = chooseInstance(choice, choice === 'auto' ? await repositoryVisibility(env) : undefined);
  result.services = resolveServices(instance, env['GITHUB_SERVER_URL'] ?? '', overrides, result.mode);
  result.githubAttestations = storeChoice({
    choice: inputs.getEnum('github-attestations', STORE_CHOICES, 'auto'),
    token: result.githubToken,
    repository: result.repository,
    attests: result.attest !== 'none' || image !== undefined,
  });
  return result;
}
