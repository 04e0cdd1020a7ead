import { realpathSync } from 'node:fs';
import path from 'node:path';
import { PathError } from './errors.js';
import { isFile } from './files.js';

/** The job's workspace: GITHUB_WORKSPACE, or the current directory outside the runner. */
export function workspaceRoot(): string {
  return path.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The real path of p, resolving symlinks in its nearest existing ancestor when p does not exist yet. */
function realOrSelf(p: string): string {
  const rest: string[] = [];
  for (let current = p; ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      if (path.dirname(current) === current) return p;
      rest.push(path.basename(current));
    }
  }
}

/**
 * Resolves a user-given path inside the workspace. Refuses `..` escapes, absolute paths
 * elsewhere, and symlinks whose target leaves the workspace. `what` names the input or file.
 */
export function resolveInWorkspace(userPath: string, what: string, root = workspaceRoot()): string {
  const resolved = path.resolve(root, userPath);
  if (!isInside(root, resolved)) {
    throw new PathError(what, `path '${userPath}' is outside the workspace ${root}`);
  }
  const realRoot = realOrSelf(root);
  const real = realOrSelf(resolved);
  if (!isInside(realRoot, real)) {
    throw new PathError(what, `path '${userPath}' leads through a symlink outside the workspace`);
  }
  return resolved;
}

/** Workspace-relative POSIX path, for messages, annotations and SARIF. */
export function workspaceRelative(absolute: string, root = workspaceRoot()): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

/** Characters that make a pattern a glob for tinyglobby (picomatch), extglobs and escapes included. */
const GLOB_SYNTAX = /[*?[\]{}()!+@\\]/;

/**
 * Expands globs (one per entry; `!pattern` excludes) to files inside the workspace, sorted.
 * Plain paths are checked to exist. Matches through symlinks leaving the workspace are refused.
 */
export async function expandGlobs(
  patterns: readonly string[],
  what: string,
  root = workspaceRoot(),
): Promise<string[]> {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  for (const p of [...include, ...exclude]) {
    const base = p.replace(/[*?[{].*$/, '') || '.';
    if (base === p) resolveInWorkspace(p, what, root);
    else if (
      !isInside(root, path.resolve(root, base)) ||
      !isInside(realOrSelf(root), realOrSelf(path.resolve(root, base)))
    ) {
      throw new PathError(what, `pattern '${p}' reaches outside the workspace ${root}`);
    }
  }
  const realRoot = realOrSelf(root);
  // Plain paths (the usual `coverage.xml`) need no matcher: the glob library's code costs
  // 5–10 ms to load and compile, more than the rest of reading the inputs.
  if (exclude.length === 0 && !include.some((p) => GLOB_SYNTAX.test(p))) {
    const files = include
      .map((p) => path.resolve(root, p))
      .filter((f) => isFile(f) && isInside(realRoot, realOrSelf(f)));
    return [...new Set(files)].sort();
  }
  const relative = include.map((p) => (path.isAbsolute(p) ? path.relative(root, p) : p).split(path.sep).join('/'));
  const { glob } = await import('tinyglobby');
  const files = await glob(relative, {
    cwd: root,
    ignore: exclude.map((p) => (path.isAbsolute(p) ? path.relative(root, p) : p)),
    absolute: true,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    expandDirectories: false,
  });
  const inside = files.filter((f) => isInside(realRoot, realOrSelf(f)));
  return [...new Set(inside.map((f) => path.resolve(f)))].sort();
}
