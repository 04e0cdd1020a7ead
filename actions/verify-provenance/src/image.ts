import { FileError, info, maskSecret, parseJsonText, UserError } from '@spikeformer-actions/core';
import {
  bundlesFromDocument,
  DocumentError,
  credentialsFromDockerConfig,
  formatImageReference,
  RegistryClient,
  RegistryError,
  type ImageReference,
  type LoadedBundle,
} from '@spikeformer-actions/supply-chain';

const BUNDLE_ARTIFACT_PREFIX = 'application/vnd.dev.sigstore.bundle';
const MAX_REFERRERS = 50;

/** The Sigstore bundles attached to an image, fetched through the referrers API or its tag fallback. */
export async function fetchImageBundles(
  ref: ImageReference,
  username: string,
  password: string,
): Promise<LoadedBundle[]> {
  try {
    return await fetchBundles(ref, username, password);
  } catch (e) {
    if (e instanceof RegistryError || e instanceof DocumentError || e instanceof FileError)
      throw new UserError(`${formatImageReference(ref)}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** The Sigstore bundle layers of a referrer's manifest (the registry's JSON is not trusted to be well formed). */
function bundleLayers(bytes: Buffer, shown: string): { digest: string; mediaType: string }[] {
  const manifest = parseJsonText(bytes.toString('utf8'), shown) as { layers?: unknown } | null;
  const layers = Array.isArray(manifest?.layers) ? (manifest.layers as unknown[]) : [];
  const out: { digest: string; mediaType: string }[] = [];
  for (const layer of layers) {
    const { digest, mediaType } = (typeof layer === 'object' && layer !== null ? layer : {}) as {
      digest?: unknown;
      mediaType?: unknown;
    };
    if (typeof digest === 'string' && typeof mediaType === 'string' && mediaType.startsWith(BUNDLE_ARTIFACT_PREFIX))
      out.push({ digest, mediaType });
  }
  return out;
}

async function fetchBundles(ref: ImageReference, username: string, password: string): Promise<LoadedBundle[]> {
  const credentials = username && password ? { username, password } : credentialsFromDockerConfig(ref.registry);
  // Docker config passwords are secrets too, though they did not come through an input.
  if (credentials) maskSecret(credentials.password);
  const client = new RegistryClient({ registry: ref.registry, ...(credentials ? { credentials } : {}) });
  const shown = formatImageReference(ref);
  const { descriptors, via } = await client.referrers(ref.repository, ref.digest);
  const bundleRefs = descriptors
    .filter((d) => (d.artifactType ?? '').startsWith(BUNDLE_ARTIFACT_PREFIX))
    .slice(0, MAX_REFERRERS);
  info(`${shown}: ${bundleRefs.length} Sigstore bundle(s) among ${descriptors.length} referrer(s) (${via})`);
  const out: LoadedBundle[] = [];
  for (const d of bundleRefs) {
    const manifest = await client.getManifest(ref.repository, d.digest);
    if (!manifest) continue;
    for (const layer of bundleLayers(manifest.bytes, `${shown} referrer ${d.digest}`)) {
      const blob = await client.getBlob(ref.repository, layer.digest);
      out.push(...bundlesFromDocument(blob.toString('utf8'), `${shown} referrer ${d.digest.slice(0, 19)}`));
    }
  }
  return out;
}
