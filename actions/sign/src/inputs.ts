import { InputError, inputs, maskSecret, redactUrl, safeInline, workspaceRelative } from '@spikeformer-actions/core';
import { imageInput, isTypeUri, type ImageReference } from '@spikeformer-actions/supply-chain';
import { LINE_BREAK } from './checksums.js';
import { keyProblem } from './key-shape.js';

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
  fulcioURL: string;
  rekorURL: string;
  tsaURL: string;
  tlog: boolean;
  attest: Attest;
  predicateType: string;
  predicate: string;
  outputDir: string;
  registryUsername: string;
  registryPassword: string;
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
  tlog: boolean;
  tsaURL: string;
}

/** Cross-field rules; pure so that each message is tested. */
export function validate(c: RawChoices): void {
  if (!c.hasSubjects && !c.image) throw new InputError('files', 'nothing to sign: give files, checksums or image');
  if (c.mode === 'key' && c.key === '') throw new InputError('key', 'is required with mode: key (a cosign private key PEM, from a secret)');
  if (c.mode === 'keyless' && c.key !== '') throw new InputError('key', 'is set but mode is keyless; set mode: key to sign with it');
  if (c.attest === 'custom' && (c.predicateType === '' || c.predicate === '')) {
    throw new InputError('predicate', 'attest: custom needs both predicate (a JSON file) and predicate-type (its URI)');
  }
  if (c.attest !== 'custom' && (c.predicateType !== '' || c.predicate !== '')) {
    throw new InputError('predicate-type', 'predicate and predicate-type are only used with attest: custom');
  }
  if (c.predicateType !== '' && !isTypeUri(c.predicateType)) {
    throw new InputError('predicate-type', `"${c.predicateType}" is not a URI: in-toto needs an absolute URI with a scheme, such as https://cyclonedx.org/bom`);
  }
  if (c.mode === 'key') {
    const problem = keyProblem(c.key);
    if (problem) throw new InputError('key', problem);
  }
  if (c.checksums !== '' && c.attest === 'none' && !c.hasFiles) {
    throw new InputError('checksums', 'checksums name subjects without their bytes: use attest: slsa-provenance or custom to attest them');
  }
  if (c.mode === 'keyless' && !c.tlog && c.tsaURL === '') {
    throw new InputError('tlog', 'keyless signing with tlog: false needs tsa-url: a short-lived certificate is only verifiable with a signed timestamp');
  }
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
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new InputError(name, `"${redactUrl(value)}" is not an http(s) URL`);
  return value.replace(/\/+$/, '');
}

/** A path input whose value ends up in an output: it must be one line. */
function oneLinePath(name: string): string {
  const value = inputs.getPath(name);
  if (LINE_BREAK.test(value)) throw new InputError(name, 'holds a line break; a path written to an output must be one line');
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
      throw new InputError('files', `the file name "${safeInline(name.replace(/[\u2028\u2029]/g, '\n'), 200)}" holds a line break, which the outputs cannot hold one per line: rename the file`);
    }
  }
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
    fulcioURL: url('fulcio-url', 'https://fulcio.sigstore.dev'),
    rekorURL: url('rekor-url', 'https://rekor.sigstore.dev'),
    tsaURL: url('tsa-url', ''),
    tlog: inputs.getBoolean('tlog', true),
    attest: inputs.getEnum('attest', ATTEST, 'none'),
    predicateType: inputs.getString('predicate-type'),
    predicate: inputs.getPath('predicate'),
    outputDir: oneLinePath('output-dir'),
    registryUsername: inputs.getString('registry-username'),
    registryPassword: inputs.getSecret('registry-password'),
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
    tlog: result.tlog,
    tsaURL: result.tsaURL,
  });
  return result;
}
