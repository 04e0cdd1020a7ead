import { describe, expect, it } from 'vitest';
import { detectFormat, mergeReports, parseReport } from '../src/parsers/index.js';
import { normaliseUnit } from '../src/units.js';
import { loadFixture } from './helpers.js';

describe('parsers on the real fixtures', () => {
  it('pytest-benchmark: fullname, raw per-round data in seconds, summary from the data', () => {
    const m = loadFixture('reports/pytest-benchmark/base.json');
    expect(m.map((b) => b.name)).toContain('test_bench_bottle.py::test_route_lookup');
    const route = m.find((b) => b.name === 'test_bench_bottle.py::test_route_lookup')!;
    expect(route.unit).toBe('s');
    expect(route.samples).toHaveLength(216);
    expect(route.median).toBeCloseTo(8.853000053932192e-6, 15);
    expect(route.direction).toBe('smaller-is-better');
  });

  it('Google Benchmark: repetitions become samples, aggregates and BigO/RMS rows are skipped, us normalised to seconds', () => {
    const m = loadFixture('reports/google-benchmark/repetitions-base.json');
    expect(m.map((b) => b.name)).toEqual([
      'BM_VectorSort/64',
      'BM_VectorSort/512',
      'BM_VectorSort/4096',
      'BM_VectorSort/32768',
      'BM_StringConcat/1024',
      'BM_StringConcat/16384',
      'BM_MapInsert',
      'BM_Accumulate',
    ]);
    expect(m.every((b) => b.samples?.length === 5)).toBe(true);
    const acc = m.find((b) => b.name === 'BM_Accumulate')!;
    expect(acc.unit).toBe('s');
    expect(acc.samples![0]).toBeCloseTo(3.318915831663178e-6, 15);
  });

  it('Google Benchmark with aggregates only: mean, stddev and the repetition count as a summary', () => {
    const doc = {
      context: { date: 'x' },
      benchmarks: [
        {
          name: 'BM_X_mean',
          run_name: 'BM_X',
          run_type: 'aggregate',
          aggregate_name: 'mean',
          repetitions: 9,
          real_time: 120,
          time_unit: 'ns',
        },
        {
          name: 'BM_X_median',
          run_name: 'BM_X',
          run_type: 'aggregate',
          aggregate_name: 'median',
          repetitions: 9,
          real_time: 118,
          time_unit: 'ns',
        },
        {
          name: 'BM_X_stddev',
          run_name: 'BM_X',
          run_type: 'aggregate',
          aggregate_name: 'stddev',
          repetitions: 9,
          real_time: 4,
          time_unit: 'ns',
        },
        {
          name: 'BM_Err',
          run_name: 'BM_Err',
          run_type: 'iteration',
          error_occurred: true,
          real_time: 0,
          time_unit: 'ns',
        },
      ],
    };
    const [x, ...rest] = parseReport(doc, 'gb.json', 'auto').measurements;
    expect(rest).toHaveLength(0);
    expect(x).toMatchObject({ name: 'BM_X', n: 9, unit: 's' });
    expect(x!.mean).toBeCloseTo(120e-9, 18);
    expect(x!.sd).toBeCloseTo(4e-9, 18);
    expect(x!.samples).toBeUndefined();
  });

  it('hyperfine: times as samples; runs that exited non-zero are dropped with a warning', () => {
    expect(loadFixture('reports/hyperfine/base.json').map((b) => [b.name, b.samples?.length])).toEqual([
      ['import-bottle', 15],
      ['render-template', 15],
    ]);
    const warnings: string[] = [];
    const m = loadFixture('reports/hyperfine/ignored-failure.json', 'auto', (w) => warnings.push(w));
    expect(m.map((b) => b.name)).toEqual(['sleep 0.01']);
    expect(warnings).toEqual([expect.stringContaining("'sh -c 'exit 3'' exited non-zero in 5 of 5 runs")]);
  });

  it("github-action-benchmark's custom format (its README example), both directions", () => {
    const doc = [
      { name: 'My Custom Smaller Is Better Benchmark - CPU Load', unit: 'Percent', value: 50 },
      {
        name: 'My Custom Smaller Is Better Benchmark - Memory Used',
        unit: 'Megabytes',
        value: 100,
        range: '3',
        extra: 'Value for Tooltip: 25\nOptional Num #2: 100',
      },
      { name: 'latency', unit: 'ms', value: 12.5 },
    ];
    expect(detectFormat(doc)).toBe('custom');
    expect(() => parseReport(doc, 'c.json', 'auto')).toThrow(/custom-smaller-is-better or custom-bigger-is-better/);
    const small = parseReport(doc, 'c.json', 'custom-smaller-is-better').measurements;
    expect(small.map((m) => [m.unit, m.n, m.direction])).toEqual([
      ['Percent', 1, 'smaller-is-better'],
      ['Megabytes', 1, 'smaller-is-better'],
      ['s', 1, 'smaller-is-better'],
    ]);
    expect(small[2]!.mean).toBeCloseTo(0.0125, 12);
    expect(parseReport(doc, 'c.json', 'custom-bigger-is-better').measurements[0]!.direction).toBe('bigger-is-better');
  });

  it('errors name the file and the field', () => {
    expect(() => parseReport({ results: [{ command: 'x', times: [1, 'a'] }] }, 'h.json', 'hyperfine')).toThrow(
      /h\.json: results\[0\]\.times\[1\] is missing or not a finite number/,
    );
    expect(() => parseReport({ foo: 1 }, 'u.json', 'auto')).toThrow(/u\.json: is not a pytest-benchmark/);
    expect(() => parseReport([{ name: 'a', unit: 's' }], 'c.json', 'custom-smaller-is-better')).toThrow(
      /c\.json: \[0\]\.value/,
    );
  });

  it('the same benchmark in two files is an error naming both', () => {
    const m = loadFixture('reports/hyperfine/base.json');
    expect(() =>
      mergeReports([
        { file: 'a.json', measurements: m },
        { file: 'b.json', measurements: m },
      ]),
    ).toThrow(/b\.json: benchmark 'import-bottle' is also in a\.json/);
  });
});

describe('units', () => {
  it('normalises times and sizes, keeps suffixes, leaves other units alone', () => {
    expect(normaliseUnit('ns')).toEqual({ unit: 's', factor: 1e-9 });
    expect(normaliseUnit('µs')).toEqual({ unit: 's', factor: 1e-6 });
    expect(normaliseUnit('ns/iter')).toEqual({ unit: 's/iter', factor: 1e-9 });
    expect(normaliseUnit('KiB')).toEqual({ unit: 'B', factor: 1024 });
    expect(normaliseUnit('ops/sec')).toEqual({ unit: 'ops/sec', factor: 1 });
    expect(normaliseUnit('b')).toEqual({ unit: 'b', factor: 1 });
  });
});
