import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundled } from '../packages/testing/lib/index.js';
import { actionsDir, repoRoot } from '../scripts/lib/actions.ts';

// run-local is started by pnpm (`bash scripts/dev run-local …`), which runs it from the
// repository root and puts the directory the user typed the command in into INIT_CWD.
// Relative paths on the command line are the user's, so they resolve against that directory.

const junit = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="s" tests="3" failures="1"><testcase classname="c" name="a"/><testcase classname="c" name="b"/>
<testcase classname="c" name="d"><failure message="boom">boom</failure></testcase></testsuite></testsuites>
`;

/** A user's project outside the repository: a JUnit report and an inputs file in a subfolder. */
function userProject(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sf-run-local-')));
  mkdirSync(path.join(dir, 'ci'));
  writeFileSync(path.join(dir, 'junit.xml'), junit);
  writeFileSync(path.join(dir, 'ci/inputs.yml'), 'junit: junit.xml\nmax-test-failures: 1\njson-file: gate.json\n');
  writeFileSync(path.join(dir, 'a-file.txt'), 'not a directory\n');
  writeFileSync(path.join(dir, 'ci/broken.yml'), 'junit: [unclosed\n');
  writeFileSync(path.join(dir, 'ci/unknown.yml'), 'junit: junit.xml\nno-such-input: 1\n');
  return dir;
}

/** What pnpm does for `pnpm run run-local …` typed in `from`: cwd the root, INIT_CWD `from`. */
function viaPnpm(from: string, args: string[]) {
  const env = { ...process.env, INIT_CWD: from, npm_lifecycle_event: 'run-local' };
  return spawnSync(process.execPath, [path.join(repoRoot, 'scripts/run-local.ts'), ...args], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

const outputsOf = (stdout: string): Record<string, string> =>
  Object.fromEntries(
    stdout
      .split('── outputs ──\n')[1]
      ?.split('── summary')[0]
      ?.split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]) ?? [],
  );

describe('run-local resolves paths where the user ran it', { timeout: 180_000 }, () => {
  let project = '';
  beforeAll(() => {
    ensureBundled(path.join(actionsDir, 'quality-gate'));
    project = userProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('a relative inputs file and --workspace . are the caller directory, not the repository root', () => {
    const r = viaPnpm(project, ['quality-gate', 'ci/inputs.yml', '--workspace', '.']);
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(0);
    expect(outputsOf(r.stdout)).toMatchObject({ status: 'passed', 'tests-total': '3', 'tests-failed': '1' });
    // The action's files land in the caller's workspace, never in the repository.
    expect(existsSync(path.join(project, 'gate.json'))).toBe(true);
    expect(existsSync(path.join(repoRoot, 'gate.json'))).toBe(false);
  });

  it('without --workspace the workspace is the caller directory', () => {
    const r = viaPnpm(path.join(project, 'ci'), ['quality-gate', 'inputs.yml', '--workspace', '..']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(outputsOf(r.stdout)['tests-total']).toBe('3');
    rmSync(path.join(project, 'gate.json'), { force: true });
    const bare = viaPnpm(project, ['quality-gate', 'ci/inputs.yml']);
    expect(bare.status, bare.stdout + bare.stderr).toBe(0);
    expect(outputsOf(bare.stdout)['tests-total']).toBe('3');
    expect(existsSync(path.join(project, 'gate.json'))).toBe(true);
  });

  it('run straight with node, the current directory counts and a stray INIT_CWD does not', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: repoRoot };
    delete env.npm_lifecycle_event;
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'scripts/run-local.ts'), 'quality-gate', 'ci/inputs.yml'],
      { cwd: project, env, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(outputsOf(r.stdout)['tests-total']).toBe('3');
  });

  it('through pnpm itself, typed in the caller directory', () => {
    const pnpm = path.join(repoRoot, '.ci/tools/node_modules/.bin/pnpm');
    const r = spawnSync(
      pnpm,
      ['--dir', repoRoot, 'run', '--silent', 'run-local', 'quality-gate', 'ci/inputs.yml', '--workspace', '.'],
      {
        cwd: project,
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(outputsOf(r.stdout)['tests-total']).toBe('3');
  });

  it('through the README command, bash scripts/dev run-local, typed in the caller directory', () => {
    const r = spawnSync(
      'bash',
      [path.join(repoRoot, 'scripts/dev'), 'run-local', 'quality-gate', 'ci/inputs.yml', '--workspace', '.'],
      {
        cwd: project,
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(outputsOf(r.stdout)['tests-total']).toBe('3');
    expect(existsSync(path.join(repoRoot, 'gate.json'))).toBe(false);
  });

  it.each([
    [
      'a missing inputs file',
      ['quality-gate', 'ci/nope.yml'],
      (p: string) => `run-local: inputs file ci/nope.yml not found (${p}/ci/nope.yml)`,
    ],
    [
      'a missing workspace',
      ['quality-gate', 'ci/inputs.yml', '--workspace', 'gone'],
      (p: string) => `run-local: workspace gone not found (${p}/gone)`,
    ],
    [
      'a workspace that is a file',
      ['quality-gate', 'ci/inputs.yml', '--workspace', 'a-file.txt'],
      (p: string) => `run-local: workspace a-file.txt is not a directory (${p}/a-file.txt)`,
    ],
    [
      'a missing event file',
      ['quality-gate', 'ci/inputs.yml', '--event', 'event.json'],
      (p: string) => `run-local: event file event.json not found (${p}/event.json)`,
    ],
    [
      'an inputs file that is not YAML',
      ['quality-gate', 'ci/broken.yml'],
      () => /^run-local: ci\/broken\.yml: invalid YAML: .+$/,
    ],
    [
      'an input the action does not declare',
      ['quality-gate', 'ci/unknown.yml'],
      () => `run-local: ci/unknown.yml: quality-gate has no input 'no-such-input'`,
    ],
    [
      'an unknown action',
      ['no-such-action', 'ci/inputs.yml'],
      () => /^run-local: no action named no-such-action \(actions: benchmark-gate, .*\)$/,
    ],
    [
      'an option without its value',
      ['quality-gate', 'ci/inputs.yml', '--workspace'],
      () => 'run-local: --workspace needs a value',
    ],
  ])('%s is one clear error line', (_what, args, expected) => {
    const r = viaPnpm(project, args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const want = expected(project);
    if (typeof want === 'string') expect(lines[0]).toBe(want);
    else expect(lines[0]).toMatch(want);
  });
});
