import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/compare.js';
import { buildRun } from '../src/history.js';
import type { LoadReport } from '../src/load/model.js';
import { evaluateSlos, parseSlos } from '../src/load/slo.js';
import { parseCsv } from '../src/parsers/csv.js';
import { detectFormat, parseReport } from '../src/parsers/index.js';
import { parseK6 } from '../src/parsers/k6.js';
import { parseLocust } from '../src/parsers/locust.js';
import { DEFAULTS } from './helpers.js';

// The readers on real locust CSV (fixtures/reports/locust, written by locust 2.12.1) and real
// k6 --summary-export JSON (fixtures/reports/k6, from pwrdrvr/crush-test); SOURCES.md has both.

const text = (relative: string): string => readFileSync(fixturePath(relative), 'utf8');
const locust = (run: string) =>
  parseLocust({
    stats: { text: text(`reports/locust/${run}_stats.csv`), file: `${run}_stats.csv` },
    history: { text: text(`reports/locust/${run}_stats_history.csv`), file: `${run}_stats_history.csv` },
    failures: { text: text(`reports/locust/${run}_failures.csv`), file: `${run}_failures.csv` },
  });
const k6 = (name: string) => parseK6(JSON.parse(text(`reports/k6/${name}`)) as unknown, name);

describe('locust CSV', () => {
  it('reads every endpoint and the aggregate of a real run, times in seconds', () => {
    const { load, measurements } = locust('healthy');
    expect(load.entries.map((e) => [e.name, e.aggregated, e.requests, e.failures])).toEqual([
      ['GET /api/items', false, 384, 0],
      ['GET /api/users', false, 237, 0],
      ['Aggregated', true, 621, 0],
    ]);
    const total = load.entries[2]!;
    expect(total.times['p95']).toBeCloseTo(0.03, 12);
    expect(total.times['p99.9']).toBeCloseTo(0.14, 12);
    expect(total.times['mean']).toBeCloseTo(0.0107087264444444, 15);
    expect(total.rps).toBeCloseTo(55.76525973575534, 12);
    expect(total.failureRate).toBe(0);
    // Per-interval means from the history's running totals: about one per second of the flushed 11 s.
    const agg = measurements.find((m) => m.name === 'Aggregated')!;
    expect(agg.samples?.length).toBe(10);
    expect(agg.samples?.every((v) => v > 0.004 && v < 0.05)).toBe(true);
    expect(measurements.map((m) => [m.name, m.unit, m.direction, m.samples?.length])).toEqual([
      ['GET /api/items', 's', 'smaller-is-better', 10],
      ['GET /api/users', 's', 'smaller-is-better', 10],
      ['Aggregated', 's', 'smaller-is-better', 10],
    ]);
  });

  it('the first interval mean equals (n₂·avg₂ − n₁·avg₁)/(n₂ − n₁) of the history rows', () => {
    const rows = parseCsv(text('reports/locust/healthy_stats_history.csv'), 'h.csv').filter(
      (r) => r.cells[3] === 'Aggregated',
    );
    const n = (k: number) => Number(rows[k]!.cells[17]);
    const avg = (k: number) => Number(rows[k]!.cells[20]);
    const { measurements } = locust('healthy');
    const agg = measurements.find((m) => m.name === 'Aggregated')!;
    // rows[0] is the start (0 requests): its first interval is rows[1]'s own average.
    expect(agg.samples![0]).toBeCloseTo((n(1) * avg(1) - n(0) * avg(0)) / (n(1) - n(0)) / 1000, 12);
    expect(agg.samples![1]).toBeCloseTo((n(2) * avg(2) - n(1) * avg(1)) / (n(2) - n(1)) / 1000, 12);
  });

  it('lists the failures of the erroring run', () => {
    const { load } = locust('erroring');
    expect(load.failures.map((f) => [f.name, f.occurrences])).toEqual([
      ['GET /api/users', 42],
      ['GET /api/items', 75],
    ]);
    expect(load.failures[0]!.error).toMatch(
      /^HTTPError\('500 Server Error: Internal Server Error for url: http:\/\/127\.0\.0\.1:\d+\/api\/users'\)$/,
    );
    expect(load.entries.find((e) => e.aggregated)!.failureRate).toBeCloseTo(117 / 585, 12);
  });

  it('the judge flags the slow run against the healthy one on per-interval samples; healthy against itself is not a regression', () => {
    const base = buildRun(locust('healthy').measurements, { id: 'healthy', timestamp: '2026-12-01T00:00:00Z' });
    // Response times of a service: a slowdown of every endpoint is the service's, not the runner's.
    const service = new Set(locust('slow').load.entries.map((e) => e.name));
    const slow = compare([base], locust('slow').measurements, DEFAULTS, service);
    expect(slow.runMove).toBeUndefined();
    expect(slow.results.map((r) => [r.name, r.verdict, r.method]).sort()).toEqual([
      ['Aggregated', 'regression', 'mann-whitney'],
      ['GET /api/items', 'regression', 'mann-whitney'],
      ['GET /api/users', 'regression', 'mann-whitney'],
    ]);
    expect(slow.results.every((r) => (r.change ?? 0) > 10)).toBe(true);
    // Taken for a machine-wide move, the same slowdown would be inconclusive: why load tests are left out of it.
    expect(compare([base], locust('slow').measurements, DEFAULTS).counts.inconclusive).toBe(3);
    const same = compare([base], locust('healthy').measurements, DEFAULTS, service);
    expect(same.counts.regression).toBe(0);
  });

  it('refuses malformed CSV with the file and line', () => {
    const bad = (stats: string) => () => parseLocust({ stats: { text: stats, file: 's.csv' } });
    const header =
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%';
    expect(bad('')).toThrow('s.csv: is empty, expected a CSV header');
    expect(bad('Name,Count\n')).toThrow('s.csv: line 1: the header lacks "Type", "Request Count"');
    expect(bad(`${header}\nGET,/a,5,0,1,1,1,1,1,1,0,1,1\n`)).toThrow('s.csv: has no "Aggregated" row');
    expect(bad(`${header}\nGET,/a,5,0,1,-1,1,1,1,1,0,1,1\n,Aggregated,5,0,1,1,1,1,1,1,0,1,1\n`)).toThrow(
      `s.csv: line 2: "Average Response Time" is not a non-negative number: '-1'`,
    );
    expect(bad(`${header}\nGET,/a,5,0,1,NaN,1,1,1,1,0,1,1\n`)).toThrow(
      `s.csv: line 2: "Average Response Time" is not a non-negative number: 'NaN'`,
    );
    expect(bad(`${header}\nGET,/a,5,9,1,1,1,1,1,1,0,1,1\n`)).toThrow(
      's.csv: line 2: more failures (9) than requests (5)',
    );
    expect(bad(`${header}\nGET,"/a,5,0\n`)).toThrow('s.csv: line 2: a quoted field is not closed');
    expect(bad(`${header}\nGET,/a,5\n`)).toThrow('s.csv: line 2: 3 fields, the header has 13');
    expect(bad(`${header}\nGET,/a,5,0,1,1,1,1,1,1,0,1,1\nGET,/a,5,0,1,1,1,1,1,1,0,1,1\n`)).toThrow(
      `s.csv: line 3: 'GET /a' appears twice`,
    );
  });

  it('reads quoted names with commas, quotes and line breaks (Python csv module quoting)', () => {
    const rows = parseCsv('a,b\r\n"x, ""y""\nz",2\r\n', 'q.csv');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"\nz', '2'] },
    ]);
  });
});

describe('k6 summary export', () => {
  it('is recognised by auto and read from three real exports', () => {
    const doc = JSON.parse(text('reports/k6/crush-test-sample.json')) as unknown;
    expect(detectFormat(doc)).toBe('k6');
    const parsed = parseReport(doc, 'k6.json', 'auto');
    expect(parsed.format).toBe('k6');
    expect(parsed.load?.entries.map((e) => [e.name, e.requests, e.failures, e.failureRate])).toEqual([
      ['Aggregated', 1597, 0, 0],
    ]);
    const t = parsed.load!.entries[0]!.times;
    expect(Object.keys(t).sort()).toEqual(['max', 'mean', 'median', 'min', 'p90', 'p95']);
    expect(t['p95']).toBeCloseTo(0.0113877108, 12);
    expect(parsed.load!.entries[0]!.rps).toBeCloseTo(531.6526933019591, 9);
    expect(parsed.measurements).toEqual([
      {
        name: 'Aggregated',
        unit: 's',
        direction: 'smaller-is-better',
        n: 1,
        mean: t['mean'],
        median: t['median'],
        min: t['min'],
        max: t['max'],
      },
    ]);
    expect(k6('crush-test-deploy-k6.json').load.entries[0]).toMatchObject({
      requests: 1587,
      rps: 528.3735309289374,
      failureRate: 0,
    });
    expect(k6('crush-test-deploy-packaged-k6.json').load.entries[0]!.times['p95']).toBeCloseTo(
      0.005036289399999999,
      12,
    );
  });

  it('reads name-tagged sub-metrics as endpoints, and handleSummary data with nested values', () => {
    const doc = {
      metrics: {
        http_req_duration: { values: { avg: 40, med: 35, 'p(95)': 90, 'p(99.9)': 140, max: 150, min: 10 } },
        http_reqs: { values: { count: 900, rate: 15 } },
        http_req_failed: { values: { rate: 0.02, passes: 18, fails: 882 } },
        'http_req_duration{name:login}': { values: { avg: 80, 'p(95)': 200 } },
        'http_req_duration{expected_response:true}': { values: { avg: 39 } },
      },
    };
    const { load } = parseK6(doc, 'h.json');
    expect(load.entries.map((e) => [e.name, e.aggregated, e.failureRate, e.failures, e.times['p95']])).toEqual([
      ['Aggregated', true, 0.02, 18, 0.09],
      ['login', false, undefined, undefined, 0.2],
    ]);
    expect(load.entries[0]!.times['p99.9']).toBeCloseTo(0.14, 12);
  });

  it('refuses what is not an HTTP load test or has impossible values', () => {
    expect(() => parseK6({ metrics: { vus: { value: 1 } } }, 'v.json')).toThrow(
      'v.json: has no http_req_duration, http_reqs or http_req_failed metric: not an HTTP load test',
    );
    expect(() => parseK6({ metrics: { http_req_duration: { 'p(95)': -1 } } }, 'n.json')).toThrow(
      `n.json: metrics.'http_req_duration'.'p(95)' is not a non-negative finite number`,
    );
    expect(() => parseK6({ metrics: { http_req_failed: { value: 2 } } }, 'r.json')).toThrow(
      `r.json: metrics.'http_req_failed'.value is above 1`,
    );
  });
});

describe('SLOs', () => {
  const reports = (): LoadReport[] => [locust('erroring').load];

  it('parses objectives with units, endpoints and comments', () => {
    expect(
      parseSlos([
        'p95 < 500ms',
        '# a comment',
        '',
        'failure-rate < 1%',
        'GET /api/users: p99.9 <= 1.5s',
        '*: rps >= 5/s',
        'requests > 100',
        'avg < 200us',
      ]),
    ).toEqual([
      {
        text: 'p95 < 500ms',
        line: 1,
        endpoint: 'Aggregated',
        metric: { kind: 'time', stat: 'p95' },
        op: '<',
        value: 0.5,
      },
      {
        text: 'failure-rate < 1%',
        line: 4,
        endpoint: 'Aggregated',
        metric: { kind: 'failure-rate' },
        op: '<',
        value: 0.01,
      },
      {
        text: 'GET /api/users: p99.9 <= 1.5s',
        line: 5,
        endpoint: 'GET /api/users',
        metric: { kind: 'time', stat: 'p99.9' },
        op: '<=',
        value: 1.5,
      },
      { text: '*: rps >= 5/s', line: 6, endpoint: '*', metric: { kind: 'rps' }, op: '>=', value: 5 },
      { text: 'requests > 100', line: 7, endpoint: 'Aggregated', metric: { kind: 'requests' }, op: '>', value: 100 },
      {
        text: 'avg < 200us',
        line: 8,
        endpoint: 'Aggregated',
        metric: { kind: 'time', stat: 'mean' },
        op: '<',
        value: 200 * 1e-6,
      },
    ]);
  });

  it('refuses objectives it cannot read, naming the line', () => {
    expect(() => parseSlos(['p95 < 500'])).toThrow(
      'Input \'slo\': line 1: p95 needs a time unit (us, ms, s or m), e.g. "p95 < 500ms"',
    );
    expect(() => parseSlos(['', 'failure-rate < 0.01'])).toThrow(
      "Input 'slo': line 2: failure-rate needs a percentage",
    );
    expect(() => parseSlos(['failure-rate < 101%'])).toThrow("Input 'slo': line 1: failure-rate cannot be above 100%");
    expect(() => parseSlos(['p101 < 1s'])).toThrow("Input 'slo': line 1: p101 is not a percentile between 0 and 100");
    expect(() => parseSlos(['p95 = 1s'])).toThrow(
      `Input 'slo': line 1: 'p95 = 1s' is not "[endpoint:] metric op value"`,
    );
    expect(() => parseSlos(['rps > 5ms'])).toThrow("Input 'slo': line 1: rps takes a plain number, not 'ms'");
    expect(() => parseSlos(['p95 < -1ms'])).toThrow(`Input 'slo': line 1: 'p95 < -1ms' is not`);
    expect(() => parseSlos(Array.from({ length: 101 }, () => 'rps > 1'))).toThrow(
      "Input 'slo': 101 objectives; at most 100",
    );
  });

  it('evaluates per endpoint and aggregated on the erroring run: the failure rate fails, p95 holds', () => {
    const results = evaluateSlos(
      parseSlos(['p95 < 250ms', 'failure-rate < 1%', 'rps > 5', '/api/users: failure-rate < 50%', '*: p95 < 250ms']),
      reports(),
    );
    expect(results.map((r) => [r.slo, r.endpoint, r.passed])).toEqual([
      ['p95 < 250ms', 'Aggregated', true],
      ['failure-rate < 1%', 'Aggregated', false],
      ['rps > 5', 'Aggregated', true],
      ['/api/users: failure-rate < 50%', 'GET /api/users', true],
      ['*: p95 < 250ms', 'GET /api/items', true],
      ['*: p95 < 250ms', 'GET /api/users', true],
    ]);
    expect(results[1]!.actual).toBeCloseTo(117 / 585, 12);
  });

  it('an endpoint or a statistic the results lack is an error, never a pass', () => {
    expect(() => evaluateSlos(parseSlos(['GET /nope: p95 < 1s']), reports())).toThrow(
      "Input 'slo' line 1: no endpoint 'GET /nope' in the results (endpoints: 'GET /api/items', 'GET /api/users')",
    );
    expect(() => evaluateSlos(parseSlos(['p97 < 1s']), reports())).toThrow(
      "Input 'slo' line 1: erroring_stats.csv has no p97 for 'Aggregated' (it has mean, median, min, max, p50, p66, p75, p80, p90, p95, p98, p99, p99.9, p99.99, p100)",
    );
    expect(() => evaluateSlos(parseSlos(['p99 < 1s']), [k6('crush-test-sample.json').load])).toThrow(
      "Input 'slo' line 1: crush-test-sample.json has no p99 for 'Aggregated' (it has mean, min, median, max, p90, p95; k6 exports the statistics in --summary-trend-stats)",
    );
    expect(() => evaluateSlos(parseSlos(['p95 < 1s']), [])).toThrow(
      "Input 'slo': objectives apply to locust and k6 results, and none of the results is one",
    );
  });
});
