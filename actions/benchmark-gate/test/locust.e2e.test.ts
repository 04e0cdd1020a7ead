import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocust } from './locust/run.js';
import { type LoadTarget, startTarget } from './locust/server.js';

// Real locust (Debian python3-locust), headless with 5 users for 8–12 s, against a local
// service on 127.0.0.1 that the test makes healthy, slow or erroring; the bundled action
// reads locust's CSV files as the runner would run it.

const ACTION = 'actions/benchmark-gate';
const SLO = ['p95 < 250ms', 'failure-rate < 1%', 'rps > 5', '*: p95 < 250ms'].join('\n');
let target: LoadTarget;
let ws = '';

beforeAll(async () => {
  // Fails loudly when locust is missing: .ci/system-deps.sh installs python3-locust.
  expect(execFileSync('locust', ['--version'], { encoding: 'utf8' })).toMatch(/^locust\b/);
  ensureBundled(ACTION);
  target = await startTarget('healthy');
  ws = mkdtempSync(path.join(tmpdir(), 'bg-locust-'));
  mkdirSync(path.join(ws, 'load'));
}, 240_000);

afterAll(async () => {
  await target.close();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

async function loadRun(prefix: string, mode: LoadTarget['mode'], seconds: number): Promise<number> {
  target.mode = mode;
  const r = await runLocust(ws, target.url, `load/${prefix}`, seconds);
  if (r.code !== (mode === 'erroring' ? 1 : 0)) console.log(r.output.slice(-3000));
  return r.code;
}

const gate = (prefix: string, runId: string, baseline: string, jsonFile: string): Promise<RunResult> =>
  runBundledAction(ACTION, {
    workspace: ws,
    inputs: { results: `load/${prefix}_*.csv`, slo: SLO, baseline, 'json-file': jsonFile },
    env: { GITHUB_RUN_ID: runId },
    timeoutMs: 60_000,
  });

const sloErrors = (r: RunResult): string[] =>
  r.annotations
    .filter((a) => a.level === 'error' && a.title?.startsWith('SLO failed'))
    .map((a) => `${a.title} | ${a.message}`);

describe('benchmark-gate on real locust runs', () => {
  it('healthy passes and starts the history, a healthy re-run passes against it, the slow service fails on p95, the erroring one on its failure rate', async () => {
    expect(await loadRun('base', 'healthy', 12)).toBe(0);
    const base = await gate('base', '1', 'history.json', 'history.json');
    expect(base.stderr).toBe('');
    expect(base.exitCode, base.stdout).toBe(0);
    expect(base.outputs.status).toBe('passed');
    expect(base.outputs['slo-failures']).toBe('0');
    expect(base.stdout).toMatch(/load\/base_stats\.csv: 2 endpoint\(s\), 3 with per-interval samples, locust/);
    expect(base.summary).toContain('0 of 5 objective check(s) failed.');

    expect(await loadRun('healthy', 'healthy', 12)).toBe(0);
    const healthy = await gate('healthy', '2', 'history.json', 'history.json');
    expect(healthy.exitCode, healthy.stdout).toBe(0);
    expect(healthy.outputs.status).toBe('passed');
    expect(healthy.outputs['slo-failures']).toBe('0');
    expect(healthy.outputs.regressions).toBe('0');
    const history = JSON.parse(readFileSync(path.join(ws, 'history.json'), 'utf8')) as {
      runs: Array<{ id: string; benchmarks: Record<string, { samples?: number[] }> }>;
    };
    expect(history.runs.map((r) => r.id)).toEqual(['1.1', '2.1']);
    expect(Object.keys(history.runs[1]!.benchmarks).sort()).toEqual(['Aggregated', 'GET /api/items', 'GET /api/users']);
    expect(history.runs[1]!.benchmarks['Aggregated']!.samples!.length).toBeGreaterThanOrEqual(5);

    expect(await loadRun('slow', 'slow', 12)).toBe(0);
    const slow = await gate('slow', '3', 'history.json', 'out/slow.json');
    expect(slow.exitCode, slow.stdout).toBe(1);
    expect(slow.outputs.status).toBe('failed');
    expect(slow.outputs['slo-failures']).toBe('3');
    expect(sloErrors(slow).map((e) => e.replace(/ \d+(\.\d+)? ms,/, ' N ms,'))).toEqual([
      'SLO failed: p95 < 250ms | Aggregated: p95 N ms, objective < 250 ms (load/slow_stats.csv)',
      'SLO failed: *: p95 < 250ms | GET /api/items: p95 N ms, objective < 250 ms (load/slow_stats.csv)',
      'SLO failed: *: p95 < 250ms | GET /api/users: p95 N ms, objective < 250 ms (load/slow_stats.csv)',
    ]);
    // The service answers after 400 ms: every p95 is at least that.
    const slowJson = JSON.parse(readFileSync(path.join(ws, 'out/slow.json'), 'utf8')) as {
      comparison: { slos: Array<{ slo: string; endpoint: string; actual: number; passed: boolean }> };
    };
    expect(
      slowJson.comparison.slos.filter((s) => s.slo.includes('p95')).every((s) => s.actual >= 0.4 && !s.passed),
    ).toBe(true);
    expect(slowJson.comparison.slos.filter((s) => !s.slo.includes('p95')).map((s) => [s.slo, s.passed])).toEqual([
      ['failure-rate < 1%', true],
      ['rps > 5', true],
    ]);
    // The judge on locust's per-interval response times: every endpoint regressed.
    expect(slow.outputs.regressions).toBe('3');
    const failure = slow.annotations.filter((a) => a.level === 'error' && a.message.startsWith('benchmark-gate: '));
    expect(failure.map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^benchmark-gate: Failed: 3 of 5 SLO check\(s\) failed, 3 regression\(s\), .* SLO failed: p95 < 250ms \(Aggregated\), \*: p95 < 250ms \(GET \/api\/items\), \*: p95 < 250ms \(GET \/api\/users\)\. Regressed: /,
      ),
    ]);
    expect(slow.summary).toContain('<h3>Service-level objectives</h3>');
    expect(slow.summary).toContain('3 of 5 objective check(s) failed.');

    // locust exits 1 when requests failed; the gate reads the files all the same.
    expect(await loadRun('err', 'erroring', 8)).toBe(1);
    const erroring = await gate('err', '4', 'history.json', 'out/err.json');
    expect(erroring.exitCode, erroring.stdout).toBe(1);
    expect(erroring.outputs.status).toBe('failed');
    expect(erroring.outputs['slo-failures']).toBe('1');
    expect(sloErrors(erroring)).toEqual([
      expect.stringMatching(
        /^SLO failed: failure-rate < 1% \| Aggregated: failure-rate (1[5-9]|2[0-5])(\.\d+)?%, objective < 1% \(load\/err_stats\.csv\)$/,
      ),
    ]);
    expect(erroring.outputs.regressions).toBe('0');
    // What failed, from locust's failures file, escaped in the summary.
    expect(erroring.summary).toContain('Request failures in load/err&#95;stats.csv');
    expect(erroring.summary).toMatch(
      /HTTPError\(&#39;500 Server Error: Internal Server Error for url: http:\/\/127\.0\.0\.1:\d+\/api\/items&#39;\)/,
    );
  }, 240_000);
});
