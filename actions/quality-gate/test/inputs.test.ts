import { describe, expect, it } from 'vitest';
import { type Inputs, validate } from '../src/inputs.js';

const valid: Inputs = {
  coverage: ['/ws/coverage.xml'],
  coverageFormat: 'auto',
  baseCoverage: '',
  junit: [],
  lint: [],
  diffBase: '',
  diffFile: '',
  pathPrefixes: [],
  thresholds: { diffCoverageMinLines: 0, requireFormatted: false, maxTestFailures: 0 },
  minLintLevel: 'note',
  maxAnnotations: 50,
  jsonFile: '',
  failOnGate: true,
  comment: true,
  githubToken: '',
};

describe('cross-field input checks', () => {
  it('accepts a coherent set', () => {
    expect(() => validate(valid)).not.toThrow();
  });
  it.each([
    [
      { coverage: [], junit: ['/ws/j.xml'], thresholds: { ...valid.thresholds, minDiffCoverage: 80 } },
      "Input 'min-diff-coverage': needs a coverage report (input coverage)",
    ],
    [
      { thresholds: { ...valid.thresholds, maxCoverageDrop: 1 } },
      "Input 'max-coverage-drop': needs a base coverage report (input base-coverage)",
    ],
    [{ diffBase: 'main', diffFile: '/ws/pr.diff' }, "Input 'diff-file': give either diff-base or diff-file, not both"],
    [
      { thresholds: { ...valid.thresholds, maxTypeErrors: 0 } },
      "Input 'max-type-errors': needs lint reports (input lint)",
    ],
    [
      { thresholds: { ...valid.thresholds, requireFormatted: true } },
      "Input 'require-formatted': needs a black --check report in input lint (e.g. black:black.txt)",
    ],
    [{ coverage: [] }, "Input 'coverage': give at least one of coverage, junit or lint"],
  ] as Array<[Partial<Inputs>, string]>)('refuses %j', (change, message) => {
    expect(() => validate({ ...valid, ...change })).toThrow(message);
  });
});
