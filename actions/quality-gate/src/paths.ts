import path from 'node:path';
import { resolveInWorkspace, workspaceRelative } from '@spikeformer-actions/core';

/**
 * Maps a path as a report names it (absolute from another machine, relative to a Cobertura
 * <source>, `file://` URI, Windows separators) to a workspace-relative POSIX path.
 */
export interface PathMapperOptions {
  /** Absolute workspace root (POSIX separators). */
  root: string;
  /** Prefixes to strip (e.g. the CI checkout path the report was made in). */
  prefixes: readonly string[];
  /** Whether a workspace-relative path exists; without it, the first candidate is taken. */
  exists?: (relative: string) => boolean;
}

function normalise(p: string): string {
  let s = p.replace(/\\/g, '/');
  if (s.startsWith('file://')) s = decodeURIComponent(s.slice(7));
  if (/^\/[A-Za-z]:\//.test(s)) s = s.slice(1);
  return s;
}

/** A relative path that normalize would return unchanged: no `.`/`..`/empty segments, no trailing '/'. */
const NOT_PLAIN = /(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$/;
export function isPlainPath(p: string): boolean {
  return p !== '' && !NOT_PLAIN.test(p);
}

function stripSlash(p: string): string {
  return p.replace(/\/+$/, '');
}

/** path.join(dir, rel) for an absolute dir, without normalising when rel is plain (thousands of calls). */
export function joinUnder(dir: string, rel: string): string {
  if (!isPlainPath(rel) || !path.isAbsolute(dir) || dir.endsWith('/') !== (dir === '/') || NOT_PLAIN.test(dir.slice(1)))
    return path.join(dir, rel);
  return dir === '/' ? `/${rel}` : `${dir}/${rel}`;
}

export class PathMapper {
  private readonly root: string;
  private readonly prefixes: string[];
  private readonly exists: ((relative: string) => boolean) | undefined;
  private readonly cache = new Map<string, string | undefined>();
  // A report's files all come with the same source roots: their cache-key part is made once.
  private lastRoots: readonly string[] | undefined;
  private lastRootsKey = '';

  constructor(options: PathMapperOptions) {
    this.root = stripSlash(normalise(options.root));
    this.prefixes = options.prefixes.map((p) => stripSlash(normalise(p))).filter((p) => p !== '');
    this.exists = options.exists;
  }

  private relativeTo(p: string): string | undefined {
    const clean = path.posix.normalize(p);
    if (clean === this.root) return '';
    if (clean.startsWith(`${this.root}/`)) return clean.slice(this.root.length + 1);
    for (const prefix of this.prefixes) {
      if (clean === prefix) return '';
      if (clean.startsWith(`${prefix}/`)) return clean.slice(prefix.length + 1);
    }
    return undefined;
  }

  /**
   * The candidates for a report path, best first (duplicates and paths leaving the
   * workspace are skipped by the caller). A generator: the first one usually exists.
   */
  private *candidates(reportPath: string, sourceRoots: readonly string[]): Generator<string | undefined> {
    const p = normalise(reportPath);
    const isAbs = p.startsWith('/') || /^[A-Za-z]:\//.test(p);
    if (isAbs) {
      yield this.relativeTo(p);
    } else {
      for (const root of sourceRoots) {
        const r = normalise(root);
        if (r.startsWith('/') || /^[A-Za-z]:\//.test(r)) {
          const rel = this.relativeTo(r);
          if (rel !== undefined) yield rel === '' ? p : `${rel}/${p}`;
        } else {
          yield `${r}/${p}`;
        }
      }
      for (const prefix of this.prefixes) if (!prefix.startsWith('/')) yield `${prefix}/${p}`;
      yield p;
    }
    // Last resort for paths from another machine: ever shorter suffixes that exist here.
    if (this.exists) {
      const parts = p.split('/').filter((s) => s !== '');
      for (let i = 1; i < parts.length; i++) yield parts.slice(i).join('/');
    }
  }

  /** Workspace-relative path, or undefined when the report path maps to nothing in the workspace. */
  map(reportPath: string, sourceRoots: readonly string[] = []): string | undefined {
    if (sourceRoots !== this.lastRoots) {
      this.lastRoots = sourceRoots;
      this.lastRootsKey = sourceRoots.join('\0');
    }
    const key = `${reportPath}\0${this.lastRootsKey}`;
    if (this.cache.has(key)) return this.cache.get(key);
    let found: string | undefined;
    const seen: string[] = [];
    for (const c of this.candidates(reportPath, sourceRoots)) {
      if (c === undefined) continue;
      // Relative to the source root '.' is the common shape: './a/b.py' normalises to 'a/b.py'.
      const bare = c.startsWith('./') ? c.slice(2) : c;
      const n = isPlainPath(bare) ? bare : path.posix.normalize(c).replace(/^\.\//, '');
      if (n === '' || n.startsWith('../') || seen.includes(n)) continue;
      seen.push(n);
      if (!this.exists || this.exists(n)) {
        found = n;
        break;
      }
    }
    this.cache.set(key, found);
    return found;
  }
}

/**
 * A report's path as an annotation's file: workspace-relative by the core's path policy, or
 * undefined (the annotation goes without a file) for a path outside the workspace, absolute
 * elsewhere, through a symlink out, or with control characters.
 */
export function annotationPath(file: string, root: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (file === '' || /[\u0000-\u001f\u007f]/.test(file)) return undefined;
  let abs: string;
  try {
    abs = resolveInWorkspace(file, 'annotation', root);
  } catch {
    return undefined;
  }
  const rel = workspaceRelative(abs, root);
  return rel === '' ? undefined : rel;
}
