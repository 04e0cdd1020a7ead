import { describe, expect, it } from 'vitest';
import { compareFiles, namesWith } from './helpers.js';

// Real reports from fixtures/reports (see SOURCES.md there). Which benchmarks are
// slower is read from the files themselves (medians, base → slow):
// - pytest-benchmark: test_route_lookup 8.85 → 34.72 µs (×3.9) and test_template_render
//   50.7 → 140.8 µs (×2.8); the other four move by −0.2 % … +1.5 %.
// - Google Benchmark (5 repetitions each): BM_VectorSort/64 +28 %, /512 +27 %, /4096 +23 %,
//   BM_MapInsert +8.8 % (all five slow repetitions above all five base ones); BM_VectorSort/32768
//   +8 % and BM_StringConcat/1024 +6 % with overlapping repetitions; BM_StringConcat/16384 and
//   BM_Accumulate unchanged.
// - hyperfine (15 runs each): render-template 196.6 → 214.7 ms, import-bottle 162.6 → 168.5 ms,
//   both with a spread of ±20 % within each file.

const p = (name: string): string => `test_bench_bottle.py::${name}`;

describe('pytest-benchmark fixtures', () => {
  it('base vs a rerun of the same code: nothing flagged, all six unchanged', () => {
    const c = compareFiles('reports/pytest-benchmark/base.json', 'reports/pytest-benchmark/base-rerun.json');
    expect(c.counts.regression).toBe(0);
    expect(c.counts.unchanged).toBe(6);
    // The rerun differs significantly on some (n in the thousands) but within the 5% threshold.
    expect(c.results.find((r) => r.name === p('test_html_escape'))?.reason).toMatch(/significantly worse but by 1\.7%/);
  });

  it('base vs slow: exactly test_route_lookup and test_template_render regress', () => {
    const c = compareFiles('reports/pytest-benchmark/base.json', 'reports/pytest-benchmark/slow.json');
    expect(namesWith(c, 'regression')).toEqual([p('test_route_lookup'), p('test_template_render')]);
    expect(namesWith(c, 'unchanged')).toEqual([
      p('test_cookie_roundtrip'),
      p('test_formsdict_decode'),
      p('test_html_escape'),
      p('test_parse_date'),
    ]);
    const route = c.results.find((r) => r.name === p('test_route_lookup'))!;
    expect(route.method).toBe('mann-whitney');
    expect(route.change!).toBeGreaterThan(2.8);
    expect(route.lower!).toBeLessThan(route.change!);
    expect(route.upper!).toBeGreaterThan(route.change!);
    // Sorted by severity: regressions first.
    expect(c.results.slice(0, 2).every((r) => r.verdict === 'regression')).toBe(true);
  });
});

describe('Google Benchmark fixtures (5 repetitions)', () => {
  it('base vs itself: nothing flagged', () => {
    const c = compareFiles(
      'reports/google-benchmark/repetitions-base.json',
      'reports/google-benchmark/repetitions-base.json',
    );
    expect(c.counts.regression).toBe(0);
    expect(c.counts.improvement).toBe(0);
  });

  it('base vs slow at alpha 0.01: 5 vs 5 repetitions cannot reach significance for 8 benchmarks, so the slower ones are inconclusive, never a silent pass', () => {
    const c = compareFiles(
      'reports/google-benchmark/repetitions-base.json',
      'reports/google-benchmark/repetitions-slow.json',
    );
    expect(c.counts.regression).toBe(0);
    const inconclusive = namesWith(c, 'inconclusive');
    for (const name of [
      'BM_VectorSort/64',
      'BM_VectorSort/512',
      'BM_VectorSort/4096',
      'BM_MapInsert',
      'BM_VectorSort/32768',
    ])
      expect(inconclusive).toContain(name);
    expect(c.results.find((r) => r.name === 'BM_VectorSort/64')?.reason).toMatch(
      /5 vs 5 samples cannot reach significance/,
    );
    expect(namesWith(c, 'unchanged')).toEqual(['BM_Accumulate']);
  });

  it('base vs slow at alpha 0.05: exactly the four fully separated slowdowns regress', () => {
    const c = compareFiles(
      'reports/google-benchmark/repetitions-base.json',
      'reports/google-benchmark/repetitions-slow.json',
      { alpha: 0.05 },
    );
    expect(namesWith(c, 'regression')).toEqual([
      'BM_MapInsert',
      'BM_VectorSort/4096',
      'BM_VectorSort/512',
      'BM_VectorSort/64',
    ]);
    // Overlapping repetitions: beyond the threshold but not significant → inconclusive.
    expect(namesWith(c, 'inconclusive')).toEqual(['BM_StringConcat/1024', 'BM_VectorSort/32768']);
    expect(namesWith(c, 'unchanged')).toEqual(['BM_Accumulate', 'BM_StringConcat/16384']);
  });
});

describe('hyperfine fixtures (15 runs)', () => {
  it('base vs itself: both unchanged', () => {
    const c = compareFiles('reports/hyperfine/base.json', 'reports/hyperfine/base.json');
    expect(namesWith(c, 'unchanged')).toEqual(['import-bottle', 'render-template']);
  });

  it('base vs slow at alpha 0.01: render-template is +13% but within its ±20% run spread, so inconclusive; import-bottle is +4.6%, under the threshold', () => {
    const c = compareFiles('reports/hyperfine/base.json', 'reports/hyperfine/slow.json');
    expect(c.counts.regression).toBe(0);
    expect(namesWith(c, 'inconclusive')).toEqual(['render-template']);
    expect(namesWith(c, 'unchanged')).toEqual(['import-bottle']);
  });

  it('base vs slow at alpha 0.1: exactly render-template regresses', () => {
    const c = compareFiles('reports/hyperfine/base.json', 'reports/hyperfine/slow.json', { alpha: 0.1 });
    expect(namesWith(c, 'regression')).toEqual(['render-template']);
    expect(namesWith(c, 'unchanged')).toEqual(['import-bottle']);
  });
});
