// The git side of a release, in a private bare repository of its own: the source checkout's git
// state is never touched. The release tree is the work tree of each command.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redactUrl } from '../../packages/core/lib/index.js';

export class GitError extends Error {}

/** Runs git; its trimmed stdout, or a GitError with the command (URLs without credentials) and stderr. */
export function git(
  args: string[],
  options: { cwd?: string; allowFailure?: boolean } = {},
): { status: number; stdout: string } {
  // stdout and stderr are null when git could not be started.
  const result: SpawnSyncReturns<string | null> = spawnSync('git', args, {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // Never wait for a password on a terminal; a missing credential is an error.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C' },
  });
  const status = result.status ?? 1;
  if (status !== 0 && !options.allowFailure) {
    const shown = args.map((a) => (/^[a-z][\w+.-]*:\/\//i.test(a) ? redactUrl(a) : a)).join(' ');
    const why = (result.error?.message ?? result.stderr ?? '').trim().split('\n').slice(-5).join(' | ');
    throw new GitError(`git ${shown} failed (exit ${status}): ${why}`);
  }
  return { status, stdout: (result.stdout ?? '').trim() };
}

/** The URL of a remote of the source checkout, or the argument itself (a URL or a path). */
export function remoteUrl(sourceRepo: string, remote: string): string {
  const named = git(['-C', sourceRepo, 'remote', 'get-url', remote], { allowFailure: true });
  return named.status === 0 && named.stdout !== '' ? named.stdout : remote;
}

/** The remote's branches and tags: ref name → object id (for annotated tags, the tag object). */
export function remoteRefs(url: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of git(['ls-remote', '--heads', '--tags', url]).stdout.split('\n')) {
    const [oid, ref] = line.split('\t');
    if (oid && ref && !ref.endsWith('^{}')) refs.set(ref, oid);
  }
  return refs;
}

export interface PublishPlan {
  url: string;
  tree: string;
  /** releases/v<major> */
  branch: string;
  /** vX.Y.Z (annotated, never moved) */
  tag: string;
  /** v<major> (moved) */
  majorTag: string;
  /** Whether the branch already exists on the remote (then the release commit goes on top of it). */
  branchExists: boolean;
  message: string;
  tagMessage: string;
  identity: { name: string; email: string };
}

/**
 * Commits the tree on top of the release branch, tags it and pushes branch and tags in one
 * atomic push: the remote gets all three refs or none. The branch update is a fast-forward and
 * the new tag is not forced, so a release racing another one is rejected by the remote.
 */
export function commitTagAndPush(plan: PublishPlan): { commit: string } {
  const gitDir = mkdtempSync(path.join(tmpdir(), 'sf-release-git-'));
  try {
    git(['init', '--quiet', '--bare', gitDir]);
    const base = [
      `--git-dir=${gitDir}`,
      `--work-tree=${plan.tree}`,
      '-c',
      `user.name=${plan.identity.name}`,
      '-c',
      `user.email=${plan.identity.email}`,
      '-c',
      'commit.gpgsign=false',
      '-c',
      'tag.gpgsign=false',
      // A global ignore file (dist/ is a common entry) must not drop files from the release.
      '-c',
      'core.excludesFile=/dev/null',
      '-c',
      'core.autocrlf=false',
    ];
    const run = (...args: string[]): string => git([...base, ...args]).stdout;
    run('symbolic-ref', 'HEAD', `refs/heads/${plan.branch}`);
    if (plan.branchExists) {
      // The parent commit is enough: the remote has the rest of the history.
      run(
        'fetch',
        '--quiet',
        '--no-tags',
        '--depth=1',
        plan.url,
        `+refs/heads/${plan.branch}:refs/heads/${plan.branch}`,
      );
      run('read-tree', 'HEAD');
    } else {
      run('read-tree', '--empty');
    }
    run('add', '--all', '--force', '.');
    run('commit', '--quiet', '--allow-empty', '--no-verify', '-m', plan.message);
    const commit = run('rev-parse', 'HEAD');
    run('tag', '--annotate', '-m', plan.tagMessage, plan.tag, commit);
    run('tag', '--force', plan.majorTag, commit);
    run(
      'push',
      '--quiet',
      '--atomic',
      '--no-verify',
      plan.url,
      `refs/heads/${plan.branch}:refs/heads/${plan.branch}`,
      `refs/tags/${plan.tag}:refs/tags/${plan.tag}`,
      `+refs/tags/${plan.majorTag}:refs/tags/${plan.majorTag}`,
    );
    return { commit };
  } finally {
    rmSync(gitDir, { recursive: true, force: true });
  }
}
