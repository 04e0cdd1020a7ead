import { execCommand, UserError } from '@spikeformer-actions/core';

const GIT_TIMEOUT_MS = 120_000;

async function git(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await execCommand('git', ['-c', 'core.quotepath=off', ...args], { cwd, timeoutMs: GIT_TIMEOUT_MS, maxOutputBytes: 512 * 1024 * 1024 });
  if (r.timedOut) throw new UserError(`git ${args[0] ?? ''} timed out after ${GIT_TIMEOUT_MS / 1000} s`);
  if (r.truncated) throw new UserError(`git ${args[0] ?? ''} printed more than 512 MiB`);
  return { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr.trim() };
}

async function resolves(ref: string, cwd: string): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd)).ok;
}

/**
 * The diff of the working tree against the merge-base of `base` and HEAD, as diff-cover
 * takes it (committed, staged and unstaged changes), with paths relative to cwd.
 */
export async function gitDiffAgainst(base: string, cwd: string): Promise<{ diff: string; mergeBase: string; baseRef: string }> {
  if (base.startsWith('-')) throw new UserError(`diff-base '${base}' is not a git ref`);
  const inside = await git(['rev-parse', '--is-inside-work-tree'], cwd);
  if (!inside.ok) throw new UserError(`the workspace ${cwd} is not a git checkout (${inside.stderr}); use diff-file instead of diff-base`);
  let ref = base;
  if (!(await resolves(ref, cwd))) {
    const remote = `origin/${base}`;
    if (await resolves(remote, cwd)) ref = remote;
    else {
      throw new UserError(
        `diff-base '${base}' is not a commit in this checkout; fetch it (actions/checkout with fetch-depth: 0, or git fetch origin ${base})`,
      );
    }
  }
  const mb = await git(['merge-base', ref, 'HEAD'], cwd);
  if (!mb.ok || mb.stdout.trim() === '') {
    throw new UserError(`no merge-base between '${ref}' and HEAD (shallow clone? use actions/checkout with fetch-depth: 0): ${mb.stderr}`);
  }
  const mergeBase = mb.stdout.trim();
  const diff = await git(['diff', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', '-U0', '--relative', mergeBase, '--'], cwd);
  if (!diff.ok) throw new UserError(`git diff ${mergeBase} failed: ${diff.stderr}`);
  return { diff: diff.stdout, mergeBase, baseRef: ref };
}
