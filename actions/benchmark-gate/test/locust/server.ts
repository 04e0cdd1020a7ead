import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The service under load in the locust tests, on 127.0.0.1: `healthy` answers after 5 ms;
 * `slow` after 400 ms (a latency regression); `erroring` answers every fifth request with a 500
 * (a 20 % failure rate) at healthy speed.
 */
export type Mode = 'healthy' | 'slow' | 'erroring';

export interface LoadTarget {
  url: string;
  mode: Mode;
  close: () => Promise<void>;
}

export async function startTarget(mode: Mode = 'healthy'): Promise<LoadTarget> {
  let served = 0;
  const target = { mode } as LoadTarget;
  const server: Server = createServer((req, res) => {
    served++;
    const fail = target.mode === 'erroring' && served % 5 === 0;
    const delay = target.mode === 'slow' ? 400 : 5;
    setTimeout(() => {
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(fail ? '{"error":"injected"}' : `{"path":${JSON.stringify(req.url ?? '')}}`);
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  target.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return target;
}
