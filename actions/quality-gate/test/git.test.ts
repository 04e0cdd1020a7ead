import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../src/diff.js';
import { gitDiffAgainst } from '../src/git.js';

let repo = '';
const git = (...args: string[]): string =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: repo },
    timeout: 30_000,
  });

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'qg-git-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.invalid');
  git('config', 'user.name', 't');
  git('config', 'commit.gpgsign', 'false');
  writeFileSync(path.join(repo, 'a.py'), 'a = 1\nb = 2\nc = 3\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  git('branch', 'base');
  // The base ref known only as a remote-tracking branch, as after actions/checkout.
  git('update-ref', 'refs/remotes/origin/only-remote', 'base');
  writeFileSync(path.join(repo, 'a.py'), 'a = 1\nb = 22\nc = 3\nd = 4\n');
  git('commit', '-q', '-am', 'feature');
  // Uncommitted work counts too, as diff-cover takes it.
  writeFileSync(path.join(repo, 'a.py'), 'a = 1\nb = 22\nc = 3\nd = 4\ne = 5\n');
});
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('changed lines from git', () => {
  it('is the diff of the working tree against the merge-base, committed and uncommitted changes', async () => {
    const r = await gitDiffAgainst('base', repo);
    const mergeBase = git('merge-base', 'base', 'HEAD').trim();
    expect(r.mergeBase).toBe(mergeBase);
    expect(r.baseRef).toBe('base');
    const cli = git(
      '-c',
      'core.quotepath=off',
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      '-U0',
      '--relative',
      mergeBase,
      '--',
    );
    expect(r.changes).toEqual(parseUnifiedDiff(cli, 'git diff', { keepText: false }));
    expect(cli).toContain('+b = 22\n');
    expect(cli).toContain('+e = 5\n');
    expect(r.changes.get('a.py')?.added).toEqual([2, 4, 5]);
  });
  it('falls back to origin/<base> when the base is only a remote-tracking branch', async () => {
    const r = await gitDiffAgainst('only-remote', repo);
    expect(r.baseRef).toBe('origin/only-remote');
    expect(r.changes).toEqual((await gitDiffAgainst('base', repo)).changes);
  });
  it('names the problem: an unknown base, an option-like base, a directory that is no checkout', async () => {
    await expect(gitDiffAgainst('no-such-ref', repo)).rejects.toThrow(
      /diff-base 'no-such-ref' is not a commit in this checkout/,
    );
    await expect(gitDiffAgainst('--output=/tmp/x', repo)).rejects.toThrow(/is not a git ref/);
    const outside = mkdtempSync(path.join(tmpdir(), 'qg-nogit-'));
    try {
      await expect(gitDiffAgainst('base', outside)).rejects.toThrow(/is not a git checkout/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
