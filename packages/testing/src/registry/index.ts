import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's docker-registry (distribution 2.8), started on 127.0.0.1 with a temp config and storage. */
export interface LocalRegistry {
  /** host:port, e.g. 127.0.0.1:40123 — the registry part of an image reference. */
  host: string;
  url: string;
  dir: string;
  logs(): string;
  stop(): Promise<void>;
}

export const DOCKER_REGISTRY_BIN = '/usr/bin/docker-registry';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${logs()}`);
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200 || res.status === 401) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${url} within ${timeoutMs} ms:\n${logs()}`);
}

export async function startRegistry(options: { bin?: string; timeoutMs?: number } = {}): Promise<LocalRegistry> {
  const bin = options.bin ?? DOCKER_REGISTRY_BIN;
  if (!existsSync(bin)) throw new Error(`${bin} not found: install Debian's docker-registry package`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn(bin, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (d: Buffer): void => {
    if (log.length < 200_000) log += d.toString();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  try {
    await waitReady(url, child, options.timeoutMs ?? 15_000, () => log);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    host,
    url,
    dir,
    logs: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Pushes a small, valid OCI image (one config, one layer) and returns its manifest digest, so
 * that tests have something real to sign.
 */
export async function pushTestImage(
  registryUrl: string,
  repository: string,
  layerText = 'spikeformer test layer\n',
): Promise<{ digest: string; size: number }> {
  const { createHash } = await import('node:crypto');
  const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const put = async (data: Buffer): Promise<string> => {
    const digest = sha(data);
    const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
    const loc = new URL(start.headers.get('location') ?? '', registryUrl);
    loc.searchParams.set('digest', digest);
    const res = await fetch(loc, {
      method: 'PUT',
      body: new Uint8Array(data),
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (res.status !== 201) throw new Error(`blob upload: HTTP ${res.status}`);
    return digest;
  };
  const layer = Buffer.from(layerText);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha(layer)] },
      config: {},
    }),
  );
  const configDigest = await put(config);
  const layerDigest = await put(layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    }),
  );
  const res = await fetch(`${registryUrl}/v2/${repository}/manifests/v1`, {
    method: 'PUT',
    body: new Uint8Array(manifest),
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  if (res.status !== 201) throw new Error(`manifest push: HTTP ${res.status} ${await res.text()}`);
  return { digest: sha(manifest), size: manifest.length };
}
