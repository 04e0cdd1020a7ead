import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root (pnpm-workspace.yaml) not found');
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot();

/** `../shared` beside the clone, as on CI. */
export const sharedDir = path.resolve(repoRoot, '../shared');

/**
 * Absolute path of a file under ../shared/fixtures. A missing fixture throws, so the test
 * fails rather than skips.
 */
export function sharedFixture(relative: string): string {
  const file = path.join(sharedDir, 'fixtures', relative);
  if (!existsSync(file)) throw new Error(`fixture missing: ${file} (tests need ../shared beside the repository)`);
  return file;
}
