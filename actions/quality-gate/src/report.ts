import { code, Summary } from '@spikeformer-actions/core';
import type { Analysis } from './analyse.js';
import type { Verdict } from './conditions.js';
import { formatRanges } from './ranges.js';

const MAX_ROWS = 100;
const MAX_MESSAGE = 500;

function cut(text: string, max = MAX_MESSAGE): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function pct(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}%`;
}

const VERDICT: Record<Verdict, string> = { pass: '✅ pass', fail: '❌ fail', skipped: '➖ skipped' };

/** The job summary: conditions table first (SonarQube-style), then the details. */
export function buildSummary(a: Analysis): Summary {
  const s = new Summary();
  s.heading(`Quality gate: ${a.status === 'passed' ? 'passed ✅' : 'failed ❌'}`, 2);
  if (a.conditions.length > 0) {
    s.table(
      ['Metric', 'Value', 'Threshold', 'Verdict', 'Note'],
      a.conditions.map((c) => [c.metric, c.shown, c.threshold, VERDICT[c.verdict], c.note]),
    );
  } else {
    s.paragraph('No condition is set; the figures below are for information.');
  }
  const facts: string[] = [];
  if (a.coverage)
    facts.push(
      `Line coverage ${pct(a.coverage.percent)} (${a.coverage.linesCovered}/${a.coverage.lines})` +
        (a.coverage.hasBranches
          ? `, branch coverage ${pct(a.coverage.branchPercent)} (${a.coverage.branchesCovered}/${a.coverage.branches})`
          : ''),
    );
  if (a.baseCoverage)
    facts.push(
      `Base line coverage ${pct(a.baseCoverage.percent)} (${a.baseCoverage.linesCovered}/${a.baseCoverage.lines})`,
    );
  if (a.diff) {
    const branches =
      a.diff.branches > 0
        ? `; branch coverage on changed lines ${pct(a.diff.branchPercent)} (${a.diff.branchesCovered}/${a.diff.branches})`
        : '';
    facts.push(
      `Changed-line coverage ${pct(a.diff.percent)} (${a.diff.covered}/${a.diff.measured} executable of ${a.diff.changedLines} changed lines, ${a.diff.source})${branches}`,
    );
  } else if (a.noDiffReason) facts.push(`No changed-line figures: ${a.noDiffReason}`);
  if (a.tests)
    facts.push(
      `Tests: ${a.tests.total} total, ${a.tests.passed} passed, ${a.tests.failed} failed, ${a.tests.errors} errors, ${a.tests.skipped} skipped`,
    );
  if (a.lint) {
    facts.push(
      `Lint findings ${a.lint.lintFindings}` +
        (a.lint.newLintFindings === undefined ? '' : ` (${a.lint.newLintFindings} on changed lines)`) +
        `, type errors ${a.lint.typeErrors}, files to reformat ${a.lint.filesToReformat.length}`,
    );
  }
  s.list(facts);

  if (a.diff && a.diff.files.length > 0) {
    const rows = a.diff.files
      .slice(0, MAX_ROWS)
      .map((f) => [
        code(f.path),
        f.measured,
        f.covered,
        pct((f.covered / f.measured) * 100),
        cut(formatRanges(f.uncoveredRanges), 300) || '—',
      ]);
    const body = new Summary().table(
      ['File', 'Executable changed lines', 'Covered', 'Coverage', 'Uncovered lines'],
      rows,
    );
    if (a.diff.files.length > MAX_ROWS)
      body.paragraph(`… and ${a.diff.files.length - MAX_ROWS} more files (all in the JSON file).`);
    if (a.diff.notInReport.length > 0)
      body.paragraph(`Changed files the coverage report does not measure: ${cut(a.diff.notInReport.join(', '), 1000)}`);
    s.details(
      'Changed-line coverage per file',
      body,
      a.diff.files.some((f) => f.uncoveredLines.length > 0),
    );
  }
  if (a.tests && a.tests.problems.length > 0) {
    const body = new Summary().table(
      ['Test', 'Outcome', 'Message'],
      a.tests.problems
        .slice(0, MAX_ROWS)
        .map((t) => [code(`${t.classname ? `${t.classname}.` : ''}${t.name}`), t.outcome, cut(t.message)]),
    );
    s.details(`Failed tests (${a.tests.problems.length})`, body, true);
  }
  if (a.lint && a.lint.onChangedLines.length > 0) {
    const rows = a.lint.onChangedLines
      .slice(0, MAX_ROWS)
      .map((f) => [
        code(`${f.repoPath ?? f.file}${f.line === undefined ? '' : `:${f.line}`}`),
        f.tool,
        f.rule,
        cut(f.message),
      ]);
    s.details(
      `Findings on changed lines (${a.lint.onChangedLines.length})`,
      new Summary().table(['Where', 'Tool', 'Rule', 'Message'], rows),
      true,
    );
  }
  if (a.lint && a.lint.filesToReformat.length > 0) {
    s.details(
      `Files the formatter would change (${a.lint.filesToReformat.length})`,
      new Summary().list(a.lint.filesToReformat.slice(0, MAX_ROWS).map((f) => code(f))),
    );
  }
  if (a.unmapped.size > 0) {
    const items = [...a.unmapped].map(
      ([file, paths]) =>
        `${file}: ${paths.length} path(s) not found in the workspace, e.g. ${paths.slice(0, 3).join(', ')}`,
    );
    s.details('Report paths that map to no workspace file', new Summary().list(items));
  }
  return s;
}

/** The machine-readable result written to json-file. */
export function resultJson(a: Analysis): unknown {
  return {
    status: a.status,
    conditions: a.conditions,
    coverage: a.coverage ?? null,
    baseCoverage: a.baseCoverage ?? null,
    diff: a.diff
      ? {
          source: a.diff.source,
          changedLines: a.diff.changedLines,
          measured: a.diff.measured,
          covered: a.diff.covered,
          percent: a.diff.percent ?? null,
          branches: a.diff.branches,
          branchesCovered: a.diff.branchesCovered,
          branchPercent: a.diff.branchPercent ?? null,
          files: a.diff.files.map((f) => ({
            path: f.path,
            changed: f.changed,
            measured: f.measured,
            covered: f.covered,
            uncoveredLines: f.uncoveredLines,
            branches: f.branches,
            branchesCovered: f.branchesCovered,
          })),
          notInReport: a.diff.notInReport,
        }
      : null,
    noDiffReason: a.noDiffReason ?? null,
    tests: a.tests ?? null,
    lint: a.lint ?? null,
    unmapped: Object.fromEntries(a.unmapped),
  };
}

export interface PlannedAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title: string;
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
}

/**
 * Annotations, most important first and capped: failing tests, findings on changed lines,
 * then uncovered changed ranges. One extra notice says how many were left out.
 */
export function planAnnotations(a: Analysis, max: number): PlannedAnnotation[] {
  // Only the first `max` are made; the rest are counted (thousands of uncovered ranges are usual).
  const kept: PlannedAnnotation[] = [];
  let total = 0;
  const add = (make: () => PlannedAnnotation): void => {
    if (total++ < max) kept.push(make());
  };
  for (const t of a.tests?.problems ?? []) {
    add(() => {
      const ann: PlannedAnnotation = {
        level: 'error',
        title: `Test ${t.outcome === 'error' ? 'error' : 'failed'}: ${t.name}`,
        message: cut(`${t.classname ? `${t.classname}.` : ''}${t.name}: ${t.message || t.outcome}`),
      };
      if (t.file) ann.file = t.file;
      if (t.line !== undefined) ann.line = t.line;
      return ann;
    });
  }
  for (const f of a.lint?.onChangedLines ?? []) {
    add(() => {
      const ann: PlannedAnnotation = {
        level: f.level === 'error' ? 'error' : f.level === 'warning' ? 'warning' : 'notice',
        title: `${f.tool}${f.rule ? ` ${f.rule}` : ''}`,
        message: cut(f.message),
      };
      if (f.repoPath !== undefined) ann.file = f.repoPath;
      if (f.line !== undefined) ann.line = f.line;
      if (f.endLine !== undefined && f.line !== undefined && f.endLine > f.line) ann.endLine = f.endLine;
      if (f.column !== undefined) ann.column = f.column;
      return ann;
    });
  }
  for (const file of a.diff?.files ?? []) {
    for (const r of file.uncoveredRanges) {
      add(() => {
        const ann: PlannedAnnotation = {
          level: 'warning',
          title: 'Changed lines not covered',
          message:
            r.start === r.end
              ? `Changed line ${r.start} is not covered by tests`
              : `Changed lines ${r.start}-${r.end} are not covered by tests`,
          file: file.path,
          line: r.start,
        };
        if (r.end > r.start) ann.endLine = r.end;
        return ann;
      });
    }
  }
  if (total <= max) return kept;
  kept.push({
    level: 'notice',
    title: 'More results',
    message: `${total - max} more annotations were left out (max-annotations: ${max}); the job summary and json-file have all of them`,
  });
  return kept;
}
