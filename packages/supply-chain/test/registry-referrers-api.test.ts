import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, SIGSTORE_BUNDLE_ARTIFACT, type Descriptor } from '../src/index.js';

/**
 * Debian's docker-registry (distribution 2.8) has neither the OCI 1.1 referrers API nor token
 * auth, so this server speaks just those parts of the distribution spec: bearer-token auth
 * (401 + WWW-Authenticate → token endpoint with basic credentials), blobs, manifests with a
 * `subject` answered by `OCI-Subject`, and GET /v2/<name>/referrers/<digest>?artifactType=.
 */
function ociRegistry(): Promise<{ host: string; requests: string[]; close: () => Promise<void> }> {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { body: Buffer; type: string }>();
  const requests: string[] = [];
  const token = 'tok-3f9a1c';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(`${req.method} ${url.pathname}`);
      const body = Buffer.concat(chunks);
      if (url.pathname === '/token') {
        const ok =
          req.headers.authorization === `Basic ${Buffer.from('ci:pa55word').toString('base64')}` &&
          url.searchParams.get('scope') === 'repository:kit:pull,push';
        res
          .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
          .end(ok ? JSON.stringify({ token }) : '{}');
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        const host = req.headers.host ?? '';
        res
          .writeHead(401, {
            'www-authenticate': `Bearer realm="http://${host}/token",service="test",scope="repository:kit:pull,push"`,
          })
          .end();
        return;
      }
      const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
      let m: RegExpExecArray | null;
      if ((m = /^\/v2\/kit\/blobs\/(sha256:[a-f0-9]+)$/.exec(url.pathname))) {
        const blob = blobs.get(m[1] ?? '');
        res.writeHead(blob ? 200 : 404).end(req.method === 'HEAD' ? undefined : blob);
      } else if (url.pathname === '/v2/kit/blobs/uploads/' && req.method === 'POST') {
        res.writeHead(202, { location: '/v2/kit/blobs/uploads/u1' }).end();
      } else if (url.pathname === '/v2/kit/blobs/uploads/u1' && req.method === 'PUT') {
        const digest = url.searchParams.get('digest') ?? '';
        if (sha(body) !== digest) return void res.writeHead(400).end('digest mismatch');
        blobs.set(digest, body);
        res.writeHead(201).end();
      } else if ((m = /^\/v2\/kit\/manifests\/(.+)$/.exec(url.pathname))) {
        const ref = m[1] ?? '';
        if (req.method === 'PUT') {
          const digest = sha(body);
          manifests.set(digest, { body, type: String(req.headers['content-type']) });
          manifests.set(ref, { body, type: String(req.headers['content-type']) });
          const subject = (JSON.parse(body.toString()) as { subject?: { digest: string } }).subject;
          res.writeHead(201, subject ? { 'oci-subject': subject.digest } : {}).end();
        } else {
          const found = manifests.get(ref);
          res.writeHead(found ? 200 : 404, found ? { 'content-type': found.type } : {}).end(found?.body);
        }
      } else if ((m = /^\/v2\/kit\/referrers\/(sha256:[a-f0-9]+)$/.exec(url.pathname))) {
        const filter = url.searchParams.get('artifactType');
        const list: Descriptor[] = [];
        for (const [key, value] of manifests) {
          if (!key.startsWith('sha256:')) continue;
          const parsed = JSON.parse(value.body.toString()) as { subject?: { digest: string }; artifactType?: string };
          if (parsed.subject?.digest !== m[1] || (filter && parsed.artifactType !== filter)) continue;
          list.push({
            mediaType: value.type,
            digest: key,
            size: value.body.length,
            ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
          });
        }
        res
          .writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' })
          .end(
            JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: list }),
          );
      } else res.writeHead(404).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

describe('OCI 1.1 referrers API and bearer-token auth', { timeout: 30_000 }, () => {
  let reg: Awaited<ReturnType<typeof ociRegistry>>;
  beforeAll(async () => {
    reg = await ociRegistry();
  });
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed
    await reg?.close();
  });

  it('attaches through the referrers API (no fallback tag) after a token exchange', async () => {
    const client = new RegistryClient({ registry: reg.host, credentials: { username: 'ci', password: 'pa55word' } });
    const image = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
          size: 2,
        },
        layers: [],
      }),
    );
    const put = await client.putManifest('kit', 'v1', image, 'application/vnd.oci.image.manifest.v1+json');
    const subject = await client.describe('kit', put.digest);
    const attached = await client.attach('kit', subject, SIGSTORE_BUNDLE_ARTIFACT, Buffer.from('{"bundle":1}'));
    expect(attached.via).toBe('referrers-api');
    expect(reg.requests.some((r) => r.includes('sha256-'))).toBe(false);
    const found = await client.referrers('kit', put.digest, SIGSTORE_BUNDLE_ARTIFACT);
    expect(found).toEqual({
      via: 'referrers-api',
      descriptors: [
        expect.objectContaining({ digest: attached.manifestDigest, artifactType: SIGSTORE_BUNDLE_ARTIFACT }),
      ],
    });
    expect(reg.requests.filter((r) => r === 'GET /token')).toHaveLength(1);
  });

  it('without credentials the token request is refused and the error says so, without the password', async () => {
    const client = new RegistryClient({
      registry: reg.host,
      credentials: { username: 'ci', password: 'wrong-pass-canary' },
    });
    const err: unknown = await client.describe('kit', `sha256:${'1'.repeat(64)}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const message = err instanceof Error ? err.message : '';
    expect(message).toMatch(/token request to 127\.0\.0\.1:\d+ was refused \(HTTP 401\)/);
    expect(message).not.toContain('wrong-pass-canary');
  });
});
