import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTestImage, startRegistry, type LocalRegistry } from '@spikeformer-actions/testing/registry';
import { ociDigest, RegistryClient, SIGSTORE_BUNDLE_ARTIFACT } from '../src/index.js';

describe('OCI registry client against Debian docker-registry', { timeout: 60_000 }, () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  }, 30_000);
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed
    await registry?.stop();
  });

  it('attaches an artifact to an image and finds it again through the sha256-<digest> tag fallback', async () => {
    const image = await pushTestImage(registry.url, 'spikeformer/kit');
    const client = new RegistryClient({ registry: registry.host });
    const subject = await client.describe('spikeformer/kit', image.digest);
    expect(subject).toMatchObject({
      digest: image.digest,
      size: image.size,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(await client.referrers('spikeformer/kit', image.digest)).toEqual({ descriptors: [], via: 'tag-fallback' });

    const payload = Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}');
    const first = await client.attach('spikeformer/kit', subject, SIGSTORE_BUNDLE_ARTIFACT, payload);
    // distribution 2.8 has no referrers API: the fallback index is the only link.
    expect(first.via).toBe('tag-fallback');
    const second = await client.attach(
      'spikeformer/kit',
      subject,
      'application/vnd.example+json',
      Buffer.from('other'),
    );
    const all = await client.referrers('spikeformer/kit', image.digest);
    expect(all.descriptors.map((d) => d.digest)).toEqual([first.manifestDigest, second.manifestDigest]);
    const bundles = await client.referrers('spikeformer/kit', image.digest, SIGSTORE_BUNDLE_ARTIFACT);
    expect(bundles.descriptors).toHaveLength(1);
    const manifest = await client.getManifest('spikeformer/kit', first.manifestDigest);
    const parsed = JSON.parse(manifest!.bytes.toString()) as {
      subject: { digest: string };
      layers: { digest: string }[];
    };
    expect(parsed.subject.digest).toBe(image.digest);
    const blob = await client.getBlob('spikeformer/kit', parsed.layers[0]!.digest);
    expect(blob.equals(payload)).toBe(true);
    expect(ociDigest(blob)).toBe(parsed.layers[0]!.digest);
  });

  it('reports a missing image with its name', async () => {
    const client = new RegistryClient({ registry: registry.host });
    await expect(client.describe('spikeformer/none', `sha256:${'0'.repeat(64)}`)).rejects.toThrow(
      /spikeformer\/none@sha256:0+ not found/,
    );
  });
});
