import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAction } from '../src/runner.js';
import { InputError } from '../src/errors.js';
import { jobSpanId, runTraceId } from '../src/tracing/ids.js';
import { withSpan } from '../src/tracing/index.js';

// The runner in this process with tracing on and off; what the spans hold is decoded in
// test/pipeline-tracing.test.ts, from the bundled actions.
interface Received {
  url: string;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
}
const received: Received[] = [];
let answer = 200;
let server: http.Server;
let endpoint: string;
const RUN = {
  GITHUB_REPOSITORY: 'spikeformer/spikeformer-kit',
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '3',
  GITHUB_JOB: 'deploy',
};
const OTEL = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'TRACEPARENT',
];
const saved = { ...process.env };
let out: string[];
let dir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        headers: req.headers,
        bytes,
      });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  received.length = 0;
  answer = 200;
  out = [];
  dir = mkdtempSync(path.join(tmpdir(), 'sf-tracing-runner-'));
  for (const f of ['env', 'output']) writeFileSync(path.join(dir, f), '');
  for (const name of OTEL) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, RUN, { GITHUB_ENV: path.join(dir, 'env'), GITHUB_OUTPUT: path.join(dir, 'output') });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
  process.exitCode = undefined;
});

const lines = (): string[] =>
  out
    .join('')
    .split('\n')
    .filter((l) => l !== '');

describe('runAction without an OTLP endpoint', () => {
  it('runs the action, sends nothing and writes no tracing line', async () => {
    let ran = 0;
    await runAction(
      () =>
        withSpan('phase', {}, () => {
          ran++;
          return Promise.resolve();
        }),
      { name: 'demo' },
    );
    expect(ran).toBe(1);
    expect(received).toEqual([]);
    expect(lines()).toEqual([]);
    expect(readFileSync(path.join(dir, 'env'), 'utf8')).toBe('');
    expect(process.exitCode).toBeUndefined();
  });
});

describe('runAction with an OTLP endpoint', () => {
  it('masks the headers first, sends the spans as protobuf to /v1/traces and passes TRACEPARENT on', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-api-key=k3y-s3cret-value';
    await runAction(() => withSpan('phase', { step: 1 }, () => Promise.resolve()), { name: 'demo' });
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/v1/traces');
    expect(received[0]?.contentType).toBe('application/x-protobuf');
    expect(received[0]?.headers['x-api-key']).toBe('k3y-s3cret-value');
    expect(received[0]?.bytes).toBeGreaterThan(100);
    const all = lines();
    expect(all[0]).toBe('::add-mask::k3y-s3cret-value');
    expect(all[1]).toMatch(
      new RegExp(
        `^tracing: trace ${runTraceId(RUN)}, span [0-9a-f]{16}, sent to ${endpoint.replace(/\./g, '\\.')}/v1/traces$`,
      ),
    );
    expect(all).toHaveLength(2);
    expect(readFileSync(path.join(dir, 'env'), 'utf8')).toMatch(
      new RegExp(`^TRACEPARENT<<(ghadelimiter_[0-9a-f]+)\\n00-${runTraceId(RUN)}-${jobSpanId(RUN)}-01\\n\\1\\n$`),
    );
    expect(process.exitCode).toBeUndefined();
  });

  it("keeps the action's one error line and exit code when the action fails", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    await runAction(() => Promise.reject(new InputError('steps', 'must be a list of percentages')), { name: 'demo' });
    expect(process.exitCode).toBe(1);
    expect(lines().filter((l) => l.startsWith('::error'))).toEqual([
      "::error::demo: Input 'steps': must be a list of percentages",
    ]);
    expect(received).toHaveLength(1);
  });

  it('warns once, and changes nothing else, when the receiver refuses the spans', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    answer = 500;
    await runAction(() => Promise.resolve(), { name: 'demo' });
    expect(lines().filter((l) => l.startsWith('::warning::'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::warning::tracing: spans could not be sent to ${endpoint.replace(/\./g, '\\.')}/v1/traces: .+ \\(the action's result is unaffected\\)$`,
        ),
      ),
    ]);
    expect(process.exitCode).toBeUndefined();
  });

  it('warns once, within the export timeout, when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://user:pa55word-xyz@127.0.0.1:${port}`;
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '1500';
    const started = performance.now();
    await runAction(() => Promise.resolve(), { name: 'demo' });
    expect(performance.now() - started).toBeLessThan(4000);
    const warnings = lines().filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`tracing: spans could not be sent to http://***:***@127.0.0.1:${port}/v1/traces`);
    expect(lines().filter((l) => l.includes('pa55word-xyz'))).toEqual(['::add-mask::pa55word-xyz']);
    expect(process.exitCode).toBeUndefined();
  });

  it('runs the action untraced, with one warning, when the endpoint is no http(s) URL', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'collector:4318';
    let ran = 0;
    await runAction(
      () => {
        ran++;
        return Promise.resolve();
      },
      { name: 'demo' },
    );
    expect(ran).toBe(1);
    expect(lines()).toEqual([
      '::warning::tracing: OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is not an http(s) URL; no spans are sent',
    ]);
    expect(received).toEqual([]);
  });

  it('sends nothing when OTEL_SDK_DISABLED is true', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_SDK_DISABLED = 'true';
    await runAction(() => Promise.resolve(), { name: 'demo' });
    expect(received).toEqual([]);
    expect(lines()).toEqual([]);
  });
});
