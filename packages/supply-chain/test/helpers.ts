import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturePath } from '@spikeformer-actions/testing';
import {
  buildTrustMaterial,
  GITHUB_OIDC_ISSUER,
  npmRegistryKeys,
  parseTrustedRoot,
  type Policy,
} from '../src/index.js';

export const CASES = ['sigstore@1.0.0', 'gundam-visor@1.0.1', '@laurentsimon__provenance-npm-test@1.0.5'] as const;

export interface Expected {
  tarball: { file: string; sha512: string };
  provenance: {
    predicateType: string;
    builderId: string;
    certificateIdentity: string;
    sourceRepository: string;
    sourceRef: string;
    sourceDigest: string;
    reusableWorkflow?: boolean;
  };
}

export function fixture(rel: string): string {
  return fixturePath(path.posix.join('provenance', rel));
}

export function expected(c: string): Expected {
  return JSON.parse(readFileSync(fixture(`${c}/expected.json`), 'utf8')) as Expected;
}

export function publicGoodTrust(): ReturnType<typeof buildTrustMaterial> {
  const root = parseTrustedRoot(JSON.parse(readFileSync(fixture('trusted_root.json'), 'utf8')));
  return buildTrustMaterial(root, npmRegistryKeys(JSON.parse(readFileSync(fixture('npm_registry_keys.json'), 'utf8'))));
}

/** The policy each case's expected.json implies (repository, ref, builder, signer workflow). */
export function policyFor(e: Expected): Policy {
  return {
    predicateType: 'slsa-provenance',
    certificateOidcIssuer: GITHUB_OIDC_ISSUER,
    sourceRepository: e.provenance.sourceRepository,
    sourceRef: e.provenance.sourceRef,
    builderId: e.provenance.builderId,
    signerWorkflow: e.provenance.certificateIdentity,
  };
}
