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

/** The repository's real-data fixtures; each folder's SOURCES.md says where its files come from. */
export const fixturesDir = path.join(repoRoot, 'fixtures');

/** Absolute path of a file under fixtures/. A missing fixture throws, so the test fails rather than skips. */
export function fixturePath(relative: string): string {
  const file = path.join(fixturesDir, relative);
  if (!existsSync(file)) throw new Error(`fixture missing: fixtures/${relative}`);
  return file;
}
