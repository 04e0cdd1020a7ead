import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient } from '../../src/analysis/prometheus-client.js';

/* TLS options against an HTTPS endpoint with a freshly generated self-signed certificate (openssl). */

async function openssl(args: string[]): Promise<void> {
  await promisify(execFile)('openssl', args, { timeout: 30_000 });
}

const haveOpenssl = await openssl(['version']).then(
  () => true,
  (error: unknown) => {
    if (process.env['CI']) throw new Error(`openssl is needed for the TLS tests: ${String(error)}`);
    return false;
  },
);

describe.skipIf(!haveOpenssl)('PrometheusClient over TLS', { timeout: 30_000 }, () => {
  let dir = '';
  let cert = '';
  let server: https.Server;
  let url = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sf-tls-'));
    await openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    cert = await readFile(path.join(dir, 'cert.pem'), 'utf8');
    server = https.createServer({ key: await readFile(path.join(dir, 'key.pem')), cert }, (req, res) => {
      req.resume();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate by default', async () => {
    const error = await new PrometheusClient({ address: url, attempts: 1 })
      .instant('vector(1)')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorType: 'unreachable' });
    expect((error as Error).message).toMatch(/SELF_SIGNED|self.signed|CERT/i);
  });

  it('trusts a given CA bundle', async () => {
    const r = await new PrometheusClient({ address: url, ca: cert }).instant('vector(1)');
    expect(r).toEqual({ resultType: 'scalar', samples: [{ labels: {}, time: 1, value: 1 }] });
  });

  it('skips verification only when asked', async () => {
    const r = await new PrometheusClient({ address: url, insecureSkipTlsVerify: true }).instant('vector(1)');
    expect(r.resultType).toBe('scalar');
  });
});
