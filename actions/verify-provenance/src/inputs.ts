import { InputError, inputs } from '@spikeformer-actions/core';
import { GITHUB_OIDC_ISSUER, imageInput, type ImageReference, type Policy } from '@spikeformer-actions/supply-chain';

export interface Inputs {
  artifacts: string[];
  image: ImageReference | undefined;
  bundles: string[];
  trustedRoot: string;
  publicKeys: string[];
  policy: Policy;
  explicitIssuer: boolean;
  requireTlog: boolean;
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

/** Cross-field checks and the policy object; pure. */
export function buildPolicy(raw: RawPolicy): Policy {
  if (raw.certificateIdentity && raw.certificateIdentityRegexp) {
    throw new InputError('certificate-identity-regexp', 'give either certificate-identity or certificate-identity-regexp, not both');
  }
  let re: RegExp | undefined;
  if (raw.certificateIdentityRegexp) {
    try {
      re = new RegExp(raw.certificateIdentityRegexp);
    } catch (e) {
      throw new InputError('certificate-identity-regexp', `not a valid regular expression (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const predicateType = raw.predicateType || 'slsa-provenance';
  if (predicateType !== 'slsa-provenance' && predicateType !== 'any' && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(predicateType)) {
    throw new InputError('predicate-type', `"${predicateType}" is not slsa-provenance, any, or a predicate type URI`);
  }
  if (raw.sourceDigest && !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(raw.sourceDigest)) {
    throw new InputError('source-digest', `"${raw.sourceDigest}" is not a full commit SHA (40 hex characters)`);
  }
  if (raw.sourceRef && !raw.sourceRef.startsWith('refs/')) {
    throw new InputError('source-ref', `"${raw.sourceRef}" is not a full ref (refs/tags/v1.2.3, refs/heads/main, or a glob such as refs/tags/v*)`);
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

export async function readInputs(): Promise<Inputs> {
  const image = imageInput('image', inputs.getString('image'));
  const artifacts = await inputs.getFiles('artifacts');
  const bundles = await inputs.getFiles('bundles');
  if (!image && artifacts.length === 0 && bundles.length === 0) {
    throw new InputError('artifacts', 'nothing to verify: give artifacts, bundles or image');
  }
  if (inputs.getString('artifacts') && artifacts.length === 0) throw new InputError('artifacts', 'no file matches');
  if (inputs.getString('bundles') && bundles.length === 0) throw new InputError('bundles', 'no file matches');
  const issuerText = inputs.getString('certificate-oidc-issuer', GITHUB_OIDC_ISSUER);
  const policy = buildPolicy({
    predicateType: inputs.getString('predicate-type', 'slsa-provenance'),
    sourceRepository: inputs.getString('source-repository'),
    sourceRef: inputs.getString('source-ref'),
    sourceDigest: inputs.getString('source-digest'),
    workflowTriggers: inputs.getList('workflow-trigger', { commas: true }),
    builderId: inputs.getString('builder-id'),
    signerWorkflow: inputs.getString('signer-workflow'),
    certificateIdentity: inputs.getString('certificate-identity'),
    certificateIdentityRegexp: inputs.getString('certificate-identity-regexp'),
    certificateOidcIssuer: issuerText,
  });
  return {
    artifacts,
    image,
    bundles,
    trustedRoot: inputs.getPath('trusted-root'),
    publicKeys: await inputs.getFiles('public-keys'),
    policy,
    explicitIssuer: issuerText !== GITHUB_OIDC_ISSUER,
    requireTlog: inputs.getBoolean('require-tlog', true),
    registryUsername: inputs.getString('registry-username'),
    registryPassword: inputs.getSecret('registry-password'),
    jsonFile: inputs.getPath('json-file'),
    failOnError: inputs.getBoolean('fail-on-error', true),
  };
}
