import { expandGlobs, InputError, inputs, redactUrl } from '@spikeformer-actions/core';
import type { Thresholds } from './conditions.js';
import type { CoverageFormat } from './coverage/model.js';
import { splitLintSpec } from './lint/detect.js';
import type { FindingLevel, LintTool } from './lint/model.js';

export interface LintInput {
  tool?: LintTool;
  file: string;
}

export interface Inputs {
  coverage: string[];
  coverageFormat: CoverageFormat | 'auto';
  baseCoverage: string;
  junit: string[];
  lint: LintInput[];
  diffBase: string;
  diffFile: string;
  pathPrefixes: string[];
  thresholds: Thresholds;
  minLintLevel: FindingLevel;
  maxAnnotations: number;
  jsonFile: string;
  failOnGate: boolean;
  /** Post or update the PR comment (pull request events only). */
  comment: boolean;
  githubToken: string;
}

/** Cross-field checks that need no I/O. */
export function validate(i: Inputs): void {
  const t = i.thresholds;
  const noCoverage = i.coverage.length === 0;
  if (noCoverage) {
    for (const [name, value] of [
      ['min-coverage', t.minCoverage],
      ['min-branch-coverage', t.minBranchCoverage],
      ['min-diff-coverage', t.minDiffCoverage],
      ['max-coverage-drop', t.maxCoverageDrop],
    ] as const) {
      if (value !== undefined) throw new InputError(name, 'needs a coverage report (input coverage)');
    }
  }
  if (t.maxCoverageDrop !== undefined && i.baseCoverage === '')
    throw new InputError('max-coverage-drop', 'needs a base coverage report (input base-coverage)');
  if (i.diffBase !== '' && i.diffFile !== '')
    throw new InputError('diff-file', 'give either diff-base or diff-file, not both');
  if (i.lint.length === 0) {
    for (const [name, value] of [
      ['max-lint-findings', t.maxLintFindings],
      ['max-new-lint-findings', t.maxNewLintFindings],
      ['max-type-errors', t.maxTypeErrors],
    ] as const) {
      if (value !== undefined) throw new InputError(name, 'needs lint reports (input lint)');
    }
    if (t.requireFormatted)
      throw new InputError('require-formatted', 'needs a black --check report in input lint (e.g. black:black.txt)');
  }
  if (i.coverage.length === 0 && i.junit.length === 0 && i.lint.length === 0) {
    throw new InputError('coverage', 'give at least one of coverage, junit or lint');
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;

/** diff-base as git would take it: a ref, a commit or a revision (HEAD~1), never a URL or an option. */
export function checkDiffBase(value: string): string {
  if (value === '') return value;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    throw new InputError(
      'diff-base',
      `'${redactUrl(value)}' is a URL, not a git ref or commit (e.g. main, origin/main or a commit)`,
    );
  }
  if (value.startsWith('-'))
    throw new InputError('diff-base', `'${value}' is not a git ref or commit (it starts with '-')`);
  if (/\s/.test(value) || CONTROL.test(value))
    throw new InputError(
      'diff-base',
      `'${value}' is not a git ref or commit (it contains spaces or control characters)`,
    );
  return value;
}

/** json-file is written and becomes an output: a name that would break the output line is refused. */
function jsonFileInput(): string {
  const file = inputs.getPath('json-file');
  if (CONTROL.test(file)) throw new InputError('json-file', 'contains a line break or control character');
  return file;
}

/** The token goes into an HTTP header: one without whitespace or controls, never shown (masked when it is used). */
function tokenInput(): string {
  const token = inputs.getString('github-token').trim();
  if (/\s/.test(token) || CONTROL.test(token))
    throw new InputError('github-token', 'contains whitespace or a control character');
  return token;
}

async function lintInputs(): Promise<LintInput[]> {
  const out: LintInput[] = [];
  const specs = inputs.getList('lint', { commas: false });
  const excludes = specs.filter((s) => s.startsWith('!'));
  for (const spec of specs.filter((s) => !s.startsWith('!'))) {
    const { tool, path } = splitLintSpec(spec);
    const files = await expandGlobs([path, ...excludes], "Input 'lint'").catch((error: unknown) => {
      throw new InputError(
        'lint',
        error instanceof Error ? error.message.replace(/^Input 'lint':\s*/, '') : String(error),
      );
    });
    if (files.length === 0) throw new InputError('lint', `no file matches ${path}`);
    for (const file of files) out.push(tool === undefined ? { file } : { tool, file });
  }
  return out;
}

export async function readInputs(): Promise<Inputs> {
  const pct = { min: 0, max: 100 };
  const count = { min: 0 };
  const thresholds: Thresholds = {
    diffCoverageMinLines: inputs.getInteger('diff-coverage-min-lines', 0, count),
    requireFormatted: inputs.getBoolean('require-formatted', false),
  };
  const set = <K extends keyof Thresholds>(key: K, value: Thresholds[K] | undefined): void => {
    if (value !== undefined) thresholds[key] = value;
  };
  set('minCoverage', inputs.getPercentage('min-coverage', undefined, pct));
  set('minBranchCoverage', inputs.getPercentage('min-branch-coverage', undefined, pct));
  set('minDiffCoverage', inputs.getPercentage('min-diff-coverage', undefined, pct));
  set('maxCoverageDrop', inputs.getPercentage('max-coverage-drop', undefined, pct));
  set('maxTestFailures', inputs.getInteger('max-test-failures', 0, count));
  set('maxLintFindings', inputs.getInteger('max-lint-findings', undefined, count));
  set('maxNewLintFindings', inputs.getInteger('max-new-lint-findings', undefined, count));
  set('maxTypeErrors', inputs.getInteger('max-type-errors', undefined, count));
  const result: Inputs = {
    coverage: await inputs.getFiles('coverage'),
    coverageFormat: inputs.getEnum(
      'coverage-format',
      ['auto', 'cobertura', 'lcov', 'jacoco', 'coveragepy'] as const,
      'auto',
    ),
    baseCoverage: inputs.getPath('base-coverage'),
    junit: await inputs.getFiles('junit'),
    lint: await lintInputs(),
    diffBase: checkDiffBase(inputs.getString('diff-base')),
    diffFile: inputs.getPath('diff-file'),
    pathPrefixes: inputs.getList('path-prefix', { commas: false }),
    thresholds,
    minLintLevel: inputs.getEnum('min-lint-level', ['note', 'warning', 'error'] as const, 'note'),
    maxAnnotations: inputs.getInteger('max-annotations', 50, { min: 0, max: 1000 }),
    jsonFile: jsonFileInput(),
    failOnGate: inputs.getBoolean('fail-on-gate', true),
    comment: inputs.getBoolean('comment', true),
    githubToken: tokenInput(),
  };
  if (inputs.getString('coverage') !== '' && result.coverage.length === 0)
    throw new InputError('coverage', 'no file matches');
  if (inputs.getString('junit') !== '' && result.junit.length === 0) throw new InputError('junit', 'no file matches');
  validate(result);
  return result;
}
