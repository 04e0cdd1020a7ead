import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundled, runBundledAction, fixturePath } from '@spikeformer-actions/testing';

// The bundled action run as the runner runs it, on the real pytest-benchmark fixtures, with
// a local stand-in for the three GitHub REST calls of the PR comment.

interface StoredComment {
  id: number;
  body: string;
  html_url: string;
}

class FakeIssuesApi {
  comments: StoredComment[] = [];
  requests: string[] = [];
  private server: Server | undefined;
  private nextId = 1000;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: string }) : {};
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.headers.authorization !== 'token test-token') return send(401, { message: 'Bad credentials' });
    if (req.method === 'GET' && url.pathname === '/repos/spikeformer/spikeformer-kit/issues/7/comments') return send(200, this.comments);
    if (req.method === 'POST' && url.pathname === '/repos/spikeformer/spikeformer-kit/issues/7/comments') {
      const c = { id: this.nextId++, body: body.body ?? '', html_url: 'https://github.com/spikeformer/spikeformer-kit/pull/7#c' };
      this.comments.push(c);
      return send(201, c);
    }
    const patch = /^\/repos\/spikeformer\/spikeformer-kit\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (req.method === 'PATCH' && patch) {
      const c = this.comments.find((x) => x.id === Number(patch[1]));
      if (!c) return send(404, { message: 'Not Found' });
      c.body = body.body ?? '';
      return send(200, c);
    }
    return send(404, { message: 'Not Found' });
  }
}

const api = new FakeIssuesApi();
let apiUrl = '';
let workspace = '';

beforeAll(async () => {
  ensureBundled('actions/benchmark-gate');
  apiUrl = await api.start();
  workspace = mkdtempSync(path.join(tmpdir(), 'benchmark-gate-e2e-'));
  for (const name of ['base.json', 'base-rerun.json', 'slow.json']) copyFileSync(fixturePath(`reports/pytest-benchmark/${name}`), path.join(workspace, name));
}, 240_000);

afterAll(async () => {
  await api.stop();
});

const pr = { eventName: 'pull_request', event: { pull_request: { number: 7 } } };

describe('benchmark-gate bundled, end to end', () => {
  it('first run without a baseline file starts the history; rerun of the same code passes; slow fails with exactly the slower benchmarks; a re-run updates the PR comment in place', async () => {
    const first = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'base.json', baseline: 'history/benchmark-gate.json', 'json-file': 'history/benchmark-gate.json' },
      env: { GITHUB_RUN_ID: '101' },
      timeoutMs: 60_000,
    });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('pass');
    expect(first.outputs['json-file']).toBe('history/benchmark-gate.json');
    expect(first.annotations.some((a) => a.level === 'notice' && a.message.includes('history/benchmark-gate.json not found'))).toBe(true);
    const history = JSON.parse(readFileSync(path.join(workspace, 'history/benchmark-gate.json'), 'utf8')) as { schema: string; version: number; runs: Array<{ id: string }> };
    expect(history.schema).toBe('spikeformer-actions/benchmark-gate/history');
    expect(history.runs.map((r) => r.id)).toEqual(['101.1']);

    const rerun = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'base-rerun.json', baseline: 'history/benchmark-gate.json', 'json-file': 'history/benchmark-gate.json' },
      env: { GITHUB_RUN_ID: '102' },
      timeoutMs: 60_000,
    });
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(rerun.outputs.status).toBe('pass');
    expect(rerun.outputs.regressions).toBe('0');
    expect(rerun.outputs.unchanged).toBe('6');

    const slow = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'slow.json', baseline: 'history/benchmark-gate.json', 'json-file': 'out/slow.json', 'github-token': 'test-token' },
      env: { GITHUB_RUN_ID: '103', GITHUB_API_URL: apiUrl },
      ...pr,
      timeoutMs: 60_000,
    });
    expect(slow.exitCode).toBe(1);
    expect(slow.outputs.status).toBe('fail');
    expect(slow.outputs.regressions).toBe('2');
    const errors = slow.annotations.filter((a) => a.level === 'error');
    // The log neutralises '::' in untrusted text with a zero-width space; names are compared without it.
    const named = errors.filter((a) => a.title === 'Benchmark regression').map((a) => a.message.replace(/\u200b/g, '').split(': worse by')[0]);
    expect(named.sort()).toEqual([
      'test_bench_bottle.py::test_route_lookup',
      'test_bench_bottle.py::test_template_render',
    ]);
    expect(errors.some((a) => a.message.startsWith('benchmark-gate: Failed: 2 regression(s)'))).toBe(true);
    // Summary: the table sorted by severity and one history chart per regression.
    expect(slow.summary).toContain('<table>');
    // Names are HTML-escaped in the summary ('_' → '&#95;').
    expect(slow.summary.indexOf('route&#95;lookup')).toBeGreaterThan(0);
    expect(slow.summary.indexOf('route&#95;lookup')).toBeLessThan(slow.summary.indexOf('html&#95;escape'));
    expect(slow.summary.match(/```mermaid\nxychart-beta/g)?.length).toBe(2);
    // The chart of a regression runs over the history: base, rerun, this run (run ids on the x axis).
    expect(slow.summary).toContain('x-axis ["101.1", "102.1", "103.1"]');
    expect(slow.summary).toContain('y-axis "us"');
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toContain('<!-- spikeformer-actions/benchmark-gate:benchmark-gate -->');
    expect(api.comments[0]!.body).toContain('route&#95;lookup | 8.757 µs | 34.72 µs');
    expect(api.comments[0]!.body).toContain('4 benchmark(s) unchanged.');

    const again = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'slow.json', baseline: 'history/benchmark-gate.json', 'json-file': 'out/slow.json', 'github-token': 'test-token' },
      env: { GITHUB_RUN_ID: '103', GITHUB_RUN_ATTEMPT: '2', GITHUB_API_URL: apiUrl },
      ...pr,
      timeoutMs: 60_000,
    });
    expect(again.exitCode).toBe(1);
    expect(api.comments).toHaveLength(1);
    expect(api.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(1);
    expect(again.masks).toContain('test-token');
  }, 240_000);

  it('a corrupt or foreign-schema baseline is an error naming the file, not a reset', async () => {
    writeFileSync(path.join(workspace, 'corrupt.json'), '{"schema": "spikeformer-actions/benchmark-gate/history", "version": 1, "runs": [');
    const corrupt = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'base.json', baseline: 'corrupt.json', 'json-file': 'out/corrupt.json' },
      env: { GITHUB_RUN_ID: '201' },
      timeoutMs: 60_000,
    });
    expect(corrupt.exitCode).toBe(1);
    expect(corrupt.annotations.find((a) => a.level === 'error')?.message).toMatch(/corrupt\.json.*invalid JSON/);

    // A pytest-benchmark report is not a history: refused with a pointer to json-file.
    const foreign = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'slow.json', baseline: 'base.json', 'json-file': 'out/foreign.json' },
      env: { GITHUB_RUN_ID: '202' },
      timeoutMs: 60_000,
    });
    expect(foreign.exitCode).toBe(1);
    expect(foreign.annotations.find((a) => a.level === 'error')?.message).toMatch(/base\.json.*not a usable benchmark-gate history.*schema/);

    // A report without benchmarks means they did not run: an error, not a pass.
    writeFileSync(path.join(workspace, 'empty.json'), JSON.stringify({ results: [] }));
    const empty = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'empty.json', format: 'hyperfine', 'json-file': 'out/empty.json' },
      env: { GITHUB_RUN_ID: '203' },
      timeoutMs: 60_000,
    });
    expect(empty.exitCode).toBe(1);
    expect(empty.annotations.find((a) => a.level === 'error')?.message).toMatch(/no benchmarks in empty\.json/);
  }, 240_000);
});
