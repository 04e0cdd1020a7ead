import { type Dirent, readdirSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  error as logError,
  FileError,
  GateFailure,
  info,
  isFile,
  notice,
  readTextFile,
  setOutput,
  warning,
  workspaceRelative,
  workspaceRoot,
} from '@spikeformer-actions/core';
import { type Analysis, analyse, prepareCoverage } from './analyse.js';
import { parseCoverage } from './coverage/detect.js';
import type { CoverageReport } from './coverage/model.js';
import { startChanges } from './changes.js';
import { MAX_REPORT_BYTES, readReportText } from './diff-file.js';
import { type Inputs, readInputs } from './inputs.js';
import { parseJunit, type TestRun } from './junit.js';
import { emptyBlackReportWarning } from './lint/black.js';
import { parseLint } from './lint/detect.js';
import type { LintReport } from './lint/model.js';
import { annotationPath, joinUnder, PathMapper } from './paths.js';
import { commentOnPullRequest } from './pr-comment.js';
import { buildSummary, planAnnotations, resultJson } from './report.js';

async function readCoverage(file: string, format: Inputs['coverageFormat']): Promise<CoverageReport> {
  const shown = workspaceRelative(file);
  const text = await readReportText(file, shown);
  const report = format === 'auto' ? parseCoverage(text, shown) : parseCoverage(text, shown, format);
  if (report.files.size === 0)
    throw new FileError(shown, `is an empty ${report.format} coverage report (no source files in it)`);
  return report;
}

/**
 * Whether a workspace-relative path is a regular file in the workspace (symbolic links
 * followed only while they stay inside, so a report cannot ask what exists outside). Reports
 * name thousands of files in few directories: one readdir per directory answers them all,
 * instead of a stat per file; links, names not listed and unreadable directories fall back to
 * stat and the real path.
 */
function workspaceFileCheck(root: string): (rel: string) => boolean {
  const realRoot = realOrSelf(root);
  const inside = (abs: string): boolean => {
    const real = realOrSelf(abs);
    return real === realRoot || real.startsWith(realRoot.endsWith('/') ? realRoot : `${realRoot}/`);
  };
  const fileInside = (abs: string): boolean => isFile(abs) && inside(abs);
  const listings = new Map<string, Map<string, Dirent> | 'outside' | undefined>();
  return (rel) => {
    const abs = joinUnder(root, rel);
    const dir = abs.slice(0, Math.max(abs.lastIndexOf('/'), 1));
    let listing = listings.get(dir);
    if (!listings.has(dir)) {
      try {
        listing = inside(dir) ? new Map(readdirSync(dir, { withFileTypes: true }).map((d) => [d.name, d])) : 'outside';
      } catch {
        listing = undefined;
      }
      listings.set(dir, listing);
    }
    if (listing === 'outside') return false;
    if (!listing) return fileInside(abs);
    const entry = listing.get(abs.slice(abs.lastIndexOf('/') + 1));
    if (entry?.isFile()) return true;
    if (entry?.isDirectory()) return false;
    return fileInside(abs); // a link, or not listed under this spelling (case-insensitive file systems)
  };
}

/** The real path of p; p itself when it does not exist (then nothing is there to lead out). */
function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Paths that match no workspace file make changed-line coverage meaningless: an error with a diff,
 * a warning without.
 */
function checkMapping(a: Analysis, reports: readonly CoverageReport[]): void {
  for (const report of reports) {
    const missing = a.unmapped.get(report.file);
    if (!missing) continue;
    if (missing.length === report.files.size && a.diff) {
      throw new FileError(
        report.file,
        `none of its ${missing.length} source paths is a file in the workspace (e.g. '${missing[0] ?? ''}'); set path-prefix to the directory the report was made in`,
      );
    }
    warning(
      `${report.file}: ${missing.length} of ${report.files.size} source paths are not files in the workspace (e.g. '${missing.slice(0, 3).join("', '")}'); they count in the overall coverage but not on changed lines (see path-prefix)`,
      { file: report.file, title: 'Report paths not in the workspace' },
    );
  }
}

export async function run(): Promise<void> {
  const i = await readInputs();
  const root = workspaceRoot();
  const needsDiff = i.coverage.length > 0 || i.lint.length > 0;
  // The diff is found while the reports are parsed; its failure is reported where it is
  // waited for, after the reports' own errors.
  const pending = needsDiff
    ? startChanges({ diffFile: i.diffFile, diffBase: i.diffBase, root, eventPath: process.env.GITHUB_EVENT_PATH ?? '' })
    : undefined;
  const mapper = new PathMapper({
    root,
    prefixes: i.pathPrefixes,
    exists: workspaceFileCheck(root),
  });

  const coverage: CoverageReport[] = [];
  for (const file of i.coverage) coverage.push(await readCoverage(file, i.coverageFormat));
  const baseCoverage = i.baseCoverage === '' ? undefined : await readCoverage(i.baseCoverage, i.coverageFormat);

  const tests: TestRun[] = [];
  for (const file of i.junit) {
    const shown = workspaceRelative(file);
    const run = parseJunit(await readTextFile(file, MAX_REPORT_BYTES, shown), shown);
    if (run.total === 0) throw new FileError(shown, 'contains no test cases');
    tests.push(run);
  }

  const lint: LintReport[] = [];
  for (const entry of i.lint) {
    const shown = workspaceRelative(entry.file);
    const text = await readTextFile(entry.file, MAX_REPORT_BYTES, shown);
    const parsed = parseLint(text, shown, entry.tool);
    lint.push({ tool: parsed.tool, file: shown, findings: parsed.findings });
    info(`${shown}: ${parsed.tool}, ${parsed.findings.length} findings`);
    if (parsed.tool === 'black' && i.thresholds.requireFormatted && text.trim() === '') {
      warning(emptyBlackReportWarning(shown), { file: shown, title: 'Empty black report' });
    }
  }

  // Path mapping and totals need no diff: done while git diff may still be running.
  const prepared = coverage.length > 0 ? prepareCoverage(coverage, mapper) : undefined;
  const diff = pending ? await pending.wait() : {};
  if (diff.note !== undefined) info(diff.note);
  const analysis = analyse({
    coverage,
    ...(prepared ? { prepared } : {}),
    ...(baseCoverage ? { baseCoverage } : {}),
    ...(diff.changes ? { changes: diff.changes } : {}),
    ...(diff.source ? { diffSource: diff.source } : {}),
    ...(diff.noDiffReason ? { noDiffReason: diff.noDiffReason } : {}),
    tests,
    lint,
    mapper,
    thresholds: i.thresholds,
    minLintLevel: i.minLintLevel,
  });
  checkMapping(analysis, coverage);

  for (const ann of planAnnotations(analysis, i.maxAnnotations)) {
    // Report paths (a JUnit file attribute) can point anywhere: only workspace paths are annotated,
    // and a line needs its file.
    const file = ann.file === undefined ? undefined : annotationPath(ann.file, root);
    const at =
      file === undefined
        ? { title: ann.title }
        : {
            title: ann.title,
            file,
            ...(ann.line ? { line: ann.line } : {}),
            ...(ann.endLine ? { endLine: ann.endLine } : {}),
            ...(ann.column ? { column: ann.column } : {}),
          };
    if (ann.level === 'error') logError(ann.message, at);
    else if (ann.level === 'warning') warning(ann.message, at);
    else notice(ann.message, at);
  }
  buildSummary(analysis).write();

  const jsonFile = i.jsonFile !== '' ? i.jsonFile : path.join(process.env.RUNNER_TEMP ?? root, 'quality-gate.json');
  await mkdir(path.dirname(jsonFile), { recursive: true });
  await writeFile(jsonFile, `${JSON.stringify(resultJson(analysis), null, 2)}\n`);

  const fixed = (v: number | undefined): string => (v === undefined ? '' : v.toFixed(2));
  setOutput('status', analysis.status);
  setOutput('coverage', fixed(analysis.coverage?.percent));
  setOutput('branch-coverage', fixed(analysis.coverage?.branchPercent));
  setOutput('diff-coverage', fixed(analysis.diff?.percent));
  setOutput('tests-total', analysis.tests ? String(analysis.tests.total) : '');
  setOutput('tests-failed', analysis.tests ? String(analysis.tests.failed + analysis.tests.errors) : '');
  setOutput('lint-findings', analysis.lint ? String(analysis.lint.lintFindings) : '');
  setOutput(
    'new-lint-findings',
    analysis.lint?.newLintFindings === undefined ? '' : String(analysis.lint.newLintFindings),
  );
  // Workspace-relative like every path this action shows; the default in RUNNER_TEMP is outside the
  // workspace and stays absolute.
  const jsonShown = workspaceRelative(jsonFile, root);
  setOutput('json-file', jsonShown.startsWith('../') || path.isAbsolute(jsonShown) ? jsonFile : jsonShown);

  if (i.comment) await commentOnPullRequest(analysis, i.githubToken);

  for (const c of analysis.conditions)
    info(
      `${c.verdict.toUpperCase().padEnd(7)} ${c.metric}: ${c.shown} (threshold ${c.threshold})${c.note ? ` — ${c.note}` : ''}`,
    );
  const failing = analysis.conditions.filter((c) => c.verdict === 'fail');
  if (failing.length > 0 && i.failOnGate) {
    throw new GateFailure(
      `quality gate failed: ${failing.map((c) => `${c.metric} ${c.shown} (needs ${c.threshold})`).join('; ')}`,
    );
  }
  info(`Quality gate ${analysis.status}`);
}
