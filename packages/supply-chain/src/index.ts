export {
  decryptCosignKey,
  encryptCosignKey,
  KeyError,
  loadSigningKey,
  publicKeyFingerprint,
  COSIGN_KEY_PEM,
  SIGSTORE_KEY_PEM,
  type SigningKey,
} from './cosign-key.js';
export {
  DIGEST_ALGORITHMS,
  digestBytes,
  digestFile,
  fallbackTag,
  ociDigest,
  parseDigest,
  sha256Hex,
  sriToHex,
  type DigestAlgorithm,
  type Digests,
  type ParsedDigest,
} from './digest.js';
export {
  FULCIO_OIDS,
  fulcioExtensions,
  type FulcioExtensionName,
  type FulcioExtensions,
  type OidValue,
} from './fulcio-extensions.js';
export {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_V01,
  IN_TOTO_STATEMENT_V1,
  isTypeUri,
  makeStatement,
  parseStatement,
  type Statement,
  type StatementParse,
  type Subject,
} from './intoto.js';
export {
  parseChallenge,
  RegistryClient,
  RegistryError,
  type AttachResult,
  type FetchedManifest,
  type RegistryClientOptions,
} from './oci/client.js';
export { credentialsFromDockerConfig, type RegistryCredentials } from './oci/docker-config.js';
export * from './oci/media-types.js';
export {
  formatImageReference,
  imageInput,
  parseImageReference,
  registryApiHost,
  type ImageReference,
  type ReferenceParse,
} from './oci/reference.js';
export {
  buildSlsaV1Predicate,
  GITHUB_BUILD_TYPE_V1,
  NPM_PUBLISH_V01,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  type GitHubBuildContext,
  type ResourceDescriptor,
  type SlsaV02Predicate,
  type SlsaV1Predicate,
} from './slsa.js';
export {
  buildTrustMaterial,
  emptyTrustedRoot,
  npmRegistryKeys,
  parseTrustedRoot,
  pemPublicKey,
  TrustError,
  type TrustedKey,
} from './trust.js';
export * from './verify/index.js';
