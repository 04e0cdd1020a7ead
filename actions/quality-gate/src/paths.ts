import path from 'node:path';

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

function stripSlash(p: string): string {
  return p.replace(/\/+$/, '');
}

export class PathMapper {
  private readonly root: string;
  private readonly prefixes: string[];
  private readonly exists: ((relative: string) => boolean) | undefined;
  private readonly cache = new Map<string, string | undefined>();

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

  /** The candidates for a report path, best first. */
  private candidates(reportPath: string, sourceRoots: readonly string[]): string[] {
    const p = normalise(reportPath);
    const out: string[] = [];
    const push = (c: string | undefined): void => {
      if (c === undefined) return;
      const n = path.posix.normalize(c).replace(/^\.\//, '');
      if (n !== '' && !n.startsWith('../') && !out.includes(n)) out.push(n);
    };
    const isAbs = p.startsWith('/') || /^[A-Za-z]:\//.test(p);
    if (isAbs) {
      push(this.relativeTo(p));
    } else {
      for (const root of sourceRoots) {
        const r = normalise(root);
        if (r.startsWith('/') || /^[A-Za-z]:\//.test(r)) {
          const rel = this.relativeTo(r);
          if (rel !== undefined) push(rel === '' ? p : `${rel}/${p}`);
        } else {
          push(`${r}/${p}`);
        }
      }
      for (const prefix of this.prefixes) if (!prefix.startsWith('/')) push(`${prefix}/${p}`);
      push(p);
    }
    // Last resort for paths from another machine: ever shorter suffixes that exist here.
    if (this.exists) {
      const parts = p.split('/').filter((s) => s !== '');
      for (let i = 1; i < parts.length; i++) push(parts.slice(i).join('/'));
    }
    return out;
  }

  /** Workspace-relative path, or undefined when the report path maps to nothing in the workspace. */
  map(reportPath: string, sourceRoots: readonly string[] = []): string | undefined {
    const key = `${reportPath}\0${sourceRoots.join('\0')}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const candidates = this.candidates(reportPath, sourceRoots);
    let found: string | undefined;
    if (this.exists) found = candidates.find((c) => this.exists?.(c));
    else found = candidates[0];
    this.cache.set(key, found);
    return found;
  }
}
