import { maskSecret } from '@spikeformer-actions/core';
import {
  credentialsFromDockerConfig,
  formatImageReference,
  RegistryClient,
  SIGSTORE_BUNDLE_ARTIFACT,
  type AttachResult,
  type Descriptor,
  type ImageReference,
} from '@spikeformer-actions/supply-chain';

export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export function registryClient(ref: ImageReference, username: string, password: string): RegistryClient {
  const credentials = username && password ? { username, password } : credentialsFromDockerConfig(ref.registry);
  // Docker config passwords are secrets too, though they did not come through an input.
  if (credentials) maskSecret(credentials.password);
  return new RegistryClient({ registry: ref.registry, ...(credentials ? { credentials } : {}) });
}

/** The image's manifest descriptor: the subject the signature refers to. */
export async function imageSubject(client: RegistryClient, ref: ImageReference): Promise<Descriptor> {
  return client.describe(ref.repository, ref.digest);
}

/** Attaches a bundle to the image as cosign 3 does (artifactType = Sigstore bundle v0.3). */
export async function attachBundle(
  client: RegistryClient,
  ref: ImageReference,
  subject: Descriptor,
  bundleJson: string,
  predicateType: string,
): Promise<AttachResult> {
  return client.attach(ref.repository, subject, SIGSTORE_BUNDLE_ARTIFACT, Buffer.from(bundleJson), {
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': predicateType,
    'org.opencontainers.image.created': new Date().toISOString(),
  });
}

export { formatImageReference };
