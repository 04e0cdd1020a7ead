import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusClient } from '../../src/analysis/prometheus-client.js';
import { parseQueryResponse, PrometheusError } from '../../src/analysis/prometheus-response.js';

/*
 * Transport behaviour that a healthy Prometheus cannot show on demand (auth failures, 5xx,
 * silence): a local HTTP server answering with Prometheus' own JSON shapes. Query semantics are
 * tested against the real Prometheus in prometheus-backfill.test.ts.
 */

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: (seen: Seen, res: http.ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      handler(s, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const VECTOR = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { service: 'a' }, value: [1700000000.5, '0.25'] }] },
});

describe('PrometheusClient transport', () => {
  it('POSTs the query form with time and a server-side timeout, and sends the bearer token', async () => {
    const { url, seen } = await serve((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(VECTOR),
    );
    const client = new PrometheusClient({ address: `${url}/prom/`, bearerToken: 'tok-123456', timeoutMs: 2_000 });
    const r = await client.instant('up{a="b"}', { timeMs: 1_700_000_000_500 });
    expect(r).toEqual({
      resultType: 'vector',
      samples: [{ labels: { service: 'a' }, value: 0.25, time: 1700000000.5 }],
    });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.url).toBe('/prom/api/v1/query');
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toEqual({
      query: 'up{a="b"}',
      time: '1700000000.500',
      timeout: '1.800',
    });
    expect(seen[0]?.headers['authorization']).toBe('Bearer tok-123456');
    await client.range('up', 1_700_000_000_000, 1_700_000_060_000, 15_000);
    expect(Object.fromEntries(new URLSearchParams(seen[1]?.body))).toMatchObject({
      start: '1700000000.000',
      end: '1700000060.000',
      step: '15',
    });
  });

  it('sends basic auth (also from credentials in the URL) and never shows a secret in errors', async () => {
    const { url, seen } = await serve((s, res) =>
      res.writeHead(401, { 'content-type': 'text/plain' }).end(`unauthorized: ${s.headers['authorization'] ?? ''}`),
    );
    const client = new PrometheusClient({ address: url, basicAuth: { username: 'ci', password: 'hunter2-secret' } });
    const error = await client.instant('up').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect(seen[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('ci:hunter2-secret').toString('base64')}`);
    const message = (error as Error).message;
    expect(message).toMatch(/^HTTP 401: Prometheus \(or its proxy\) refused the credentials/);
    expect(error).toMatchObject({ errorType: 'unauthorized', status: 401 });
    expect(message).not.toContain(Buffer.from('ci:hunter2-secret').toString('base64'));
    const inUrl = new PrometheusClient({ address: url.replace('http://', 'http://ci:pa%24%24word@') });
    expect(inUrl.address).toBe(url);
    const error2 = await inUrl.instant('up').catch((e: unknown) => e);
    expect(seen[1]?.headers['authorization']).toBe(`Basic ${Buffer.from('ci:pa$$word').toString('base64')}`);
    expect((error2 as Error).message).not.toContain('pa$$word');
    expect(seen).toHaveLength(2); // 4xx is never retried
  });

  it('retries 5xx within its attempts, then reports the server error', async () => {
    const { url, seen } = await serve((_, res) =>
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' })),
    );
    const error = await new PrometheusClient({ address: url, attempts: 3, backoffMs: 1 })
      .instant('up')
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(error).toMatchObject({ errorType: 'server_error', status: 503 });
    expect((error as Error).message).toMatch(/failed after 3 attempt\(s\): HTTP 503: .*TSDB not ready/);
  });

  it('gives up on a silent server after its timeout', async () => {
    const { url } = await serve(() => undefined);
    const error = await new PrometheusClient({ address: url, timeoutMs: 300, attempts: 1 })
      .instant('up')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorType: 'unreachable' });
    expect((error as Error).message).toMatch(/no response data for 300 ms/);
  });

  it('refuses addresses that are not http(s) URLs', () => {
    expect(() => new PrometheusClient({ address: 'prometheus:9090' })).toThrow(/must be http\(s\)/);
    expect(() => new PrometheusClient({ address: 'not a url' })).toThrow(/not a URL/);
  });
});

describe('parseQueryResponse', () => {
  it('reads NaN and ±Inf sample strings, scalar and matrix results', () => {
    const v = parseQueryResponse(
      200,
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: {}, value: [1, 'NaN'] },
            { metric: {}, value: [1, '+Inf'] },
            { metric: {}, value: [1, '-Inf'] },
            { metric: {}, value: [1, '1e-3'] },
          ],
        },
      }),
    );
    expect(v.resultType === 'vector' && v.samples.map((s) => s.value)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0.001,
    ]);
    expect(
      parseQueryResponse(200, JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [2, '7'] } })),
    ).toEqual({
      resultType: 'scalar',
      samples: [{ labels: {}, time: 2, value: 7 }],
    });
    expect(() =>
      parseQueryResponse(
        200,
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] },
        }),
      ),
    ).toThrow(/not a number/);
    expect(() => parseQueryResponse(200, '<html>')).toThrow(/not Prometheus JSON/);
  });
});
