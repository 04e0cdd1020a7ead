import { readFileSync } from 'node:fs';
import { seededRandom } from '@spikeformer-actions/core';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { detectCoverageFormat, parseCoverage } from '../src/coverage/detect.js';
import { type CoverageReport, LineTable, totalsOf } from '../src/coverage/model.js';

function load(rel: string): CoverageReport {
  const file = fixturePath(`reports/${rel}`);
  return parseCoverage(readFileSync(file, 'utf8'), rel);
}

function expectTotalsAsStated(report: CoverageReport): void {
  const t = totalsOf(report.files.values());
  expect(report.stated.lines).toBeDefined();
  expect({ total: t.lines, covered: t.linesCovered }).toEqual(report.stated.lines);
  if (report.stated.branches) expect({ total: t.branches, covered: t.branchesCovered }).toEqual(report.stated.branches);
}

describe('coverage formats are detected by content', () => {
  it.each([
    ['coverage/cobertura-pr.xml', 'cobertura'],
    ['coverage/cobertura-base.xml', 'cobertura'],
    ['coverage/pr.lcov', 'lcov'],
    ['coverage/base.lcov', 'lcov'],
    ['coverage/coverage-py-pr.json', 'coveragepy'],
    ['jacoco/report.xml', 'jacoco'],
    ['jacoco/multi-module-mathCoverage.xml', 'jacoco'],
  ])('%s is %s', (rel, format) => {
    expect(detectCoverageFormat(readFileSync(fixturePath(`reports/${rel}`), 'utf8'), rel)).toBe(format);
  });
});

describe('overall totals equal what each report states', () => {
  it('Cobertura (coverage.py 6.5, PR run): 5048/5607 lines, 1432/1782 branches', () => {
    const r = load('coverage/cobertura-pr.xml');
    expectTotalsAsStated(r);
    expect(r.stated).toEqual({ lines: { total: 5607, covered: 5048 }, branches: { total: 1782, covered: 1432 } });
    expect(r.sourceRoots).toEqual(['/home/runner/work/bottle/bottle']);
    expect(r.files.has('bottle.py')).toBe(true);
  });
  it('Cobertura base run', () => expectTotalsAsStated(load('coverage/cobertura-base.xml')));
  it('LCOV (sums of LF/LH/BRF/BRH), base and PR', () => {
    for (const rel of ['coverage/pr.lcov', 'coverage/base.lcov']) {
      const r = load(rel);
      expectTotalsAsStated(r);
      expect(r.stated.branches?.total).toBeGreaterThan(0);
    }
  });
  it('coverage.py JSON: totals.covered_lines/num_statements and covered_branches/num_branches', () => {
    const r = load('coverage/coverage-py-pr.json');
    expectTotalsAsStated(r);
    expect(r.stated).toEqual({ lines: { total: 5607, covered: 5048 }, branches: { total: 1782, covered: 1432 } });
  });
  it('JaCoCo: the report-level LINE and BRANCH counters', () => {
    const r = load('jacoco/report.xml');
    expectTotalsAsStated(r);
    expect(r.stated).toEqual({ lines: { total: 27, covered: 12 }, branches: { total: 6, covered: 2 } });
    expect([...r.files.keys()].every((p) => p.startsWith('com/madrapps/'))).toBe(true);
    expectTotalsAsStated(load('jacoco/multi-module-mathCoverage.xml'));
  });
  it('the same run as Cobertura and coverage.py JSON agrees line by line on bottle.py', () => {
    const xml = load('coverage/cobertura-pr.xml').files.get('bottle.py');
    const json = load('coverage/coverage-py-pr.json').files.get('bottle.py');
    if (!xml || !json) throw new Error('bottle.py missing');
    // Every statement in Cobertura has the same covered state in the JSON report …
    for (const [line, cov] of xml.lines)
      expect([line, (json.lines.get(line)?.hits ?? -1) > 0]).toEqual([line, cov.hits > 0]);
    // … and the JSON's extra "executed" lines (not statements) are all hit, so they never add an uncovered line.
    const extra = [...json.lines].filter(([line]) => !xml.lines.has(line));
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.every(([, c]) => c.hits > 0)).toBe(true);
  });
});

describe('bad coverage input is refused with the file named', () => {
  const cobertura = readFileSync(fixturePath('reports/coverage/cobertura-pr.xml'), 'utf8');
  it('an internal DTD subset (entity declarations)', () => {
    const evil = cobertura.replace('<coverage ', '<!DOCTYPE coverage [<!ENTITY x "xx">]>\n<coverage ');
    expect(() => parseCoverage(evil, 'evil.xml')).toThrow(/evil\.xml:\d+:\d+: contains a DTD/);
  });
  it('a billion-laughs entity reference', () => {
    const evil = cobertura.replace('<source>', '<source>&lol9;');
    expect(() => parseCoverage(evil, 'lol.xml')).toThrow(/lol\.xml:\d+:\d+: undefined entity &lol9;/);
  });
  it('truncated XML', () => {
    expect(() => parseCoverage(cobertura.slice(0, 100_000), 'cut.xml')).toThrow(/cut\.xml:\d+:\d+: truncated XML/);
  });
  it('an empty file', () => {
    expect(() => parseCoverage('  \n', 'empty.xml')).toThrow(/empty\.xml: is empty/);
  });
  it('XML that is no coverage report', () => {
    expect(() => parseCoverage('<testsuites/>', 'j.xml')).toThrow(/j\.xml: is XML with root <testsuites>/);
  });
  it('an LCOV line with a bad DA record or no tag names the line; unknown newer records are skipped', () => {
    expect(() => parseCoverage('SF:a.py\nDA:x,1\nend_of_record\n', 'bad.lcov')).toThrow(/bad\.lcov:2: invalid DA/);
    expect(() => parseCoverage('SF:a.py\nDA:1,1\nsomething else\nend_of_record\n', 'bad.lcov')).toThrow(
      /bad\.lcov:3: not an LCOV line/,
    );
    const r = parseCoverage('TN:\nSF:a.py\nMCDC:3,2,t,1,0,x\nDA:3,1\nDA:4,0\nLF:2\nLH:1\nend_of_record\n', 'new.lcov');
    expect([...(r.files.get('a.py')?.lines.keys() ?? [])]).toEqual([3, 4]);
  });
});

describe('the per-file line table', () => {
  it('keeps lines, merges repeats with the higher counts, and reads like a Map', () => {
    const t = new LineTable();
    t.add(3, 0);
    t.add(1, 5, 2, 1);
    t.add(3, 2);
    t.add(1, 1, 4, 0);
    expect(t.size).toBe(2);
    expect([...t]).toEqual([
      [1, { hits: 5, branches: 4, branchesCovered: 1 }],
      [3, { hits: 2, branches: 0, branchesCovered: 0 }],
    ]);
    expect([t.has(2), t.get(2), t.has(3)]).toEqual([false, undefined, true]);
    expect(t.addBranches(3, 2, 1)).toBe(true);
    expect(t.addBranches(2, 2, 1)).toBe(false);
    expect(t.get(3)).toEqual({ hits: 2, branches: 2, branchesCovered: 1 });
  });
  it('keeps far and odd line numbers aside, still finds them once the table has grown past them, and copies deeply', () => {
    const t = new LineTable();
    t.add(5000, 1); // far beyond the rest: not a 5,000-entry array
    t.add(-1, 0);
    t.add(1.5, 1);
    expect([...t.keys()]).toEqual([5000, -1, 1.5]);
    for (let n = 1; n <= 4100; n++) t.add(n, n % 2); // the arrays grow past line 5000
    expect(t.size).toBe(4103);
    expect([t.has(5000), t.has(4999), t.get(5000)]).toEqual([
      true,
      false,
      { hits: 1, branches: 0, branchesCovered: 0 },
    ]);
    t.add(5000, 3, 2, 2); // merged with the line already there, not a second entry
    expect(t.size).toBe(4103);
    expect(t.get(5000)).toEqual({ hits: 3, branches: 2, branchesCovered: 2 });
    const copy = t.clone();
    copy.add(7, 9);
    copy.addBranches(-1, 1, 0);
    expect([t.get(7)?.hits, copy.get(7)?.hits, t.get(-1)?.branches, copy.get(-1)?.branches]).toEqual([1, 9, 0, 1]);
    expect(totalsOf([{ reportPath: 'x', lines: t }])).toEqual({
      lines: 4103,
      linesCovered: 2052,
      branches: 2,
      branchesCovered: 2,
    });
  });
  it('keeps its running totals equal to a count over its lines, through merges, far lines, branches and copies', () => {
    const random = seededRandom(7);
    const pick = (n: number): number => Math.floor(random() * n);
    const counted = (t: LineTable) => {
      const c = { lines: 0, linesCovered: 0, branches: 0, branchesCovered: 0 };
      for (const [, cov] of t) {
        c.lines++;
        if (cov.hits > 0) c.linesCovered++;
        c.branches += cov.branches;
        c.branchesCovered += cov.branchesCovered;
      }
      return c;
    };
    let t = new LineTable();
    for (let step = 0; step < 3000; step++) {
      // Mostly dense lines, some far beyond (held aside until the arrays grow past them), repeats on purpose.
      const line = random() < 0.05 ? 2000 + pick(8000) : 1 + pick(600);
      const op = pick(10);
      if (op < 7) t.add(line, pick(3), op < 2 ? pick(4) : 0, op < 1 ? pick(2) : 0);
      else if (op < 9) t.addBranches(line, pick(3), pick(2));
      else t = t.clone();
      if (step % 250 === 0) expect(totalsOf([{ reportPath: 'x', lines: t }])).toEqual(counted(t));
    }
    expect(totalsOf([{ reportPath: 'x', lines: t }])).toEqual(counted(t));
  });
});

describe('line numbers: 0 to 10,000,000 in every format', () => {
  const py = (n: number): string => `{"meta": {}, "files": {"a.py": {"executed_lines": [${n}], "missing_lines": []}}}`;
  const cobertura = (n: number): string =>
    `<coverage><packages><package><classes><class name="a" filename="a.py"><lines><line number="${n}" hits="1"/></lines></class></classes></package></packages></coverage>`;
  const jacoco = (n: number): string =>
    `<report name="r"><package name="p"><sourcefile name="A.java"><line nr="${n}" mi="0" ci="1" mb="0" cb="0"/></sourcefile></package></report>`;
  const lcov = (n: number): string => `SF:a.py\nDA:${n},1\nend_of_record\n`;
  it.each([
    [
      'coveragepy',
      py,
      'r: files["a.py"].executed_lines[0]: line number 10000001 is not a whole number from 0 to 10,000,000',
    ],
    ['cobertura', cobertura, 'r: <line> in a.py: line number 10000001 is not a whole number from 0 to 10,000,000'],
    ['jacoco', jacoco, 'r: <line> in p/A.java: line number 10000001 is not a whole number from 0 to 10,000,000'],
    ['lcov', lcov, 'r:2: DA: line number 10000001 is not a whole number from 0 to 10,000,000'],
  ] as const)('%s: the bounds are lines, one past is an error naming the file', (_format, make, error) => {
    for (const n of [0, 10_000_000])
      expect([...parseCoverage(make(n), 'r').files.values()][0]?.lines.has(n)).toBe(true);
    expect(() => parseCoverage(make(10_000_001), 'r')).toThrow(error);
  });
  it('keeps line 0 of coverage.py LCOV (module-level branches)', () => {
    const report = parseCoverage('SF:a.py\nDA:1,1\nBRDA:0,0,0,1\nend_of_record\n', 'r');
    expect(report.hasBranches).toBe(true);
  });
});
