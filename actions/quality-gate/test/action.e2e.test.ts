import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBundled, runBundledAction, fixturePath } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBottleRepo } from './bottle-repo.js';

// The bundled action, run as the runner runs it, on the rebuilt fixture PR repository.
let ws = '';
let baseSha = '';
const FIX = {
  'reports/cobertura-pr.xml': 'reports/coverage/cobertura-pr.xml',
  'reports/cobertura-base.xml': 'reports/coverage/cobertura-base.xml',
  'reports/pr.lcov': 'reports/coverage/pr.lcov',
  'reports/junit-pr.xml': 'reports/junit/pytest-pr-failures.xml',
  'reports/mypy.txt': 'reports/mypy/mypy.txt',
  'reports/black.txt': 'reports/black/black-check-diff.txt',
  'reports/pr.diff': 'reports/coverage/pr.diff',
  'reports/jacoco.xml': 'reports/jacoco/report.xml',
};

beforeAll(() => {
  ensureBundled('actions/quality-gate');
  ws = buildBottleRepo().dir;
  baseSha = execFileSync('git', ['rev-parse', 'base'], { cwd: ws, encoding: 'utf8' }).trim();
  mkdirSync(path.join(ws, 'reports'));
  for (const [to, from] of Object.entries(FIX)) copyFileSync(fixturePath(from), path.join(ws, to));
}, 240_000);
afterAll(() => {
  if (ws) rmSync(ws, { recursive: true, force: true });
});

/** The summary's text with character references decoded (the core decides which characters it escapes). */
function decoded(html: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) =>
    ref.startsWith('#x') || ref.startsWith('#X')
      ? String.fromCodePoint(Number.parseInt(ref.slice(2), 16))
      : ref.startsWith('#')
        ? String.fromCodePoint(Number(ref.slice(1)))
        : (named[ref] ?? whole),
  );
}

const run = (inputs: Record<string, string>, extra: { event?: Record<string, unknown> } = {}) =>
  // No token: the PR comment (pr-comment.e2e.test.ts) is left out with a notice, whatever the test's environment holds.
  runBundledAction('actions/quality-gate', {
    inputs,
    workspace: ws,
    eventName: 'pull_request',
    event: extra.event ?? {},
    env: { GITHUB_TOKEN: '' },
    timeoutMs: 60_000,
  });

describe('quality-gate (bundled) on the fixture PR', () => {
  it('passes with coverage, changed lines from the PR event base, tests and type/format reports', async () => {
    const r = await run(
      {
        coverage: 'reports/cobertura-pr.xml',
        'base-coverage': 'reports/cobertura-base.xml',
        junit: 'reports/junit-pr.xml',
        lint: 'mypy:reports/mypy.txt\nreports/black.txt',
        'min-coverage': '90',
        'min-branch-coverage': '80%',
        'min-diff-coverage': '80',
        'max-coverage-drop': '1',
        'max-test-failures': '3',
        'max-type-errors': '67',
        'json-file': 'out/gate.json',
      },
      { event: { pull_request: { number: 7, base: { sha: baseSha, ref: 'base' } } } },
    );
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({
      status: 'passed',
      coverage: '90.03',
      'branch-coverage': '80.36',
      'diff-coverage': '82.93',
      'tests-total': '366',
      'tests-failed': '3',
      'lint-findings': '0',
      'new-lint-findings': '0',
    });
    expect(r.outputs['json-file']).toBe('out/gate.json');
    const json = JSON.parse(readFileSync(path.join(ws, 'out/gate.json'), 'utf8')) as {
      diff: { files: Array<{ path: string; uncoveredLines: number[] }> };
    };
    expect(json.diff.files.map((f) => [f.path, f.uncoveredLines])).toEqual([
      ['bottle.py', [2980, 2983]],
      ['test/test_pr_extras.py', [18, 26, 27, 37, 46]],
    ]);
    // Uncovered changed ranges and failing tests as annotations.
    const uncovered = r.annotations.filter((a) => a.title === 'Changed lines not covered');
    expect(uncovered.map((a) => [a.file, a.line, a.endLine])).toEqual([
      ['bottle.py', 2980, undefined],
      ['bottle.py', 2983, undefined],
      ['test/test_pr_extras.py', 18, undefined],
      ['test/test_pr_extras.py', 26, 27],
      ['test/test_pr_extras.py', 37, undefined],
      ['test/test_pr_extras.py', 46, undefined],
    ]);
    expect(r.annotations.filter((a) => a.level === 'error' && a.title?.startsWith('Test '))).toHaveLength(3);
    // The conditions table, SonarQube-style, and escaped test messages.
    const text = decoded(r.summary);
    expect(text).toContain('<h2>Quality gate: passed ✅</h2>');
    expect(text).toContain('<td>Changed-line coverage</td><td>82.93%</td><td>≥ 80%</td><td>✅ pass</td>');
    expect(text).toContain('<td>Coverage drop vs base</td><td>-0.05 pp</td>');
    // The failure message is shown as its text: entities in it stay visible, not interpreted.
    expect(text).toContain(`<td>failed</td><td>AssertionError: '"&lt;&#039;&#13;&#10;&#9;&quot;`);
    expect(r.summary).not.toContain('<td>failed</td><td>AssertionError: \'"&lt;');
    expect(text).toContain(`git diff ${baseSha.slice(0, 12)}...HEAD`);
    expect(r.summary).not.toContain('<script');
  }, 90_000);

  it('fails on changed-line coverage below the threshold, with one error line naming the condition', async () => {
    const r = await run({
      coverage: 'reports/pr.lcov',
      'diff-base': 'base',
      'min-diff-coverage': '90',
      'fail-on-gate': 'true',
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.status).toBe('failed');
    expect(r.outputs['diff-coverage']).toBe('82.93');
    const errors = r.annotations.filter((a) => a.level === 'error');
    expect(errors.map((a) => a.message)).toEqual([
      'quality-gate: quality gate failed: Changed-line coverage 82.93% (needs ≥ 90%)',
    ]);
    expect(r.stdout).not.toContain('    at '); // no stack trace for a gate decision
  }, 90_000);

  it('reports without failing when fail-on-gate is false', async () => {
    const r = await run({
      coverage: 'reports/pr.lcov',
      'diff-file': 'reports/pr.diff',
      'min-diff-coverage': '90',
      'fail-on-gate': 'false',
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('failed');
    expect(decoded(r.summary)).toContain('<td>Changed-line coverage</td><td>82.93%</td><td>≥ 90%</td><td>❌ fail</td>');
  }, 90_000);

  it('refuses a diff file that does not describe the workspace', async () => {
    const bottle = path.join(ws, 'bottle.py');
    const original = readFileSync(bottle, 'utf8');
    try {
      writeFileSync(bottle, original.replace('    if ims.isdigit():', '    if ims.isnumeric():'));
      const r = await run({ coverage: 'reports/pr.lcov', 'diff-file': 'reports/pr.diff' });
      expect(r.exitCode).toBe(1);
      const errors = r.annotations.filter((a) => a.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(
        /^quality-gate: reports\/pr\.diff:5: does not match the workspace: bottle\.py line 2981 differs/,
      );
      expect(errors[0]?.file).toBe('reports/pr.diff');
    } finally {
      writeFileSync(bottle, original);
    }
  }, 90_000);

  it('refuses XML with an entity declaration, naming the file', async () => {
    const evil = readFileSync(path.join(ws, 'reports/cobertura-pr.xml'), 'utf8').replace(
      '<coverage ',
      '<!DOCTYPE coverage [<!ENTITY a "aaaa">]>\n<coverage ',
    );
    writeFileSync(path.join(ws, 'reports/evil.xml'), evil);
    const r = await run({ coverage: 'reports/evil.xml' });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'quality-gate: reports/evil.xml:2:1: contains a DTD with declarations (<!DOCTYPE … [ … ]>); DTDs and entity declarations are refused',
    ]);
  }, 90_000);

  it('says clearly when no report path is a workspace file: an error with a diff, a warning without', async () => {
    const r = await run({ coverage: 'reports/jacoco.xml', 'diff-base': 'base' });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^quality-gate: reports\/jacoco\.xml: none of its 3 source paths is a file in the workspace \(e\.g\. 'com\/madrapps\/jacoco\/Utility\.java'\); set path-prefix/,
    );
    const push = await runBundledAction('actions/quality-gate', {
      inputs: { coverage: 'reports/jacoco.xml', 'min-coverage': '40' },
      workspace: ws,
      eventName: 'push',
      event: {},
      timeoutMs: 60_000,
    });
    expect(push.exitCode).toBe(0);
    expect(push.outputs).toMatchObject({
      status: 'passed',
      coverage: '44.44',
      'branch-coverage': '33.33',
      'diff-coverage': '',
    });
    expect(push.annotations.find((a) => a.level === 'warning')).toMatchObject({
      file: 'reports/jacoco.xml',
      title: 'Report paths not in the workspace',
    });
    expect(decoded(push.summary)).toContain(
      'not a pull request or merge group, and neither diff-base nor diff-file is given',
    );
  }, 90_000);

  it('says loudly that black writes to stderr when a black report is empty and require-formatted is on (issue 21)', async () => {
    // What `black --check bottle.py test > black.txt` leaves: the verdict went to stderr.
    writeFileSync(path.join(ws, 'reports/black-stdout-only.txt'), '');
    const r = await run({ lint: 'black:reports/black-stdout-only.txt', 'require-formatted': 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.annotations.filter((a) => a.level === 'warning')).toEqual([
      {
        level: 'warning',
        file: 'reports/black-stdout-only.txt',
        title: 'Empty black report',
        message:
          'reports/black-stdout-only.txt: the black report is empty, so require-formatted cannot fail: black writes "would reformat …" to stderr. Make the report with `black --check --diff . > black.txt 2>&1`, which always has black\'s verdict in it',
      },
    ]);
    // The real report of the same run (stdout and stderr) is never empty and fails the condition.
    writeFileSync(
      path.join(ws, 'reports/black-both.txt'),
      readFileSync(path.join(ws, 'reports/black.txt'), 'utf8') +
        readFileSync(fixturePath('reports/black/black-check-diff.stderr.txt'), 'utf8'),
    );
    const both = await run({ lint: 'black:reports/black-both.txt', 'require-formatted': 'true' });
    expect(both.exitCode).toBe(1);
    expect(both.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  }, 90_000);

  it('gives the formatter file list and the json-file output workspace-relative (issue 21)', async () => {
    // black given absolute paths (`black --check "$PWD/test"`) prints them absolute.
    const stderr = readFileSync(fixturePath('reports/black/black-check.stderr.txt'), 'utf8').replace(
      /^would reformat /gm,
      `would reformat ${ws}/`,
    );
    writeFileSync(path.join(ws, 'reports/black-absolute.txt'), stderr);
    const r = await run({
      lint: 'black:reports/black-absolute.txt',
      'json-file': 'out/black.json',
      'fail-on-gate': 'false',
      'require-formatted': 'true',
    });
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(readFileSync(path.join(ws, 'out/black.json'), 'utf8')) as {
      lint: { filesToReformat: string[] };
    };
    expect(json.lint.filesToReformat).toEqual([
      'test/test_app.py',
      'test/test_auth.py',
      'test/test_exc.py',
      'test/test_formsdict.py',
      'test/test_mdict.py',
      'test/test_oorouting.py',
      'test/test_route.py',
      'test/test_securecookies.py',
    ]);
    expect(decoded(r.summary)).toContain('<li><code>test/test_app.py</code></li>');
    expect(r.summary).not.toContain(ws);
    expect(r.outputs['json-file']).toBe('out/black.json');
  }, 90_000);

  it('neutralises workflow commands and markup in test messages', async () => {
    writeFileSync(
      path.join(ws, 'reports/evil-junit.xml'),
      '<testsuite name="s"><testcase classname="c" name="t"><failure message="::add-mask::secret &lt;img src=x onerror=alert(1)&gt;&#10;::set-output name=status::passed">x</failure></testcase></testsuite>',
    );
    const r = await run({ junit: 'reports/evil-junit.xml' });
    expect(r.exitCode).toBe(1);
    expect(r.masks).toEqual([]);
    expect(r.outputs.status).toBe('failed');
    expect(r.summary).not.toContain('<img');
    expect(decoded(r.summary)).toContain('<img src=x onerror=alert(1)>');
  }, 90_000);
});
