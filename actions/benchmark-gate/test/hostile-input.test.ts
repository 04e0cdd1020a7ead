import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureBundled,
  GitHubApiDouble,
  runBundledAction,
  type RunResult,
  sampleEvent,
} from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA, storeMeasurement } from '../src/history.js';
import { summarise } from '../src/model.js';
import {
  expectClean,
  expectRefused,
  INJECTION,
  OUTSIDE_CANARY,
  outsideDir,
  SECRET,
} from '@spikeformer-actions/testing/hostile';

const ACTION = 'actions/benchmark-gate';
const P = 'benchmark-gate: ';
const PR = {
  eventName: 'pull_request',
  event: sampleEvent('pull_request', { action: 'synchronize', number: 7, pull_request: { number: 7 } }),
};
/** Text that would mention a team, open markup or break a table row if it reached the comment raw. */
const MARKUP =
  '@spikeformer/maintainers <img src=x onerror=alert(1)> | cell | [link](https://evil.example) <!-- spikeformer-actions/benchmark-gate:benchmark-gate -->';

const samples = (centre: number): number[] =>
  Array.from({ length: 30 }, (_, i) => centre * (1 + ((i * 7919) % 31) / 1000));
const pytest = (entries: Array<[string, number[]]>): string =>
  JSON.stringify({ machine_info: {}, benchmarks: entries.map(([fullname, data]) => ({ fullname, stats: { data } })) });
const history = (entries: Array<[string, number[]]>, id = 'base.1'): string =>
  JSON.stringify({
    schema: SCHEMA,
    version: 1,
    runs: [
      {
        id,
        timestamp: '2026-01-01T00:00:00Z',
        benchmarks: Object.fromEntries(
          entries.map(([name, s]) => [
            name,
            storeMeasurement({ name, unit: 's', direction: 'smaller-is-better', samples: s, ...summarise(s) }),
          ]),
        ),
      },
    ],
  });
const deepJson = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

interface Case {
  name: string;
  setup?: (ws: string, outside: string) => void;
  inputs: Record<string, string>;
  error?: string | RegExp;
  check?: (r: RunResult, ws: string) => void;
}

const write = (ws: string, name: string, text: string | Buffer): void => {
  mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
  writeFileSync(path.join(ws, name), text);
};
const link = (ws: string, name: string, target: string): void => symlinkSync(target, path.join(ws, name));
const ok = (ws: string): void => write(ws, 'r.json', pytest([['test_a', samples(1)]]));

/** The local GitHub API double (OpenAPI-checked); `failWith` makes the comment POST fail with that message. */
async function fakeGitHub(
  failWith?: string,
): Promise<{ url: string; bodies: () => string[]; close: () => Promise<void> }> {
  const double = new GitHubApiDouble();
  await double.start();
  if (failWith !== undefined) double.fail('issues/create-comment', 422, failWith);
  return {
    url: double.url,
    bodies: () => double.state.commentsOn('spikeformer', 'spikeformer-kit', 7).map((c) => c.body),
    close: async () => {
      double.assertNoViolations();
      await double.close();
    },
  };
}

const NUMBERS_AND_ENUMS: Case[] = [
  ...['0', '-1', 'NaN', '1e9'].map((v) => ({
    name: `history-size ${v}`,
    setup: ok,
    inputs: { results: 'r.json', 'history-size': v },
    error: /^benchmark-gate: Input 'history-size': /,
  })),
  ...['-5%', 'NaN%', 'Infinity', '1e400%'].map((v) => ({
    name: `min-regression ${v}`,
    setup: ok,
    inputs: { results: 'r.json', 'min-regression': v },
    error: /^benchmark-gate: Input 'min-regression': /,
  })),
  ...['NaN', '0', '1', '-0.01'].map((v) => ({
    name: `alpha ${v}`,
    setup: ok,
    inputs: { results: 'r.json', alpha: v },
    error: /^benchmark-gate: Input 'alpha': /,
  })),
  ...['-1', 'Infinity'].map((v) => ({
    name: `noise-factor ${v}`,
    setup: ok,
    inputs: { results: 'r.json', 'noise-factor': v },
    error: /^benchmark-gate: Input 'noise-factor': /,
  })),
  {
    name: 'format xml',
    setup: ok,
    inputs: { results: 'r.json', format: 'xml' },
    error: /^benchmark-gate: Input 'format': /,
  },
  {
    name: 'direction injected',
    setup: ok,
    inputs: { results: 'r.json', direction: INJECTION },
    error: /^benchmark-gate: Input 'direction': /,
  },
  {
    name: 'metric p99',
    setup: ok,
    inputs: { results: 'r.json', metric: 'p99' },
    error: /^benchmark-gate: Input 'metric': /,
  },
  {
    name: 'same-runner maybe',
    setup: ok,
    inputs: { results: 'r.json', 'same-runner': 'maybe' },
    error: /^benchmark-gate: Input 'same-runner': /,
  },
  {
    name: 'run-id injected',
    setup: ok,
    inputs: { results: 'r.json', 'run-id': INJECTION },
    error: `${P}Input 'run-id': use 1–100 letters, digits and . _ : / -`,
  },
  {
    name: 'comment-tag injected',
    setup: ok,
    inputs: { results: 'r.json', 'comment-tag': '--> <img src=x>' },
    error: `${P}Input 'comment-tag': use 1–50 letters, digits and . _ -`,
  },
  {
    name: 'pytest-benchmark rounds -5 without samples',
    setup: (ws) =>
      write(
        ws,
        'r.json',
        JSON.stringify({ machine_info: {}, benchmarks: [{ fullname: 't', stats: { rounds: -5, mean: 1 } }] }),
      ),
    inputs: { results: 'r.json' },
    error: `${P}r.json: benchmarks[0].stats.rounds must be a whole number of at least 1`,
  },
  {
    name: 'pytest-benchmark a negative time',
    setup: (ws) => write(ws, 'r.json', pytest([['t', [0.1, -0.2, 0.3]]])),
    inputs: { results: 'r.json' },
    error: `${P}r.json: benchmarks[0].stats.data[1] is negative`,
  },
  {
    name: 'pytest-benchmark a time of 1e999 (Infinity)',
    setup: (ws) =>
      write(ws, 'r.json', `{"machine_info": {}, "benchmarks": [{"fullname": "t", "stats": {"data": [1e999]}}]}`),
    inputs: { results: 'r.json' },
    error: `${P}r.json: benchmarks[0].stats.data[0] is missing or not a finite number`,
  },
  {
    name: 'pytest-benchmark "NaN" as text',
    setup: (ws) =>
      write(
        ws,
        'r.json',
        JSON.stringify({ machine_info: {}, benchmarks: [{ fullname: 't', stats: { data: ['NaN'] } }] }),
      ),
    inputs: { results: 'r.json' },
    error: `${P}r.json: benchmarks[0].stats.data[0] is missing or not a finite number`,
  },
  {
    name: 'hyperfine a negative mean',
    setup: (ws) => write(ws, 'r.json', JSON.stringify({ results: [{ command: 'x', mean: -1 }] })),
    inputs: { results: 'r.json' },
    error: `${P}r.json: results[0].mean is negative`,
  },
  {
    name: 'Google Benchmark a negative real_time',
    setup: (ws) =>
      write(
        ws,
        'r.json',
        JSON.stringify({
          context: {},
          benchmarks: [{ name: 'BM_x', run_type: 'iteration', real_time: -3, time_unit: 'ns' }],
        }),
      ),
    inputs: { results: 'r.json' },
    error: `${P}r.json: benchmarks[0].real_time is negative`,
  },
  {
    name: 'history n -1',
    setup: (ws) => {
      ok(ws);
      write(
        ws,
        'h.json',
        JSON.stringify({
          schema: SCHEMA,
          version: 1,
          runs: [
            {
              id: 'a',
              timestamp: '2026-01-01T00:00:00Z',
              benchmarks: { t: { unit: 's', direction: 'smaller-is-better', n: -1, mean: 1 } },
            },
          ],
        }),
      );
    },
    inputs: { results: 'r.json', baseline: 'h.json' },
    error: `${P}h.json: is not a usable benchmark-gate history: runs[0].benchmarks["t"].n is negative`,
  },
  {
    name: 'history a negative mean',
    setup: (ws) => {
      ok(ws);
      write(
        ws,
        'h.json',
        JSON.stringify({
          schema: SCHEMA,
          version: 1,
          runs: [
            {
              id: 'a',
              timestamp: '2026-01-01T00:00:00Z',
              benchmarks: { t: { unit: 's', direction: 'smaller-is-better', n: 1, mean: -1 } },
            },
          ],
        }),
      );
    },
    inputs: { results: 'r.json', baseline: 'h.json' },
    error: `${P}h.json: is not a usable benchmark-gate history: runs[0].benchmarks["t"].mean is negative`,
  },
  {
    name: 'history direction injected',
    setup: (ws) => {
      ok(ws);
      write(
        ws,
        'h.json',
        JSON.stringify({
          schema: SCHEMA,
          version: 1,
          runs: [
            {
              id: 'a',
              timestamp: '2026-01-01T00:00:00Z',
              benchmarks: { t: { unit: 's', direction: INJECTION, n: 1, mean: 1 } },
            },
          ],
        }),
      );
    },
    inputs: { results: 'r.json', baseline: 'h.json' },
    error: `${P}h.json: is not a usable benchmark-gate history: runs[0].benchmarks["t"].direction is not smaller-is-better or bigger-is-better`,
  },
];

const PATHS: Case[] = [
  {
    name: 'results through ..',
    inputs: { results: '../secret.json' },
    error: /^benchmark-gate: Input 'results': .*outside the workspace/,
  },
  {
    name: 'results absolute outside',
    inputs: { results: '/etc/passwd' },
    error: /^benchmark-gate: Input 'results': .*outside the workspace/,
  },
  {
    name: 'results a symlink out',
    setup: (ws, out) => link(ws, 'r.json', path.join(out, 'secret.json')),
    inputs: { results: 'r.json' },
    error: /^benchmark-gate: Input 'results': .*(outside the workspace|no file matches)/,
  },
  {
    name: 'results glob into a directory linked out',
    setup: (ws, out) => link(ws, 'rd', out),
    inputs: { results: 'rd/*.json' },
    error: /^benchmark-gate: Input 'results': .*(outside the workspace|no file matches)/,
  },
  {
    name: 'baseline through ..',
    setup: ok,
    inputs: { results: 'r.json', baseline: '../secret.json' },
    error: /^benchmark-gate: Input 'baseline': .*outside the workspace/,
  },
  {
    name: 'baseline a symlink out',
    setup: (ws, out) => {
      ok(ws);
      link(ws, 'h.json', path.join(out, 'secret.json'));
    },
    inputs: { results: 'r.json', baseline: 'h.json' },
    error: /^benchmark-gate: Input 'baseline': .*outside the workspace/,
  },
  {
    name: 'baseline glob into a directory linked out',
    setup: (ws, out) => {
      ok(ws);
      link(ws, 'hd', out);
    },
    inputs: { results: 'r.json', baseline: 'hd/*.json' },
    error: /^benchmark-gate: Input 'baseline': .*(outside the workspace|no file matches)/,
  },
  {
    name: 'json-file through ..',
    setup: ok,
    inputs: { results: 'r.json', 'json-file': '../out.json' },
    error: /^benchmark-gate: Input 'json-file': .*outside the workspace/,
  },
  {
    name: 'json-file in a directory linked out',
    setup: (ws, out) => {
      ok(ws);
      link(ws, 'o', path.join(out, 'sub'));
    },
    inputs: { results: 'r.json', 'json-file': 'o/h.json' },
    error: /^benchmark-gate: Input 'json-file': .*outside the workspace/,
  },
];

const DOCUMENTS: Case[] = [
  {
    name: 'results truncated',
    setup: (ws) => write(ws, 'r.json', pytest([['t', samples(1)]]).slice(0, 60)),
    inputs: { results: 'r.json' },
    error: /^benchmark-gate: r\.json:1:\d+: invalid JSON/,
  },
  {
    name: 'results empty',
    setup: (ws) => write(ws, 'r.json', ''),
    inputs: { results: 'r.json' },
    error: `${P}r.json:1:1: is empty, expected JSON`,
  },
  {
    name: 'results binary',
    setup: (ws) => write(ws, 'r.json', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256))),
    inputs: { results: 'r.json' },
    error: /^benchmark-gate: r\.json:1:1: invalid JSON/,
  },
  {
    name: 'results nested 300 levels',
    setup: (ws) => write(ws, 'r.json', `{"machine_info": {}, "benchmarks": ${deepJson(300)}}`),
    inputs: { results: 'r.json' },
    error: /^benchmark-gate: r\.json:1:\d+: nests deeper than 256 levels$/,
  },
  {
    name: 'results of no known tool',
    setup: (ws) => write(ws, 'r.json', JSON.stringify({ [INJECTION]: 1 })),
    inputs: { results: 'r.json' },
    error: `${P}r.json: is not a pytest-benchmark, Google Benchmark, hyperfine, k6 or github-action-benchmark custom report`,
  },
  {
    name: 'results with a duplicate key: the last one counts, as JSON.parse reads it',
    setup: (ws) =>
      write(
        ws,
        'r.json',
        `{"machine_info": {}, "benchmarks": [{"fullname": "first", "stats": {"data": [1, 2]}}], "benchmarks": [{"fullname": "last", "stats": {"data": [1, 2]}}]}`,
      ),
    inputs: { results: 'r.json' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      const out = JSON.parse(readFileSync(path.join(ws, 'benchmark-gate.json'), 'utf8')) as {
        runs: Array<{ benchmarks: Record<string, unknown> }>;
      };
      expect(Object.keys(out.runs[0]?.benchmarks ?? {})).toEqual(['last']);
    },
  },
  {
    name: 'the same benchmark in two files, named with 100,000 characters',
    setup: (ws) => {
      write(ws, 'a.json', pytest([['n'.repeat(100_000), [1, 2]]]));
      write(ws, 'b.json', pytest([['n'.repeat(100_000), [1, 2]]]));
    },
    inputs: { results: 'a.json\nb.json' },
    error:
      /^benchmark-gate: b\.json: benchmark 'n{200}…' \(cut at 200 of 100000 characters\) is also in a\.json; give each benchmark once$/,
  },
  ...['constructor', '__proto__', 'toString'].map((unit) => ({
    name: `a unit named ${unit} (an Object property) stays a plain unit`,
    setup: (ws: string) =>
      write(
        ws,
        'r.json',
        JSON.stringify({
          context: {},
          benchmarks: [{ name: 'BM_a', run_type: 'iteration', real_time: 5, time_unit: unit }],
        }),
      ),
    inputs: { results: 'r.json' },
    check: (r: RunResult, ws: string) => {
      expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
      const out = JSON.parse(readFileSync(path.join(ws, 'benchmark-gate.json'), 'utf8')) as {
        runs: Array<{ benchmarks: Record<string, { unit: string; mean: number }> }>;
      };
      expect(out.runs[0]?.benchmarks.BM_a).toMatchObject({ unit, mean: 5 });
    },
  })),
  {
    name: 'benchmarks named constructor, toString and __proto__ are benchmarks like any other',
    setup: (ws) => {
      write(
        ws,
        'h.json',
        history([
          ['test_a', samples(1)],
          ['__proto__', samples(1)],
        ]),
      );
      write(
        ws,
        'r.json',
        pytest([
          ['test_a', samples(1)],
          ['constructor', samples(1)],
          ['toString', samples(1)],
          ['__proto__', samples(1)],
        ]),
      );
    },
    inputs: { results: 'r.json', baseline: 'h.json', 'same-runner': 'true' },
    check: (r, ws) => {
      expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
      expect(r.outputs.unchanged).toBe('2');
      const out = JSON.parse(readFileSync(path.join(ws, 'benchmark-gate.json'), 'utf8')) as {
        runs: Array<{ benchmarks: Record<string, unknown> }>;
        comparison: { counts: Record<string, number> };
      };
      expect(out.comparison.counts.new).toBe(2);
      expect(Object.keys(out.runs[1]?.benchmarks ?? {}).sort()).toEqual([
        '__proto__',
        'constructor',
        'test_a',
        'toString',
      ]);
    },
  },
  {
    name: 'baseline truncated',
    setup: (ws) => {
      ok(ws);
      write(ws, 'h.json', history([['t', [1, 2]]]).slice(0, 40));
    },
    inputs: { results: 'r.json', baseline: 'h.json' },
    error: /^benchmark-gate: h\.json:1:\d+: invalid JSON/,
  },
  {
    name: 'baseline nested 300 levels',
    setup: (ws) => {
      ok(ws);
      write(ws, 'h.json', deepJson(300));
    },
    inputs: { results: 'r.json', baseline: 'h.json' },
    error: /^benchmark-gate: h\.json:1:\d+: nests deeper than 256 levels$/,
  },
  {
    name: 'baseline of another schema, 100,000 characters of it',
    setup: (ws) => {
      ok(ws);
      write(ws, 'h.json', JSON.stringify({ schema: `${INJECTION}${'s'.repeat(100_000)}` }));
    },
    inputs: { results: 'r.json', baseline: 'h.json' },
    error:
      /^benchmark-gate: h\.json: is not a usable benchmark-gate history: schema is ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDREDs+…' \(cut at 200 of 100086 characters\), expected "spikeformer-actions\/benchmark-gate\/history" /,
  },
];

const LOCUST_HEADER =
  'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%';
/** A locust PREFIX_stats.csv: rows of [type, name, requests, failures, time ms]; the Aggregated row is added. */
const locustStats = (rows: Array<[string, string, number, number, number]>): string => {
  const csvCell = (t: string): string => (/[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
  const line = ([type, name, n, f, ms]: [string, string, number, number, number]): string =>
    [csvCell(type), csvCell(name), n, f, ms, ms, ms, ms, 10, 20, 0, ms, ms].join(',');
  const total = rows.reduce((a, r) => a + r[2], 0);
  return (
    [LOCUST_HEADER, ...rows.map(line), line(['', 'Aggregated', total, rows.reduce((a, r) => a + r[3], 0), 10])].join(
      '\n',
    ) + '\n'
  );
};
const okLocust = (ws: string): void => write(ws, 'load/r_stats.csv', locustStats([['GET', '/a', 100, 0, 10]]));
const k6Doc = (duration: string): string =>
  `{"metrics": {"http_req_duration": ${duration}, "http_reqs": {"count": 10, "rate": 1}}, "root_group": {}}`;

const LOAD_TESTS: Case[] = [
  {
    name: 'slo with workflow commands',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: INJECTION },
    error:
      /^benchmark-gate: Input 'slo': line 1: ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED' is not "\[endpoint:\] metric op value"/,
  },
  {
    name: 'slo NaN',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: 'p95 < NaNms' },
    error: /^benchmark-gate: Input 'slo': line 1: 'p95 < NaNms' is not "\[endpoint:\] metric op value"/,
  },
  {
    name: 'slo Infinity',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: 'p95 < 1e999ms' },
    error: /^benchmark-gate: Input 'slo': line 1: 'p95 < 1e999ms' is not /,
  },
  {
    name: 'slo negative',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: 'failure-rate < -1%' },
    error: /^benchmark-gate: Input 'slo': line 1: 'failure-rate < -1%' is not /,
  },
  {
    name: 'slo without a unit',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: 'p95 < 500' },
    error: `${P}Input 'slo': line 1: p95 needs a time unit (us, ms, s or m), e.g. "p95 < 500ms"`,
  },
  {
    name: 'slo failure-rate above 100%',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: 'failure-rate < 150%' },
    error: `${P}Input 'slo': line 1: failure-rate cannot be above 100%`,
  },
  {
    name: 'slo 101 objectives',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: Array.from({ length: 101 }, () => 'rps > 1').join('\n') },
    error: `${P}Input 'slo': 101 objectives; at most 100`,
  },
  {
    name: 'slo a line of 100,000 characters',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: `${'x'.repeat(100_000)}: p95 < 1s` },
    error: `${P}Input 'slo': line 1: longer than 500 characters`,
  },
  {
    name: 'slo on pytest-benchmark results',
    setup: ok,
    inputs: { results: 'r.json', slo: 'p95 < 1s' },
    error: `${P}Input 'slo': objectives apply to locust and k6 results, and none of the results is one`,
  },
  {
    name: 'slo on an endpoint named with commands',
    setup: okLocust,
    inputs: { results: 'load/r_stats.csv', slo: '::warning::x: p95 < 1s' },
    error: `${P}Input 'slo' line 1: no endpoint ':\u200b:warning:\u200b:x' in the results (endpoints: 'GET /a')`,
  },
  {
    name: 'comment maybe',
    setup: ok,
    inputs: { results: 'r.json', comment: 'maybe' },
    error: /^benchmark-gate: Input 'comment': /,
  },
  {
    name: 'github-token with a line break',
    setup: ok,
    inputs: { results: 'r.json', 'github-token': `${SECRET}\n::warning::x` },
    error: `${P}Input 'github-token': contains whitespace or a control character`,
  },
  {
    name: 'format locust on a JSON file',
    setup: ok,
    inputs: { results: 'r.json', format: 'locust' },
    error: `${P}r.json: is not locust's PREFIX_stats.csv (run locust with --csv PREFIX and give PREFIX_stats.csv)`,
  },
  {
    name: 'locust history file alone',
    setup: (ws) => write(ws, 'load/r_stats_history.csv', 'Timestamp\n'),
    inputs: { results: 'load/r_stats_history.csv' },
    error: `${P}load/r_stats_history.csv: is not locust's PREFIX_stats.csv (run locust with --csv PREFIX and give PREFIX_stats.csv)`,
  },
  {
    name: 'locust stats through ..',
    inputs: { results: '../x_stats.csv' },
    error: /^benchmark-gate: Input 'results': .*outside the workspace/,
  },
  {
    name: 'locust history a symlink out',
    setup: (ws, out) => {
      okLocust(ws);
      link(ws, 'load/r_stats_history.csv', path.join(out, 'secret.csv'));
    },
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats_history.csv: path 'load/r_stats_history.csv' leads through a symlink outside the workspace`,
  },
  {
    name: 'locust failures a symlink out',
    setup: (ws, out) => {
      okLocust(ws);
      link(ws, 'load/r_failures.csv', path.join(out, 'secret.csv'));
    },
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_failures.csv: path 'load/r_failures.csv' leads through a symlink outside the workspace`,
  },
  {
    name: 'locust stats empty',
    setup: (ws) => write(ws, 'load/r_stats.csv', ''),
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats.csv: is empty, expected a CSV header`,
  },
  {
    name: 'locust stats truncated in a quoted name',
    setup: (ws) =>
      write(ws, 'load/r_stats.csv', locustStats([['GET', '/a,b', 1, 0, 1]]).slice(0, LOCUST_HEADER.length + 10)),
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats.csv: line 2: a quoted field is not closed`,
  },
  {
    name: 'locust stats binary',
    setup: (ws) =>
      write(ws, 'load/r_stats.csv', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256))),
    inputs: { results: 'load/r_stats.csv' },
    error: /^benchmark-gate: load\/r_stats\.csv: line 1: the header lacks "Type", "Name", /,
  },
  {
    name: 'locust stats a negative time',
    setup: (ws) => write(ws, 'load/r_stats.csv', locustStats([['GET', '/a', 1, 0, -5]])),
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats.csv: line 2: "Average Response Time" is not a non-negative number: '-5'`,
  },
  {
    name: 'locust stats NaN',
    setup: (ws) => write(ws, 'load/r_stats.csv', locustStats([['GET', '/a', 1, 0, Number.NaN]])),
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats.csv: line 2: "Average Response Time" is not a non-negative number: 'NaN'`,
  },
  {
    name: 'locust stats Infinity requests',
    setup: (ws) => write(ws, 'load/r_stats.csv', locustStats([['GET', '/a', Number.POSITIVE_INFINITY, 0, 1]])),
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats.csv: line 2: "Request Count" is not a non-negative number: 'Infinity'`,
  },
  {
    name: 'locust stats a duplicate endpoint',
    setup: (ws) =>
      write(
        ws,
        'load/r_stats.csv',
        locustStats([
          ['GET', '/a', 1, 0, 1],
          ['GET', '/a', 1, 0, 1],
        ]),
      ),
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats.csv: line 3: 'GET /a' appears twice`,
  },
  {
    name: 'locust history going back in time',
    setup: (ws) => {
      okLocust(ws);
      write(
        ws,
        'load/r_stats_history.csv',
        'Timestamp,Type,Name,Total Request Count,Total Average Response Time\n10,,Aggregated,5,1\n9,,Aggregated,6,1\n',
      );
    },
    inputs: { results: 'load/r_stats.csv' },
    error: `${P}load/r_stats_history.csv: line 3: 'Aggregated' goes back in time or in its request count`,
  },
  {
    name: 'k6 a negative p95',
    setup: (ws) => write(ws, 'k.json', k6Doc('{"p(95)": -1, "avg": 1}')),
    inputs: { results: 'k.json' },
    error: `${P}k.json: metrics.'http_req_duration'.'p(95)' is not a non-negative finite number`,
  },
  {
    name: 'k6 "NaN" as text',
    setup: (ws) => write(ws, 'k.json', k6Doc('{"avg": "NaN"}')),
    inputs: { results: 'k.json' },
    error: `${P}k.json: metrics.'http_req_duration'.'avg' is not a non-negative finite number`,
  },
  {
    name: 'k6 a failure rate of 2',
    setup: (ws) => write(ws, 'k.json', '{"metrics": {"http_req_failed": {"value": 2}}}'),
    inputs: { results: 'k.json', format: 'k6' },
    error: `${P}k.json: metrics.'http_req_failed'.value is above 1`,
  },
  {
    name: 'k6 nested 300 levels',
    setup: (ws) => write(ws, 'k.json', `{"metrics": {"http_req_duration": ${deepJson(300)}}}`),
    inputs: { results: 'k.json' },
    error: /^benchmark-gate: k\.json:1:\d+: nests deeper than 256 levels$/,
  },
  {
    name: 'locust endpoint names and errors with commands and markup reach the log, annotations and summary inert',
    setup: (ws) => {
      write(ws, 'load/r_stats.csv', locustStats([['GET', `${INJECTION} ${MARKUP}`, 100, 50, 900]]));
      write(
        ws,
        'load/r_failures.csv',
        `Method,Name,Error,Occurrences\nGET,"${INJECTION.replace(/"/g, '""')}","${`${INJECTION} ${MARKUP}`.replace(/"/g, '""')}",50\n`,
      );
    },
    inputs: { results: 'load/r_stats.csv', slo: '*: p95 < 1ms\nfailure-rate < 1%' },
    check: (r) => {
      expect(r.exitCode).toBe(1);
      expect(r.outputs['slo-failures']).toBe('2');
      const slo = r.annotations.filter((a) => a.title?.startsWith('SLO failed'));
      expect(slo).toHaveLength(2);
      expect(slo[0]?.message).toMatch(
        /^GET :\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDRED @spikeformer/,
      );
      expect(slo[0]?.message).toMatch(/: p95 900 ms, objective < 1 ms \(load\/r_stats\.csv\)$/);
      expect(slo[1]?.message).toBe('Aggregated: failure-rate 50%, objective < 1% (load/r_stats.csv)');
      expect(r.summary).not.toContain('<img');
      expect(r.summary).not.toContain('@spikeformer/maintainers');
      expect(r.summary).toContain('Request failures in load/r&#95;stats.csv');
    },
  },
];

async function runCase(
  c: Case,
  extra: { env?: Record<string, string>; pr?: boolean } = {},
): Promise<{ r: RunResult; ws: string }> {
  const ws = mkdtempSync(path.join(tmpdir(), 'bg-hostile-'));
  const outside = outsideDir();
  c.setup?.(ws, outside);
  const r = await runBundledAction(ACTION, {
    workspace: ws,
    inputs: c.inputs,
    env: { GITHUB_RUN_ID: '500', ...extra.env },
    ...(extra.pr ? PR : {}),
    timeoutMs: 90_000,
  });
  expect(readdirSync(path.join(outside, 'sub'))).toEqual([]);
  const json = path.join(ws, 'benchmark-gate.json');
  if (existsSync(json)) expect(readFileSync(json, 'utf8')).not.toContain(OUTSIDE_CANARY);
  return { r, ws };
}

beforeAll(() => {
  ensureBundled(ACTION);
}, 600_000);

describe.each([
  ['numbers and enums', NUMBERS_AND_ENUMS],
  ['paths', PATHS],
  ['documents', DOCUMENTS],
  ['load tests (locust, k6, slo)', LOAD_TESTS],
])('benchmark-gate hostile input: %s', (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { r, ws } = await runCase(c);
      if (c.error !== undefined) expectRefused(r, c.error);
      else {
        expectClean(r);
        c.check?.(r, ws);
      }
    },
    120_000,
  );
});

describe('benchmark-gate hostile input: benchmark names reach the log, annotations, summary and PR comment inert', () => {
  const names = [`${INJECTION} ${MARKUP}`, 'long'.repeat(25_000)];
  // One value per run (custom JSON) against one baseline run cannot show a regression: inconclusive.
  const formats: Array<[string, (slow: boolean) => string, string, 'failed' | 'passed']> = [
    ['pytest-benchmark', (slow) => pytest(names.map((n) => [n, samples(slow ? 2 : 1)])), 'auto', 'failed'],
    [
      'hyperfine',
      (slow) => JSON.stringify({ results: names.map((command) => ({ command, times: samples(slow ? 2 : 1) })) }),
      'auto',
      'failed',
    ],
    [
      'Google Benchmark',
      (slow) =>
        JSON.stringify({
          context: {},
          benchmarks: names.flatMap((name) =>
            samples(slow ? 2 : 1).map((t) => ({
              name,
              run_name: name,
              run_type: 'iteration',
              real_time: t * 1e6,
              time_unit: 'ns',
            })),
          ),
        }),
      'auto',
      'failed',
    ],
    [
      'custom JSON',
      (slow) => JSON.stringify(names.map((name) => ({ name, unit: 's', value: slow ? 2 : 1 }))),
      'custom-smaller-is-better',
      'passed',
    ],
  ];
  it.each(formats)(
    '%s: a slowdown of injected names',
    async (_format, report, format, status) => {
      const api = await fakeGitHub();
      try {
        const ws = mkdtempSync(path.join(tmpdir(), 'bg-hostile-'));
        write(ws, 'base.json', report(false));
        write(ws, 'slow.json', report(true));
        const common = { format, 'same-runner': 'true', 'github-token': SECRET };
        const first = await runBundledAction(ACTION, {
          workspace: ws,
          inputs: { ...common, results: 'base.json', 'json-file': 'h.json' },
          env: { GITHUB_RUN_ID: '1' },
          timeoutMs: 90_000,
        });
        expectClean(first, { masks: [SECRET] });
        expect(first.exitCode, first.stdout.slice(-2000)).toBe(0);
        const r = await runBundledAction(ACTION, {
          workspace: ws,
          inputs: { ...common, results: 'slow.json', baseline: 'h.json', 'json-file': 'h2.json' },
          env: { GITHUB_RUN_ID: '2', GITHUB_API_URL: api.url },
          ...PR,
          timeoutMs: 90_000,
        });
        expectClean(r, { masks: [SECRET] });
        expect(r.exitCode, r.stdout.slice(-2000)).toBe(status === 'failed' ? 1 : 0);
        expect(r.outputs.status).toBe(status);
        expect(r.outputs[status === 'failed' ? 'regressions' : 'inconclusive']).toBe('2');
        // One annotation per benchmark (plus the gate's line when it fails); none is a forged command.
        const level = status === 'failed' ? 'error' : 'warning';
        const shown = r.annotations.filter((a) => a.level === level);
        expect(shown).toHaveLength(status === 'failed' ? 3 : 2);
        expect(shown[0]?.message).toMatch(
          /^:\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDRED @spikeformer/,
        );
        expect(shown[1]?.message).toMatch(/^(long){50}… \(cut at 200 of 100000 characters\): /);
        expect(r.summary).not.toContain('<img');
        expect(r.summary).not.toContain('@spikeformer/maintainers');
        expect(api.bodies()).toHaveLength(1);
        const body = api.bodies()[0] ?? '';
        expect(body.split('\n')[0]).toBe('<!-- spikeformer-actions/benchmark-gate:benchmark-gate -->');
        expect(body.split('<!--')).toHaveLength(2);
        expect(body).not.toContain('<img');
        expect(body).not.toContain('@spikeformer/maintainers');
        expect(body).not.toContain('](https://evil.example)');
        expect(body.length).toBeLessThan(65_536);
        // Every table row keeps the table's 7 cells.
        for (const row of body.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Benchmark')))
          expect(row.split(' | ')).toHaveLength(7);
      } finally {
        await api.close();
      }
    },
    180_000,
  );

  it('a history run id and a custom unit full of commands and markup reach the chart, table and log inert', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'bg-hostile-'));
    write(ws, 'h.json', history([['test_a', samples(1)]], `${INJECTION} ${MARKUP}`));
    write(ws, 'slow.json', pytest([['test_a', samples(2)]]));
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { results: 'slow.json', baseline: 'h.json', 'same-runner': 'true' },
      env: { GITHUB_RUN_ID: '3' },
      timeoutMs: 90_000,
    });
    expectClean(r);
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(1);
    expect(r.outputs.regressions).toBe('1');
    expect(r.summary).toContain('```mermaid');
    expect(r.summary).not.toContain('<img');
    expect(r.summary).not.toContain('@spikeformer/maintainers');
    const custom = mkdtempSync(path.join(tmpdir(), 'bg-hostile-'));
    write(custom, 'r.json', JSON.stringify([{ name: 'b', unit: `${INJECTION} ${MARKUP}`, value: 1 }]));
    const u = await runBundledAction(ACTION, {
      workspace: custom,
      inputs: { results: 'r.json', format: 'custom-bigger-is-better' },
      env: { GITHUB_RUN_ID: '4' },
      timeoutMs: 90_000,
    });
    expectClean(u);
    expect(u.exitCode, u.stdout.slice(-2000)).toBe(0);
    expect(u.summary).not.toContain('<img');
  }, 180_000);

  it('a GitHub API error that echoes the token is reported without it', async () => {
    const api = await fakeGitHub(`Validation failed for token ${SECRET} ${INJECTION}`);
    try {
      const { r } = await runCase(
        { name: 'api', setup: ok, inputs: { results: 'r.json', 'github-token': SECRET } },
        { env: { GITHUB_API_URL: api.url }, pr: true },
      );
      expectClean(r, { masks: [SECRET] });
      expect(r.exitCode).toBe(0);
      const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^No PR comment: GitHub answered 422: Validation failed for token \*\*\* :\u200b:error/,
      );
    } finally {
      await api.close();
    }
  }, 120_000);
});
