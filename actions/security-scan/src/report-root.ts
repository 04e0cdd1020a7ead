import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RawFinding } from './model.js';

/**
 * A report made in a subdirectory (`cd src && bandit -r .`) names files relative to that
 * directory: as given they do not exist in the workspace. When none of a report's files exist
 * and one workspace directory holds every one of them, the report is re-rooted there;
 * otherwise the files that do not exist are counted, for a warning.
 */
export interface ReportRoot {
  /** The workspace directory the report's paths were re-rooted under. */
  rerootedTo?: string;
  /** Files the report names (workspace-relative) that do not exist in the workspace. */
  missing: number;
  /** Distinct files the report names inside the workspace. */
  named: number;
  firstMissing?: string;
}

// Reports name thousands of files at most; this many are enough to judge a report's root.
const MAX_PATHS_CHECKED = 20_000;
// Where a scanner is run from: a directory a few levels down, never inside dependencies or VCS data.
const MAX_DEPTH = 3;
const MAX_DIRECTORIES = 2_000;
const SKIPPED = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  'dist',
  'build',
]);

const exists = (file: string): boolean => statSync(file, { throwIfNoEntry: false }) !== undefined;

/** Workspace directories (relative), breadth first, within the depth and count limits. */
export function candidateDirectories(root: string): string[] {
  const out: string[] = [];
  let level = [''];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = readdirSync(path.join(root, dir), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory() || SKIPPED.has(e.name) || e.name.startsWith('.')) continue;
        const rel = dir === '' ? e.name : `${dir}/${e.name}`;
        out.push(rel);
        next.push(rel);
        if (out.length >= MAX_DIRECTORIES) return out;
      }
    }
    level = next;
  }
  return out;
}

/** Checks a report's code paths against the workspace and re-roots them when one directory explains them all. */
export function rootReport(findings: RawFinding[], root: string, directories: () => readonly string[]): ReportRoot {
  const named = new Set<string>();
  for (const f of findings) {
    const loc = f.location;
    if (loc === undefined || !loc.inWorkspace || f.package !== undefined) continue;
    named.add(loc.path);
    if (named.size >= MAX_PATHS_CHECKED) break;
  }
  const missing: string[] = [];
  for (const p of named) if (!exists(path.join(root, p))) missing.push(p);
  const first = missing[0];
  if (first === undefined) return { missing: 0, named: named.size };
  if (missing.length === named.size) {
    const holding = directories().filter((d) => exists(path.join(root, d, first)));
    const fits = holding.filter((d) => missing.every((p) => exists(path.join(root, d, p))));
    if (fits.length === 1) {
      const dir = fits[0] as string;
      for (const f of findings) {
        const loc = f.location;
        if (loc !== undefined && loc.inWorkspace && f.package === undefined)
          f.location = { ...loc, path: `${dir}/${loc.path}` };
      }
      return { rerootedTo: dir, missing: 0, named: named.size };
    }
  }
  return { missing: missing.length, named: named.size, firstMissing: first };
}
