import { InputError, inputs } from '@spikeformer-actions/core';
import { imageInput, type ImageReference } from '@spikeformer-actions/supply-chain';

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
  if (c.checksums !== '' && c.attest === 'none' && !c.hasFiles) {
    throw new InputError('checksums', 'checksums name subjects without their bytes: use attest: slsa-provenance or custom to attest them');
  }
  if (c.mode === 'keyless' && !c.tlog && c.tsaURL === '') {
    throw new InputError('tlog', 'keyless signing with tlog: false needs tsa-url: a short-lived certificate is only verifiable with a signed timestamp');
  }
}

function url(name: string, fallback: string): string {
  const value = inputs.getString(name, fallback);
  if (value === '') return '';
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new InputError(name, `"${value}" is not an http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}

export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<Inputs> {
  const key = inputs.getSecret('key');
  const keyPassword = inputs.getSecret('key-password') || (env['COSIGN_PASSWORD'] ?? '');
  const files = await inputs.getFiles('files');
  if (inputs.getString('files') !== '' && files.length === 0) throw new InputError('files', 'no file matches');
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
    outputDir: inputs.getPath('output-dir'),
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
