import type { FileChange } from '../diff.js';
import type { PathMapper } from '../paths.js';
import type { Finding, FindingLevel } from './model.js';

export interface PlacedFinding extends Finding {
  /** Workspace-relative path, when the finding's file maps to one. */
  repoPath?: string;
  /** On a changed line (or, for a finding without a line, in a changed file). */
  onChangedLine: boolean;
}

const RANK: Record<FindingLevel, number> = { note: 0, warning: 1, error: 2 };

export function atLeastLevel(level: FindingLevel, min: FindingLevel): boolean {
  return RANK[level] >= RANK[min];
}

/** Maps each finding to the workspace and marks those on changed lines, like reviewdog's "added" filter. */
export function placeFindings(
  findings: readonly Finding[],
  mapper: PathMapper,
  changes: Map<string, FileChange> | undefined,
): PlacedFinding[] {
  const addedSets = new Map<string, Set<number>>();
  const addedOf = (path: string): Set<number> | undefined => {
    const change = changes?.get(path);
    if (!change) return undefined;
    let set = addedSets.get(path);
    if (!set) {
      set = new Set(change.added);
      addedSets.set(path, set);
    }
    return set;
  };
  return findings.map((f) => {
    const repoPath = f.file === '' ? undefined : mapper.map(f.file);
    const placed: PlacedFinding = { ...f, onChangedLine: false };
    if (repoPath !== undefined) placed.repoPath = repoPath;
    const added = repoPath === undefined ? undefined : addedOf(repoPath);
    if (added && added.size > 0) {
      if (f.line === undefined) placed.onChangedLine = true;
      else {
        const end = Math.max(f.endLine ?? f.line, f.line);
        for (let l = f.line; l <= end && l - f.line < 10_000; l++) {
          if (added.has(l)) {
            placed.onChangedLine = true;
            break;
          }
        }
      }
    }
    return placed;
  });
}
