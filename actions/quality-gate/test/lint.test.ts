import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { filesToReformat } from '../src/lint/black.js';
import { detectLintTool, parseLint, splitLintSpec } from '../src/lint/detect.js';

const read = (rel: string): string => readFileSync(fixturePath(`reports/${rel}`), 'utf8');

describe('lint formats', () => {
  it.each([
    ['ruff/ruff-json-output.json', 'ruff'],
    ['eslint/eslint.json', 'eslint'],
    ['mypy/mypy.txt', 'mypy'],
    ['mypy/mypy-columns.txt', 'mypy'],
    ['black/black-check-diff.txt', 'black'],
    ['black/black-check.stderr.txt', 'black'],
    ['shellcheck/shellcheck.json', 'shellcheck'],
    ['shellcheck/shellcheck.json1.json', 'shellcheck'],
    ['sarif/eslint.sarif', 'sarif'],
    ['sarif/codeql-2.5.4.sarif', 'sarif'],
  ])('%s is detected as %s', (rel, tool) => {
    expect(detectLintTool(read(rel), rel)).toBe(tool);
  });

  it('ruff: 3 diagnostics with codes and positions', () => {
    const { findings } = parseLint(read('ruff/ruff-json-output.json'), 'ruff.json');
    expect(findings.map((f) => [f.rule, f.file, f.line, f.column])).toEqual([
      ['F401', 'fib.py', 1, 8],
      ['F841', 'fib.py', 6, 5],
      ['F821', 'undef.py', 1, 4],
    ]);
  });
  it('eslint: every message, the fatal parse error as an error', () => {
    const data = JSON.parse(read('eslint/eslint.json')) as Array<{
      messages: unknown[];
      errorCount: number;
      warningCount: number;
    }>;
    const { findings } = parseLint(read('eslint/eslint.json'), 'eslint.json');
    expect(findings).toHaveLength(data.reduce((n, f) => n + f.messages.length, 0));
    expect(findings.filter((f) => f.level === 'error')).toHaveLength(data.reduce((n, f) => n + f.errorCount, 0));
    expect(findings.filter((f) => f.level === 'warning')).toHaveLength(data.reduce((n, f) => n + f.warningCount, 0));
    expect(findings[0]).toMatchObject({
      rule: 'parse-error',
      level: 'error',
      line: 8,
      file: '/home/runner/work/app/app/src/broken.js',
    });
  });
  it('mypy: 67 errors as the summary says, with codes; the column variant agrees', () => {
    const plain = parseLint(read('mypy/mypy.txt'), 'mypy.txt').findings;
    expect(plain).toHaveLength(67);
    expect(plain.every((f) => f.kind === 'type' && f.level === 'error' && f.file === 'bottle.py')).toBe(true);
    expect(plain[0]).toMatchObject({ line: 58, rule: 'import' });
    const cols = parseLint(read('mypy/mypy-columns.txt'), 'mypy-columns.txt').findings;
    expect(cols.map((f) => [f.line, f.rule])).toEqual(plain.map((f) => [f.line, f.rule]));
    expect(cols[3]).toMatchObject({ line: 84, column: 5, rule: 'assignment' });
  });
  it('black: the 8 files, from --check and from --diff (with line ranges)', () => {
    const check = parseLint(read('black/black-check.stderr.txt'), 'black.txt').findings;
    expect(filesToReformat(check)).toHaveLength(8);
    const diff = parseLint(read('black/black-check-diff.txt'), 'black-diff.txt').findings;
    expect(filesToReformat(diff)).toEqual(filesToReformat(check));
    expect(diff.every((f) => f.line !== undefined && f.endLine !== undefined && f.endLine >= f.line)).toBe(true);
    expect(diff[0]).toMatchObject({ file: 'test/test_app.py', line: 1, endLine: 20 });
  });
  it('shellcheck json and json1 agree', () => {
    const a = parseLint(read('shellcheck/shellcheck.json'), 'a.json').findings;
    const b = parseLint(read('shellcheck/shellcheck.json1.json'), 'b.json').findings;
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(a[0]).toMatchObject({ rule: 'SC2086', level: 'note', file: 'test/build_python.sh', line: 10, column: 9 });
  });
  it('SARIF: every result of every run, rule levels resolved', () => {
    const codeql = JSON.parse(read('sarif/codeql-2.5.4.sarif')) as { runs: Array<{ results: unknown[] }> };
    const findings = parseLint(read('sarif/codeql-2.5.4.sarif'), 'codeql.sarif').findings;
    expect(findings).toHaveLength(codeql.runs.reduce((n, r) => n + r.results.length, 0));
    expect(findings).toHaveLength(72);
    expect(findings.every((f) => f.rule !== '' && f.file !== '' && f.line !== undefined)).toBe(true);
    const semgrep = parseLint(read('sarif/semgrep-0.17.0-owasp-benchmark.sarif'), 'semgrep.sarif').findings;
    expect(semgrep).toHaveLength(1768);
  });
  it('tool:path forces a format; drive letters are not tools; unknown content is refused', () => {
    expect(splitLintSpec('ruff:out/ruff.json')).toEqual({ tool: 'ruff', path: 'out/ruff.json' });
    expect(splitLintSpec('C:/x/ruff.json')).toEqual({ path: 'C:/x/ruff.json' });
    expect(parseLint('', 'empty.json', 'ruff').findings).toEqual([]);
    expect(() => parseLint('', 'empty.txt')).toThrow(/empty\.txt: is empty/);
    expect(() => parseLint('hello world\n', 'x.txt')).toThrow(/x\.txt: is not a lint report/);
    expect(() => parseLint('{"a": 1}', 'x.json')).toThrow(/x\.json: is JSON but not a lint report/);
    expect(() => parseLint('[{"filePath": 1', 'bad.json')).toThrow(/bad\.json:1:\d+: invalid JSON/);
  });
});
