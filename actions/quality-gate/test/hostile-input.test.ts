import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AnnotationRecord, ensureBundled, type RunResult, runBundledAction } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Hostile input, as the author of a pull request that controls every report file (and a
 * careless user) gives it: the bundled action, run as the runner runs it. Every case asserts
 * the exit code, the one error line, no stack trace, nothing read outside the workspace
 * (its secret never shows; a FIFO outside would block the run), and no workflow command
 * made of untrusted text.
 */

const ACTION = 'actions/quality-gate';
const SECRET = 'OUTSIDE-SECRET-7f3a91';
const TOKEN = 'ghp_hostileTokenValue0123456789abcdefXYZ';
const MARK = 'INJECTED';
/** Strings that would be workflow commands, or would hide text, if printed raw. */
const INJECT = `::error::${MARK} %0A::warning::${MARK} ::stop-commands::${MARK} ##[error]${MARK} \u001b[31m${MARK}\u001b[0m`;
const MAX_REPORT = 512 * 1024 * 1024;
const ANNOTATION_PROPERTIES = new Set(['title', 'file', 'line', 'endLine', 'col', 'endColumn']);
/** In an expected annotation: any text (checked apart). */
const ANY_TEXT = expect.any(String) as string;

let top = '';
/** A directory next to the workspaces: its files must never be read. */
let outside = '';
let count = 0;

const APP = 'import os\n\n\ndef f(x):\n    return x + 1\n';
const COBERTURA = `<?xml version="1.0" ?>
<coverage version="7.6" lines-valid="3" lines-covered="3" line-rate="1" branches-valid="0" branches-covered="0" branch-rate="0">
  <sources><source>.</source></sources>
  <packages><package name="src"><classes>
    <class name="app.py" filename="src/app.py"><methods/><lines>
      <line number="1" hits="1"/>
      <line number="4" hits="1"/>
      <line number="5" hits="1"/>
    </lines></class>
  </classes></package></packages>
</coverage>
`;
const DIFF = '--- a/src/app.py\n+++ b/src/app.py\n@@ -4,0 +5 @@\n+    return x + 1\n';
const junit = (attrs: string, name = 'test_f', message = 'assert 1 == 2'): string =>
  `<?xml version="1.0"?><testsuites><testsuite name="pytest"><testcase classname="tests.test_app" name="${name}" ${attrs}><failure message="${message}">trace</failure></testcase><testcase classname="tests.test_app" name="test_ok"/></testsuite></testsuites>\n`;
const coveragePy = (lines: string): string =>
  `{"meta": {"version": "7.6.1", "branch_coverage": false}, "files": {"src/app.py": {"executed_lines": ${lines}, "missing_lines": [], "excluded_lines": []}}, "totals": {}}\n`;
const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replaceAll('\u001b', '&#27;');

interface Symlink {
  link: string;
}
type Files = Record<string, string | Buffer | Symlink | { fifo: true } | { size: number }>;
// Built outside the Files literal: there `link` would resolve to the deprecated String.prototype.link.
const symlinkTo = (target: string): Symlink => ({ link: target });

interface Case {
  name: string;
  files?: Files;
  inputs: Record<string, string>;
  exit: 0 | 1;
  /**
   * The one `::error::` line (after "quality-gate: "), exact or a pattern; `{ws}` and `{outside}`
   * stand for the directories.
   */
  error?: string | RegExp;
  /** With exit 0: the error annotations expected (failing tests); none when absent. */
  errorAnnotations?: AnnotationRecord[];
  check?: (r: RunResult, ws: string) => void;
}

function writeFiles(ws: string, files: Files): void {
  for (const [rel, content] of Object.entries(files)) {
    const to = path.join(ws, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(to, content);
    else if ('link' in content) symlinkSync(content.link.replace('{outside}', outside), to);
    else if ('fifo' in content) execFileSync('mkfifo', [to]);
    else {
      writeFileSync(to, '');
      truncateSync(to, content.size); // sparse: the size is stated, nothing is written
    }
  }
}

async function runCase(c: Case): Promise<{ r: RunResult; ws: string }> {
  const ws = path.join(top, `ws-${++count}`);
  mkdirSync(ws);
  writeFiles(ws, { 'src/app.py': APP, 'reports/cov.xml': COBERTURA, ...c.files });
  const r = await runBundledAction(ACTION, {
    inputs: { 'json-file': 'out/gate.json', ...c.inputs },
    workspace: ws,
    env: { GITHUB_TOKEN: TOKEN },
    eventName: 'push',
    timeoutMs: 30_000,
  });
  return { r, ws };
}

/** Lines the runner would take as workflow commands: only the action's own kinds, none made of untrusted text. */
function expectNoInjectedCommand(stdout: string): void {
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const text = line.trim();
    if (text.startsWith('::')) {
      const end = text.indexOf('::', 2);
      const head = end < 0 ? text : text.slice(2, end);
      expect(head.split(' ')[0], line).toMatch(/^(error|warning|notice|group|endgroup|debug)$/);
    }
    expect(line, line).not.toContain('##[');
  }
  // Untrusted text is printed neutralised: never the raw command it spells.
  for (const raw of [`::error::${MARK}`, `::warning::${MARK}`, `::stop-commands::${MARK}`, `%0A::warning::${MARK}`])
    expect(stdout).not.toContain(raw);
  expect(stdout).not.toContain('\u001b');
}

function expectSafe(c: Case, r: RunResult, ws: string): void {
  const fill = (s: string): string => s.replaceAll('{ws}', ws).replaceAll('{outside}', outside);
  const errors = r.annotations.filter((a) => a.level === 'error');
  expect(r.exitCode, r.stdout).toBe(c.exit);
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toContain('Stack trace');
  expect(r.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  if (c.error !== undefined) {
    expect(errors, r.stdout).toHaveLength(1);
    const message = errors[0]?.message ?? '';
    if (typeof c.error === 'string') expect(message).toBe(`quality-gate: ${fill(c.error)}`);
    else expect(message).toMatch(c.error);
  } else if (c.exit === 0) {
    expect(errors).toEqual(c.errorAnnotations ?? []);
  }
  const json = path.join(ws, 'out/gate.json');
  const written = existsSync(json) ? readFileSync(json, 'utf8') : '';
  for (const place of [r.stdout, r.summary, JSON.stringify(r.outputs), written]) {
    expect(place).not.toContain(SECRET);
    expect(place).not.toContain(TOKEN);
  }
  expectNoInjectedCommand(r.stdout);
  for (const command of r.commands)
    expect(Object.keys(command.properties).filter((k) => !ANNOTATION_PROPERTIES.has(k))).toEqual([]);
  for (const a of r.annotations) {
    if (a.file === undefined) continue;
    expect(a.file).not.toMatch(/^\/|^[A-Za-z]:|(^|\/)\.\.(\/|$)/);
  }
  for (const value of Object.values(r.outputs)) expect(value).not.toMatch(/[\r\n\u2028\u2029]/);
}

const cov = { coverage: 'reports/cov.xml' };
const withDiff = (diff: string, extra: Files = {}): { files: Files; inputs: Record<string, string> } => ({
  files: { 'd/x.diff': diff, ...extra },
  inputs: { ...cov, 'diff-file': 'd/x.diff' },
});
const pathProblems = (input: string, rel: string): string =>
  `Input '${input}': path '${rel}' is outside the workspace {ws}`;

// Issue 20 row 1: paths inside a diff-file are workspace paths, and workspace files are read bounded.
const row1: Case[] = [
  {
    name: 'row 1: a diff path with .. that matches the file outside is refused (no "passed" oracle)',
    ...withDiff(`--- a/../outside/secret.txt\n+++ b/../outside/secret.txt\n@@ -0,0 +1 @@\n+${SECRET}\n`),
    exit: 1,
    error: "d/x.diff:2: path '../outside/secret.txt' is outside the workspace {ws}",
  },
  {
    name: 'row 1: a diff path with .. that does not match is refused the same way (no "differs" oracle)',
    ...withDiff('--- a/../outside/secret.txt\n+++ b/../outside/secret.txt\n@@ -0,0 +1 @@\n+guess\n'),
    exit: 1,
    error: "d/x.diff:2: path '../outside/secret.txt' is outside the workspace {ws}",
  },
  {
    name: 'row 1: an absolute diff path is refused',
    ...withDiff(`--- /dev/null\n+++ {abs}\n@@ -0,0 +1 @@\n+${SECRET}\n`),
    exit: 1,
    error: "d/x.diff:2: path '{outside}/secret.txt' is absolute; paths in a diff are relative to the workspace",
  },
  {
    name: 'row 1: a diff path through a symlink out of the workspace is refused',
    ...withDiff(`--- a/link/secret.txt\n+++ b/link/secret.txt\n@@ -0,0 +1 @@\n+${SECRET}\n`, {
      link: symlinkTo('{outside}'),
    }),
    exit: 1,
    error: "d/x.diff:2: path 'link/secret.txt' leads through a symlink outside the workspace",
  },
  {
    name: 'row 1: +++ b/../../dev/zero is refused at once (no read until killed)',
    ...withDiff('--- a/x\n+++ b/../../../../../../../../dev/zero\n@@ -0,0 +1 @@\n+x\n'),
    exit: 1,
    error: "d/x.diff:2: path '../../../../../../../../dev/zero' is outside the workspace {ws}",
  },
  {
    name: 'row 1: a workspace symlink to /dev/zero is refused',
    ...withDiff('--- a/zero\n+++ b/zero\n@@ -0,0 +1 @@\n+x\n', { zero: symlinkTo('/dev/zero') }),
    exit: 1,
    error: "d/x.diff:2: path 'zero' leads through a symlink outside the workspace",
  },
  {
    name: 'row 1: a workspace symlink to a FIFO outside is refused without opening it',
    ...withDiff('--- a/pipe\n+++ b/pipe\n@@ -0,0 +1 @@\n+x\n', { pipe: symlinkTo('{outside}/fifo') }),
    exit: 1,
    error: "d/x.diff:2: path 'pipe' leads through a symlink outside the workspace",
  },
  {
    name: 'row 1: a FIFO in the workspace is not read (only regular files)',
    ...withDiff('--- a/pipe\n+++ b/pipe\n@@ -0,0 +1 @@\n+x\n', { pipe: { fifo: true } }),
    exit: 1,
    error: 'd/x.diff:3: changes pipe, which is not a regular file',
  },
  {
    name: 'row 1: a workspace file over the size limit is not read',
    ...withDiff('--- a/big.py\n+++ b/big.py\n@@ -0,0 +1 @@\n+x\n', { 'big.py': { size: 64 * 1024 * 1024 + 1 } }),
    exit: 1,
    error: 'd/x.diff:3: changes big.py, which is 64.0 MiB, over the limit of 64.0 MiB',
  },
  {
    name: 'row 1: a path with a NUL byte (git-quoted) is refused',
    ...withDiff('--- a/x\n+++ "b/src/app.py\\000x"\n@@ -0,0 +1 @@\n+x\n'),
    exit: 1,
    error: "d/x.diff:2: path 'src/app.py\\u0000x' contains a control character",
  },
  {
    name: 'row 1: a diff-file without hunks may name paths outside: still refused',
    ...withDiff(
      'diff --git a/../outside/secret.txt b/../outside/secret.txt\nold mode 100644\nnew mode 100755\n--- a/../outside/secret.txt\n+++ b/../outside/secret.txt\n',
    ),
    exit: 1,
    error: "d/x.diff:5: path '../outside/secret.txt' is outside the workspace {ws}",
  },
  {
    name: 'row 1 control: a diff of workspace files passes',
    ...withDiff(DIFF),
    exit: 0,
    check: (r) => expect(r.outputs).toMatchObject({ status: 'passed', 'diff-coverage': '100.00' }),
  },
];

const MAX_LINE = 'is not a whole number from 0 to 10,000,000';

// Issue 20 row 12: line numbers in coverage reports, and JUnit paths in annotations.
const row12: Case[] = [
  ...[
    ['2147483647', '2147483647'],
    ['1e300', '1e+300'],
    ['-1', '-1'],
    ['"x"', '"x"'],
    ['1.5', '1.5'],
  ].map(([raw, shown]): Case => ({
    name: `row 12: coverage.py JSON line number ${raw as string}`,
    files: { 'c/cov.json': coveragePy(`[1, 4, ${raw as string}]`) },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error: `c/cov.json: files["src/app.py"].executed_lines[2]: line number ${shown as string} ${MAX_LINE}`,
  })),
  {
    name: 'row 12: coverage.py JSON missing_lines not a list',
    files: { 'c/cov.json': '{"meta": {}, "files": {"src/app.py": {"executed_lines": [1], "missing_lines": "4-5"}}}' },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error: 'c/cov.json: files["src/app.py"].missing_lines: is not a list of line numbers',
  },
  {
    name: 'row 12: coverage.py JSON branch arc from line -3',
    files: {
      'c/cov.json':
        '{"meta": {"branch_coverage": true}, "files": {"src/app.py": {"executed_lines": [1, 4], "missing_lines": [], "executed_branches": [[-3, 4]]}}}',
    },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error: `c/cov.json: files["src/app.py"].executed_branches[0][0]: line number -3 ${MAX_LINE}`,
  },
  {
    name: 'row 12: coverage.py JSON negative stated totals',
    files: {
      'c/cov.json':
        '{"meta": {}, "files": {"src/app.py": {"executed_lines": [1], "missing_lines": [], "summary": {"num_statements": -5, "covered_lines": 1}}}}',
    },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error:
      'c/cov.json: files["src/app.py"].summary.num_statements: -5 is not a count (a whole number from 0 to 10,000,000)',
  },
  {
    name: 'row 12: LCOV DA:-5,1',
    files: { 'c/cov.lcov': 'TN:\nSF:src/app.py\nDA:1,1\nDA:-5,1\nend_of_record\n' },
    inputs: { coverage: 'c/cov.lcov' },
    exit: 1,
    error: `c/cov.lcov:4: DA: line number -5 ${MAX_LINE}`,
  },
  {
    name: 'row 12: LCOV DA:99999999999,1',
    files: { 'c/cov.lcov': 'SF:src/app.py\nDA:99999999999,1\nend_of_record\n' },
    inputs: { coverage: 'c/cov.lcov' },
    exit: 1,
    error: `c/cov.lcov:2: DA: line number 99999999999 ${MAX_LINE}`,
  },
  {
    name: 'row 12: LCOV BRDA:-2,0,0,1',
    files: { 'c/cov.lcov': 'SF:src/app.py\nDA:1,1\nBRDA:-2,0,0,1\nend_of_record\n' },
    inputs: { coverage: 'c/cov.lcov' },
    exit: 1,
    error: `c/cov.lcov:3: BRDA: line number -2 ${MAX_LINE}`,
  },
  {
    name: 'row 12: LCOV LF:-3',
    files: { 'c/cov.lcov': 'SF:src/app.py\nDA:1,1\nLF:-3\nLH:1\nend_of_record\n' },
    inputs: { coverage: 'c/cov.lcov' },
    exit: 1,
    error: 'c/cov.lcov:3: LF: -3 is not a count (a whole number from 0 to 10,000,000)',
  },
  {
    name: 'row 12: Cobertura line number -3',
    files: { 'c/cov.xml': COBERTURA.replace('number="4"', 'number="-3"') },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: `c/cov.xml: <line> in src/app.py: line number -3 ${MAX_LINE}`,
  },
  {
    name: 'row 12: Cobertura line number 2147483647 (a branch line)',
    files: {
      'c/cov.xml': COBERTURA.replace(
        '<line number="4" hits="1"/>',
        '<line number="2147483647" hits="1" branch="true" condition-coverage="50% (1/2)"/>',
      ),
    },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: `c/cov.xml: <line> in src/app.py: line number 2147483647 ${MAX_LINE}`,
  },
  {
    name: 'row 12: JaCoCo line nr -1',
    files: {
      'c/jacoco.xml':
        '<?xml version="1.0"?><report name="x"><package name="src"><sourcefile name="app.py"><line nr="-1" mi="0" ci="1" mb="0" cb="0"/></sourcefile></package></report>\n',
    },
    inputs: { coverage: 'c/jacoco.xml' },
    exit: 1,
    error: `c/jacoco.xml: <line> in src/app.py: line number -1 ${MAX_LINE}`,
  },
  ...[
    ['../../etc/passwd', '..'],
    ['{outside}/secret.txt', 'absolute outside'],
    ['link/secret.txt', 'a symlink out'],
  ].map(([file, what]): Case => ({
    name: `row 12: a JUnit file="${what as string}" is not an annotation path`,
    files: { 'j/junit.xml': junit(`file="${file as string}" line="1"`), link: symlinkTo('{outside}') },
    inputs: { junit: 'j/junit.xml', 'max-test-failures': '1' },
    exit: 0,
    errorAnnotations: [
      { level: 'error', title: 'Test failed: test_f', message: 'tests.test_app.test_f: assert 1 == 2' },
    ],
  })),
  {
    name: 'row 12 control: a JUnit file inside the workspace stays on the annotation',
    files: { 'j/junit.xml': junit('file="src/app.py" line="4"') },
    inputs: { junit: 'j/junit.xml', 'max-test-failures': '1' },
    exit: 0,
    errorAnnotations: [
      {
        level: 'error',
        title: 'Test failed: test_f',
        message: 'tests.test_app.test_f: assert 1 == 2',
        file: 'src/app.py',
        line: 4,
      },
    ],
  },
];

const deepJson = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const binary = Buffer.from([
  0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x00, 0x3a, 0x3a, 0x0a, 0x89, 0x50, 0x4e, 0x47,
]);
const huge = { size: MAX_REPORT + 1 };
const HUGE = 'is 512.0 MiB, over the limit of 512.0 MiB';
const changed = { 'd/x.diff': DIFF };
/**
 * Lint reports whose every text field is an injection attempt, with one finding on the changed line
 * 5 of src/app.py.
 */
const injectedLint: Record<string, string> = {
  ruff: JSON.stringify([
    {
      filename: 'src/app.py',
      location: { row: 5, column: 1 },
      end_location: { row: 5, column: 9 },
      code: INJECT,
      message: INJECT,
    },
  ]),
  eslint: JSON.stringify([
    { filePath: 'src/app.py', messages: [{ ruleId: INJECT, severity: 2, message: INJECT, line: 5, column: 1 }] },
  ]),
  mypy: `src/app.py:5: error: ${INJECT}  [misc]\nFound 1 error in 1 file (checked 1 source file)\n`,
  shellcheck: JSON.stringify({
    comments: [{ file: 'src/app.py', line: 5, endLine: 5, column: 1, level: 'error', code: INJECT, message: INJECT }],
  }),
  sarif: JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: INJECT, rules: [{ id: INJECT }] } },
        results: [
          {
            ruleId: INJECT,
            level: 'error',
            message: { text: INJECT },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'src/app.py' }, region: { startLine: 5 } } }],
          },
          {
            ruleId: 'x',
            level: 'error',
            message: { text: 'outside' },
            locations: [
              { physicalLocation: { artifactLocation: { uri: '../../etc/passwd' }, region: { startLine: 5 } } },
            ],
          },
          {
            ruleId: 'y',
            level: 'error',
            message: { text: 'absolute' },
            locations: [
              { physicalLocation: { artifactLocation: { uri: 'file:///etc/passwd' }, region: { startLine: 5 } } },
            ],
          },
        ],
      },
    ],
  }),
};
/** The injected text reaches an annotation and the summary (neutralised, as expectSafe checks). */
const injectedShown = (r: RunResult): void => {
  expect(r.annotations.some((a) => (a.message + (a.title ?? '')).includes(MARK))).toBe(true);
  expect(r.summary).toContain(MARK);
};

// Probes of every input and report kind, kept as a standing suite.
const pathInputs: Case[] = (
  [
    ['coverage', {}],
    ['base-coverage', { coverage: 'reports/cov.xml' }],
    ['junit', {}],
    ['lint', {}],
    ['diff-file', { coverage: 'reports/cov.xml' }],
    ['json-file', { coverage: 'reports/cov.xml' }],
  ] as const
).flatMap(([input, extra]): Case[] => [
  {
    name: `input ${input}: .. out of the workspace`,
    inputs: { ...extra, [input]: '../outside/secret.txt' },
    exit: 1,
    error: pathProblems(input, '../outside/secret.txt'),
  },
  {
    name: `input ${input}: an absolute path elsewhere`,
    inputs: { ...extra, [input]: '{outside}/secret.txt' },
    exit: 1,
    error: pathProblems(input, '{outside}/secret.txt'),
  },
  {
    name: `input ${input}: a symlink out of the workspace`,
    files: { 'out-link': symlinkTo('{outside}') },
    inputs: { ...extra, [input]: 'out-link/secret.txt' },
    exit: 1,
    error: `Input '${input}': path 'out-link/secret.txt' leads through a symlink outside the workspace`,
  },
]);

const held: Case[] = [
  ...pathInputs,
  {
    name: 'input coverage: a glob skips a symlink to a file outside',
    files: { 'g/a.xml': COBERTURA, 'g/b.xml': symlinkTo('{outside}/secret.txt') },
    inputs: { coverage: 'g/*.xml' },
    exit: 0,
    check: (r) => expect(r.outputs).toMatchObject({ status: 'passed', coverage: '100.00' }),
  },
  {
    name: 'input coverage: a FIFO is not a report file',
    files: { 'c/pipe.xml': { fifo: true } },
    inputs: { coverage: 'c/pipe.xml' },
    exit: 1,
    error: "Input 'coverage': no file matches",
  },
  {
    name: 'input diff-file: a FIFO is not read',
    files: { 'd/pipe.diff': { fifo: true } },
    inputs: { ...cov, 'diff-file': 'd/pipe.diff' },
    exit: 1,
    error: 'd/pipe.diff: is not a regular file',
  },
  {
    name: 'report paths through a symlink out are not workspace files (no oracle on what exists outside)',
    files: {
      'c/cov.xml': COBERTURA.replace(
        '</classes>',
        '<class name="s" filename="out-link/secret.txt"><lines><line number="1" hits="1"/></lines></class><class name="t" filename="file-link.txt"><lines><line number="1" hits="1"/></lines></class></classes>',
      ),
      'out-link': symlinkTo('{outside}'),
      'file-link.txt': symlinkTo('{outside}/secret.txt'),
    },
    inputs: { coverage: 'c/cov.xml' },
    exit: 0,
    check: (r) => {
      expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
        "c/cov.xml: 2 of 3 source paths are not files in the workspace (e.g. 'out-link/secret.txt', 'file-link.txt'); they count in the overall coverage but not on changed lines (see path-prefix)",
      ]);
    },
  },
  {
    name: 'input json-file: a line break in the path',
    inputs: { coverage: 'reports/cov.xml', 'json-file': 'out/a\n::warning::INJECTED.json' },
    exit: 1,
    error: "Input 'json-file': contains a line break or control character",
  },
  {
    name: 'input github-token: a line break (a second HTTP header) is refused without showing the token',
    inputs: { coverage: 'reports/cov.xml', 'github-token': `${TOKEN}\nX-Injected: ${MARK}` },
    exit: 1,
    error: "Input 'github-token': contains whitespace or a control character",
  },
  {
    name: 'input diff-base: a URL with credentials is refused without them',
    inputs: { coverage: 'reports/cov.xml', 'diff-base': `https://x-access-token:${TOKEN}@github.com/o/r.git` },
    exit: 1,
    error:
      "Input 'diff-base': 'https://***:***@github.com/o/r.git' is a URL, not a git ref or commit (e.g. main, origin/main or a commit)",
  },
  {
    name: 'input diff-base: an option for git',
    inputs: { coverage: 'reports/cov.xml', 'diff-base': '--output=/tmp/x' },
    exit: 1,
    error: "Input 'diff-base': '--output=/tmp/x' is not a git ref or commit (it starts with '-')",
  },
  {
    name: 'input diff-base: injection text is not a ref',
    inputs: { coverage: 'reports/cov.xml', 'diff-base': INJECT },
    exit: 1,
    error:
      /^quality-gate: Input 'diff-base': '.*INJECTED.*' is not a git ref or commit \(it contains spaces or control characters\)$/,
  },
  {
    name: 'input path-prefix: injection text is only a prefix',
    inputs: { coverage: 'reports/cov.xml', 'path-prefix': INJECT },
    exit: 0,
    check: (r) => expect(r.outputs.status).toBe('passed'),
  },
  ...(
    [
      ['min-coverage', 'NaN', `Input 'min-coverage': expected a percentage like 10 or 10%, got "NaN"`],
      ['min-coverage', 'Infinity', `Input 'min-coverage': expected a percentage like 10 or 10%, got "Infinity"`],
      ['min-coverage', '-5', `Input 'min-coverage': "-5" is below the minimum 0`],
      ['min-coverage', '101%', `Input 'min-coverage': "101%" is above the maximum 100`],
      [
        'min-branch-coverage',
        '1e400',
        `Input 'min-branch-coverage': expected a percentage like 10 or 10%, got "1e400"`,
      ],
      ['min-diff-coverage', 'eighty', `Input 'min-diff-coverage': expected a percentage like 10 or 10%, got "eighty"`],
      ['max-coverage-drop', '-1', `Input 'max-coverage-drop': "-1" is below the minimum 0`],
      ['diff-coverage-min-lines', '-1', `Input 'diff-coverage-min-lines': "-1" is below the minimum 0`],
      ['max-test-failures', '1.5', `Input 'max-test-failures': expected a whole number, got "1.5"`],
      ['max-lint-findings', 'NaN', `Input 'max-lint-findings': expected a whole number, got "NaN"`],
      ['max-new-lint-findings', '-3', `Input 'max-new-lint-findings': "-3" is below the minimum 0`],
      ['max-type-errors', 'Infinity', `Input 'max-type-errors': expected a whole number, got "Infinity"`],
      ['max-annotations', '100000', `Input 'max-annotations': "100000" is above the maximum 1000`],
      [
        'coverage-format',
        'xml',
        `Input 'coverage-format': expected one of auto, cobertura, lcov, jacoco, coveragepy, got "xml"`,
      ],
      ['min-lint-level', 'fatal', `Input 'min-lint-level': expected one of note, warning, error, got "fatal"`],
      ['require-formatted', 'yes please', `Input 'require-formatted': expected true or false, got "yes please"`],
      ['fail-on-gate', 'maybe', `Input 'fail-on-gate': expected true or false, got "maybe"`],
    ] as const
  ).map(([input, value, error]): Case => ({
    name: `input ${input}: ${value}`,
    inputs: { coverage: 'reports/cov.xml', [input]: value },
    exit: 1,
    error,
  })),

  // Coverage reports: Cobertura
  {
    name: 'Cobertura: truncated',
    files: { 'c/cov.xml': COBERTURA.slice(0, 300) },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: /^quality-gate: c\/cov\.xml:\d+:\d+: truncated XML/,
  },
  {
    name: 'Cobertura: empty',
    files: { 'c/cov.xml': '' },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: 'c/cov.xml: is empty, expected a coverage report',
  },
  {
    name: 'Cobertura: binary',
    files: { 'c/cov.xml': binary },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: 'c/cov.xml: is not a coverage report this action reads (Cobertura XML, LCOV, JaCoCo XML, coverage.py JSON)',
  },
  {
    name: 'Cobertura: huge',
    files: { 'c/cov.xml': huge },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: `c/cov.xml: ${HUGE}`,
  },
  {
    name: 'Cobertura: 100,000 nested elements',
    files: { 'c/cov.xml': `<coverage>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</coverage>` },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: 'c/cov.xml: is an empty cobertura coverage report (no source files in it)',
  },
  {
    name: 'Cobertura: of duplicate attributes the last counts',
    files: { 'c/cov.xml': COBERTURA.replace('<line number="4" hits="1"/>', '<line number="4" hits="0" hits="1"/>') },
    inputs: { coverage: 'c/cov.xml' },
    exit: 0,
    check: (r) => expect(r.outputs.coverage).toBe('100.00'),
  },
  {
    name: 'Cobertura: entity expansion (billion laughs)',
    files: {
      'c/cov.xml': `<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><coverage>&b;</coverage>`,
    },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error:
      'c/cov.xml:1:22: contains a DTD with declarations (<!DOCTYPE … [ … ]>); DTDs and entity declarations are refused',
  },
  {
    name: 'Cobertura: external entity (XXE) to a file outside',
    files: {
      'c/cov.xml': `<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY x SYSTEM "file://{outside}/secret.txt">]><coverage>&x;</coverage>`,
    },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error:
      'c/cov.xml:1:22: contains a DTD with declarations (<!DOCTYPE … [ … ]>); DTDs and entity declarations are refused',
  },
  {
    name: 'Cobertura: NaN and Infinity hits',
    files: { 'c/cov.xml': COBERTURA.replace('<line number="4" hits="1"/>', '<line number="4" hits="NaN"/>') },
    inputs: { coverage: 'c/cov.xml' },
    exit: 1,
    error: 'c/cov.xml: <line> in src/app.py without a numeric number/hits attribute',
  },
  {
    name: 'Cobertura: injection in a file name reaches the warning and summary neutralised',
    files: {
      'c/cov.xml': COBERTURA.replace('filename="src/app.py"', `filename="${xmlEscape(INJECT)}"`).replace(
        '</classes>',
        '<class name="b" filename="src/app.py"><lines><line number="1" hits="1"/></lines></class></classes>',
      ),
    },
    inputs: { coverage: 'c/cov.xml' },
    exit: 0,
    check: (r) => {
      expect(r.annotations.find((a) => a.level === 'warning')?.message).toContain(MARK);
      expect(r.summary).toContain(MARK);
    },
  },
  // JaCoCo
  {
    name: 'JaCoCo: truncated',
    files: {
      'c/jacoco.xml':
        '<?xml version="1.0"?><report name="x"><package name="src"><sourcefile name="app.py"><line nr="1" mi="0" ci="1"',
    },
    inputs: { coverage: 'c/jacoco.xml' },
    exit: 1,
    error: /^quality-gate: c\/jacoco\.xml:\d+:\d+: truncated XML/,
  },
  {
    name: 'JaCoCo: forced on a binary file',
    files: { 'c/jacoco.xml': binary },
    inputs: { coverage: 'c/jacoco.xml', 'coverage-format': 'jacoco' },
    exit: 1,
    error: /^quality-gate: c\/jacoco\.xml:1:1: /,
  },
  // LCOV
  {
    name: 'LCOV: binary after a record',
    files: { 'c/cov.lcov': Buffer.concat([Buffer.from('SF:src/app.py\nDA:1,1\n'), binary]) },
    inputs: { coverage: 'c/cov.lcov' },
    exit: 1,
    error: /^quality-gate: c\/cov\.lcov:3: not an LCOV line: '/,
  },
  {
    name: 'LCOV: forced on an empty file',
    files: { 'c/cov.lcov': '' },
    inputs: { coverage: 'c/cov.lcov', 'coverage-format': 'lcov' },
    exit: 1,
    error: 'c/cov.lcov: is not an LCOV report or is empty (no SF: record)',
  },
  {
    name: 'LCOV: DA hits NaN',
    files: { 'c/cov.lcov': 'SF:src/app.py\nDA:1,NaN\nend_of_record\n' },
    inputs: { coverage: 'c/cov.lcov' },
    exit: 1,
    error: "c/cov.lcov:2: invalid DA: line 'DA:1,NaN'",
  },
  {
    name: 'LCOV: huge',
    files: { 'c/cov.lcov': huge },
    inputs: { coverage: 'c/cov.lcov' },
    exit: 1,
    error: `c/cov.lcov: ${HUGE}`,
  },
  // coverage.py JSON
  {
    name: 'coverage.py JSON: 300 levels deep',
    files: { 'c/cov.json': `{"meta": {}, "files": ${deepJson(300)}}` },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error: 'c/cov.json:1:278: nests deeper than 256 levels',
  },
  {
    name: 'coverage.py JSON: truncated',
    files: { 'c/cov.json': coveragePy('[1, 4, 5]').slice(0, 60) },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error: /^quality-gate: c\/cov\.json:1:\d+: invalid JSON/,
  },
  {
    name: 'coverage.py JSON: NaN literal',
    files: { 'c/cov.json': coveragePy('[1, NaN]') },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error: /^quality-gate: c\/cov\.json:1:\d+: invalid JSON/,
  },
  {
    name: 'coverage.py JSON: duplicate "files" key, the last one counts as in every JSON reader',
    files: {
      'c/cov.json':
        '{"meta": {}, "files": {"src/app.py": {"executed_lines": [1], "missing_lines": [4, 5]}}, "files": {"src/app.py": {"executed_lines": [1, 4, 5], "missing_lines": []}}}',
    },
    inputs: { coverage: 'c/cov.json' },
    exit: 0,
    check: (r) => expect(r.outputs.coverage).toBe('100.00'),
  },
  {
    name: 'coverage.py JSON: files is a list',
    files: { 'c/cov.json': '{"meta": {}, "files": []}' },
    inputs: { coverage: 'c/cov.json' },
    exit: 1,
    error: 'c/cov.json: is not a coverage.py JSON report (expected "meta" and "files")',
  },
  // JUnit
  {
    name: 'JUnit: truncated',
    files: { 'j/junit.xml': junit('').slice(0, 120) },
    inputs: { junit: 'j/junit.xml' },
    exit: 1,
    error: /^quality-gate: j\/junit\.xml:\d+:\d+: truncated XML/,
  },
  {
    name: 'JUnit: empty',
    files: { 'j/junit.xml': '' },
    inputs: { junit: 'j/junit.xml' },
    exit: 1,
    error: /^quality-gate: j\/junit\.xml(:1:1)?: is empty/,
  },
  {
    name: 'JUnit: no test cases',
    files: { 'j/junit.xml': '<testsuites/>' },
    inputs: { junit: 'j/junit.xml' },
    exit: 1,
    error: 'j/junit.xml: contains no test cases',
  },
  {
    name: 'JUnit: huge',
    files: { 'j/junit.xml': huge },
    inputs: { junit: 'j/junit.xml' },
    exit: 1,
    error: `j/junit.xml: ${HUGE}`,
  },
  {
    name: 'JUnit: 100,000 nested suites',
    files: {
      'j/junit.xml': `<testsuites>${'<testsuite name="s">'.repeat(100_000)}<testcase name="t"/>${'</testsuite>'.repeat(100_000)}</testsuites>`,
    },
    inputs: { junit: 'j/junit.xml' },
    exit: 0,
    check: (r) => expect(r.outputs['tests-total']).toBe('1'),
  },
  {
    name: 'JUnit: injection in test name, class and message',
    files: {
      'j/junit.xml': junit('file="src/app.py" line="4"', xmlEscape(INJECT), xmlEscape(INJECT)).replace(
        'classname="tests.test_app" name="' + xmlEscape(INJECT),
        `classname="${xmlEscape(INJECT)}" name="${xmlEscape(INJECT)}`,
      ),
    },
    inputs: { junit: 'j/junit.xml', 'max-test-failures': '1' },
    exit: 0,
    errorAnnotations: [{ level: 'error', file: 'src/app.py', line: 4, title: ANY_TEXT, message: ANY_TEXT }],
    check: injectedShown,
  },
  // Lint, format and type reports: injection on a changed line reaches annotations and the summary neutralised
  ...Object.entries(injectedLint).map(([tool, text]): Case => ({
    name: `${tool}: injection in every text field of a finding on a changed line`,
    files: { [`l/${tool}.out`]: text, ...changed },
    inputs: {
      lint: `${tool}:l/${tool}.out`,
      'diff-file': 'd/x.diff',
      'max-new-lint-findings': '1',
      'max-lint-findings': '5',
      'max-type-errors': '1',
    },
    exit: 0,
    errorAnnotations: [
      {
        level: 'error',
        file: 'src/app.py',
        line: 5,
        title: ANY_TEXT,
        message: ANY_TEXT,
        ...(tool === 'sarif' || tool === 'mypy' ? {} : { column: 1 }),
      },
    ],
    check: injectedShown,
  })),
  {
    name: 'black: injection in file names of "would reformat" lines',
    files: {
      'l/black.txt': `would reformat ${INJECT}\nwould reformat src/app.py\nOh no! 2 files would be reformatted.\n`,
    },
    inputs: { lint: 'black:l/black.txt', 'require-formatted': 'true' },
    exit: 1,
    error: 'quality gate failed: Files to reformat 2 (needs = 0)',
    check: (r) => expect(r.summary).toContain(MARK),
  },
  {
    name: 'lint: 300 levels deep JSON',
    files: { 'l/ruff.json': deepJson(300) },
    inputs: { lint: 'l/ruff.json' },
    exit: 1,
    error: 'l/ruff.json:1:257: nests deeper than 256 levels',
  },
  {
    name: 'lint: truncated JSON',
    files: { 'l/ruff.json': injectedLint.ruff?.slice(0, 50) ?? '' },
    inputs: { lint: 'l/ruff.json' },
    exit: 1,
    error: /^quality-gate: l\/ruff\.json:1:\d+: invalid JSON/,
  },
  {
    name: 'lint: empty without a tool',
    files: { 'l/x.txt': '' },
    inputs: { lint: 'l/x.txt' },
    exit: 1,
    error: 'l/x.txt: is empty; force a format with tool:path (an empty file means no findings only for a known tool)',
  },
  {
    name: 'lint: binary',
    files: { 'l/x.txt': binary },
    inputs: { lint: 'l/x.txt' },
    exit: 1,
    error:
      'l/x.txt: is not a lint report this action recognises (ruff/ESLint/shellcheck JSON, SARIF, mypy text, black --check output); force a format with tool:path',
  },
  {
    name: 'lint: huge',
    files: { 'l/x.txt': huge },
    inputs: { lint: 'mypy:l/x.txt' },
    exit: 1,
    error: `l/x.txt: ${HUGE}`,
  },
  {
    name: 'lint: an unknown tool prefix is a path',
    inputs: { lint: 'pylint:l/x.json' },
    exit: 1,
    error: "Input 'lint': no file matches pylint:l/x.json",
  },
  {
    name: 'lint: line numbers past the limit are not annotation lines',
    files: {
      'l/ruff.json': JSON.stringify([
        { filename: 'src/app.py', location: { row: 1e300, column: -4 }, code: 'E1', message: 'far' },
      ]),
    },
    inputs: { lint: 'l/ruff.json' },
    exit: 0,
    check: (r) => expect(r.outputs['lint-findings']).toBe('1'),
  },
  // diff-file documents
  {
    name: 'diff-file: truncated hunk',
    files: { 'd/x.diff': DIFF.replace('@@ -4,0 +5 @@', '@@ -4,0 +5,3 @@') },
    inputs: { ...cov, 'diff-file': 'd/x.diff' },
    exit: 1,
    error: 'd/x.diff:5: is truncated: the last hunk misses 1 new lines',
  },
  {
    name: 'diff-file: binary',
    files: { 'd/x.diff': binary },
    inputs: { ...cov, 'diff-file': 'd/x.diff' },
    exit: 1,
    error: 'd/x.diff: is not a unified diff (no ---/+++ or diff --git header)',
  },
  {
    name: 'diff-file: empty is no change',
    files: { 'd/x.diff': '' },
    inputs: { ...cov, 'diff-file': 'd/x.diff', 'min-diff-coverage': '90' },
    exit: 0,
    check: (r) => expect(r.outputs['diff-coverage']).toBe(''),
  },
  {
    name: 'diff-file: huge',
    files: { 'd/x.diff': huge },
    inputs: { ...cov, 'diff-file': 'd/x.diff' },
    exit: 1,
    error: `d/x.diff: ${HUGE}`,
  },
  {
    name: 'diff-file: hunk header numbers past any file',
    files: { 'd/x.diff': '--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +99999999999999999999,1 @@\n+x\n' },
    inputs: { ...cov, 'diff-file': 'd/x.diff' },
    exit: 1,
    error:
      "d/x.diff:3: does not match the workspace: src/app.py line 100000000000000000000 differs from the diff (is the checkout at the diff's new side?)",
  },
  {
    name: 'diff-file: injection in a changed path',
    files: { 'd/x.diff': `--- a/x\n+++ b/${INJECT.replaceAll('\u001b', '')}\n@@ -0,0 +1 @@\n+x\n` },
    inputs: { ...cov, 'diff-file': 'd/x.diff' },
    exit: 1,
    error: /^quality-gate: d\/x\.diff:3: changes :\u200b:error:\u200b:INJECTED .*, which is not in the workspace$/,
  },
];

describe('quality-gate hostile input (bundled action)', () => {
  beforeAll(() => {
    ensureBundled(ACTION);
    top = mkdtempSync(path.join(tmpdir(), 'qg-hostile-'));
    outside = path.join(top, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), `${SECRET}\n`);
    execFileSync('mkfifo', [path.join(outside, 'fifo')]);
  }, 240_000);
  afterAll(() => {
    if (top) rmSync(top, { recursive: true, force: true });
  });

  const all: Case[] = [...row1, ...row12, ...held];
  it('has distinct case names, and an expected error line for every failing case', () => {
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    expect(all.filter((c) => c.exit === 1 && c.error === undefined).map((c) => c.name)).toEqual([]);
  });
  it.each(all.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const fill = (v: string): string =>
        v.replaceAll('{abs}', `${outside}/secret.txt`).replaceAll('{outside}', outside);
      const filled: Case = { ...c, inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fill(v)])) };
      if (c.files) {
        filled.files = Object.fromEntries(
          Object.entries(c.files).map(([k, v]) => [k, typeof v === 'string' ? fill(v) : v]),
        );
      }
      const { r, ws } = await runCase(filled);
      expectSafe(filled, r, ws);
      c.check?.(r, ws);
    },
    60_000,
  );
});
