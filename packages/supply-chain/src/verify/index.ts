export { bundlesFromDocument, DocumentError, type LoadedBundle } from './documents.js';
export {
  formatFailure,
  formatNotChecked,
  ProvenanceVerifier,
  type ArtifactInput,
  type ArtifactReport,
  type BundleEvidence,
  type BundleProblem,
  type Failure,
  type LogEvidence,
  type NotChecked,
  type VerifyOptions,
} from './engine.js';
export { globToRegExp, isGlob, matchesPattern } from './glob.js';
export {
  certificateSource,
  evaluatePolicy,
  GITHUB_OIDC_ISSUER,
  predicateTypeMatches,
  type Check,
  type Policy,
  type SignerFacts,
} from './policy.js';
export { normaliseRepository, provenanceFacts, splitSourceUri, type ProvenanceFacts } from './provenance.js';
