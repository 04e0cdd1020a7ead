import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Bundles an action with scripts/bundle.ts when its dist is missing or older than its
 * sources (or the built core). A lock folder keeps parallel test files from bundling twice.
 */
export function ensureBundled(actionDir: string): string {
  const dir = path.resolve(repoRoot, actionDir);
  const dist = path.join(dir, 'dist/index.js');
  const packages = path.join(repoRoot, 'packages');
  const libs = readdirSync(packages)
    .map((p) => path.join(packages, p, 'lib'))
    .filter((p) => mtime(p) > 0);
  const sources = [path.join(dir, 'src'), ...libs];
  const stale = (): boolean => mtime(dist) === 0 || sources.some((s) => newestMtime(s) > mtime(dist));
  if (!stale()) return dist;
  const lock = path.join(dir, '.bundle-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleepSync(250);
    }
  }
  try {
    if (stale()) {
      const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/bundle.ts'), path.basename(dir)], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`bundling ${actionDir} failed:\n${result.stdout}${result.stderr}`);
    }
  } finally {
    rmdirSync(lock);
  }
  return dist;
}
