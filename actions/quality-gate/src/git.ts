import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execCommand, UserError } from '@spikeformer-actions/core';

const GIT_TIMEOUT_MS = 120_000;
const MAX_DIFF_BYTES = 512 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

async function git(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await execCommand('git', ['-c', 'core.quotepath=off', ...args], { cwd, timeoutMs: GIT_TIMEOUT_MS, maxOutputBytes: MAX_DIFF_BYTES });
  if (r.timedOut) throw new UserError(`git ${args[0] ?? ''} timed out after ${GIT_TIMEOUT_MS / 1000} s`);
  if (r.truncated) throw new UserError(`git ${args[0] ?? ''} printed more than 512 MiB`);
  return { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr.trim() };
}

let outputFiles = 0;

/** A new file for git's output: created exclusively ('wx'), in RUNNER_TEMP when it can be. */
function createOutputFile(): { file: string; fd: number } {
  // No crypto for the name: 'wx' refuses an existing file, and loading crypto costs start-up time.
  const name = `quality-gate-${process.pid}-${Date.now()}-${++outputFiles}.out`;
  const dirs = [process.env.RUNNER_TEMP, tmpdir()].filter((d): d is string => !!d);
  for (let i = 0; ; i++) {
    const file = path.join(dirs[i] as string, name);
    try {
      return { file, fd: openSync(file, 'wx', 0o600) };
    } catch (error) {
      if (i + 1 >= dirs.length) throw error; // RUNNER_TEMP missing or read-only (outside a runner): try the next
    }
  }
}

/**
 * Runs git with its output going to a temporary file rather than a pipe: git then runs to
 * the end on the other core while this process is busy parsing the coverage report (a pipe
 * fills at 64 KiB and stalls git until the event loop reads it). Same limits as git():
 * killed after the timeout or once the file passes 512 MiB.
 */
function gitToFile(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const { file, fd } = createOutputFile();
  const cleanUp = (): void => rmSync(file, { force: true });
  return new Promise<{ ok: boolean; stdout: string; stderr: string }>((resolve, reject) => {
    let child;
    try {
      child = spawn('git', ['-c', 'core.quotepath=off', ...args], { cwd, stdio: ['ignore', fd, 'pipe'], windowsHide: true });
    } catch (error) {
      cleanUp();
      throw error;
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    let stderr = '';
    let problem: string | undefined;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk;
    });
    const stop = (why: string): void => {
      problem ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`git ${args[0] ?? ''} timed out after ${GIT_TIMEOUT_MS / 1000} s`), GIT_TIMEOUT_MS);
    const sizeCheck = setInterval(() => {
      try {
        if (statSync(file).size > MAX_DIFF_BYTES) stop(`git ${args[0] ?? ''} printed more than 512 MiB`);
      } catch {
        // gone or unreadable: the read after exit reports it
      }
    }, 500);
    const done = (): void => {
      clearTimeout(timer);
      clearInterval(sizeCheck);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      done();
      cleanUp();
      reject(error.code === 'ENOENT' ? new UserError("'git' was not found on PATH") : error);
    });
    child.on('close', (exitCode) => {
      done();
      try {
        if (problem !== undefined) throw new UserError(problem);
        if (statSync(file).size > MAX_DIFF_BYTES) throw new UserError(`git ${args[0] ?? ''} printed more than 512 MiB`);
        resolve({ ok: exitCode === 0, stdout: exitCode === 0 ? readFileSync(file, 'utf8') : '', stderr: stderr.trim() });
      } catch (error) {
        reject(error);
      } finally {
        cleanUp();
      }
    });
  });
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
export async function gitDiffAgainst(base: string, cwd: string): Promise<{ diff: string; mergeBase: string; baseRef: string }> {
  if (base.startsWith('-')) throw new UserError(`diff-base '${base}' is not a git ref`);
  const [quick, quickBase] = await Promise.all([gitToFile([...diffArgs, '--merge-base', base, '--'], cwd), git(['merge-base', base, 'HEAD'], cwd)]);
  if (quick.ok && quickBase.ok && quickBase.stdout.trim() !== '') return { diff: quick.stdout, mergeBase: quickBase.stdout.trim(), baseRef: base };

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
  const diff = await gitToFile([...diffArgs, mergeBase, '--'], cwd);
  if (!diff.ok) throw new UserError(`git diff ${mergeBase} failed: ${diff.stderr}`);
  return { diff: diff.stdout, mergeBase, baseRef: ref };
}
