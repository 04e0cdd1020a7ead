import { errorMessage, InputError, inputs, safeInline } from '@spikeformer-actions/core';
import type { AttestationSource } from './github-attestations.js';
import { RUNNER_ENVIRONMENTS, type RunnerEnvironment } from './runner-environment.js';
import {
  GITHUB_OIDC_ISSUER,
  imageInput,
  isTypeUri,
  type ImageReference,
  type Policy,
} from '@spikeformer-actions/supply-chain';

export interface Inputs {
  artifacts: string[];
  image: ImageReference | undefined;
  bundles: string[];
  trustedRoot: string;
  publicKeys: string[];
  policy: Policy;
  /** No signer identity is required (allow-any-identity: true): every run warns. */
  anyIdentity: boolean;
  explicitIssuer: boolean;
  /** auto: required when the trusted root lists a transparency log (GitHub's instance has none). */
  requireTlog: boolean | 'auto';
  /** Where attestations are fetched from GitHub by digest, when owner or repository is given. */
  attestationSource: AttestationSource | undefined;
  githubToken: string;
  runnerEnvironment: RunnerEnvironment;
  registryUsername: string;
  registryPassword: string;
  jsonFile: string;
  failOnError: boolean;
}

export interface RawPolicy {
  predicateType: string;
  sourceRepository: string;
  sourceRef: string;
  sourceDigest: string;
  workflowTriggers: string[];
  builderId: string;
  signerWorkflow: string;
  certificateIdentity: string;
  certificateIdentityRegexp: string;
  certificateOidcIssuer: string;
}

/** Whether an input pins who signed; without one, a valid signature by anyone would verify. */
export function hasIdentityConstraint(p: Policy): boolean {
  return (
    p.sourceRepository !== undefined ||
    p.signerWorkflow !== undefined ||
    p.certificateIdentity !== undefined ||
    p.certificateIdentityRegexp !== undefined
  );
}

/**
 * Refuses a policy that pins no signer, as cosign (--certificate-identity) and
 * `gh attestation verify` (--owner/--repo) do, unless the caller opted out explicitly.
 */
export function requireIdentity(policy: Policy, allowAnyIdentity: boolean): void {
  if (hasIdentityConstraint(policy) || allowAnyIdentity) return;
  throw new InputError(
    'source-repository',
    'no signer identity is required: give source-repository, signer-workflow, certificate-identity or certificate-identity-regexp (as cosign and gh attestation verify require), or set allow-any-identity: true to accept a valid signature by anyone',
  );
}

/** Cross-field checks and the policy object; pure. */
export function buildPolicy(raw: RawPolicy): Policy {
  if (raw.certificateIdentity && raw.certificateIdentityRegexp) {
    throw new InputError(
      'certificate-identity-regexp',
      'give either certificate-identity or certificate-identity-regexp, not both',
    );
  }
  let re: RegExp | undefined;
  if (raw.certificateIdentityRegexp) {
    try {
      re = new RegExp(raw.certificateIdentityRegexp);
    } catch (e) {
      throw new InputError('certificate-identity-regexp', `not a valid regular expression (${errorMessage(e)})`);
    }
  }
  const predicateType = raw.predicateType || 'slsa-provenance';
  if (predicateType !== 'slsa-provenance' && predicateType !== 'any' && !isTypeUri(predicateType)) {
    throw new InputError('predicate-type', `"${predicateType}" is not slsa-provenance, any, or a predicate type URI`);
  }
  if (raw.sourceDigest && !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(raw.sourceDigest)) {
    throw new InputError('source-digest', `"${raw.sourceDigest}" is not a full commit SHA (40 hex characters)`);
  }
  if (raw.sourceRef && !raw.sourceRef.startsWith('refs/')) {
    throw new InputError(
      'source-ref',
      `"${raw.sourceRef}" is not a full ref (refs/tags/v1.2.3, refs/heads/main, or a glob such as refs/tags/v*)`,
    );
  }
  return {
    predicateType,
    certificateOidcIssuer: raw.certificateOidcIssuer || GITHUB_OIDC_ISSUER,
    ...(raw.sourceRepository ? { sourceRepository: raw.sourceRepository } : {}),
    ...(raw.sourceRef ? { sourceRef: raw.sourceRef } : {}),
    ...(raw.sourceDigest ? { sourceDigest: raw.sourceDigest.toLowerCase() } : {}),
    ...(raw.workflowTriggers.length > 0 ? { workflowTriggers: raw.workflowTriggers } : {}),
    ...(raw.builderId ? { builderId: raw.builderId } : {}),
    ...(raw.signerWorkflow ? { signerWorkflow: raw.signerWorkflow } : {}),
    ...(raw.certificateIdentity ? { certificateIdentity: raw.certificateIdentity } : {}),
    ...(re ? { certificateIdentityRegexp: re } : {}),
  };
}

/** The report path: it is written to the json-file output, so it must be one line. */
export function jsonFileInput(): string {
  const value = inputs.getPath('json-file');
  if (/[\r\n\u2028\u2029]/.test(value))
    throw new InputError('json-file', 'holds a line break; a path written to an output must be one line');
  return value;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9_.-]{1,100}$/;

/** owner / repository: where attestations are fetched from; repository wins when both are given. */
export function attestationSource(owner: string, repository: string): AttestationSource | undefined {
  if (repository !== '') {
    if (!REPOSITORY.test(repository) || repository.endsWith('/.') || repository.endsWith('/..')) {
      throw new InputError('repository', `"${safeInline(repository, 200)}" is not owner/name`);
    }
    return { repository };
  }
  if (owner !== '') {
    if (!OWNER.test(owner))
      throw new InputError('owner', `"${safeInline(owner, 200)}" is not a GitHub user or organization name`);
    return { owner };
  }
  return undefined;
}

/** runner-environment; unset, github-hosted for attestations fetched from GitHub (as gh users pin), else any. */
export function runnerEnvironmentOf(value: string, fromGitHub: boolean): RunnerEnvironment {
  if (value === '') return fromGitHub ? 'github-hosted' : 'any';
  if (!(RUNNER_ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new InputError(
      'runner-environment',
      `"${safeInline(value, 100)}" is not one of ${RUNNER_ENVIRONMENTS.join(', ')}`,
    );
  }
  return value as RunnerEnvironment;
}

export async function readInputs(): Promise<Inputs> {
  const image = imageInput('image', inputs.getString('image'));
  const artifacts = await inputs.getFiles('artifacts');
  const bundles = await inputs.getFiles('bundles');
  if (!image && artifacts.length === 0 && bundles.length === 0) {
    throw new InputError('artifacts', 'nothing to verify: give artifacts, bundles or image');
  }
  const source = attestationSource(inputs.getString('owner'), inputs.getString('repository'));
  if (source && !image && artifacts.length === 0) {
    throw new InputError(
      'repository' in source ? 'repository' : 'owner',
      'fetches attestations by artifact digest: give artifacts or image',
    );
  }
  const githubToken = inputs.getSecret('github-token');
  if (source && githubToken === '')
    throw new InputError(
      'github-token',
      'is empty; fetching attestations from GitHub needs a token that can read the repository',
    );
  if (inputs.getString('artifacts') && artifacts.length === 0) throw new InputError('artifacts', 'no file matches');
  if (inputs.getString('bundles') && bundles.length === 0) throw new InputError('bundles', 'no file matches');
  const issuerText = inputs.getString('certificate-oidc-issuer', GITHUB_OIDC_ISSUER);
  const policy = buildPolicy({
    predicateType: inputs.getString('predicate-type', 'slsa-provenance'),
    // gh attestation verify --repo checks the source repository too; so does `repository` unless source-repository says otherwise.
    sourceRepository:
      inputs.getString('source-repository') || (source && 'repository' in source ? source.repository : ''),
    sourceRef: inputs.getString('source-ref'),
    sourceDigest: inputs.getString('source-digest'),
    workflowTriggers: inputs.getList('workflow-trigger', { commas: true }),
    builderId: inputs.getString('builder-id'),
    signerWorkflow: inputs.getString('signer-workflow'),
    certificateIdentity: inputs.getString('certificate-identity'),
    certificateIdentityRegexp: inputs.getString('certificate-identity-regexp'),
    certificateOidcIssuer: issuerText,
  });
  const anyIdentity = inputs.getBoolean('allow-any-identity', false);
  requireIdentity(policy, anyIdentity);
  const publicKeys = await inputs.getFiles('public-keys');
  if (inputs.getString('public-keys') && publicKeys.length === 0)
    throw new InputError('public-keys', 'no file matches');
  return {
    artifacts,
    image,
    bundles,
    trustedRoot: inputs.getPath('trusted-root'),
    publicKeys,
    policy,
    anyIdentity: anyIdentity && !hasIdentityConstraint(policy),
    explicitIssuer: issuerText !== GITHUB_OIDC_ISSUER,
    requireTlog: inputs.getString('require-tlog', 'auto') === 'auto' ? 'auto' : inputs.getBoolean('require-tlog', true),
    attestationSource: source,
    githubToken,
    runnerEnvironment: runnerEnvironmentOf(inputs.getString('runner-environment'), source !== undefined),
    registryUsername: inputs.getString('registry-username'),
    registryPassword: inputs.getSecret('registry-password'),
    jsonFile: jsonFileInput(),
    failOnError: inputs.getBoolean('fail-on-error', true),
  };
}
