import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/analyse.js';
import { parseCoverage } from '../src/coverage/detect.js';
import { parseUnifiedDiff } from '../src/diff.js';
import { parseJunit } from '../src/junit.js';
import { parseLint } from '../src/lint/detect.js';
import type { LintReport } from '../src/lint/model.js';
import { PathMapper } from '../src/paths.js';
import { buildSummary, planAnnotations } from '../src/report.js';

const read = (rel: string): string => readFileSync(fixturePath(`reports/${rel}`), 'utf8');
const cov = (rel: string) => parseCoverage(read(rel), rel);
const lint = (rel: string): LintReport => {
  const { tool, findings } = parseLint(read(rel), rel);
  return { tool, file: rel, findings };
};
const bottleFiles = new Set(['bottle.py', 'test/test_pr_extras.py']);
const mapper = new PathMapper({
  root: '/ws',
  prefixes: ['/home/runner/work/bottle/bottle', '/home/runner/work/app/app'],
  exists: (p) => bottleFiles.has(p) || p.startsWith('src/') || p.startsWith('test/'),
});
const prDiff = parseUnifiedDiff(read('coverage/pr.diff'), 'pr.diff');

describe('the fixture PR through the whole analysis', () => {
  it.each(['coverage/cobertura-pr.xml', 'coverage/pr.lcov', 'coverage/coverage-py-pr.json'])(
    '%s: 34 of 41 executable changed lines covered',
    (rel) => {
      const a = analyse({
        coverage: [cov(rel)],
        changes: prDiff,
        tests: [],
        lint: [],
        mapper,
        thresholds: { diffCoverageMinLines: 0, requireFormatted: false, minDiffCoverage: 80 },
        minLintLevel: 'note',
      });
      expect([a.diff?.measured, a.diff?.covered, a.diff?.changedLines]).toEqual([41, 34, 63]);
      expect(a.diff?.files.map((f) => [f.path, f.uncoveredRanges])).toEqual([
        [
          'bottle.py',
          [
            { start: 2980, end: 2980 },
            { start: 2983, end: 2983 },
          ],
        ],
        [
          'test/test_pr_extras.py',
          [
            { start: 18, end: 18 },
            { start: 26, end: 27 },
            { start: 37, end: 37 },
            { start: 46, end: 46 },
          ],
        ],
      ]);
      expect(a.status).toBe('passed');
    },
  );
  it('branch coverage on changed lines where the report has branches', () => {
    const a = analyse({
      coverage: [cov('coverage/cobertura-pr.xml')],
      changes: prDiff,
      tests: [],
      lint: [],
      mapper,
      thresholds: { diffCoverageMinLines: 0, requireFormatted: false },
      minLintLevel: 'note',
    });
    expect(a.diff?.branches).toBeGreaterThan(0);
    expect(a.diff?.branchesCovered).toBeLessThan(a.diff?.branches ?? 0);
  });
  it('overall coverage drop against the base report', () => {
    const a = analyse({
      coverage: [cov('coverage/cobertura-pr.xml')],
      baseCoverage: cov('coverage/cobertura-base.xml'),
      tests: [],
      lint: [],
      mapper,
      thresholds: { diffCoverageMinLines: 0, requireFormatted: false, maxCoverageDrop: 0 },
      minLintLevel: 'note',
    });
    expect(a.conditions[0]).toMatchObject({ id: 'max-coverage-drop', verdict: 'fail', shown: '-0.05 pp' });
  });
  it('new lint findings: only those on changed lines count', () => {
    // A change adding lines 2 and 4 to src/report.js of the ESLint fixture: its findings there are new.
    const diff = parseUnifiedDiff(
      '--- a/src/report.js\n+++ b/src/report.js\n@@ -1,2 +1,4 @@\n x\n+a\n y\n+b\n',
      'd.diff',
    );
    const a = analyse({
      coverage: [],
      changes: diff,
      tests: [],
      lint: [lint('eslint/eslint.json')],
      mapper,
      thresholds: { diffCoverageMinLines: 0, requireFormatted: false, maxNewLintFindings: 0 },
      minLintLevel: 'note',
    });
    const onReportJs = lint('eslint/eslint.json').findings.filter(
      (f) => f.file.endsWith('src/report.js') && (f.line === 2 || f.line === 4),
    );
    expect(onReportJs.length).toBeGreaterThan(0);
    expect(a.lint?.newLintFindings).toBe(onReportJs.length);
    expect(a.lint?.onChangedLines.every((f) => f.repoPath === 'src/report.js')).toBe(true);
    expect(a.status).toBe('failed');
  });
  it('min-lint-level filters notes (shellcheck info) out', () => {
    const all = analyse({
      coverage: [],
      tests: [],
      lint: [lint('shellcheck/shellcheck.json')],
      mapper,
      thresholds: { diffCoverageMinLines: 0, requireFormatted: false, maxLintFindings: 0 },
      minLintLevel: 'note',
    });
    const warnings = analyse({
      coverage: [],
      tests: [],
      lint: [lint('shellcheck/shellcheck.json')],
      mapper,
      thresholds: { diffCoverageMinLines: 0, requireFormatted: false, maxLintFindings: 0 },
      minLintLevel: 'warning',
    });
    expect(all.lint?.lintFindings).toBeGreaterThan(warnings.lint?.lintFindings ?? 0);
    expect(all.status).toBe('failed');
  });
  it('annotations: failing tests first, capped with a notice saying how many were left out', () => {
    const a = analyse({
      coverage: [cov('coverage/cobertura-pr.xml')],
      changes: prDiff,
      tests: [parseJunit(read('junit/pytest-pr-failures.xml'), 'junit.xml')],
      lint: [],
      mapper,
      thresholds: { diffCoverageMinLines: 0, requireFormatted: false, maxTestFailures: 0 },
      minLintLevel: 'note',
    });
    const all = planAnnotations(a, 100);
    expect(all).toHaveLength(3 + 6);
    expect(all.slice(0, 3).every((x) => x.level === 'error')).toBe(true);
    const capped = planAnnotations(a, 4);
    expect(capped).toHaveLength(5);
    expect(capped[4]).toMatchObject({
      level: 'notice',
      message: expect.stringMatching(/^5 more annotations were left out/),
    });
    const html = buildSummary(a).toString();
    expect(html).toMatch(/<td>Failed tests<\/td><td>3<\/td><td>(≤|&#8804;) 0<\/td><td>❌ fail<\/td>/);
    expect(html).toContain('18, 26-27, 37, 46');
  });
});
