import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execCommand, UserError } from '@spikeformer-actions/core';
import { DiffStream, type FileChange } from './diff.js';

const GIT_TIMEOUT_MS = 120_000;

let outputFiles = 0;

/**
 * A new path for git's output, in RUNNER_TEMP when it is writable. No crypto for the name:
 * execCommand creates it exclusively.
 */
function outputFile(): string {
  const name = `quality-gate-${process.pid}-${Date.now()}-${++outputFiles}.out`;
  const runnerTemp = process.env.RUNNER_TEMP;
  if (runnerTemp) {
    try {
      accessSync(runnerTemp, constants.W_OK);
      return path.join(runnerTemp, name);
    } catch {
      // missing or read-only (outside a runner): the system's temporary directory
    }
  }
  return path.join(tmpdir(), name);
}

/**
 * Runs git. With a DiffStream its output goes to a temporary file rather than a pipe (see
 * execCommand's stdoutFile) and is parsed as it grows: git diff then runs to the end on the
 * other core while this process parses the coverage report, and what git wrote meanwhile is
 * parsed as soon as this thread is free, not after git ends.
 */
async function git(
  args: string[],
  cwd: string,
  stream?: DiffStream,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await execCommand('git', ['-c', 'core.quotepath=off', ...args], {
    cwd,
    timeoutMs: GIT_TIMEOUT_MS,
    maxOutputBytes: 512 * 1024 * 1024,
    ...(stream ? { stdoutFile: outputFile(), onStdout: (chunk: Buffer) => stream.push(chunk) } : {}),
  });
  if (r.timedOut) throw new UserError(`git ${args[0] ?? ''} timed out after ${GIT_TIMEOUT_MS / 1000} s`);
  if (r.truncated) throw new UserError(`git ${args[0] ?? ''} printed more than 512 MiB`);
  return { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr.trim() };
}

async function resolves(ref: string, cwd: string): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd)).ok;
}

const diffArgs = ['diff', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', '-U0', '--relative'];

/**
 * The diff of the working tree against the merge-base of `base` and HEAD, as diff-cover
 * takes it (committed, staged and unstaged changes), with paths relative to cwd.
 *
 * The usual case costs two git processes started together: `git diff --merge-base base`
 * (the same diff as against `git merge-base base HEAD`) and `git merge-base` for the log
 * line. When either fails (not a checkout, base only on origin/, several merge-bases …)
 * the checks run one by one, for the precise message and the origin/ fallback.
 */
export async function gitDiffAgainst(
  base: string,
  cwd: string,
): Promise<{ changes: Map<string, FileChange>; mergeBase: string; baseRef: string }> {
  if (base.startsWith('-')) throw new UserError(`diff-base '${base}' is not a git ref`);
  const quickStream = new DiffStream('git diff');
  const [quick, quickBase] = await Promise.all([
    git([...diffArgs, '--merge-base', base, '--'], cwd, quickStream),
    git(['merge-base', base, 'HEAD'], cwd),
  ]);
  if (quick.ok && quickBase.ok && quickBase.stdout.trim() !== '')
    return { changes: quickStream.end(), mergeBase: quickBase.stdout.trim(), baseRef: base };

  const inside = await git(['rev-parse', '--is-inside-work-tree'], cwd);
  if (!inside.ok)
    throw new UserError(
      `the workspace ${cwd} is not a git checkout (${inside.stderr}); use diff-file instead of diff-base`,
    );
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
    throw new UserError(
      `no merge-base between '${ref}' and HEAD (shallow clone? use actions/checkout with fetch-depth: 0): ${mb.stderr}`,
    );
  }
  const mergeBase = mb.stdout.trim();
  const stream = new DiffStream('git diff');
  const diff = await git([...diffArgs, mergeBase, '--'], cwd, stream);
  if (!diff.ok) throw new UserError(`git diff ${mergeBase} failed: ${diff.stderr}`);
  return { changes: stream.end(), mergeBase, baseRef: ref };
}
