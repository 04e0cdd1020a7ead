import { statSync } from 'node:fs';
import { expandGlobs, UserError, workspaceRelative } from '@spikeformer-actions/core';
import { lockKindOf, READABLE_FILES } from './readers/index.js';

/** File names searched for in a directory; requirements files by pattern. */
export const LOCKFILE_PATTERNS = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'requirements*.txt',
  '*-requirements.txt',
  '*_requirements.txt',
  'requirements/*.txt',
];

/** Never searched: installed trees hold lockfiles of other projects. */
export const ALWAYS_EXCLUDED = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.venv/**',
  '**/venv/**',
  '**/site-packages/**',
  '**/.tox/**',
];

/** The lockfiles `path` names: itself when a file, else every lockfile below it minus the excludes. */
export async function discoverLockfiles(target: string, exclude: readonly string[], root: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new UserError(`Input 'path': '${workspaceRelative(target, root) || '.'}' does not exist`);
  }
  if (!isDir) {
    if (!lockKindOf(target, true))
      throw new UserError(
        `Input 'path': '${workspaceRelative(target, root)}' is not a lockfile this action reads: give ${READABLE_FILES}`,
      );
    return [target];
  }
  const rel = workspaceRelative(target, root);
  const prefix = rel === '' ? '' : `${rel}/`;
  const patterns = [
    ...LOCKFILE_PATTERNS.map((p) => `${prefix}**/${p}`),
    ...[...ALWAYS_EXCLUDED, ...exclude].map((p) => `!${p}`),
  ];
  const files = await expandGlobs(patterns, "Input 'path'", root);
  return files.filter((f) => lockKindOf(f) !== undefined);
}
