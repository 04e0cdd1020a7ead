import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay, HttpError, httpRequest, redactUrl } from '../src/index.js';

const TOKEN = 'ghp_SECRETTOKEN123456';
const PASSWORD = 'hunter2-pw';
const hits: Record<string, number> = {};
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://x').pathname;
    hits[route] = (hits[route] ?? 0) + 1;
    if (route === '/ok') return void res.end(JSON.stringify({ auth: req.headers.authorization !== undefined }));
    if (route === '/stall') return; // never answers
    if (route === '/slow-body') {
      res.writeHead(200);
      res.write('partial');
      return; // then silence
    }
    if (route === '/reset') return void req.socket.destroy();
    if (route === '/503') return void res.writeHead(503).end('unavailable');
    if (route === '/flaky') {
      if (hits[route] < 3) res.writeHead(502).end();
      else res.end('recovered');
      return;
    }
    if (route === '/404') return void res.writeHead(404).end('missing');
    if (route === '/429') return void res.writeHead(429, { 'retry-after': '0' }).end();
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function failure(url: string, options: Parameters<typeof httpRequest>[1]): Promise<HttpError> {
  try {
    await httpRequest(url, options);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected the request to fail');
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('httpRequest', () => {
  it('returns a successful response', async () => {
    const r = await httpRequest(`${base}/ok`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ auth: true });
  });

  it('gives up on a server that stalls, within the read timeout and attempts', async () => {
    const started = performance.now();
    const e = await failure(`${base}/stall`, { headers: auth, readTimeoutMs: 150, attempts: 2, backoffMs: 10 });
    expect(hits['/stall']).toBe(2);
    expect(e.message).toMatch(/failed after 2 attempt\(s\): no response data for 150 ms/);
    expect(performance.now() - started).toBeLessThan(5000); // bounded, not a benchmark
  });

  it('times out a body that stops mid-way', async () => {
    const e = await failure(`${base}/slow-body`, { readTimeoutMs: 150, attempts: 1 });
    expect(e.message).toMatch(/no response data for 150 ms/);
  });

  it('retries connection resets a bounded number of times', async () => {
    const e = await failure(`${base}/reset`, { headers: auth, attempts: 3, backoffMs: 5 });
    expect(hits['/reset']).toBe(3);
    expect(e.message).toMatch(/ECONNRESET|socket hang up/);
  });

  it('retries 503 and reports the status', async () => {
    const e = await failure(`${base}/503`, { headers: auth, attempts: 4, backoffMs: 5 });
    expect(hits['/503']).toBe(4);
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/HTTP 503/);
  });

  it('recovers when a 5xx burst ends', async () => {
    const r = await httpRequest(`${base}/flaky`, { attempts: 5, backoffMs: 5 });
    expect(r.text()).toBe('recovered');
    expect(r.attempts).toBe(3);
  });

  it('never retries a 4xx, unless asked (429)', async () => {
    const r = await httpRequest(`${base}/404`, { attempts: 5 });
    expect(r.status).toBe(404);
    expect(hits['/404']).toBe(1);
    const e = await failure(`${base}/429`, { attempts: 2, backoffMs: 5, retryStatuses: [429] });
    expect(hits['/429']).toBe(2);
    expect(e.status).toBe(429);
  });

  it('gives up on a port nobody listens on', async () => {
    const e = await failure('http://127.0.0.1:1/x', { attempts: 2, backoffMs: 5 });
    expect(e.message).toMatch(/ECONNREFUSED/);
  });

  it('keeps credentials out of every message', async () => {
    const urls = [
      `http://admin:${PASSWORD}@127.0.0.1:1/x?token=${TOKEN}`,
      `${base}/503?access_token=${TOKEN}`,
      `${base}/stall`,
    ];
    for (const url of urls) {
      const e = await failure(url, {
        headers: { authorization: `Basic ${TOKEN}` },
        attempts: 2,
        backoffMs: 5,
        readTimeoutMs: 100,
        secrets: [PASSWORD],
      });
      const text = `${e.message}\n${e.body}\n${e.stack ?? ''}`;
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PASSWORD);
    }
    expect(redactUrl(`https://u:${PASSWORD}@h/p?key=${TOKEN}&x=1`)).toBe('https://***:***@h/p?key=***&x=1');
  });

  it('backoff is jittered and capped', () => {
    expect(backoffDelay(0, 100, 1000, () => 0.999)).toBe(99);
    expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(500);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(0);
  });
});
